/**
 * Training a deep network (src/model/mlp.ts) on the square loss L(θ) = (1/(2n)) Σ_i ‖f(x_i) − y_i‖²:
 * full-batch gradient descent, minibatch SGD (epochs of a seeded permutation) and SAM
 * (Foret et al. 2021: θ ← θ − η ∇L(θ + ρ g/‖g‖), g = ∇L(θ)). Every gradient comes from the model's one
 * backward pass (`mlpDataPass`). Work is bounded (at most MLP_MAX_STEPS steps and MLP_MAX_WORK
 * multiply-adds); a non-finite loss or parameter stops the run with an MlpDivergenceError that carries
 * the last network whose loss was finite. The same seed gives bit-identical parameters.
 */
import { DivergenceError, InputError } from '../errors.js';
import type { Activation } from '../model/activations.js';
import { createMlp, type Mlp, type MlpData, mlpParamCount, packMlp, unpackMlp } from '../model/mlp.js';
import { mlpDataPass } from '../model/mlp-hvp.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';

/** The algorithms that train a deep MLP: full-batch GD, seeded minibatch SGD and SAM. */
export const MLP_ALGORITHMS = ['gd', 'sgd', 'sam'] as const;
/** One of MLP_ALGORITHMS. */
export type MlpAlgorithm = (typeof MLP_ALGORITHMS)[number];

/** Most optimizer steps of one run. */
export const MLP_MAX_STEPS = 1_000_000;
/** Most multiply-adds of one run, estimated as 3 · steps · (rows per step) · parameters (× 2 for SAM). */
export const MLP_MAX_WORK = 1e12;

/** What `trainMlp` takes: the algorithm, its rate and step budget, the seed, and the optional batch, SAM radius and loss tolerance. */
export interface MlpTrainOptions {
  readonly algorithm: MlpAlgorithm;
  /** Step size η > 0. */
  readonly lr: number;
  /** Most steps (each one minibatch for SGD). */
  readonly steps: number;
  /** Seed of SGD's minibatch order (GD and SAM draw nothing). */
  readonly seed: number;
  /** SGD minibatch size (default min(n, 16)). */
  readonly batch?: number;
  /** SAM radius ρ ≥ 0 (default 0.05). */
  readonly rho?: number;
  /** GD / SAM stop once the full-batch loss at θ is ≤ tol (default 0: never early). */
  readonly tol?: number;
}

/** What `trainMlp` returns: the trained network, the steps taken, its final full-data loss and the loss at each step. */
export interface MlpTrainResult {
  readonly net: Mlp;
  /** Steps taken. */
  readonly steps: number;
  /** Full-batch loss of the returned network. */
  readonly loss: number;
  /** Loss seen at each step (the minibatch's for SGD), before its update. */
  readonly losses: Float64Array;
}

/**
 * Training produced a non-finite loss or parameter; `last` is the last network whose loss was finite.
 *
 * @example
 * ```ts
 * import { initMlp, makeActivation, makeDataset, MlpDivergenceError, trainMlp } from 'flatlab';
 *
 * const data = makeDataset({ d: 3, n: 20, r: 1, links: 'relu', seed: 0 });
 * const xy = { n: data.n, d: data.d, c: 1, X: data.X, Y: data.y };
 * const net = initMlp(makeActivation({ name: 'relu' }), [3, 8, 8, 1], 1, true, 0);
 * try {
 *   trainMlp(net, xy, { algorithm: 'gd', lr: 1e6, steps: 50, seed: 0 });
 * } catch (e) {
 *   if (!(e instanceof MlpDivergenceError)) throw e;
 *   console.log(e.step > 0, Number.isFinite(e.lastLoss), e.last.widths); // true true [3, 8, 8, 1]
 * }
 * ```
 */
export class MlpDivergenceError extends DivergenceError {
  override name = 'MlpDivergenceError';
  constructor(
    message: string,
    step: number,
    readonly last: Mlp,
    readonly lastLoss: number,
  ) {
    super(message, step);
  }
}

