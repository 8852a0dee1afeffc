/**
 * The league table of generalization measures (Jiang et al. 2020; Andriushchenko et al. 2023 for
 * sharpness): per registered measure, Kendall τ-b with the population risk and its 95% interval, the
 * granulated coefficient Ψ over the hyperparameter axes, both again at a random point of the rescaling
 * orbit, and the measure's declared invariance beside its measured orbit spread. The verdict asks the
 * paper's question (docs/math.md#hypotheses, H4): does the invariant flatness F* rank first, and does
 * every measure that is not invariant lose its rank correlation once θ is moved along its orbit?
 */

import { INVARIANT_TOL, NON_INVARIANT_MIN_SPREAD, relativeSpread } from '../../measures/invariance.js';
import { MEASURES, type MeasureDef } from '../../measures/registry.js';
import {
  granulatedKendall,
  kendallTauB,
  type Labels,
  labelKey,
  meanTauWithinGroups,
} from '../../statistics/rank-correlation.js';
import { type MeasureMethod, type MemberEvaluation, measureMethod } from './league-evaluate.js';
import { LEAGUE_AXES, LEAGUE_DATA_KEYS } from './league-population.js';

export interface LeagueAxis {
  axis: string;
  /** ψ_i: mean τ over the groups varying only this axis (null when no group has a defined τ). */
  tau: number | null;
  groups: number;
}

export interface LeagueRow {
  /** Registry name. */
  measure: string;
  label: string;
  /** Declared in the registry. */
  invariant: boolean;
  method: MeasureMethod;
  /** Members where the measure is available (distance_to_init: the trained ones). */
  n: number;
  /** τ-b(measure, risk) at the original points (null: undefined, e.g. a constant measure). */
  kendallTau: number | null;
  kendallCI: [number, number] | null;
  psi: number | null;
  psiAxes: LeagueAxis[];
  /**
   * Mean over the shared data sets of τ within one data set: the pooled τ also ranks the data sets
   * against each other (more label noise, more risk), which a measure of the labels alone — Fisher–Rao
   * at an interpolator is (k+1)√mean y² — gets right without saying anything about the interpolator.
   */
  kendallTauWithinData: number | null;
  /** The same at the orbit points (the risk does not move: same function). */
  kendallTauOrbit: number | null;
  kendallCIOrbit: [number, number] | null;
  psiOrbit: number | null;
  kendallTauWithinDataOrbit: number | null;
  /** max over members of |v(θ) − v(cθ)| / max(|v(θ)|, |v(cθ)|). */
  orbitSpread: number;
  orbitSpreadMedian: number;
  /** The measured spread agrees with the declaration (invariant: ≤ 1e-9; not invariant: > 1%). */
  orbitAgrees: boolean;
  /** Median over members of the error bar relative to |value| (Monte Carlo stderr, Lanczos residual). */
  medianRelError: number | null;
}

export interface LeagueVerdict {
  /** Measure with the largest τ. */
  leader: string;
  /** 1-based rank of invariant_flatness by τ (ties share the better rank). */
  fStarRank: number;
  fStarFirst: boolean;
  /** The same ranking by the within-data-set τ. */
  leaderWithinData: string;
  fStarRankWithinData: number;
  /** Every non-invariant measure has |τ_orbit| < |τ|. */
  nonInvariantDrop: boolean;
  notDropping: string[];
  /** Every declared invariance agrees with the measured spread. */
  declarationsHold: boolean;
  mismatched: string[];
  line: string;
}

