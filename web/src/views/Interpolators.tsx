/** Teacher, memorizer, random features and the trained network in the F*–risk plane, with a table. */
import type { InterpolatorResult } from '../protocol.js';
import { QUANTITIES, tip } from '../quantities.js';
import { interpolatorChart } from './charts.js';
import { PlotView } from './PlotView.js';

export function InterpolatorPanel(props: {
  result: { points: InterpolatorResult[]; notes: string[] } | null;
  busy: boolean;
  disabled: boolean;
  onCompute: () => void;
}) {
  const { result } = props;
  return (
    <section class="panel interp">
      <h2 title="teacher, memorizer and random-features interpolators against the trained network, in the F*–risk plane">
        Interpolators: flatness vs generalization
      </h2>
      <button
        type="button"
        data-testid="btn-interp"
        disabled={props.disabled}
        onClick={props.onCompute}
        title="build the reference interpolators on the same data and activation (src/interpolators) and measure F* and the exact risk"
      >
        compare interpolators
      </button>
      {props.busy ? <span class="hint"> building teacher, memorizer and random features…</span> : null}
      {result ? (
        <div class="interp-body" data-testid="interp-result">
          <PlotView
            make={() => interpolatorChart(result.points)}
            deps={[result]}
            empty="population risk is not available for these points"
          />
          <table class="interp-table">
            <thead>
              <tr>
                <th>interpolator</th>
                <th title={tip(QUANTITIES.fStar)}>F*</th>
                <th title={tip(QUANTITIES.risk)}>risk</th>
                <th title={tip(QUANTITIES.loss)}>train loss</th>
              </tr>
            </thead>
            <tbody>
              {result.points.map((p) => (
                <tr
                  data-testid={`interp-${p.name.replace(/ /g, '-')}`}
                  data-f-star={String(p.fStar)}
                  data-risk={String(p.risk)}
                  data-loss={String(p.loss)}
                >
                  <td>{p.name}</td>
                  <td>{p.fStar.toPrecision(4)}</td>
                  <td>{p.risk === null ? '—' : p.risk.toPrecision(4)}</td>
                  <td>{p.loss.toExponential(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.notes.map((n) => (
            <p class="empty">{n}</p>
          ))}
          <p class="hint">
            The trained point is the current network (an interpolator only once the train loss is ≈ 0). Memorizer and
            random features interpolate with large F* and a risk of order Var(y); with noiseless labels and a
            representable target the teacher is flat and generalizes (with label noise it must memorize the noise too).
          </p>
        </div>
      ) : null}
    </section>
  );
}
