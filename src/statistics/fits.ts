/**
 * The statistics behind the verdicts: least-squares fits with a t-based confidence interval on the
 * slope (log–log exponents), and Spearman rank correlation with a Fisher-z interval.
 */

/** Two-sided 97.5% quantiles of Student's t for df = 1…30; beyond 30 a Cornish–Fisher expansion. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  if (df <= 30) return T975[Math.floor(df) - 1];
  const z = 1.959964;
  // Cornish–Fisher expansion of t in terms of the normal quantile (error < 1e-3 for df > 30).
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export interface LinearFit {
  slope: number;
  intercept: number;
  slopeStderr: number;
  /** 95% confidence interval of the slope (NaN bounds when n ≤ 2). */
  ci: [number, number];
  n: number;
  r2: number;
}

/** The means of paired samples and their centred sums of squares and cross-products. */
function centredSums(x: readonly number[], y: readonly number[]) {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  return { mx, my, sxx, sxy, syy };
}

/** Ordinary least squares y = intercept + slope·x. */
export function linearFit(x: readonly number[], y: readonly number[]): LinearFit {
  const n = x.length;
  if (n !== y.length) throw new Error('linearFit: x and y differ in length');
  // n < 2 needs no branch: sxx = syy = 0 (or NaN), so every statistic below comes out NaN.
  const { mx, my, sxx, sxy, syy } = centredSums(x, y);
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - intercept - slope * x[i]) ** 2;
  const slopeStderr = n > 2 && sxx > 0 ? Math.sqrt(sse / (n - 2) / sxx) : Number.NaN;
  const t = tQuantile975(n - 2);
  return {
    slope,
    intercept,
    slopeStderr,
    ci: [slope - t * slopeStderr, slope + t * slopeStderr],
    n,
    r2: syy > 0 ? 1 - sse / syy : Number.NaN,
  };
}

/** Fit y ∝ x^p on positive data: the exponent p with its 95% CI. Non-positive points are dropped. */
export function powerLawFit(x: readonly number[], y: readonly number[]): LinearFit {
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      lx.push(Math.log(x[i]));
      ly.push(Math.log(y[i]));
    }
  }
  return linearFit(lx, ly);
}

/** Ranks 1…n with ties given their average rank. */
export function ranks(v: readonly number[]): number[] {
  const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const { sxx, sxy, syy } = centredSums(x, y);
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

export interface RankCorrelation {
  rho: number;
  /** 95% interval from Fisher's z with the Fieller–Hartley–Pearson variance 1.06/(n − 3). */
  ci: [number, number];
  n: number;
}

export function spearman(x: readonly number[], y: readonly number[]): RankCorrelation {
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) keep.push(i);
  const n = keep.length;
  const rho = n >= 2 ? pearson(ranks(keep.map((i) => x[i])), ranks(keep.map((i) => y[i]))) : Number.NaN;
  if (n <= 3 || !Number.isFinite(rho)) return { rho, ci: [Number.NaN, Number.NaN], n };
  const z = Math.atanh(Math.max(-0.999999, Math.min(0.999999, rho)));
  const se = Math.sqrt(1.06 / (n - 3));
  return { rho, ci: [Math.tanh(z - 1.96 * se), Math.tanh(z + 1.96 * se)], n };
}

export function mean(v: readonly number[]): number {
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN;
}

export function median(v: readonly number[]): number {
  if (!v.length) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Mean and standard error of the mean. */
export function meanSe(v: readonly number[]): { mean: number; se: number } {
  const m = mean(v);
  if (v.length < 2) return { mean: m, se: Number.NaN };
  const s2 = v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
  return { mean: m, se: Math.sqrt(s2 / v.length) };
}
