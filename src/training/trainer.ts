/**
 * The training loop with an incremental API: `createTrainer(data, config)` returns an object whose
 * `step(k)` advances k iterations (the playground steps it from a Web Worker; the CLI drives it with a
 * progress bar), and `train(...)` runs it to the end. Phases: 'train' (the algorithm) → 'polish'
 * (Gauss–Newton or GD on L alone, so noisy or penalized algorithms end at an interpolator) → 'done'
 * (after an optional balance to the flattest point of the orbit).
 *
 * The flattest search (algo flattest) runs that cycle once per run of its plan (search.ts): `restarts`
 * runs from seeds derived from `seed`, then, while none reaches train loss ≤ tol, wider students up to
 * `maxWidth`; each run's λ continuation is adaptive and stops early (search.ts, observeStep). The run
 * with the smallest F* among the interpolating ones is returned, and `search` reports them all.
 *
 * Determinism: the initialization, the batch sampling and the label noise draw from independent
 * sub-streams of the seed; a checkpoint holds θ, the optimizer state, both generator states, the
 * epoch permutation, the step and the search state (run, λ, the best network so far), so resuming
 * gives the same bits as an uninterrupted run.
 */
import type { Dataset } from '../data/dataset.js';
import { DivergenceError, InputError } from '../errors.js';
import { type Activation, makeActivation } from '../model/activations.js';
import { cloneNetwork, type Network, packParams, paramCount, dataPass, unpackParams } from '../model/network.js';
import { tracePartsOf } from '../flatness/trace.js';
import { deriveSeed, Rng, type RngState } from '../rng/xoshiro.js';
import { invariantFromParts, balance as balanceNet } from '../symmetry/invariant.js';
import { pathNorm } from '../symmetry/rescale.js';
import {
  asamEpsilon,
  asamScale,
  flatGradient,
  microSamDirection,
  penalizedDirection,
  norm2,
  perturbedGradient,
  samEpsilon,
} from './directions.js';
import { GN_MAX_N, type GnState, gaussNewtonStep, gnStalled } from './gauss-newton.js';
import { initNetwork } from './init.js';
import { applyUpdate, createOptimizerState, type OptimizerState } from './optimizers.js';
import { checkConfigAgainstData, effectiveBatch, type TrainConfig } from './params.js';
import { learningRate } from './schedule.js';
import { cappedRate, largestCurvature } from './step-cap.js';
import {
  adaptiveContinuation,
  chooseRun,
  type Continuation,
  initialContinuation,
  nextWidth,
  observeStep,
  type RunStop,
  runSeed,
  runsAgree,
  type SearchReport,
  type SearchRun,
} from './search.js';
import { decodeF64, encodeF64, hashArrays } from './serialize.js';

/** Where a trainer is: training, the Gauss–Newton polish, or done. */
export type Phase = 'train' | 'polish' | 'done';

/** A population risk as the trainer logs it. */
export interface RiskEstimate {
  value: number;
  stderr: number;
  method: string;
}

/** A trainer's start (a network, an activation for a fresh one, or a checkpoint) and its risk function and clock. */
export interface TrainerOptions {
  /** Start from this network (else initialize from config.width/init/initScale/seed). */
  net?: Network;
  /** Activation for a fresh initialization (default ReLU). */
  activation?: Activation;
  /** Resume from a checkpoint made by `checkpoint()` with the same config and data. */
  resume?: Checkpoint;
  /** Population risk of a network (exact when available); null when unknown. */
  riskFn?: (net: Network) => RiskEstimate | null;
  /** Clock for the time budget (ms); injectable for tests and workers. */
  now?: () => number;
}

/** What one call of Trainer.advance did. */
export interface StepInfo {
  step: number;
  phase: Phase;
  /** Loss on the step's batch before the update (the full train loss in the polish phase). */
  loss: number;
  lr: number;
  lambda: number;
  done: boolean;
}

/** The trainer's full measurements at the current θ: loss, exact trace, F*, path norm, risk, … */
export interface Metrics {
  step: number;
  phase: Phase;
  trainLoss: number;
  maxResidual: number;
  /** Exact Tr ∇²L. */
  trace: number;
  /** Gauss–Newton part Σ_j (A_j + B_j). */
  traceGaussNewton: number;
  /** Invariant flatness F* (null for a non-homogeneous activation). */
  fStar: number | null;
  pathNorm: number | null;
  gradNorm: number;
  risk: number | null;
  riskStderr: number | null;
  riskMethod: string | null;
  lambda: number;
  elapsedMs: number;
}

