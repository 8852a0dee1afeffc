/**
 * One run's steps as functions over its state (run-state.ts): a training step of the algorithm, a
 * polish iteration (Gauss–Newton or backtracking GD on L alone, so noisy or penalized algorithms end at
 * an interpolator), and the phase changes between them ('train' → 'polish' → 'done', after an optional
 * balance to the flattest point of the orbit). The run's fixed inputs are its context; everything that
 * changes is in the state, so a checkpoint of the state resumes bit-identically.
 */
import type { Dataset } from '../data/dataset.js';
import { DivergenceError } from '../errors.js';
import { dataPass, type Network, packParams, unpackParams } from '../model/network.js';
import { balance as balanceNet } from '../symmetry/invariant.js';
import type { Phase } from './checkpoint-schema.js';
import {
  asamEpsilon,
  asamScale,
  flatGradient,
  microSamDirection,
  penalizedDirection,
  perturbedGradient,
  samEpsilon,
} from './directions.js';
import { GN_MAX_N, gaussNewtonStep, gnStalled } from './gauss-newton.js';
import { applyUpdate } from './optimizers.js';
import type { TrainConfig } from './params.js';
import type { RunState } from './run-state.js';
import { learningRate } from './schedule.js';
import { observeStep } from './search.js';

/** What a run does not change: the data, the configuration, the batch size and the base rate. */
export interface RunContext {
  readonly data: Dataset;
  readonly c: TrainConfig;
  /** The mini-batch size used (effectiveBatch). */
  readonly b: number;
  /** The base learning rate: c.lr, or lower where the curvature cap bound it (step-cap.ts). */
  readonly lr: number;
  /** The configuration the schedule reads (c with the capped rate). */
  readonly schedule: TrainConfig;
  /** The flattest search's adaptive λ continuation is on (search.ts). */
  readonly adaptive: boolean;
  /** Wall-clock milliseconds of the whole run (over every run of a search and every resume). */
  readonly elapsed: () => number;
}

/** What one step reports: the step count, the loss before it, the rate and penalty weight used, the phase. */
export interface StepInfo {
  /** Optimizer steps taken (over every run of a search). */
  step: number;
  phase: Phase;
  /** Loss on the step's batch before the update (the full train loss in the polish phase). */
  loss: number;
  lr: number;
  lambda: number;
  done: boolean;
}

/** How many times the GD polish halves its rate looking for a step that lowers the loss. */
export const GD_POLISH_HALVINGS = 30;

/** λ at step t: fixed for the penalties; geometric continuation λ → λ_final for flattest. */
export function lambdaAt(c: TrainConfig, t: number): number {
  if (c.algo === 'trace-penalty' || c.algo === 'invariant-penalty') return c.lambda;
  if (c.algo !== 'flattest') return 0;
  if (c.lambda === 0 || c.lambdaFinal === 0 || c.steps === 0)
    return c.lambda * (1 - Math.min(1, t / Math.max(1, c.steps)));
  return c.lambda * (c.lambdaFinal / c.lambda) ** Math.min(1, t / c.steps);
}

