/**
 * What every trainer shares, the plain one (trainer.ts) and the flattest search's driver
 * (search-driver.ts): the options, the metrics, the trainer interface, and the set-up of a run — a
 * fresh start or a resumed checkpoint, the curvature-capped base rate, the clock — and the checkpoint
 * of a state.
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { tracePartsOf } from '../flatness/trace.js';
import { type Activation, makeActivation } from '../model/activations.js';
import { cloneNetwork, dataPass, type Network, paramCount } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import { invariantFromParts } from '../symmetry/invariant.js';
import { pathNorm } from '../symmetry/rescale.js';
import type { Checkpoint, Phase } from './checkpoint-schema.js';
import { norm2 } from './directions.js';
import { initNetwork } from './init.js';
import { createOptimizerState } from './optimizers.js';
import { checkConfigAgainstData, effectiveBatch, effectiveOptimizer, type TrainConfig } from './params.js';
import { checkCheckpointAgainstConfig } from './resume-check.js';
import { decodeRunState, encodeRunState, freshRunState, type RunState, type SearchPlanState } from './run-state.js';
import type { SearchReport } from './search.js';
import { adaptiveContinuation } from './search.js';
import { hashArrays } from './serialize.js';
import { cappedRate, largestCurvature } from './step-cap.js';
import { currentLambda, type RunContext, type StepInfo } from './steps.js';

/** A population risk as the trainer logs it: value, standard error (0 when exact) and method. */
export interface RiskEstimate {
  value: number;
  stderr: number;
  method: string;
}

/** A trainer's start (a network or a checkpoint), its risk function and its clock. */
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

/** What the trainer reports at a logged step (train loss, flatness, risk, rate), for `onLog`. */
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

/** A running trainer: its configuration and state, `advance(k)` to take up to k steps, `checkpoint()` to save. */
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
  /** The metrics at the current parameters (train loss, flatness, risk). */
  metrics(): Metrics;
  /** A copy of the current parameters. */
  snapshot(): Network;
  /** The serializable state: resuming from it continues bit for bit. */
  checkpoint(): Checkpoint;
  /** What the flattest search did (its runs, the one kept, the width); null for the other algorithms. */
  readonly search: SearchReport | null;
}

/** A run ready to step: its context and state, and the search's part of a resumed checkpoint. */
export interface RunSetup {
  ctx: RunContext;
  st: RunState;
  plan: SearchPlanState | null;
  act: Activation;
  dataHash: string;
}

/** The state a run starts from: the checkpoint's, or a fresh one at the given or a new network. */
function startState(
  data: Dataset,
  c: TrainConfig,
  opts: TrainerOptions,
  dataHash: string,
): { st: RunState; plan: SearchPlanState | null; act: Activation } {
  const ck = opts.resume;
  if (ck) {
    if (ck.format !== 'flatlab-checkpoint' || ck.version !== 1)
      throw new InputError('checkpoint: not a flatlab checkpoint (version 1)');
    checkCheckpointAgainstConfig(ck, c, opts.net?.m ?? c.width, 'checkpoint');
    if (ck.dataHash !== dataHash) throw new InputError('checkpoint: it was made on a different data set');
    const act = makeActivation(ck.activation);
    return { ...decodeRunState(ck, act, c), act };
  }
  const act = opts.net?.act ?? opts.activation ?? makeActivation('relu');
  const net = opts.net
    ? cloneNetwork(opts.net)
    : initNetwork(act, c.width, data.d, { init: c.init, initScale: c.initScale, seed: deriveSeed(c.seed, 'init') });
  const opt = createOptimizerState(effectiveOptimizer(c), paramCount(net), c);
  const carried = {
    rngBatch: new Rng(deriveSeed(c.seed, 'batch')),
    rngNoise: new Rng(deriveSeed(c.seed, 'label-noise')),
    perm: null,
    permPos: 0,
    step: 0,
  };
  return { st: freshRunState(net, opt, c, carried), plan: null, act };
}

