/**
 * Rank statistics for league tables of generalization measures (Jiang et al. 2020, "Fantastic
 * generalization measures and where to find them"): Kendall's τ-b with ties, its 95% interval, and
 * the granulated Kendall coefficient Ψ over hyperparameter axes. Pure and browser-safe.
 *
 * Undefined statistics (too few points, a constant variable) are NaN here, as in stats.ts; callers
 * that write results decide how to report them (never as NaN).
 */

export interface KendallTau {
  /** τ-b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)); NaN when n < 2 or either variable is constant. */
  tau: number;
  /** 95% interval (NaN bounds when n < 5 or τ is NaN). */
  ci: [number, number];
  /** Pairs (x_i, y_i) with both values finite: the points τ is computed on. */
  n: number;
  concordant: number;
  discordant: number;
  /** Pairs tied in x (n₁ of τ-b's denominator, joint ties included). */
  tiesX: number;
  /** Pairs tied in y (n₂). */
  tiesY: number;
}

/**
 * Variance of Fisher's z = atanh(τ) under bivariate normality (Fieller, Hartley & Pearson 1957), the
 * choice Bonett & Wright (2000) recommend for Kendall's τ: var z ≈ 0.437 / (n − 4). Chosen over a
 * bootstrap because it is closed-form and deterministic (no seed, no resampling cost per measure ×
 * orbit point), mirrors the Spearman interval of stats.ts (1.06/(n − 3)), and its coverage is checked
 * on synthetic bivariate-normal data in test/report/rank-stats.test.ts. Under heavy ties τ-b's
 * sampling variance is smaller than the tie-free one, so the interval is then conservative.
 */
export const FHP_KENDALL_VARIANCE = 0.437;

const Z975 = 1.959963984540054;

/** The concordant and discordant pairs of (xs, ys), and the pairs tied in x and in y. */
function pairCounts(
  xs: readonly number[],
  ys: readonly number[],
): { concordant: number; discordant: number; tiesX: number; tiesY: number } {
  const n = xs.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  // Plain double loop: exact counts with every kind of tie, and n is at most a few hundred models here
  // (Knight's O(n log n) algorithm would only pay off far beyond that).
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(xs[i] - xs[j]);
      const dy = Math.sign(ys[i] - ys[j]);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      // dx, dy ∈ {−1, 0, 1}: the product is 1 for a concordant pair, −1 for a discordant one, 0 for a tie.
      if (dx * dy > 0) concordant++;
      else if (dx * dy < 0) discordant++;
    }
  }
  return { concordant, discordant, tiesX, tiesY };
}

/** Kendall's τ-b of x and y (pairs where either value is not finite are dropped), O(n²). */
export function kendallTauB(x: readonly number[], y: readonly number[]): KendallTau {
  if (x.length !== y.length) throw new Error('kendallTauB: x and y differ in length');
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  const n = xs.length;
  const { concordant, discordant, tiesX, tiesY } = pairCounts(xs, ys);
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  const tau = n >= 2 && denom > 0 ? (concordant - discordant) / denom : Number.NaN;
  return { tau, ci: kendallInterval(tau, n), n, concordant, discordant, tiesX, tiesY };
}

/** The 95% interval tanh(atanh τ ± 1.96 √(0.437/(n − 4))); NaN bounds when n < 5. */
export function kendallInterval(tau: number, n: number): [number, number] {
  if (!(n >= 5) || !Number.isFinite(tau)) return [Number.NaN, Number.NaN];
  // |τ| = 1 would give z = ±∞; clamp as stats.ts does for ρ, so a perfect ranking still gets an interval.
  const z = Math.atanh(Math.max(-0.999999, Math.min(0.999999, tau)));
  const h = Z975 * Math.sqrt(FHP_KENDALL_VARIANCE / (n - 4));
  return [Math.tanh(z - h), Math.tanh(z + h)];
}

/** The mean of τ over groups (strata) of models. */
export interface GroupedKendall {
  /** Mean of τ over the groups with a defined τ (NaN when there is none). */
  tau: number;
  /** Groups with ≥ 2 models and a defined τ (the ones averaged). */
  groups: number;
  /** Groups left out: a single model, or a τ that is undefined (all ties in the measure or the risk). */
  skippedGroups: number;
}

/** The league's per-model lists (measure, risk and the models' keys or labels) have one entry per model. */
function checkOnePerModel(
  fn: string,
  measure: readonly number[],
  risk: readonly number[],
  perModel: readonly unknown[],
  name: string,
): void {
  if (measure.length !== risk.length || measure.length !== perModel.length)
    throw new Error(`${fn}: measure, risk and ${name} differ in length`);
}

/**
 * Mean within-group τ: models with the same key form a group. A group with one model, or whose τ is
 * undefined because the measure or the risk is constant on it, carries no ranking information and is
 * skipped (counted in skippedGroups).
 */
export function meanTauWithinGroups(
  measure: readonly number[],
  risk: readonly number[],
  keys: readonly string[],
): GroupedKendall {
  checkOnePerModel('meanTauWithinGroups', measure, risk, keys, 'keys');
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  let sum = 0;
  let used = 0;
  let skipped = 0;
  for (const idx of groups.values()) {
    const t =
      idx.length >= 2
        ? kendallTauB(
            idx.map((i) => measure[i]),
            idx.map((i) => risk[i]),
          ).tau
        : Number.NaN;
    if (Number.isFinite(t)) {
      sum += t;
      used++;
    } else skipped++;
  }
  return { tau: used ? sum / used : Number.NaN, groups: used, skippedGroups: skipped };
}

/** One hyperparameter axis of Ψ: ψ_i with its group counts. */
export interface PsiAxis extends GroupedKendall {
  axis: string;
}

export interface GranulatedKendall {
  /** Ψ = mean over the axes with a defined ψ_i of ψ_i (NaN when none has one). */
  psi: number;
  axes: PsiAxis[];
}

export type Labels = Readonly<Record<string, string | number | boolean>>;

/** The group key of a model: its labels on `keys`, in order (a missing label is its own value). */
export function labelKey(l: Labels, keys: readonly string[]): string {
  return JSON.stringify(keys.map((k) => (k in l ? l[k] : null)));
}

/**
 * The granulated Kendall coefficient of Jiang et al. 2020 (their eq. 4): for each axis i,
 * ψ_i = mean over the groups of models whose labels agree on every key except i of τ(measure, risk)
 * within the group (meanTauWithinGroups, with its skipping rules); Ψ = mean over axes of ψ_i. Every
 * label key other than the axis is held fixed (keys that are not axes too, e.g. the kind of model).
 * An axis with no usable group is left out of Ψ's mean.
 */
export function granulatedKendall(
  measure: readonly number[],
  risk: readonly number[],
  labels: readonly Labels[],
  axes: readonly string[],
): GranulatedKendall {
  checkOnePerModel('granulatedKendall', measure, risk, labels, 'labels');
  const keys = [...new Set(labels.flatMap((l) => Object.keys(l)))].sort();
  const out: PsiAxis[] = axes.map((axis) => {
    const others = keys.filter((k) => k !== axis);
    return {
      axis,
      ...meanTauWithinGroups(
        measure,
        risk,
        labels.map((l) => labelKey(l, others)),
      ),
    };
  });
  const defined = out.filter((a) => Number.isFinite(a.tau));
  const psi = defined.length ? defined.reduce((s, a) => s + a.tau, 0) / defined.length : Number.NaN;
  return { psi, axes: out };
}
