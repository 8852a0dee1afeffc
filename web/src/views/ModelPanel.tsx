/**
 * "Your model": a .npz / .safetensors / flatlab JSON model dropped on the page (or chosen with the file
 * input, for keyboard and screen-reader users), with its F*, F, loss, risk, orbit curve and neurons on
 * the current data.
 */
import type { LoadedModelReport } from '../loaded-model.js';
import { PLAYGROUND_ACTIVATIONS } from '../params.js';
import { neuronChart, orbitChart } from './charts.js';
import { PlotView } from './PlotView.js';
import { Readout } from './Readout.js';

export function ModelPanel(props: {
  report: LoadedModelReport | null;
  error: string | null;
  busy: boolean;
  activation: string;
  onActivation: (a: string) => void;
  onFile: (f: File) => void;
  dragging: boolean;
}) {
  const { report, error } = props;
  return (
    <section class={`panel model${props.dragging ? ' dragging' : ''}`} data-testid="model-panel">
      <h2 title="a 2-layer network trained elsewhere: .npz with a (m) and W (m×d), a safetensors PyTorch state_dict (0.weight, 2.weight), or flatlab.model/1 JSON">
        Your model
      </h2>
      <p class="hint">Drop a .npz or .safetensors model anywhere on the page, or choose a file.</p>
      <div class="row">
        <label>
          model file{' '}
          <input
            type="file"
            data-testid="model-file"
            accept=".npz,.safetensors,.json"
            onChange={(e) => {
              const f = (e.target as HTMLInputElement).files?.[0];
              if (f) props.onFile(f);
            }}
          />
        </label>
        <label title="used only when the file carries no activation (numpy and PyTorch files usually do not)">
          σ if the file has none{' '}
          <select
            data-testid="model-activation"
            value={props.activation}
            onChange={(e) => props.onActivation((e.target as HTMLSelectElement).value)}
          >
            {PLAYGROUND_ACTIVATIONS.map((a) => (
              <option value={a}>{a}</option>
            ))}
          </select>
        </label>
      </div>
      {props.busy ? <p class="hint">measuring…</p> : null}
      {error ? (
        <p class="error" data-testid="model-error" role="alert">
          {error}
        </p>
      ) : null}
      {report ? (
        <>
          <p data-testid="model-summary" data-m={report.m} data-d={report.d}>
            {report.name}: {report.activation} network, m = {report.m}, d = {report.d}; on {report.dataNote}
          </p>
          <div class="readouts">
            <Readout q="fStar" value={report.readouts.fStar} testid="model-Fstar" />
            <Readout q="F" value={report.readouts.F} testid="model-F" />
            <Readout q="loss" value={report.readouts.loss} testid="model-loss" />
            <Readout q="risk" value={report.readouts.risk} testid="model-risk" />
            <Readout q="pathNorm" value={report.readouts.pathNorm} testid="model-pathnorm" />
          </div>
          <div class="model-charts">
            <PlotView
              make={() => orbitChart(report.orbit, 0, report.readouts.F)}
              deps={[report]}
              testid="model-orbit-chart"
            />
            <PlotView
              make={() => neuronChart(report.neurons)}
              deps={[report]}
              testid="model-neuron-chart"
              empty="no live neurons"
            />
          </div>
        </>
      ) : null}
    </section>
  );
}
