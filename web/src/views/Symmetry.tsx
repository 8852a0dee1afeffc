/** The symmetry panel: the orbit slider (global or per-neuron), balance to c*, and F along the orbit. */
import type { OrbitCurve, SymmetryView } from '../lab.js';
import { tip } from '../quantities.js';
import { byKey } from '../tables.js';
import { orbitChart } from './charts.js';
import { PlotView } from './PlotView.js';
import { Readout } from './Readout.js';

export function SymmetryPanel(props: {
  view: SymmetryView;
  orbit: OrbitCurve | null;
  shownF: number | undefined;
  fShift: number | null;
  onView: (v: Partial<SymmetryView>) => void;
}) {
  const { view, orbit, shownF, onView } = props;
  const symDef = byKey('symLog');
  return (
    <div class="panel symmetry">
      <h2 title={tip(symDef)}>Symmetry: rescale along the orbit</h2>
      <label class="slider" title={tip(symDef)}>
        <span>c = 10^</span>
        <input
          type="range"
          data-testid="sym-slider"
          min={-3}
          max={3}
          step={0.05}
          value={view.symLog}
          onInput={(e) => onView({ symLog: Number((e.target as HTMLInputElement).value) })}
        />
        <output data-testid="sym-c">{view.symLog.toFixed(2)}</output>
      </label>
      <div class="row">
        <select
          data-testid="sym-mode"
          value={view.symMode}
          title={tip(byKey('symMode'))}
          onChange={(e) => onView({ symMode: (e.target as HTMLSelectElement).value as SymmetryView['symMode'] })}
        >
          <option value="global">global c</option>
          <option value="per-neuron">per-neuron c_j</option>
        </select>
        <button
          type="button"
          data-testid="btn-balance"
          title={tip(byKey('balanced'))}
          onClick={() => onView({ balanced: true, symLog: 0 })}
        >
          balance → c*
        </button>
        {view.balanced ? (
          <button
            type="button"
            data-testid="btn-unbalance"
            title="orbit through the trained θ itself"
            onClick={() => onView({ balanced: false, symLog: 0 })}
          >
            back to θ
          </button>
        ) : null}
      </div>
      <p class="hint">f, the train loss and the risk stay fixed; F moves by orders of magnitude; F* does not.</p>
      <Readout q="fShift" value={props.fShift} testid="readout-fshift" />
      {orbit ? (
        <PlotView
          make={() => orbitChart(orbit, view.symLog, shownF ?? 0)}
          deps={[orbit, view.symLog, shownF]}
          testid="orbit-chart"
        />
      ) : (
        <p class="empty">the orbit curve is drawn while paused</p>
      )}
    </div>
  );
}