/**
 * Set up a run. The base rate is capped by the curvature of the initialization for plain-gradient
 * steps (step-cap.ts), measured once on a fresh start and carried by the checkpoint, so a resumed run
 * steps the same.
 */
export function setUpRun(data: Dataset, c: TrainConfig, opts: TrainerOptions): RunSetup {
  checkConfigAgainstData(c, data.n);
  const dataHash = hashArrays(data.X, data.y);
  const { st, plan, act } = startState(data, c, opts, dataHash);
  if (c.algo === 'flattest' && act.degree === null)
    throw new InputError(
      `algo flattest needs a positively homogeneous activation (F* is undefined for ${act.label}); use relu, leaky-relu, abs, relu-pow, abs-pow or square`,
    );
  if (st.net.d !== data.d)
    throw new InputError(`dimension mismatch: the model has d = ${st.net.d} but the data have d = ${data.d}`);
  const lr =
    opts.resume !== undefined
      ? (opts.resume.lr ?? c.lr)
      : effectiveOptimizer(c) === 'sgd' && c.lrCap > 0 && c.lr > 0 && c.steps > 0
        ? cappedRate(c.lr, c.lrCap, largestCurvature(st.net, data, deriveSeed(c.seed, 'lr-cap')))
        : c.lr;
  const now = opts.now ?? (() => Date.now());
  const before = opts.resume?.elapsedMs ?? 0;
  const startedAt = now();
  const ctx: RunContext = {
    data,
    c,
    b: effectiveBatch(c, data.n),
    lr,
    schedule: lr === c.lr ? c : { ...c, lr, lrMin: Math.min(c.lrMin, lr) },
    adaptive: c.algo === 'flattest' && adaptiveContinuation(c),
    elapsed: () => before + (now() - startedAt),
  };
  return { ctx, st, plan, act, dataHash };
}

/** The metrics of the run's current θ (one pass over the data with the gradient and the trace parts). */
export function metricsOf(ctx: RunContext, st: RunState, riskFn: TrainerOptions['riskFn']): Metrics {
  const { net } = st;
  const s = dataPass(net, ctx.data, { grad: true, trace: true });
  const { A, B, trace, traceGaussNewton } = tracePartsOf(s);
  const k = net.act.degree;
  const risk = riskFn ? riskFn(net) : null;
  const gnorm = Math.sqrt(norm2(s.ga as Float64Array) ** 2 + norm2(s.gW as Float64Array) ** 2);
  return {
    step: st.step,
    phase: st.phase,
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
    lambda: currentLambda(ctx, st),
    elapsedMs: ctx.elapsed(),
  };
}

/**
 * The Trainer over a run: `state()` is the run the trainer is in (the search's driver moves from run to
 * run), `advance` steps it, `plan` is the search's part of the checkpoint (null outside the search).
 */
export function trainerView(
  setup: RunSetup,
  opts: TrainerOptions,
  state: () => RunState,
  advance: (k?: number) => StepInfo,
  plan: SearchPlanState | null,
  search: () => SearchReport | null,
): Trainer {
  const { ctx } = setup;
  return {
    config: ctx.c,
    get phase() {
      return state().phase;
    },
    get step() {
      return state().step;
    },
    get done() {
      return state().phase === 'done';
    },
    get net() {
      return state().net;
    },
    lr: ctx.lr,
    advance,
    metrics: () => metricsOf(ctx, state(), opts.riskFn),
    snapshot: () => cloneNetwork(state().net),
    checkpoint: () => checkpointOf(setup, state(), plan),
    get search() {
      return search();
    },
  };
}

/** The checkpoint of a run's state: the header and the state record. */
export function checkpointOf(setup: RunSetup, st: RunState, plan: SearchPlanState | null): Checkpoint {
  const { ctx } = setup;
  return {
    format: 'flatlab-checkpoint',
    version: 1,
    config: ctx.c,
    dataHash: setup.dataHash,
    activation: st.net.act.spec,
    m: st.net.m,
    d: st.net.d,
    ...encodeRunState(st, ctx.lr, ctx.elapsed(), plan),
  };
}