/** A trainer's complete state: resuming from it gives bit-identical results. */
export interface Checkpoint {
  format: 'flatlab-checkpoint';
  version: 1;
  config: TrainConfig;
  dataHash: string;
  activation: Activation['spec'];
  m: number;
  d: number;
  step: number;
  phase: Phase;
  polishIter: number;
  gnMu: number;
  gnWindowLoss?: number | null;
  /** The base rate in use after the curvature cap (absent in checkpoints made before the cap). */
  lr?: number;
  lastLoss: number;
  theta: string;
  opt: { kind: 'sgd' | 'adam'; m1: string | null; m2: string | null; t: number };
  rngBatch: RngState;
  rngNoise: RngState;
  perm: number[] | null;
  permPos: number;
  elapsedMs: number;
  /** The flattest search's state (absent for the other algorithms). */
  search?: SearchCheckpoint;
}

/** The flattest search's part of a checkpoint: the current run, its continuation, the runs done and the best θ. */
export interface SearchCheckpoint {
  run: number;
  runStep: number;
  width: number;
  runStopped: RunStop;
  continuation: Continuation;
  runs: SearchRun[];
  /** θ of the best run so far (base64), with its width; null before the first run ends. */
  best: { theta: string; m: number } | null;
}

/** An incremental trainer: advance it k steps at a time, read metrics, snapshot or checkpoint it. */
export interface Trainer {
  readonly config: TrainConfig;
  readonly phase: Phase;
  readonly step: number;
  readonly done: boolean;
  /** Current parameters (a live view; clone before keeping). */
  readonly net: Network;
  /** The base learning rate in use: config.lr, or lrCap/λ_max(θ₀) where the cap binds (step-cap.ts). */
  readonly lr: number;
  /** Advance up to k iterations (train steps or polish iterations). Throws DivergenceError. */
  advance(k?: number): StepInfo;
  /** Measure the current θ (a full pass over the data). */
  metrics(): Metrics;
  /** A copy of the current network. */
  snapshot(): Network;
  /** The complete state, for resuming bit-identically. */
  checkpoint(): Checkpoint;
  /** What the flattest search did (its runs, the one kept, the width); null for the other algorithms. */
  readonly search: SearchReport | null;
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

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** A trainer for one algorithm on one data set (docs/training.md), started fresh, from a network or from a checkpoint. */
export function createTrainer(data: Dataset, config: TrainConfig, opts: TrainerOptions = {}): Trainer {
  checkConfigAgainstData(config, data.n);
  const c = config;
  const now = opts.now ?? (() => Date.now());
  const dataHash = hashArrays(data.X, data.y);
  const b = effectiveBatch(c, data.n);
  const optKind: 'sgd' | 'adam' = c.optimizer === 'auto' ? (c.algo === 'adam' ? 'adam' : 'sgd') : c.optimizer;

  let net: Network;
  let opt: OptimizerState;
  const rngBatch = new Rng(deriveSeed(c.seed, 'batch'));
  const rngNoise = new Rng(deriveSeed(c.seed, 'label-noise'));
  let step = 0;
  let phase: Phase = 'train';
  let polishIter = 0;
  const gn: GnState = { mu: 1e-6, windowLoss: null };
  let lastLoss = Number.NaN;
  let perm: Int32Array | null = null;
  let permPos = 0;
  let elapsedBefore = 0;
  // The flattest search's plan and the current run (search.ts).
  const isSearch = c.algo === 'flattest';
  const adaptive = isSearch && adaptiveContinuation(c);
  let run = 0;
  let runStep = 0;
  let runStopped: RunStop = 'budget';
  let cont = initialContinuation(c);
  const runs: SearchRun[] = [];
  let best: Network | null = null;
  let act: Activation = opts.net?.act ?? opts.activation ?? makeActivation('relu');

  if (opts.resume) {
    const ck = opts.resume;
    if (ck.format !== 'flatlab-checkpoint' || ck.version !== 1)
      throw new InputError('checkpoint: not a flatlab checkpoint (version 1)');
    if (JSON.stringify(ck.config) !== JSON.stringify(c)) {
      throw new InputError(
        'checkpoint: it was made with a different configuration (use a new output folder or the same flags)',
      );
    }
    if (ck.dataHash !== dataHash) throw new InputError('checkpoint: it was made on a different data set');
    const theta = decodeF64(ck.theta);
    act = makeActivation(ck.activation);
    net = unpackParams({ act, m: ck.m, d: ck.d, a: new Float64Array(0), W: new Float64Array(0) }, theta);
    opt = {
      kind: ck.opt.kind,
      m1: ck.opt.m1 ? decodeF64(ck.opt.m1) : null,
      m2: ck.opt.m2 ? decodeF64(ck.opt.m2) : null,
      t: ck.opt.t,
    };
    rngBatch.setState(ck.rngBatch);
    rngNoise.setState(ck.rngNoise);
    step = ck.step;
    phase = ck.phase;
    polishIter = ck.polishIter;
    gn.mu = ck.gnMu;
    gn.windowLoss = ck.gnWindowLoss ?? null;
    lastLoss = ck.lastLoss;
    perm = ck.perm ? Int32Array.from(ck.perm) : null;
    permPos = ck.permPos;
    elapsedBefore = ck.elapsedMs;
    if (isSearch !== (ck.search !== undefined))
      throw new InputError('checkpoint: its search state does not match the algorithm (use a new output folder)');
    if (ck.search) {
      const sc = ck.search;
      run = sc.run;
      runStep = sc.runStep;
      runStopped = sc.runStopped;
      cont = { ...sc.continuation };
      runs.push(...sc.runs.map((r) => ({ ...r })));
      best = sc.best
        ? unpackParams(
            { act, m: sc.best.m, d: ck.d, a: new Float64Array(0), W: new Float64Array(0) },
            decodeF64(sc.best.theta),
          )
        : null;
    }
  } else {
    net = opts.net
      ? cloneNetwork(opts.net)
      : initNetwork(act, c.width, data.d, {
          init: c.init,
          initScale: c.initScale,
          seed: deriveSeed(c.seed, 'init'),
        });
    opt = createOptimizerState(optKind, paramCount(net), c);
    runStep = 0;
  }
  // The base rate: capped by the curvature of the initialization for plain-gradient steps (step-cap.ts),
  // measured once on a fresh start and carried by the checkpoint, so a resumed run steps the same.
  const lr =
    opts.resume !== undefined
      ? (opts.resume.lr ?? c.lr)
      : optKind === 'sgd' && c.lrCap > 0 && c.lr > 0 && c.steps > 0
        ? cappedRate(c.lr, c.lrCap, largestCurvature(net, data, deriveSeed(c.seed, 'lr-cap')))
        : c.lr;
  const schedule = lr === c.lr ? c : { ...c, lr, lrMin: Math.min(c.lrMin, lr) };
  if (net.d !== data.d)
    throw new InputError(`dimension mismatch: the model has d = ${net.d} but the data have d = ${data.d}`);
  const startedAt = now();
  const elapsed = (): number => elapsedBefore + (now() - startedAt);

  /** The step's batch: the whole set, or b rows sampled with/without replacement. */
  function sampleBatch(): Dataset {
    if (b >= data.n) return data;
    const idx = new Int32Array(b);
    if (c.replacement) {
      for (let i = 0; i < b; i++) idx[i] = rngBatch.int(data.n);
    } else {
      // Reshuffled epochs; an epoch's incomplete tail is dropped so every batch has b rows.
      if (!perm || permPos + b > data.n) {
        perm = rngBatch.permutation(data.n);
        permPos = 0;
      }
      for (let i = 0; i < b; i++) idx[i] = perm[permPos + i];
      permPos += b;
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

  function withLabelNoise(batch: Dataset): Dataset {
    const y = batch.y.slice();
    for (let i = 0; i < y.length; i++) {
      const xi = c.noiseKind === 'gaussian' ? rngNoise.normal() : rngNoise.rademacher();
      y[i] += c.noiseSigma * xi;
    }
    return { n: batch.n, d: batch.d, X: batch.X, y };
  }

  function direction(batch: Dataset, lambda: number): { loss: number; g: Float64Array } {
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
        lastPenalty = r.penalty;
        return r;
      }
      case 'invariant-penalty':
        return penalizedDirection(net, batch, lambda, 'invariant');
    }
  }

  /** Σ_j (A_j + B_j) at θ of the last flattest step (the continuation's stall test reads it). */
  let lastPenalty = 0;

  /** The last iterate whose loss was seen finite, and its step: what a diverged run keeps. */
  let lastFinite: { net: Network; step: number } | null = null;

  /** `badTheta`: the current θ itself has a non-finite loss (else the failed update was not applied). */
  function diverged(at: number, what: string, badTheta = false): never {
    // A finite but huge θ can have an infinite loss: go back to the iterate before it (docs/training.md).
    if (badTheta && lastFinite && lastFinite.net !== net) {
      net = lastFinite.net;
      step = lastFinite.step;
    }
    throw new DivergenceError(
      `training diverged at step ${at} (${what}); the last finite parameters, of step ${step}, are kept — lower the learning rate (lr = ${lr})`,
      step,
    );
  }

  function enterPolish(): void {
    phase = c.polish === 'none' ? 'done' : 'polish';
    polishIter = 0;
    gn.windowLoss = null;
    if (phase === 'done') finish();
  }

  function finish(): void {
    phase = 'done';
    if ((c.balance || c.algo === 'flattest') && net.act.degree !== null) net = balanceNet(net, data);
    if (isSearch) endRun();
  }

  /**
   * A run of the search ended (polished and balanced): record it, keep it if it is the best, and start
   * the next run of the plan — another restart, else a wider student when none interpolates — or
   * return the best network.
   */
  function endRun(): void {
    const s = dataPass(net, data, { trace: true });
    const k = net.act.degree;
    const fStar = k === null ? Number.NaN : invariantFromParts(s.A as Float64Array, s.B as Float64Array, k).value;
    runs.push({
      restart: run,
      seed: runSeed(c.seed, run),
      width: net.m,
      steps: runStep,
      stopped: runStopped,
      backoffs: cont.backoffs,
      trainLoss: s.loss,
      fStar,
      interpolates: s.loss <= c.tol,
    });
    const chosen = chooseRun(runs);
    if (chosen === runs.length - 1) best = cloneNetwork(net);
    const timeUp = c.timeBudget > 0 && elapsed() > c.timeBudget * 1000;
    let nextW: number | null = null;
    if (!timeUp) {
      if (run + 1 < c.restarts && !runsAgree(runs)) nextW = net.m;
      else if (!runs[chosen].interpolates) {
        const w = nextWidth(c, net.m);
        if ('width' in w) nextW = w.width;
      }
    }
    if (nextW === null) {
      net = best as Network;
      return;
    }
    run += 1;
    runStep = 0;
    runStopped = 'budget';
    cont = initialContinuation(c);
    net = initNetwork(act, nextW, data.d, {
      init: c.init,
      initScale: c.initScale,
      seed: deriveSeed(runSeed(c.seed, run), 'init'),
    });
    opt = createOptimizerState(optKind, paramCount(net), c);
    lastLoss = Number.NaN;
    lastFinite = null;
    gn.mu = 1e-6;
    gn.windowLoss = null;
    polishIter = 0;
    phase = 'train';
    if (c.steps === 0) enterPolish();
  }

  function searchReport(): SearchReport | null {
    if (!isSearch) return null;
    const chosen = runs.length ? chooseRun(runs) : -1;
    const r = chosen >= 0 ? runs[chosen] : null;
    const requested = opts.net?.m ?? c.width;
    let reason: string | null = null;
    if (phase === 'done' && r && !r.interpolates) {
      const w = nextWidth(c, runs[runs.length - 1].width);
      const timeUp = c.timeBudget > 0 && elapsed() > c.timeBudget * 1000;
      reason = `no run reached train loss ≤ tol = ${c.tol} (best ${r.trainLoss.toExponential(2)} at width ${r.width}); ${
        timeUp ? `the time budget of ${c.timeBudget} s ran out` : 'reason' in w ? w.reason : 'the plan ended'
      }`;
    }
    return {
      runs: runs.map((x) => ({ ...x })),
      chosen,
      requestedWidth: requested,
      width: r?.width ?? net.m,
      widthRaised: runs.some((x) => x.width !== requested),
      interpolates: r?.interpolates ?? false,
      totalSteps: step,
      budgetSteps: c.steps * Math.max(c.restarts, runs.length),
      reason,
    };
  }

  function trainStep(): StepInfo {
    const t = isSearch ? runStep : step;
    const rate = learningRate(schedule, t);
    const lambda = adaptive ? cont.lambda : lambdaAt(c, t);
    let batch = sampleBatch();
    if (c.algo === 'label-noise') batch = withLabelNoise(batch);
    const { loss, g } = direction(batch, lambda);
    if (!Number.isFinite(loss)) diverged(step, `loss = ${loss}`, true);
    lastFinite = { net, step };
    const seeksInterpolation = c.algo !== 'trace-penalty' && c.algo !== 'invariant-penalty' && c.algo !== 'flattest';
    // Full-batch, noise-free algorithms stop as soon as the loss at θ is ≤ tol (θ is not updated).
    if (seeksInterpolation && c.algo !== 'label-noise' && b >= data.n && loss <= c.tol) {
      lastLoss = loss;
      enterPolish();
      return { step, phase, loss, lr: rate, lambda, done: phase === 'done' };
    }
    // The adaptive continuation decides on θ_t (not updated when the run is over, like the rule above).
    if (adaptive && observeStep(cont, c, t, loss, lastPenalty)) {
      lastLoss = loss;
      runStopped = 'converged';
      enterPolish();
      return { step, phase, loss, lr: rate, lambda, done: phase === 'done' };
    }
    if (!allFinite(g)) diverged(step, 'non-finite gradient');
    const theta = packParams(net);
    applyUpdate(theta, g, rate, opt, c);
    if (!allFinite(theta)) diverged(step, 'non-finite parameters');
    net = unpackParams(net, theta);
    step += 1;
    if (isSearch) runStep += 1;
    lastLoss = loss;
    const timeUp = c.timeBudget > 0 && elapsed() > c.timeBudget * 1000;
    let over = (isSearch ? runStep : step) >= c.steps || timeUp;
    if (isSearch && over) runStopped = timeUp ? 'time' : 'budget';
    // Stochastic algorithms check the full train loss only when the batch loss suggests convergence.
    if (!over && seeksInterpolation && loss <= c.tol && b < data.n) over = dataPass(net, data).loss <= c.tol;
    if (over) enterPolish();
    return { step, phase, loss, lr: rate, lambda, done: phase === 'done' };
  }

  /**
   * The loss of a θ the polish just accepted (each candidate's loss is computed to accept it), so the
   * next iteration does not evaluate it again; keyed by the network object, and recomputed after a
   * resume (the same pass, so the same number).
   */
  let accepted: { net: Network; loss: number } | null = null;

  /** End the polish at the current θ, whose loss is `loss`. */
  function endPolish(loss: number): StepInfo {
    finish();
    return { step, phase, loss, lr: 0, lambda: 0, done: phase === 'done' };
  }

  function polishStep(): StepInfo {
    const cur = accepted?.net === net ? accepted.loss : dataPass(net, data).loss;
    if (!Number.isFinite(cur)) diverged(step, `loss = ${cur} before the polish`, true);
    lastFinite = { net, step };
    lastLoss = cur;
    if (cur <= c.tol || polishIter >= c.polishSteps) return endPolish(cur);
    const useGn = c.polish === 'gn' && data.n <= GN_MAX_N;
    if (useGn && gnStalled(gn, polishIter, cur)) return endPolish(cur);
    polishIter += 1;
    if (useGn) {
      const r = gaussNewtonStep(net, data, gn);
      if (!r) return endPolish(cur);
      net = r.net;
      lastLoss = r.loss;
      accepted = r;
    } else {
      // Backtracking: a step is taken only if the loss falls, else the rate is halved (at most
      // GD_POLISH_HALVINGS times, then the polish ends where it is). The configured rate suits the
      // algorithm's own steps, not necessarily the end of training (measured: a relu² flattest search at
      // n = 10⁴ whose fixed-rate GD polish diverged). A step that lowers the loss at the full rate is the
      // plain GD step, bit for bit.
      const { g } = flatGradient(net, data);
      const theta0 = packParams(net);
      let rate = lr;
      let next: { net: Network; loss: number } | null = null;
      for (let h = 0; h <= GD_POLISH_HALVINGS && next === null; h++, rate /= 2) {
        const theta = theta0.slice();
        for (let p = 0; p < theta.length; p++) theta[p] -= rate * g[p];
        if (!allFinite(theta)) continue;
        const cand = unpackParams(net, theta);
        const l = dataPass(cand, data).loss;
        if (l < cur) next = { net: cand, loss: l };
      }
      if (next === null) return endPolish(cur);
      net = next.net;
      accepted = next;
    }
    return { step, phase, loss: lastLoss, lr, lambda: 0, done: false };
  }

  if (!opts.resume && c.steps === 0) enterPolish();

  const trainer: Trainer = {
    config: c,
    get phase() {
      return phase;
    },
    get step() {
      return step;
    },
    get done() {
      return phase === 'done';
    },
    get net() {
      return net;
    },
    lr,
    advance(k = 1): StepInfo {
      let info: StepInfo = { step, phase, loss: lastLoss, lr: 0, lambda: 0, done: phase === 'done' };
      for (let i = 0; i < k && phase !== 'done'; i++) info = phase === 'train' ? trainStep() : polishStep();
      return info;
    },
    metrics(): Metrics {
      const s = dataPass(net, data, { grad: true, trace: true });
      const { A, B, trace, traceGaussNewton } = tracePartsOf(s);
      const k = net.act.degree;
      const risk = opts.riskFn ? opts.riskFn(net) : null;
      const gnorm = Math.sqrt(norm2(s.ga as Float64Array) ** 2 + norm2(s.gW as Float64Array) ** 2);
      return {
        step,
        phase,
        trainLoss: s.loss,
        maxResidual: s.maxResidual,
        trace,
        traceGaussNewton,
        fStar: k === null ? null : invariantFromParts(A, B, k).value,
        pathNorm: k === null ? null : pathNorm(net),
        gradNorm: gnorm,
        risk: risk ? risk.value : null,
        riskStderr: risk ? risk.stderr : null,
        riskMethod: risk ? risk.method : null,
        lambda: phase !== 'train' ? 0 : adaptive ? cont.lambda : lambdaAt(c, isSearch ? runStep : step),
        elapsedMs: elapsed(),
      };
    },
    snapshot(): Network {
      return cloneNetwork(net);
    },
    checkpoint(): Checkpoint {
      return {
        format: 'flatlab-checkpoint',
        version: 1,
        config: c,
        dataHash,
        activation: net.act.spec,
        m: net.m,
        d: net.d,
        step,
        phase,
        polishIter,
        gnMu: gn.mu,
        gnWindowLoss: gn.windowLoss,
        lr,
        lastLoss,
        theta: encodeF64(packParams(net)),
        opt: { kind: opt.kind, m1: opt.m1 ? encodeF64(opt.m1) : null, m2: opt.m2 ? encodeF64(opt.m2) : null, t: opt.t },
        rngBatch: rngBatch.getState(),
        rngNoise: rngNoise.getState(),
        perm: perm ? Array.from(perm) : null,
        permPos,
        elapsedMs: elapsed(),
        ...(isSearch
          ? {
              search: {
                run,
                runStep,
                width: net.m,
                runStopped,
                continuation: { ...cont },
                runs: runs.map((x) => ({ ...x })),
                best: best ? { theta: encodeF64(packParams(best)), m: best.m } : null,
              },
            }
          : {}),
      };
    },
    get search() {
      return searchReport();
    },
  };
  return trainer;
}

/** What `train` returns: the final network, its metrics, the log and the rate used. */
export interface TrainResult {
  net: Network;
  final: Metrics;
  log: Metrics[];
  steps: number;
  /** The base learning rate used: config.lr, or lower where the curvature cap bound (step-cap.ts). */
  lr: number;
  /** The flattest search's report (runs, the one kept, the width); null for the other algorithms. */
  search: SearchReport | null;
}

/**
 * Run a trainer to the end, logging metrics every `logEvery` steps (and at the end) and offering a
 * checkpoint every `checkpointEvery` steps.
 */
export function train(
  data: Dataset,
  config: TrainConfig,
  o: TrainerOptions & {
    onLog?: (m: Metrics) => void;
    onCheckpoint?: (ck: Checkpoint) => void;
    onStep?: (s: StepInfo) => void;
  } = {},
): TrainResult {
  const t = createTrainer(data, config, o);
  const log: Metrics[] = [];
  const emit = (m: Metrics): void => {
    log.push(m);
    o.onLog?.(m);
  };
  if (!o.resume) emit(t.metrics());
  while (!t.done) {
    const before = t.step;
    const info = t.advance(1);
    o.onStep?.(info);
    if (t.step !== before && t.step % config.logEvery === 0) emit(t.metrics());
    if (o.onCheckpoint && t.step !== before && t.step % config.checkpointEvery === 0) o.onCheckpoint(t.checkpoint());
  }
  const final = t.metrics();
  emit(final);
  return { net: t.snapshot(), final, log, steps: t.step, lr: t.lr, search: t.search };
}
