/**
 * The live state of one training run: the state record of checkpoint-schema.ts with θ, the optimizer
 * moments and the generators decoded, plus three caches that are recomputed on resume (so they are not
 * part of the record). `encodeRunState` and `decodeRunState` are the only two places that map between
 * the record and the live state.
 */
import type { Activation } from '../model/activations.js';
import { type Network, packParams, unpackParams } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import type { Checkpoint, Continuation, Phase, RunStop, SearchRun, TrainerStateRecord } from './checkpoint-schema.js';
import type { GnState } from './gauss-newton.js';
import type { OptimizerState } from './optimizers.js';
import type { TrainConfig } from './params.js';
import { initialContinuation } from './search.js';
import { decodeF64, encodeF64 } from './serialize.js';

export interface RunState {
  net: Network;
  opt: OptimizerState;
  /** Batch sampling and label noise: independent sub-streams of the seed, shared by every run of a search. */
  rngBatch: Rng;
  rngNoise: Rng;
  /** Optimizer steps over every run (the search's total). */
  step: number;
  /** Optimizer steps of this run: the schedule's t (equal to `step` outside the search). */
  runStep: number;
  phase: Phase;
  polishIter: number;
  gn: GnState;
  lastLoss: number;
  /** The epoch permutation of sampling without replacement, and the position in it. */
  perm: Int32Array | null;
  permPos: number;
  /** The flattest search's λ continuation of this run and why its training phase ended. */
  cont: Continuation;
  runStopped: RunStop;
  /** Cache: Σ_j (A_j + B_j) at θ of the last flattest step (the continuation's stall test reads it). */
  lastPenalty: number;
  /** Cache: the last iterate whose loss was seen finite, and its step (what a diverged run keeps). */
  lastFinite: { net: Network; step: number } | null;
  /** Cache: the loss of the θ the polish last accepted, keyed by the network object. */
  accepted: { net: Network; loss: number } | null;
}

/** What a run shares with the one before it in a search: the generators, the permutation and the step count. */
export type Carried = Pick<RunState, 'rngBatch' | 'rngNoise' | 'perm' | 'permPos' | 'step'>;

/** A run at its first step from `net`, with a fresh optimizer state. */
export function freshRunState(net: Network, opt: OptimizerState, c: TrainConfig, carried: Carried): RunState {
  return {
    ...carried,
    net,
    opt,
    runStep: 0,
    phase: 'train',
    polishIter: 0,
    gn: { mu: 1e-6, windowLoss: null },
    lastLoss: Number.NaN,
    cont: initialContinuation(c),
    runStopped: 'budget',
    lastPenalty: 0,
    lastFinite: null,
    accepted: null,
  };
}

/** The search's own part of the record: the runs done and the best network so far. */
export interface SearchPlanState {
  run: number;
  runs: SearchRun[];
  best: Network | null;
}

/** The state record of `st` (θ and moments as base64). */
export function encodeRunState(
  st: RunState,
  lr: number,
  elapsedMs: number,
  plan: SearchPlanState | null,
): TrainerStateRecord {
  const { opt } = st;
  return {
    step: st.step,
    phase: st.phase,
    polishIter: st.polishIter,
    gnMu: st.gn.mu,
    gnWindowLoss: st.gn.windowLoss,
    lr,
    lastLoss: st.lastLoss,
    theta: encodeF64(packParams(st.net)),
    opt: { kind: opt.kind, m1: opt.m1 ? encodeF64(opt.m1) : null, m2: opt.m2 ? encodeF64(opt.m2) : null, t: opt.t },
    rngBatch: st.rngBatch.getState(),
    rngNoise: st.rngNoise.getState(),
    perm: st.perm ? Array.from(st.perm) : null,
    permPos: st.permPos,
    elapsedMs,
    ...(plan
      ? {
          search: {
            run: plan.run,
            runStep: st.runStep,
            width: st.net.m,
            runStopped: st.runStopped,
            continuation: { ...st.cont },
            runs: plan.runs.map((x) => ({ ...x })),
            best: plan.best ? { theta: encodeF64(packParams(plan.best)), m: plan.best.m } : null,
          },
        }
      : {}),
  };
}

const emptyNet = (act: Activation, m: number, d: number): Network => ({
  act,
  m,
  d,
  a: new Float64Array(0),
  W: new Float64Array(0),
});

/** The generator of sub-stream `name` of the seed, at the state `s` (JSON writes an unused NaN spare as null). */
const generator = (seed: number, name: string, s: Checkpoint['rngBatch']): Rng =>
  new Rng(deriveSeed(seed, name)).setState({ ...s, spare: s.spare ?? Number.NaN });

/** The live state of a checkpoint (already checked against the run's configuration), with the search's part. */
export function decodeRunState(
  ck: Checkpoint,
  act: Activation,
  c: TrainConfig,
): { st: RunState; plan: SearchPlanState | null } {
  const s = ck.search;
  const st: RunState = {
    net: unpackParams(emptyNet(act, ck.m, ck.d), decodeF64(ck.theta)),
    opt: {
      kind: ck.opt.kind,
      m1: ck.opt.m1 ? decodeF64(ck.opt.m1) : null,
      m2: ck.opt.m2 ? decodeF64(ck.opt.m2) : null,
      t: ck.opt.t,
    },
    rngBatch: generator(c.seed, 'batch', ck.rngBatch),
    rngNoise: generator(c.seed, 'label-noise', ck.rngNoise),
    step: ck.step,
    runStep: s ? s.runStep : ck.step,
    phase: ck.phase,
    polishIter: ck.polishIter,
    gn: { mu: ck.gnMu, windowLoss: ck.gnWindowLoss ?? null },
    lastLoss: ck.lastLoss ?? Number.NaN,
    perm: ck.perm ? Int32Array.from(ck.perm) : null,
    permPos: ck.permPos,
    cont: s ? { ...s.continuation } : initialContinuation(c),
    runStopped: s ? s.runStopped : 'budget',
    lastPenalty: 0,
    lastFinite: null,
    accepted: null,
  };
  const plan = s
    ? {
        run: s.run,
        runs: s.runs.map((r) => ({ ...r })),
        best: s.best ? unpackParams(emptyNet(act, s.best.m, ck.d), decodeF64(s.best.theta)) : null,
      }
    : null;
  return { st, plan };
}
