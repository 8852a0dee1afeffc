/**
 * The league's member evaluations as flat records (one stored trial row: numbers, strings, booleans,
 * null for "not available"), back again, and the published forms of a league (the `league` array of a
 * report's tables.json and the data of its τ-vs-orbit-τ figure). A study module that runs one member
 * per trial stores `leagueMetrics(e)` and rebuilds the evaluations with `evaluationFromMetrics`.
 */

import { MEASURE_NAMES } from '../../measures/registry.js';
import type { League } from './league.js';
import { type MeasuredValue, type MemberEvaluation, measureMethod } from './league-evaluate.js';
import { LEAGUE_CONSTRUCTIONS, type MemberLabels } from './league-population.js';

export type FlatValue = number | string | boolean | null;

/** The stored metric names of one member: risk and fit, then per measure its value and error bar at θ and at the orbit point. */
export const LEAGUE_METRIC_NAMES: readonly string[] = [
  'risk',
  'riskStderr',
  'riskMethod',
  'trainLoss',
  'steps',
  ...MEASURE_NAMES.flatMap((n) => [n, `${n}_error`, `${n}_orbit`, `${n}_orbit_error`]),
];

/** The error bar of a value: Monte Carlo stderr or Lanczos residual (which one is the measure's method). */
function errorOf(v: MeasuredValue | null): number | null {
  return v?.stderr ?? v?.residual ?? null;
}

export function leagueMetrics(e: MemberEvaluation): Record<string, FlatValue> {
  const out: Record<string, FlatValue> = {
    risk: e.risk,
    riskStderr: e.riskStderr,
    riskMethod: e.riskMethod,
    trainLoss: e.trainLoss,
    steps: e.steps,
  };
  for (const n of MEASURE_NAMES) {
    out[n] = e.original[n]?.value ?? null;
    out[`${n}_orbit`] = e.orbit[n]?.value ?? null;
    out[`${n}_error`] = errorOf(e.original[n]);
    out[`${n}_orbit_error`] = errorOf(e.orbit[n]);
  }
  return out;
}

function valueFrom(v: FlatValue, err: FlatValue, name: string): MeasuredValue | null {
  // A store may give back NaN for a stored null (it keeps non-finite numbers out of JSON).
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  if (typeof err !== 'number' || !Number.isFinite(err)) return { value: v };
  return measureMethod(name) === 'lanczos' ? { value: v, residual: err } : { value: v, stderr: err };
}

/** Rebuild an evaluation from its id, labels and stored metrics. */
export function evaluationFromMetrics(
  id: string,
  labels: MemberLabels,
  m: Record<string, FlatValue>,
): MemberEvaluation {
  const num = (k: string): number => (typeof m[k] === 'number' ? (m[k] as number) : Number.NaN);
  const original: MemberEvaluation['original'] = {};
  const orbit: MemberEvaluation['orbit'] = {};
  for (const n of MEASURE_NAMES) {
    original[n] = valueFrom(m[n], m[`${n}_error`], n);
    orbit[n] = valueFrom(m[`${n}_orbit`], m[`${n}_orbit_error`], n);
  }
  return {
    id,
    family: (LEAGUE_CONSTRUCTIONS as readonly string[]).includes(labels.method) ? 'construction' : 'trained',
    labels,
    trainLoss: num('trainLoss'),
    steps: num('steps'),
    risk: num('risk'),
    riskStderr: num('riskStderr'),
    riskMethod: m.riskMethod === 'exact' ? 'exact' : 'montecarlo',
    original,
    orbit,
  };
}

/**
 * Keep one of several evaluations of the same model. A study grid is a Cartesian product, so it
 * repeats a construction for every init scale (it has none) and the deterministic teacher for every
 * seed; counting copies would weigh those models several times in τ. The copy kept gets the labels
 * planPopulation gives it (initScale 'none'; the teacher's seed of the first copy).
 */
export function dedupeConstructions(evals: readonly MemberEvaluation[]): MemberEvaluation[] {
  const seen = new Set<string>();
  const out: MemberEvaluation[] = [];
  for (const e of evals) {
    if (e.family !== 'construction') {
      out.push(e);
      continue;
    }
    const l = e.labels;
    const key = JSON.stringify([l.method, l.method === 'teacher' ? 0 : l.seed, l.width, l.n, l.noise]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...e, labels: { ...l, initScale: 'none' } });
  }
  return out;
}

/** The `league` array of tables.json: registry names, league order. */
export function leagueTableEntries(league: League): {
  measure: string;
  kendallTau: number | null;
  kendallCI: [number, number] | null;
  psi: number | null;
  kendallTauOrbit: number | null;
  invariant: boolean;
}[] {
  return league.rows.map((r) => ({
    measure: r.measure,
    kendallTau: r.kendallTau,
    kendallCI: r.kendallCI,
    psi: r.psi,
    kendallTauOrbit: r.kendallTauOrbit,
    invariant: r.invariant,
  }));
}

/** One point per measure for the figure τ (original) vs τ (orbit point); the diagonal is "unchanged". */
export function leagueFigureData(league: League): Record<string, string | number>[] {
  return league.rows
    .filter((r) => r.kendallTau !== null && r.kendallTauOrbit !== null)
    .map((r) => ({
      measure: r.measure,
      tau: r.kendallTau as number,
      tauOrbit: r.kendallTauOrbit as number,
      declared: r.invariant ? 'invariant' : 'not invariant',
    }));
}