export interface League {
  rows: LeagueRow[];
  verdict: LeagueVerdict;
  members: number;
  axes: string[];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
const ciOrNull = (ci: [number, number]): [number, number] | null => (ci.every(Number.isFinite) ? ci : null);

function median(v: readonly number[]): number {
  if (!v.length) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Rounding-level differences are not ranking information: two teachers that differ only by dead
 * padding neurons compute the same function, yet their risks and F* can differ in the last bits, and
 * τ-b would count that as an order. Values within 1e-12 of the column's largest magnitude become 0,
 * the rest are rounded to 12 significant digits, so such exact ties stay ties.
 */
export function tieTolerant(values: readonly number[]): number[] {
  let scale = 0;
  for (const v of values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    if (Math.abs(v) <= 1e-12 * scale) return 0;
    return Number(v.toPrecision(12));
  });
}

function rankStats(
  values: readonly number[],
  risk: readonly number[],
  labels: readonly Labels[],
  axes: readonly string[],
): {
  tau: number | null;
  ci: [number, number] | null;
  psi: number | null;
  psiAxes: LeagueAxis[];
  withinData: number | null;
} {
  const v = tieTolerant(values);
  const r = tieTolerant(risk);
  const k = kendallTauB(v, r);
  const g = granulatedKendall(v, r, labels, axes);
  const w = meanTauWithinGroups(
    v,
    r,
    labels.map((l) => labelKey(l, LEAGUE_DATA_KEYS)),
  );
  return {
    tau: finiteOrNull(k.tau),
    ci: ciOrNull(k.ci),
    psi: finiteOrNull(g.psi),
    psiAxes: g.axes.map((a) => ({ axis: a.axis, tau: finiteOrNull(a.tau), groups: a.groups })),
    withinData: finiteOrNull(w.tau),
  };
}

function leagueRow(def: MeasureDef, evals: readonly MemberEvaluation[], axes: readonly string[]): LeagueRow {
  const have = evals.filter((e) => e.original[def.name] && e.orbit[def.name]);
  const at = (e: MemberEvaluation, where: 'original' | 'orbit'): number => e[where][def.name]?.value ?? Number.NaN;
  const risk = have.map((e) => e.risk);
  const labels = have.map((e) => e.labels as Labels);
  const o = rankStats(
    have.map((e) => at(e, 'original')),
    risk,
    labels,
    axes,
  );
  const q = rankStats(
    have.map((e) => at(e, 'orbit')),
    risk,
    labels,
    axes,
  );
  const spreads = have.map((e) => relativeSpread([at(e, 'original'), at(e, 'orbit')]));
  const orbitSpread = spreads.length ? Math.max(...spreads) : 0;
  const relErrors = have.flatMap((e) => {
    const m = e.original[def.name];
    const err = m?.stderr ?? m?.residual;
    return m && err !== undefined && m.value !== 0 ? [Math.abs(err / m.value)] : [];
  });
  return {
    measure: def.name,
    label: def.label,
    invariant: def.invariant,
    method: measureMethod(def.name),
    n: have.length,
    kendallTau: o.tau,
    kendallCI: o.ci,
    psi: o.psi,
    psiAxes: o.psiAxes,
    kendallTauWithinData: o.withinData,
    kendallTauOrbit: q.tau,
    kendallCIOrbit: q.ci,
    psiOrbit: q.psi,
    kendallTauWithinDataOrbit: q.withinData,
    orbitSpread,
    orbitSpreadMedian: spreads.length ? median(spreads) : 0,
    orbitAgrees: def.invariant ? orbitSpread <= INVARIANT_TOL : orbitSpread > NON_INVARIANT_MIN_SPREAD,
    medianRelError: relErrors.length ? median(relErrors) : null,
  };
}

const orMinus = (v: number | null): number => v ?? Number.NEGATIVE_INFINITY;

/** Rows sorted by τ, largest first (undefined τ last); ties by name. */
function byTau(a: LeagueRow, b: LeagueRow): number {
  return orMinus(b.kendallTau) - orMinus(a.kendallTau) || a.measure.localeCompare(b.measure);
}

function fmt(v: number | null): string {
  return v === null ? 'undefined' : v.toFixed(3);
}

/** 1-based rank of F* by a statistic (ties share the better rank), the leader, and who is ahead of F*. */
function rankOfFStar(
  rows: readonly LeagueRow[],
  stat: (r: LeagueRow) => number | null,
): { rank: number; leader: string; ahead: string[]; value: number | null } {
  const f = rows.find((r) => r.measure === 'invariant_flatness');
  if (!f) throw new Error('league: the registry has no invariant_flatness');
  const sorted = [...rows].sort((a, b) => orMinus(stat(b)) - orMinus(stat(a)) || a.measure.localeCompare(b.measure));
  const ahead = sorted.filter((r) => orMinus(stat(r)) > orMinus(stat(f))).map((r) => r.measure);
  return { rank: ahead.length + 1, leader: sorted[0].measure, ahead, value: stat(f) };
}

/**
 * The verdict. Ranking is by signed τ: a complexity measure is meant to grow with the risk, so a
 * negative τ is a failure, not a strong predictor with the wrong sign (Jiang et al. rank the same way).
 * A drop at the orbit point is measured on |τ|: moving θ along its orbit can only destroy rank
 * information, pulling τ towards 0 from either side.
 */
export function leagueVerdict(rows: readonly LeagueRow[]): LeagueVerdict {
  const pooled = rankOfFStar(rows, (r) => r.kendallTau);
  const within = rankOfFStar(rows, (r) => r.kendallTauWithinData);
  const drops = (r: LeagueRow): boolean =>
    r.kendallTau !== null && r.kendallTauOrbit !== null && Math.abs(r.kendallTauOrbit) < Math.abs(r.kendallTau);
  const notDropping = rows.filter((r) => !r.invariant && !drops(r)).map((r) => r.measure);
  const mismatched = rows.filter((r) => !r.orbitAgrees).map((r) => r.measure);
  const fStarFirst = pooled.rank === 1 && pooled.value !== null;
  const nonInv = rows.filter((r) => !r.invariant).length;
  const line = [
    fStarFirst
      ? `F* ranks first of ${rows.length} measures (τ = ${fmt(pooled.value)})`
      : `F* ranks ${pooled.rank} of ${rows.length} (τ = ${fmt(pooled.value)}; ahead: ${pooled.ahead.join(', ')})`,
    notDropping.length === 0
      ? `every non-invariant measure's |τ| drops at the orbit point (${nonInv}/${nonInv})`
      : `${nonInv - notDropping.length}/${nonInv} non-invariant measures' |τ| drop at the orbit point (not: ${notDropping.join(', ')})`,
    `within a data set F* ranks ${within.rank} (mean τ = ${fmt(within.value)}; leader: ${within.leader})`,
  ].join('; ');
  return {
    leader: pooled.leader,
    fStarRank: pooled.rank,
    fStarFirst,
    leaderWithinData: within.leader,
    fStarRankWithinData: within.rank,
    nonInvariantDrop: notDropping.length === 0,
    notDropping,
    declarationsHold: mismatched.length === 0,
    mismatched,
    line,
  };
}

/** The league of a measured population (every registered measure unless `measures` names a subset). */
export function computeLeague(
  evals: readonly MemberEvaluation[],
  opts: { axes?: readonly string[]; measures?: readonly MeasureDef[] } = {},
): League {
  const axes = opts.axes ?? LEAGUE_AXES;
  const defs = opts.measures ?? MEASURES;
  const rows = defs.map((d) => leagueRow(d, evals, axes)).sort(byTau);
  return { rows, verdict: leagueVerdict(rows), members: evals.length, axes: [...axes] };
}
