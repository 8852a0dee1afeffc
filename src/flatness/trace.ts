/**
 * Exact flatness: the Hessian trace of the empirical loss in closed form (docs/math.md#flatness, §3),
 * F(θ) = Σ_j (A_j + B_j + C_j), one pass over the data, O(n·m·d).
 */
import type { Dataset } from '../data/dataset.js';
import { type DataPassResult, dataPass, type Network } from '../model/network.js';

/** The exact Hessian trace with its per-neuron parts A_j, B_j, C_j (docs/math.md#flatness). */
export interface TraceParts {
  /** Second-layer block: A_j = (1/n) Σ_i σ(z_ij)². */
  readonly A: Float64Array;
  /** First-layer Gauss–Newton block: B_j = (a_j²/n) Σ_i σ′(z_ij)² ‖x_i‖². */
  readonly B: Float64Array;
  /** Residual (non-linear modelling error) part: C_j = (a_j/n) Σ_i r_i σ″(z_ij) ‖x_i‖². */
  readonly C: Float64Array;
  /** Tr ∇²L = Σ_j (A_j + B_j + C_j). */
  readonly trace: number;
  /** Trace of the Gauss–Newton matrix, Σ_j (A_j + B_j) ≥ 0. */
  readonly traceGaussNewton: number;
  /** Σ_j C_j (zero at interpolators). */
  readonly traceResidual: number;
  readonly loss: number;
  readonly maxResidual: number;
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/**
 * The per-neuron parts of Tr ∇²L in one pass over the data: A_j (second layer), B_j (first layer,
 * Gauss–Newton) and C_j (residual), with their sums (docs/math.md#flatness, §3).
 *
 * @example
 * ```ts
 * import { makeDataset, teacherInterpolator, traceParts } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const p = traceParts(teacher, data);
 * console.log(p.trace === p.traceGaussNewton + p.traceResidual, Math.abs(p.traceResidual) < 1e-12); // true true
 * ```
 */
export function traceParts(net: Network, data: Dataset): TraceParts {
  const { m } = net;
  // One fresh array for A, B and C (they are returned), and the residuals, which are not, in an
  // array kept between calls. A trace at (n, m) = (2000, 500) costs about a millisecond; four fresh
  // ArrayBuffers per call cost 10 % on top, in page faults (V8 frees them only when it collects, so
  // each fresh one is new memory): docs/performance.md#measured-now-the-idle-2-core-machine.
  const abc = new Float64Array(3 * m);
  const into = { r: residualScratch(data.n), A: abc.subarray(0, m), B: abc.subarray(m, 2 * m), C: abc.subarray(2 * m) };
  return tracePartsOf(dataPass(net, data, { trace: true }, into));
}

let residuals = new Float64Array(0);

/** An n-entry array for residuals that no caller sees (dataPass is synchronous, so one is enough). */
function residualScratch(n: number): Float64Array {
  if (residuals.length !== n) residuals = new Float64Array(n);
  return residuals;
}

/**
 * The trace and its parts from a data pass that accumulated them (`trace: true`): the one place where
 * the per-neuron parts are summed, so the trainer's logged trace is the same number as traceParts'.
 */
export function tracePartsOf(s: DataPassResult): TraceParts {
  if (!s.A || !s.B || !s.C) throw new Error('tracePartsOf: the data pass did not accumulate the trace parts');
  const { A, B, C } = s;
  const gn = sum(A) + sum(B);
  const res = sum(C);
  return {
    A,
    B,
    C,
    trace: gn + res,
    traceGaussNewton: gn,
    traceResidual: res,
    loss: s.loss,
    maxResidual: s.maxResidual,
  };
}

/**
 * F(θ) = Tr ∇²L(θ), exact.
 *
 * @example
 * ```ts
 * import { hessianTrace, makeDataset, rescale, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * console.log(hessianTrace(rescale(teacher, 10), data) > hessianTrace(teacher, data)); // true: the raw trace moves along the orbit
 * ```
 */
export function hessianTrace(net: Network, data: Dataset): number {
  return traceParts(net, data).trace;
}
