/**
 * Shared pieces of the interpolator constructions (docs/math.md#interpolators, §5): the feature matrix σ(X Wᵀ), the
 * interpolation check, and the record of how a model was built (stored in the model file).
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { getBackend } from '../linalg/backend.js';
import type { Activation } from '../model/activations.js';
import { loss, type Network } from '../model/network.js';
import { balance } from '../symmetry/invariant.js';
import type { FlattestCertificate } from './flattest/certificate.js';

/** The constructions. */
export type InterpolatorKind = 'teacher' | 'memorizer' | 'random-features' | 'flattest';

/** How an interpolator was built; written to the model file as `construction`. */
export interface Construction {
  kind: InterpolatorKind;
  /** Width m of the network. */
  width: number;
  /** max_i |f(x_i) − y_i| of the result. */
  maxResidual: number;
  /** The interpolation tolerance it was checked against. */
  tol: number;
  /** Estimated condition number of the linear system that was solved (null when none was). */
  cond: number | null;
  /** Neurons representing f* exactly (teacher only). */
  teacherNeurons?: number;
  /** Neurons added to memorize residuals or labels. */
  memorizingNeurons?: number;
  seed?: number;
  /** Whether the network was moved to the balanced point of its orbit (raw trace = F*). */
  balanced: boolean;
  /** The bracket on F_min of the convex flattest construction (docs/math.md#convex-flattest). */
  certificate?: FlattestCertificate;
}

/** A constructed interpolator: the network and how it was built (residual, tolerance, condition number, …). */
export interface Interpolator {
  net: Network;
  construction: Construction;
}

/** Options every construction takes. */
export interface InterpolatorOptions {
  /** Interpolation tolerance on max_i |f(x_i) − y_i| (default 1e-8 · max(1, max_i |y_i|)). */
  tol?: number;
  /** Refuse linear systems with a larger estimated condition number (default 1e12). */
  maxCond?: number;
  /**
   * Write the network at the balanced point of its rescaling orbit (k A_j = B_j, where the raw trace
   * equals F*) instead of its natural parametrization. Default: true for the teacher, false otherwise.
   */
  balance?: boolean;
}

/** Dense n×m systems above this many entries are refused (≈ 400 MB of float64). */
export const MAX_SYSTEM_ENTRIES = 5e7;

export function defaultTol(y: Float64Array): number {
  let mx = 0;
  for (let i = 0; i < y.length; i++) mx = Math.max(mx, Math.abs(y[i]));
  return 1e-8 * Math.max(1, mx);
}

/** Φ = σ(X Wᵀ), n×m row-major (W m×d row-major). */
export function featureMatrix(
  act: Activation,
  X: Float64Array,
  n: number,
  d: number,
  W: Float64Array,
  m: number,
): Float64Array {
  if (n * m > MAX_SYSTEM_ENTRIES) {
    throw new InputError(
      `the ${n}×${m} feature matrix is too large for a dense solve (n·m = ${n * m} > ${MAX_SYSTEM_ENTRIES})`,
    );
  }
  const be = getBackend();
  const Z = new Float64Array(n * m);
  be.gemm(false, true, n, m, d, 1, X, W, 0, Z);
  be.activate(act, Z, n * m, 0, Z);
  return Z;
}

/** Unit directions w_j = x_j / ‖x_j‖ for the n data points (the memorizing neurons). */
export function dataDirections(data: Dataset): Float64Array {
  const { n, d, X } = data;
  const W = new Float64Array(n * d);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += X[j * d + t] ** 2;
    if (!(s > 0))
      throw new InputError(`data point x_${j} is zero: a memorizing neuron w = x/‖x‖ cannot be formed from it`);
    const inv = 1 / Math.sqrt(s);
    for (let t = 0; t < d; t++) W[j * d + t] = X[j * d + t] * inv;
  }
  return W;
}

/** Measure the interpolation residual and refuse a result that does not interpolate. */
export function checkInterpolates(net: Network, data: Dataset, what: string, tol: number): number {
  const { maxResidual } = loss(net, data);
  if (!(maxResidual <= tol)) {
    throw new InputError(
      `${what}: the construction does not interpolate (max residual ${maxResidual.toExponential(2)} > tol ${tol.toExponential(2)}); the linear system is too ill-conditioned to solve accurately`,
    );
  }
  return maxResidual;
}

export function requireData(data: Dataset, what: string): void {
  if (!(data.n >= 1) || !(data.d >= 1))
    throw new InputError(`${what}: the data set must have n ≥ 1 and d ≥ 1 (got n = ${data.n}, d = ${data.d})`);
}

/**
 * Optionally move a construction to the balanced point of its orbit (same function, same F*; the raw
 * trace becomes F*). Non-homogeneous activations have no orbit: balancing them is refused when asked
 * for explicitly and skipped when it is only the default.
 */
export function maybeBalance(
  net: Network,
  data: Dataset,
  want: boolean | undefined,
  byDefault: boolean,
  what: string,
): { net: Network; balanced: boolean } {
  const doIt = want ?? (byDefault && net.act.degree !== null);
  if (!doIt) return { net, balanced: false };
  if (net.act.degree === null)
    throw new InputError(`${what}: cannot balance a ${net.act.label} network (the activation is not homogeneous)`);
  return { net: balance(net, data), balanced: true };
}

/**
 * The last steps every construction shares: balance (when asked, or by default), check that the result
 * interpolates, and record how it was built (`record` lists the construction-specific fields, in the
 * order they are written to the model file).
 */
export function finishInterpolator(
  kind: InterpolatorKind,
  raw: Network,
  data: Dataset,
  opts: InterpolatorOptions,
  balanceByDefault: boolean,
  tol: number,
  record: Pick<Construction, 'cond'> & Partial<Construction>,
): Interpolator {
  const { net, balanced } = maybeBalance(raw, data, opts.balance, balanceByDefault, kind);
  const maxResidual = checkInterpolates(net, data, kind, tol);
  return { net, construction: { kind, width: raw.m, maxResidual, tol, ...record, balanced } };
}