/**
 * A random network: W_l entries N(0, scale² / widths[l−1]) in layer order from `seed`, biases (where
 * `bias`) zero.
 *
 * @example
 * ```ts
 * import { initMlp, makeActivation, mlpParamCount } from 'flatlab';
 *
 * const net = initMlp(makeActivation({ name: 'relu' }), [3, 5, 1], 1, true, 0);
 * console.log(net.widths, mlpParamCount(net)); // [3, 5, 1] 26: 5·3 + 5 + 1·5 + 1
 * ```
 */
export function initMlp(act: Activation, widths: readonly number[], scale: number, bias: boolean, seed: number): Mlp {
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new InputError(`initScale must be a finite number > 0 (got ${scale})`);
  const rng = new Rng(deriveSeed(seed, 'mlp-init'));
  const layers = widths.slice(1).map((rows, i) => {
    const cols = widths[i];
    return {
      rows,
      cols,
      W: rng.fillNormal(new Float64Array(rows * cols), scale / Math.sqrt(cols)),
      b: bias ? new Float64Array(rows) : null,
    };
  });
  return createMlp(act, layers, 'init');
}

/** SAM's ascent step ε = ρ g / ‖g‖₂ (0 where g = 0). */
export function samPerturbation(grad: Float64Array, rho: number): Float64Array {
  let s = 0;
  for (let t = 0; t < grad.length; t++) s += grad[t] * grad[t];
  const norm = Math.sqrt(s);
  return norm > 0 ? grad.map((g) => (rho * g) / norm) : new Float64Array(grad.length);
}

/** The rows `idx` of a data set. */
function rowsOf(data: MlpData, idx: Int32Array): MlpData {
  const { d, c } = data;
  const X = new Float64Array(idx.length * d);
  const Y = new Float64Array(idx.length * c);
  idx.forEach((i, r) => {
    X.set(data.X.subarray(i * d, (i + 1) * d), r * d);
    Y.set(data.Y.subarray(i * c, (i + 1) * c), r * c);
  });
  return { n: idx.length, d, c, X, Y };
}

function checkOptions(net: Mlp, data: MlpData, o: MlpTrainOptions): { batch: number; rho: number; tol: number } {
  checkRateAndSteps(o);
  const batch = o.batch ?? Math.min(data.n, 16);
  if (!Number.isInteger(batch) || batch < 1 || batch > data.n)
    throw new InputError(`batch must be an integer in [1, n = ${data.n}] (got ${batch})`);
  const rho = o.rho ?? 0.05;
  if (!(rho >= 0) || !Number.isFinite(rho)) throw new InputError(`rho must be a finite number ≥ 0 (got ${rho})`);
  const tol = o.tol ?? 0;
  if (!(tol >= 0)) throw new InputError(`tol must be a number ≥ 0 (got ${tol})`);
  checkWork(net, o, o.algorithm === 'sgd' ? batch : data.n);
  return { batch, rho, tol };
}

function checkRateAndSteps(o: MlpTrainOptions): void {
  if (!MLP_ALGORITHMS.includes(o.algorithm))
    throw new InputError(`algorithm must be one of ${MLP_ALGORITHMS.join(', ')} (got ${o.algorithm})`);
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new InputError(`lr must be a finite number > 0 (got ${o.lr})`);
  if (!Number.isInteger(o.steps) || o.steps < 0 || o.steps > MLP_MAX_STEPS)
    throw new InputError(`steps must be an integer in [0, ${MLP_MAX_STEPS}] (got ${o.steps})`);
}

/** The work is bounded before it starts: forward + backward ≈ 3 multiply-adds per parameter and row, twice for SAM. */
function checkWork(net: Mlp, o: MlpTrainOptions, rows: number): void {
  const work = 3 * o.steps * rows * mlpParamCount(net) * (o.algorithm === 'sam' ? 2 : 1);
  if (work > MLP_MAX_WORK)
    throw new InputError(
      `steps: ${o.steps} steps of ${rows} rows on ${mlpParamCount(net)} parameters exceed the work bound (${MLP_MAX_WORK.toExponential(0)} multiply-adds)`,
    );
}

