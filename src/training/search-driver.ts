/**
 * The flattest search as a driver over plain runs (docs/training.md, "The flattest search"): it owns
 * the plan — `restarts` runs from seeds derived from `seed`, then, while none reaches train loss ≤ lossTol,
 * wider students up to `maxWidth` — and starts one run at a time, each a plain trainer's state stepped
 * by steps.ts with its own adaptive λ continuation (search.ts, observeStep). The run with the smallest
 * F* among the interpolating ones is returned, and `search` reports them all. Runs share the
 * generators and the step count, so a checkpoint (the current run's state and the plan's runs and best
 * network) resumes bit-identically.
 */
import { cloneNetwork, dataPass, type Network, paramCount } from '../model/network.js';
import { deriveSeed } from '../rng/xoshiro.js';
import { invariantFromParts } from '../symmetry/invariant.js';
import { initNetwork } from './init.js';
import { createOptimizerState } from './optimizers.js';
import { effectiveOptimizer, type TrainConfig } from './params.js';
import { type RunSetup, type Trainer, type TrainerOptions, trainerView } from './run.js';
import { freshRunState, type RunState, type SearchPlanState } from './run-state.js';
import { chooseRun, nextWidth, runSeed, runsAgree, type SearchReport } from './search.js';
import { advanceRun, enterPolish, type RunContext, type StepInfo } from './steps.js';

/** The run after `st` ended: another restart, a wider student, or none (the search is over). */
function nextRunWidth(c: TrainConfig, plan: SearchPlanState, st: RunState, timeUp: boolean): number | null {
  if (timeUp) return null;
  const chosen = chooseRun(plan.runs);
  if (plan.run + 1 < c.restarts && !runsAgree(plan.runs)) return st.net.m;
  if (plan.runs[chosen].interpolates) return null;
  const w = nextWidth(c, st.net.m);
  return 'width' in w ? w.width : null;
}

/** Record the run that just ended (polished and balanced), keeping it when it is the best so far. */
function recordRun(ctx: RunContext, plan: SearchPlanState, st: RunState): void {
  const { net } = st;
  const s = dataPass(net, ctx.data, { trace: true });
  const k = net.act.degree;
  const fStar = k === null ? Number.NaN : invariantFromParts(s.A as Float64Array, s.B as Float64Array, k).value;
  plan.runs.push({
    restart: plan.run,
    seed: runSeed(ctx.c.seed, plan.run),
    width: net.m,
    steps: st.runStep,
    stopped: st.runStopped,
    backoffs: st.cont.backoffs,
    trainLoss: s.loss,
    fStar,
    interpolates: s.loss <= ctx.c.lossTol,
  });
  if (chooseRun(plan.runs) === plan.runs.length - 1) plan.best = cloneNetwork(net);
}

/** A fresh run `plan.run` at width `width`, carrying the generators and the step count over from `st`. */
function startRun(ctx: RunContext, plan: SearchPlanState, st: RunState, width: number): RunState {
  const { c, data } = ctx;
  const net = initNetwork(st.net.act, width, data.d, {
    init: c.init,
    initScale: c.initScale,
    seed: deriveSeed(runSeed(c.seed, plan.run), 'init'),
  });
  const opt = createOptimizerState(effectiveOptimizer(c), paramCount(net), c);
  const next = freshRunState(net, opt, c, st);
  if (c.steps === 0) enterPolish(ctx, next);
  return next;
}

function report(ctx: RunContext, plan: SearchPlanState, st: RunState, requested: number): SearchReport {
  const { c } = ctx;
  const { runs } = plan;
  const chosen = runs.length ? chooseRun(runs) : -1;
  const r = chosen >= 0 ? runs[chosen] : null;
  let reason: string | null = null;
  if (st.phase === 'done' && r && !r.interpolates) {
    const w = nextWidth(c, runs[runs.length - 1].width);
    const timeUp = c.timeBudget > 0 && ctx.elapsed() > c.timeBudget * 1000;
    reason = `no run reached train loss ≤ lossTol = ${c.lossTol} (best ${r.trainLoss.toExponential(2)} at width ${r.width}); ${
      timeUp ? `the time budget of ${c.timeBudget} s ran out` : 'reason' in w ? w.reason : 'the plan ended'
    }`;
  }
  return {
    runs: runs.map((x) => ({ ...x })),
    chosen,
    requestedWidth: requested,
    width: r?.width ?? st.net.m,
    widthRaised: runs.some((x) => x.width !== requested),
    interpolates: r?.interpolates ?? false,
    totalSteps: st.step,
    budgetSteps: c.steps * Math.max(c.restarts, runs.length),
    reason,
  };
}

/** The flattest search as a Trainer: the same interface, stepping its current run. */
export function createSearchTrainer(setup: RunSetup, opts: TrainerOptions): Trainer {
  const { ctx } = setup;
  const plan: SearchPlanState = setup.plan ?? { run: 0, runs: [], best: null };
  let st = setup.st;
  /** Runs that ended are recorded and followed by the next run of the plan, or the best network. */
  const settle = (): void => {
    while (st.phase === 'done' && plan.runs.length === plan.run) {
      recordRun(ctx, plan, st);
      const timeUp = ctx.c.timeBudget > 0 && ctx.elapsed() > ctx.c.timeBudget * 1000;
      const width = nextRunWidth(ctx.c, plan, st, timeUp);
      if (width === null) {
        st.net = plan.best as Network;
        return;
      }
      plan.run += 1;
      st = startRun(ctx, plan, st, width);
    }
  };
  if (!opts.resume && ctx.c.steps === 0) enterPolish(ctx, st);
  settle();
  const requested = opts.net?.m ?? ctx.c.width;
  const done = (): boolean => st.phase === 'done';
  const advance = (k = 1): StepInfo => {
    let info: StepInfo = { step: st.step, phase: st.phase, loss: st.lastLoss, lr: 0, lambda: 0, done: done() };
    for (let i = 0; i < k && !done(); i++) {
      info = advanceRun(ctx, st, 1);
      // A run that ended is followed by the next one: the step reports the phase the search is in.
      settle();
      info = { ...info, phase: st.phase, done: done() };
    }
    return info;
  };
  return trainerView(
    setup,
    opts,
    () => st,
    advance,
    plan,
    () => report(ctx, plan, st, requested),
  );
}
