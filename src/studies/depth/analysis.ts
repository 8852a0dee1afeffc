/** The depth study's report section: F and F* across orbit points, the populations' risk planes, the verdicts. */
import type { z } from 'zod';
import { type Axis, chart, type Figure } from '../../figures/vega-lite.js';
import { ownOutputs, rawTable } from '../analysis-helpers.js';
import type { Analysis, AnalysisContext, StudyRow } from '../definition.js';
import { overall } from '../verdict.js';
import { type DepthParams, depthMetrics, depthSeries } from './schema.js';
import { verdictDepthH1, verdictDepthH4 } from './verdict.js';

type Row = StudyRow<DepthParams, z.output<typeof depthMetrics>>;

/** The H4 line of a trial: everything but the population's axes (algorithm, init scale, width, step size). */
const lineOf = (p: DepthParams): string => `depth ${p.depth}, d = ${p.d}, n = ${p.n}, ${p.activation}`;

export function analyseDepth(rows: Row[], ctx: AnalysisContext): Analysis {
  const orbit: Record<string, unknown>[] = [];
  for (const r of rows) {
    const parsed = depthSeries.safeParse(r.series);
    if (!parsed.success) continue;
    const net = `${r.params.deepAlgorithm}, init ${r.params.initScale}, lr ${r.params.lr}, m ${r.params.m}, seed ${r.seed}`;
    parsed.data.F.forEach((F, i) => {
      orbit.push({ net, depth: `depth ${r.params.depth}`, point: i, quantity: 'F = Tr ∇²L', value: F });
      orbit.push({
        net,
        depth: `depth ${r.params.depth}`,
        point: i,
        quantity: 'F* (invariant)',
        value: parsed.data.fStar[i],
      });
    });
  }
  const pts = rows.map((r) => ({
    line: lineOf(r.params),
    depth: `depth ${r.params.depth}`,
    algorithm: r.params.deepAlgorithm,
    seed: r.seed,
    risk: r.metrics.risk,
    relRisk: Math.max(r.metrics.risk / r.metrics.varY, 1e-12),
    fStar: r.metrics.fStar,
    trace: r.metrics.trace,
    traceRescaled: r.metrics.traceRescaled,
  }));
  const riskAgainst = (title: string, x: Axis) =>
    chart({
      title,
      data: pts,
      mark: 'point',
      x,
      y: { field: 'relRisk', title: 'risk / Var(y)', log: true },
      color: { field: 'algorithm', title: 'algorithm' },
      column: { field: 'depth', title: 'depth' },
      tooltip: ['algorithm', 'seed', 'risk'],
    });
  const figures: Figure[] = [
    {
      id: 'depth-orbit-flatness',
      title: 'Flatness at random orbit points of deep networks',
      caption:
        'Exact trace F and F* at random per-neuron rescalings of each trained network (point 0: the network as trained), one line per network, one panel per depth; F moves by decades, F* does not.',
      spec: chart({
        title: 'F and F* across orbit points',
        data: orbit.filter((d) => (d.value as number) > 0),
        x: { field: 'point', title: 'orbit point' },
        y: { field: 'value', title: 'flatness (log)', log: true },
        color: { field: 'quantity', title: 'quantity' },
        column: { field: 'depth', title: 'depth' },
        detail: 'net',
        width: 240,
        height: 160,
        tooltip: ['net', 'value'],
      }),
    },
    {
      id: 'depth-fstar-risk',
      title: 'Trained deep networks in the F*–risk plane',
      caption: 'One point per trained network (all data sets); Monte Carlo risk relative to Var(y), floored at 1e-12.',
      spec: riskAgainst('risk vs F*', { field: 'fStar', title: 'invariant flatness F*', log: true }),
    },
    {
      id: 'depth-rawF-risk',
      title: 'The same networks against the raw trace at a random orbit point',
      caption: 'The raw trace after one random per-neuron rescaling (same function, same risk).',
      spec: riskAgainst('risk vs raw F (random orbit point)', {
        field: 'traceRescaled',
        title: 'raw trace F at a random orbit point',
        log: true,
      }),
    },
  ];
  const h1 = verdictDepthH1(rows.map((r) => r.metrics));
  const h4 = verdictDepthH4(pts);
  return {
    verdict: overall('H1 and H4 at depth', [h1, h4.verdict]),
    verdicts: [h1, ...h4.lines],
    figures,
    table: rawTable(rows, ownOutputs(depthMetrics.shape, ctx.outputs)),
  };
}
