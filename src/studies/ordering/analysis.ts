/** H4's report section: interpolators in the F*–risk and raw-F–risk planes, one verdict per degree k. */
import type { z } from 'zod';
import { type Axis, chart, type Figure } from '../../figures/vega-lite.js';
import { degreeLabel, distinct, ownOutputs, rawTable } from '../analysis-helpers.js';
import type { Analysis, AnalysisContext, StudyRow } from '../definition.js';
import { overall } from '../verdict.js';
import { type OrderingParams, orderingMetrics } from './schema.js';
import { verdictH4 } from './verdict.js';

type Row = StudyRow<OrderingParams, z.output<typeof orderingMetrics>>;

export function analyseOrdering(rows: Row[], ctx: AnalysisContext): Analysis {
  const pts = rows
    .filter((r) => r.metrics.interpolates)
    .map((r) => ({
      construction: r.params.construction,
      k: degreeLabel(r.params.activation),
      n: r.params.n,
      seed: r.seed,
      fStar: r.metrics.fStar,
      traceRescaled: r.metrics.traceRescaled,
      traceRescaledPerNeuron: r.metrics.traceRescaledPerNeuron,
      risk: r.metrics.risk / r.metrics.varY,
    }));
  const plot = pts.map((p) => ({ ...p, risk: Math.max(p.risk, 1e-12) }));
  // One point per interpolator, a flatness on x against its risk, one panel per activation degree.
  const riskAgainst = (title: string, x: Axis, tooltip?: string[]) =>
    chart({
      title,
      data: plot,
      mark: 'point',
      x,
      y: { field: 'risk', title: 'risk / Var(y)', log: true },
      color: { field: 'construction', title: 'interpolator' },
      column: { field: 'k', title: 'activation degree' },
      tooltip,
    });
  const figures: Figure[] = [
    {
      id: 'h4-fstar-risk',
      title: 'Interpolators in the F*–risk plane',
      caption:
        'Every interpolator of every construction and algorithm (one point per trial); risk relative to Var(y), floored at 1e-12 for the log axis.',
      spec: riskAgainst('risk vs F*', { field: 'fStar', title: 'invariant flatness F*', log: true }, [
        'construction',
        'n',
        'seed',
      ]),
    },
    {
      id: 'h4-rawF-risk',
      title: 'The same interpolators against raw F at a random orbit point',
      caption:
        'Raw Hessian trace after a random global rescaling c = 10^u, u uniform in [−logRange, logRange] (one draw per interpolator); the function, hence the risk, is unchanged.',
      spec: riskAgainst('risk vs raw F (random orbit point)', {
        field: 'traceRescaled',
        title: 'raw trace F at a random orbit point',
        log: true,
      }),
    },
  ];
  const verdicts = distinct(pts.map((p) => p.k)).map((k) =>
    verdictH4(
      pts.filter((p) => p.k === k),
      `(${k})`,
    ),
  );
  return {
    verdict: overall('H4', verdicts),
    verdicts,
    figures,
    table: rawTable(rows, ownOutputs(orderingMetrics.shape, ctx.outputs)),
  };
}