function allFinite(v: Float64Array): boolean {
  for (let t = 0; t < v.length; t++) if (!Number.isFinite(v[t])) return false;
  return true;
}

/** Minibatches of SGD: rows in the order of a fresh seeded permutation each epoch. */
function batchSampler(data: MlpData, batch: number, rng: Rng): () => MlpData {
  let order: Int32Array = new Int32Array(0);
  let next = 0;
  return () => {
    if (next + batch > order.length) {
      order = rng.permutation(data.n);
      next = 0;
    }
    const part = rowsOf(data, order.subarray(next, next + batch));
    next += batch;
    return part;
  };
}

/** SAM's gradient: ∇L at θ + ρ g/‖g‖ on the full data. */
function samGradient(net: Mlp, theta: Float64Array, grad: Float64Array, rho: number, data: MlpData): Float64Array {
  const eps = samPerturbation(grad, rho);
  return mlpDataPass(
    unpackMlp(
      net,
      theta.map((v, t) => v + eps[t]),
    ),
    data,
    null,
  ).grad;
}

/**
 * Train `net` on `data` (the input network is not modified). Throws MlpDivergenceError.
 *
 * @example
 * ```ts
 * import { initMlp, makeActivation, makeDataset, trainMlp } from 'flatlab';
 *
 * const data = makeDataset({ d: 3, n: 20, r: 1, links: 'relu', seed: 0 });
 * const xy = { n: data.n, d: data.d, c: 1, X: data.X, Y: data.y };
 * const net = initMlp(makeActivation({ name: 'relu' }), [3, 8, 8, 1], 1, true, 0);
 * const r = trainMlp(net, xy, { algorithm: 'gd', lr: 0.05, steps: 200, seed: 0 });
 * console.log(r.steps, r.loss < r.losses[0]); // 200 true: GD lowered the loss
 * ```
 */
export function trainMlp(net: Mlp, data: MlpData, o: MlpTrainOptions): MlpTrainResult {
  const { batch, rho, tol } = checkOptions(net, data, o);
  const rng = new Rng(deriveSeed(o.seed, 'mlp-sgd'));
  let theta = packMlp(net);
  let last = net;
  let lastLoss = Number.NaN;
  const losses: number[] = [];
  const nextBatch = batchSampler(data, batch, rng);
  const diverge = (step: number, what: string): never => {
    throw new MlpDivergenceError(
      `training diverged at step ${step} (${what}); the last finite parameters are kept — lower the learning rate (lr = ${o.lr})`,
      step,
      last,
      lastLoss,
    );
  };
  let step = 0;
  for (; step < o.steps; step++) {
    const part = o.algorithm === 'sgd' ? nextBatch() : data;
    const cur = unpackMlp(net, theta);
    const { loss, grad } = mlpDataPass(cur, part, null);
    if (!Number.isFinite(loss) || !allFinite(grad)) diverge(step, `loss ${loss}`);
    last = cur;
    lastLoss = loss;
    if (o.algorithm !== 'sgd' && loss <= tol) break;
    losses.push(loss);
    const g = o.algorithm === 'sam' ? samGradient(net, theta, grad, rho, data) : grad;
    const updated = theta.map((v, t) => v - o.lr * g[t]);
    // A non-finite gradient (at SAM's perturbed point too) shows here as non-finite parameters.
    if (!allFinite(updated)) diverge(step, 'non-finite parameters');
    theta = updated;
  }
  const out = unpackMlp(net, theta);
  const final = mlpDataPass(out, data, null).loss;
  if (!Number.isFinite(final)) diverge(step, `loss ${final}`);
  return { net: out, steps: step, loss: final, losses: Float64Array.from(losses) };
}
