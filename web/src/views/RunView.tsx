import type { Snapshot } from '../hooks/useTrainingWorker.js';
import type { HistoryPoint } from '../protocol.js';
import { curvesChart } from './charts.js';
import { Heatmaps } from './Heatmaps.js';
import { PlotView } from './PlotView.js';
import { Readout } from './Readout.js';

/** The run as it stands: the shown network's measures, the training curves and the learned function. */
export function RunView(props: { snap: Snapshot | null; history: HistoryPoint[] }) {
  const { snap, history: hist } = props;
  const shown = snap?.shown;
  return (
    <section class="center">
      <div
        class="readouts"
        data-testid="readouts"
        data-view={snap ? `${snap.view.symLog}|${snap.view.symMode}|${snap.view.balanced ? 1 : 0}` : ''}
      >
        <Readout q="loss" value={shown?.loss} testid="readout-loss" />
        <Readout q="risk" value={shown?.risk} testid="readout-risk" />
        <Readout q="F" value={shown?.F} testid="readout-F" />
        <Readout q="fStar" value={shown?.fStar} testid="readout-fStar" />
        <Readout q="pathNorm" value={shown?.pathNorm} testid="readout-pathnorm" />
      </div>
      <h2 title="measured on the trained network θ (c = 1) every training chunk">Training curves</h2>
      <div
        class="curves"
        data-testid="curves"
        data-points={hist.length}
        data-last-step={hist.length ? hist[hist.length - 1].step : 0}
      >
        <PlotView make={() => curvesChart(hist, 'loss')} deps={[hist]} empty="press play or +1 step to train" />
        <PlotView make={() => curvesChart(hist, 'flatness')} deps={[hist]} empty="" />
      </div>
      <h2 title="the network f and the target f* on the plane x = α u₁ + β u₂">Function on span(u₁, u₂)</h2>
      <Heatmaps heatmap={snap?.heatmap} />
    </section>
  );
}