/** λ of the run's current step (0 outside the training phase). */
export function currentLambda(ctx: RunContext, st: RunState): number {
  if (st.phase !== 'train') return 0;
  return ctx.adaptive ? st.cont.lambda : lambdaAt(ctx.c, st.runStep);
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

const timeUp = (ctx: RunContext): boolean => ctx.c.timeBudget > 0 && ctx.elapsed() > ctx.c.timeBudget * 1000;

/** The step's batch: the whole set, or b rows sampled with/without replacement. */
function sampleBatch(ctx: RunContext, st: RunState): Dataset {
  const { data, b } = ctx;
  if (b >= data.n) return data;
  const idx = new Int32Array(b);
  if (ctx.c.replacement) {
    for (let i = 0; i < b; i++) idx[i] = st.rngBatch.int(data.n);
  } else {
    // Reshuffled epochs; an epoch's incomplete tail is dropped so every batch has b rows.
    if (!st.perm || st.permPos + b > data.n) {
      st.perm = st.rngBatch.permutation(data.n);
      st.permPos = 0;
    }
    for (let i = 0; i < b; i++) idx[i] = st.perm[st.permPos + i];
    st.permPos += b;
  }
  const { d } = data;
  const X = new Float64Array(b * d);
  const y = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    X.set(data.X.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
    y[i] = data.y[idx[i]];
  }
  return { n: b, d, X, y };
}

function withLabelNoise(c: TrainConfig, st: RunState, batch: Dataset): Dataset {
  const y = batch.y.slice();
  for (let i = 0; i < y.length; i++) {
    const xi = c.noiseKind === 'gaussian' ? st.rngNoise.normal() : st.rngNoise.rademacher();
    y[i] += c.noiseSigma * xi;
  }
  return { n: batch.n, d: batch.d, X: batch.X, y };
}

/** The algorithm's direction at θ on the batch, with the batch loss. */
function direction(c: TrainConfig, st: RunState, batch: Dataset, lambda: number): { loss: number; g: Float64Array } {
  const net = st.net;
  switch (c.algo) {
    case 'gd':
    case 'sgd':
    case 'adam':
    case 'label-noise':
      return flatGradient(net, batch);
    case 'sam': {
      const { loss, g } = flatGradient(net, batch);
      return { loss, g: perturbedGradient(net, batch, samEpsilon(g, c.rho)) };
    }
    case 'asam': {
      const { loss, g } = flatGradient(net, batch);
      const T = asamScale(packParams(net), c.asamEta);
      return { loss, g: perturbedGradient(net, batch, asamEpsilon(g, T, c.rho)) };
    }
    case '1sam': {
      const loss = dataPass(net, batch).loss;
      return { loss, g: microSamDirection(net, batch, c.rho, c.microBatch) };
    }
    case 'trace-penalty':
    case 'flattest': {
      // flattest penalizes the Gauss–Newton trace, not F* itself: L is orbit-invariant and the orbit
      // minimum of Σ(A_j + B_j) is F*, so min L + λ Σ(A+B) has the same minimizers (up to the
      // orbit) as min L + λ F*, but is smooth where F* has kinks (a_j = 0), and GD balances itself.
      const r = penalizedDirection(net, batch, lambda, 'trace');
      st.lastPenalty = r.penalty;
      return r;
    }
    case 'invariant-penalty':
      return penalizedDirection(net, batch, lambda, 'invariant');
  }
}

/** `badTheta`: the current θ itself has a non-finite loss (else the failed update was not applied). */
function diverged(ctx: RunContext, st: RunState, at: number, what: string, badTheta = false): never {
  // A finite but huge θ can have an infinite loss: go back to the iterate before it (docs/training.md).
  if (badTheta && st.lastFinite && st.lastFinite.net !== st.net) {
    st.net = st.lastFinite.net;
    st.step = st.lastFinite.step;
  }
  throw new DivergenceError(
    `training diverged at step ${at} (${what}); the last finite parameters, of step ${st.step}, are kept — lower the learning rate (lr = ${ctx.lr})`,
    st.step,
  );
}

/** The training phase is over: polish, or end the run. */
export function enterPolish(ctx: RunContext, st: RunState): void {
  st.phase = ctx.c.polish === 'none' ? 'done' : 'polish';
  st.polishIter = 0;
  st.gn.windowLoss = null;
  if (st.phase === 'done') finish(ctx, st);
}

/** End the run: balanced when asked for (always for the flattest search) and the activation is homogeneous. */
function finish(ctx: RunContext, st: RunState): void {
  st.phase = 'done';
  const { c } = ctx;
  if ((c.balance || c.algo === 'flattest') && st.net.act.degree !== null) st.net = balanceNet(st.net, ctx.data);
}

const info = (st: RunState, loss: number, lr: number, lambda: number): StepInfo => ({
  step: st.step,
  phase: st.phase,
  loss,
  lr,
  lambda,
  done: st.phase === 'done',
});

/** The training phase ended at θ_t (not updated) with batch loss `loss`. */
function stopAt(ctx: RunContext, st: RunState, loss: number, rate: number, lambda: number): StepInfo {
  st.lastLoss = loss;
  enterPolish(ctx, st);
  return info(st, loss, rate, lambda);
}

/** One step of the algorithm. Throws DivergenceError. */
export function trainStep(ctx: RunContext, st: RunState): StepInfo {
  const { c, data, b } = ctx;
  const t = st.runStep;
  const rate = learningRate(ctx.schedule, t);
  const lambda = ctx.adaptive ? st.cont.lambda : lambdaAt(c, t);
  let batch = sampleBatch(ctx, st);
  if (c.algo === 'label-noise') batch = withLabelNoise(c, st, batch);
  const { loss, g } = direction(c, st, batch, lambda);
  if (!Number.isFinite(loss)) diverged(ctx, st, st.step, `loss = ${loss}`, true);
  st.lastFinite = { net: st.net, step: st.step };
  const seeksInterpolation = c.algo !== 'trace-penalty' && c.algo !== 'invariant-penalty' && c.algo !== 'flattest';
  // Full-batch, noise-free algorithms stop as soon as the loss at θ is ≤ lossTol (θ is not updated).
  if (seeksInterpolation && c.algo !== 'label-noise' && b >= data.n && loss <= c.lossTol)
    return stopAt(ctx, st, loss, rate, lambda);
  // The adaptive continuation decides on θ_t (not updated when the run is over, like the rule above).
  if (ctx.adaptive && observeStep(st.cont, c, t, loss, st.lastPenalty)) {
    st.runStopped = 'converged';
    return stopAt(ctx, st, loss, rate, lambda);
  }
  if (!allFinite(g)) diverged(ctx, st, st.step, 'non-finite gradient');
  const theta = packParams(st.net);
  applyUpdate(theta, g, rate, st.opt, c);
  if (!allFinite(theta)) diverged(ctx, st, st.step, 'non-finite parameters');
  st.net = unpackParams(st.net, theta);
  st.step += 1;
  st.runStep += 1;
  st.lastLoss = loss;
  if (runIsOver(ctx, st, loss, seeksInterpolation)) enterPolish(ctx, st);
  return info(st, loss, rate, lambda);
}

/** After a step: the step budget or the clock ran out (recorded in runStopped), or the run interpolates. */
function runIsOver(ctx: RunContext, st: RunState, loss: number, seeksInterpolation: boolean): boolean {
  const { c, data, b } = ctx;
  const late = timeUp(ctx);
  if (st.runStep >= c.steps || late) {
    st.runStopped = late ? 'time' : 'budget';
    return true;
  }
  // Stochastic algorithms check the full train loss only when the batch loss suggests convergence.
  return seeksInterpolation && loss <= c.lossTol && b < data.n && dataPass(st.net, data).loss <= c.lossTol;
}

/** End the polish at the current θ, whose loss is `loss`. */
function endPolish(ctx: RunContext, st: RunState, loss: number): StepInfo {
  finish(ctx, st);
  return info(st, loss, 0, 0);
}

/**
 * Backtracking GD on L: a step is taken only if the loss falls, else the rate is halved (at most
 * GD_POLISH_HALVINGS times; null: no step lowers it). The configured rate suits the algorithm's own
 * steps, not necessarily the end of training (measured: a relu² flattest search at n = 10⁴ whose
 * fixed-rate GD polish diverged). A step that lowers the loss at the full rate is the plain GD step,
 * bit for bit.
 */
function gdPolishStep(net: Network, data: Dataset, lr: number, cur: number): { net: Network; loss: number } | null {
  const { g } = flatGradient(net, data);
  const theta0 = packParams(net);
  let rate = lr;
  for (let h = 0; h <= GD_POLISH_HALVINGS; h++, rate /= 2) {
    const theta = theta0.slice();
    for (let p = 0; p < theta.length; p++) theta[p] -= rate * g[p];
    if (!allFinite(theta)) continue;
    const cand = unpackParams(net, theta);
    const l = dataPass(cand, data).loss;
    if (l < cur) return { net: cand, loss: l };
  }
  return null;
}

/** One polish iteration. Throws DivergenceError. */
export function polishStep(ctx: RunContext, st: RunState): StepInfo {
  const { c, data } = ctx;
  // The loss of a θ the polish just accepted is known (it was computed to accept it); after a resume it
  // is recomputed by the same pass, so it is the same number.
  const cur = st.accepted?.net === st.net ? st.accepted.loss : dataPass(st.net, data).loss;
  if (!Number.isFinite(cur)) diverged(ctx, st, st.step, `loss = ${cur} before the polish`, true);
  st.lastFinite = { net: st.net, step: st.step };
  st.lastLoss = cur;
  if (cur <= c.lossTol || st.polishIter >= c.polishSteps) return endPolish(ctx, st, cur);
  const useGn = c.polish === 'gn' && data.n <= GN_MAX_N;
  if (useGn && gnStalled(st.gn, st.polishIter, cur)) return endPolish(ctx, st, cur);
  st.polishIter += 1;
  const next = useGn ? gaussNewtonStep(st.net, data, st.gn) : gdPolishStep(st.net, data, ctx.lr, cur);
  if (!next) return endPolish(ctx, st, cur);
  st.net = next.net;
  // The Gauss–Newton step reports the loss it reached; the GD polish, the loss it started from.
  if (useGn) st.lastLoss = next.loss;
  st.accepted = next;
  return info(st, st.lastLoss, ctx.lr, 0);
}

/** Advance up to k iterations (train steps or polish iterations) of one run. */
export function advanceRun(ctx: RunContext, st: RunState, k: number): StepInfo {
  let out = info(st, st.lastLoss, 0, 0);
  for (let i = 0; i < k && st.phase !== 'done'; i++)
    out = st.phase === 'train' ? trainStep(ctx, st) : polishStep(ctx, st);
  return out;
}
