/** H1's report section: F and F* along each orbit, the losses along the same orbits, the verdict. */
import type { z } from 'zod';
import { chart, type Figure } from '../../figures/vega-lite.js';
import { ownOutputs, rawTable } from '../analysis-helpers.js';
import type { Analysis, AnalysisContext, StudyRow } from '../definition.js';
import { type SymmetryParams, symmetryMetrics, symmetrySeries } from './schema.js';
import { verdictH1 } from './verdict.js';

type Row = StudyRow<SymmetryParams, z.output<typeof symmetryMetrics>>;

export function analyseSymmetry(rows: Row[], ctx: AnalysisContext): Analysis {
  const long: Record<string, unknown>[] = [];
  for (const r of rows) {
    const parsed = symmetrySeries.safeParse(r.series);
    if (!parsed.success) continue;
    const s = parsed.data;
    const p = r.params;
    const run = `${p.mode}, ${p.activation}, ${p.construction}, seed ${r.seed}`;
    const panel = `${p.construction}, ${p.activation}`;
    // The flatness curves, then the losses, which are constant along the orbit (marked `flat`).
    const curves = [
      ['F = Tr ∇²L', s.F, false],
      ['F* (invariant)', s.fStar, false],
      ['train loss', s.trainLoss, true],
      ['population risk', s.risk, true],
    ] as const;
    s.log10c.forEach((u, i) => {
      const c = 10 ** u;
      for (const [quantity, values, flat] of curves)
        long.push({ c, run, panel, seed: r.seed, mode: p.mode, quantity, value: values[i], ...(flat ? { flat } : {}) });
    });
  }
  // Quantities along the orbit on log axes (exact zeros are not drawn): one panel per (interpolator,
  // activation) and orbit mode; seeds are separate lines, not legend entries.
  const alongOrbit = (title: string, flat: boolean, yTitle: string) =>
    chart({
      title,
      data: long.filter((d) => Boolean(d.flat) === flat && (d.value as number) > 0),
      x: { field: 'c', title: 'rescaling factor c (log)', log: true },
      y: { field: 'value', title: yTitle, log: true },
      color: { field: 'quantity', title: 'quantity' },
      column: { field: 'panel', title: 'interpolator, activation' },
      row: { field: 'mode', title: 'orbit' },
      detail: 'seed',
      width: 200,
      height: 150,
      tooltip: ['run', 'c', 'value'],
    });
  const figures: Figure[] = [
    {
      id: 'h1-orbit-flatness',
      title: 'Flatness along a rescaling orbit',
      caption:
        'Exact Hessian trace F and invariant flatness F* at θ_c = (c^{-k} a, c W) (global, top row) or per-neuron factors c_j = c^{ξ_j} (bottom row), one panel per interpolator and activation, one line per seed; F is U-shaped, F* is constant.',
      spec: alongOrbit('F and F* along the orbit', false, 'flatness (log)'),
    },
    {
      id: 'h1-orbit-losses',
      title: 'Losses along the same orbit',
      caption:
        'Train loss and population risk at the same points (log scale; exact zeros are not drawn): constant to rounding error.',
      // Log axis: a memorizer's risk can be 10⁶ × another orbit's, which flattens a linear axis.
      spec: alongOrbit('train loss and risk along the orbit', true, 'train loss / population risk (log)'),
    },
  ];
  const v = verdictH1(
    rows.map((r) => ({
      mode: r.params.mode,
      fDecades: r.metrics.fDecades,
      lossRelSpread: r.metrics.lossSpread,
      riskRelSpread: r.metrics.riskSpread,
      fStarRelSpread: r.metrics.fStarRelSpread,
      uShaped: r.metrics.uShaped,
    })),
  );
  return {
    verdict: v,
    verdicts: [v],
    figures,
    table: rawTable(rows, ownOutputs(symmetryMetrics.shape, ctx.outputs)),
  };
}
