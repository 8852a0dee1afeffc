/**
 * The measure league's report section: the interpolating trials back as member evaluations, the
 * constructions a Cartesian grid repeats counted once, then the league (src/studies/measures/league.ts): a
 * sorted table, the figure τ at θ vs τ at the orbit point, the verdict, and the `league` array that
 * tables.json carries under the study's entry.
 */
import type { z } from 'zod';
import { chart, type Figure, type VegaLiteSpec } from '../../figures/vega-lite.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { computeLeague, type LeagueRow } from './league.js';
import {
  dedupeConstructions,
  evaluationFromMetrics,
  type FlatValue,
  leagueFigureData,
  leagueTableEntries,
} from './league-records.js';
import { labelsOf } from './run.js';
import type { MeasuresParams, measuresMetrics } from './schema.js';
import { verdictLeague } from './verdict.js';

type Row = StudyRow<MeasuresParams, z.output<typeof measuresMetrics>>;

const COLUMNS = [
  'measure',
  'declared invariant',
  'method',
  'n',
  'τ',
  'τ CI low',
  'τ CI high',
  'Ψ',
  'τ within data set',
  'τ at orbit point',
  'max orbit spread',
];

function leagueTable(rows: readonly LeagueRow[]): Table {
  return {
    columns: COLUMNS,
    rows: rows.map((r) => [
      r.measure,
      r.invariant,
      r.method,
      r.n,
      r.kendallTau,
      r.kendallCI?.[0] ?? null,
      r.kendallCI?.[1] ?? null,
      r.psi,
      r.kendallTauWithinData,
      r.kendallTauOrbit,
      r.orbitSpread,
    ]),
  };
}

/** The diagonal τ_orbit = τ (an invariant measure's place) over the range of the points, dashed. */
function withDiagonal(spec: VegaLiteSpec, points: readonly Record<string, string | number>[]): VegaLiteSpec {
  const v = points.flatMap((p) => [Number(p.tau), Number(p.tauOrbit)]);
  if (!v.length) return spec;
  const ends = [Math.min(...v), Math.max(...v)].map((t) => ({ tau: t, tauOrbit: t }));
  const layer = spec.layer as unknown[];
  return {
    ...spec,
    layer: [
      ...layer,
      {
        data: { values: ends },
        mark: { type: 'line', strokeDash: [4, 4], color: '#666' },
        encoding: { x: { field: 'tau', type: 'quantitative' }, y: { field: 'tauOrbit', type: 'quantitative' } },
      },
    ],
  };
}

export function analyseMeasures(rows: Row[]): Analysis {
  const kept = rows.filter((r) => r.metrics.interpolates);
  const evals = dedupeConstructions(
    kept.map((r) => evaluationFromMetrics(r.key, labelsOf(r.params, r.seed), r.metrics as Record<string, FlatValue>)),
  );
  const league = computeLeague(evals);
  const verdict = verdictLeague(league, rows.length - kept.length);
  const points = leagueFigureData(league);
  const figures: Figure[] = [
    {
      id: 'league-tau-orbit',
      title: 'Rank correlation with the risk at θ and at a random orbit point',
      caption:
        'One mark per registered measure: Kendall τ-b with the population risk over the interpolators at θ (x) and at rescale(θ, c), c_j = 10^u, u ~ U[−1, 1] (y), where the function and the risk are unchanged. An invariant measure lies on the dashed diagonal; a non-invariant one falls towards τ = 0.',
      spec: withDiagonal(
        chart({
          title: 'τ at the orbit point vs τ at θ',
          data: points,
          mark: 'point',
          x: { field: 'tau', title: 'Kendall τ(measure, risk) at θ', zero: false },
          y: { field: 'tauOrbit', title: 'Kendall τ at a random orbit point', zero: false },
          color: { field: 'declared', title: 'declared' },
          shape: { field: 'declared', title: 'declared' },
          tooltip: ['measure', 'tau', 'tauOrbit'],
        }),
        points,
      ),
    },
  ];
  return {
    verdict,
    verdicts: [verdict],
    figures,
    table: leagueTable(league.rows),
    extra: { league: leagueTableEntries(league) },
  };
}
