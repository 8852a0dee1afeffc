/**
 * The rescaling symmetry of homogeneous networks (Dinh et al. 2017; docs/math.md#network (§2)):
 * (a_j, w_j) ↦ (c_j^{-k} a_j, c_j w_j) leaves f(·; θ) unchanged for every c ∈ (0, ∞)^m.
 */
import { InputError, requireHomogeneous } from '../model/activations.js';
import type { Network } from '../model/network.js';
import { Rng } from '../rng/xoshiro.js';

/**
 * Apply per-neuron factors c (length m) or one global factor.
 *
 * @example
 * ```ts
 * import { createNetwork, forward, rescale } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(1), Float64Array.of(1, 0), 2);
 * const moved = rescale(net, 4); // a/4, 4w: the same function
 * console.log(moved.a[0], moved.W[0], forward(moved, Float64Array.of(2, 0), 1)[0]); // 0.25 4 2
 * ```
 */
export function rescale(net: Network, c: number | Float64Array | number[]): Network {
  const k = requireHomogeneous(net.act, 'rescale');
  const { m, d } = net;
  const factors = typeof c === 'number' ? new Float64Array(m).fill(c) : Float64Array.from(c);
  if (factors.length !== m) throw new InputError(`rescale: expected ${m} factors, got ${factors.length}`);
  for (let j = 0; j < m; j++) {
    if (!(factors[j] > 0) || !Number.isFinite(factors[j])) {
      throw new InputError(`rescale: factor c[${j}] must be a finite number > 0 (got ${factors[j]})`);
    }
  }
  const a = new Float64Array(m);
  const W = new Float64Array(m * d);
  for (let j = 0; j < m; j++) {
    const cj = factors[j];
    a[j] = net.a[j] * cj ** -k;
    for (let t = 0; t < d; t++) W[j * d + t] = net.W[j * d + t] * cj;
  }
  return { act: net.act, m, d, a, W };
}

/**
 * Per-neuron factors c_j = 10^{u_j}, u_j uniform in [−range, range]: a random point of the orbit.
 *
 * @example
 * ```ts
 * import { randomFactors } from 'flatlab';
 *
 * const c = randomFactors(3, 2, 0); // log10 c_j uniform in [−2, 2]
 * console.log(c.length, c.every((x) => x >= 0.01 && x <= 100)); // 3 true
 * ```
 */
export function randomFactors(m: number, logRange: number, seed: number): Float64Array {
  if (!(logRange >= 0) || !Number.isFinite(logRange)) {
    throw new InputError(`random-log-range must be a finite number ≥ 0 (got ${logRange})`);
  }
  const rng = new Rng(seed);
  const c = new Float64Array(m);
  for (let j = 0; j < m; j++) c[j] = 10 ** (logRange * (2 * rng.uniform() - 1));
  return c;
}

/**
 * The invariant mass of each neuron, s_j = a_j ‖w_j‖^k.
 *
 * @example
 * ```ts
 * import { createNetwork, neuronMasses } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(-2), Float64Array.of(3, 4), 2);
 * console.log([...neuronMasses(net)]); // [-10]: sign(a) |a| ‖w‖ for k = 1
 * ```
 */
export function neuronMasses(net: Network): Float64Array {
  const k = requireHomogeneous(net.act, 'neuron masses');
  const s = new Float64Array(net.m);
  for (let j = 0; j < net.m; j++) s[j] = Math.sign(net.a[j]) * scaledMass(net.a[j], rowNorm(net, j), k);
  return s;
}

/**
 * Path norm P(θ) = Σ_j |a_j| ‖w_j‖^k (invariant under the symmetry).
 *
 * @example
 * ```ts
 * import { createNetwork, pathNorm } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(-2, 1), Float64Array.of(3, 4, 1, 0), 2);
 * console.log(pathNorm(net)); // 11 = 2·5 + 1·1
 * ```
 */
export function pathNorm(net: Network): number {
  const s = neuronMasses(net);
  let p = 0;
  for (let j = 0; j < s.length; j++) p += Math.abs(s[j]);
  return p;
}

/** Squared sums outside this range lose digits (subnormals) or overflow: then ‖w‖ is computed scaled. */
const SAFE_SQUARES = [1e-280, 1e280] as const;

/** ‖w_j‖, exact for rows of any scale: a row ×1e-200 has norm 1e-200·‖w‖, not 0. */
export function rowNorm(net: Network, j: number): number {
  let s = 0;
  const o = j * net.d;
  for (let t = 0; t < net.d; t++) s += net.W[o + t] * net.W[o + t];
  if (s > SAFE_SQUARES[0] && s < SAFE_SQUARES[1]) return Math.sqrt(s);
  let big = 0;
  for (let t = 0; t < net.d; t++) big = Math.max(big, Math.abs(net.W[o + t]));
  if (big === 0 || !Number.isFinite(big)) return big;
  let r = 0;
  for (let t = 0; t < net.d; t++) r += (net.W[o + t] / big) ** 2;
  return big * Math.sqrt(r);
}

/** |a| · r^k without intermediate overflow or underflow (the product itself may still be out of range). */
export function scaledMass(a: number, r: number, k: number): number {
  if (a === 0 || r === 0) return 0;
  const rk = r ** k;
  const direct = Math.abs(a) * rk;
  if (rk > SAFE_SQUARES[0] && rk < SAFE_SQUARES[1] && direct > SAFE_SQUARES[0] && direct < SAFE_SQUARES[1])
    return direct;
  return Math.exp(Math.log(Math.abs(a)) + k * Math.log(r));
}
