import { useMemo } from 'preact/hooks';
import type { Snapshot } from '../hooks/useTrainingWorker.js';
import { heatmapChart, heatmapLegend } from './charts.js';
import { PlotView } from './PlotView.js';

/** A colour scale symmetric about 0 that covers the target's values (both maps share it). */
function symmetricDomain(heatmap: Snapshot['heatmap'] | undefined): [number, number] {
  if (!heatmap) return [-1, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of heatmap.target) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const a = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
  return [-a, a];
}

/** The network f and the target f* on the plane x = α u₁ + β u₂ (shown for r ≤ 2). */
export function Heatmaps(props: { heatmap: Snapshot['heatmap'] | undefined }) {
  const { heatmap } = props;
  const heatDomain = useMemo(() => symmetricDomain(heatmap), [heatmap]);
  if (!heatmap) return <p class="empty">the heatmap is shown for r ≤ 2</p>;
  return (
    <div class="heatmaps" data-testid="heatmap">
      <figure title="f(x; θ) = Σ_j a_j σ(w_jᵀx)">
        <figcaption>network f</figcaption>
        <PlotView make={() => heatmapChart(heatmap, 'f', heatDomain)} deps={[heatmap, heatDomain]} />
      </figure>
      <figure title="f*(x) = Σ_l g_l(u_lᵀx)">
        <figcaption>target f*</figcaption>
        <PlotView make={() => heatmapChart(heatmap, 'target', heatDomain)} deps={[heatmap, heatDomain]} />
      </figure>
      <PlotView make={() => heatmapLegend(heatDomain)} deps={[heatDomain]} />
    </div>
  );
}
