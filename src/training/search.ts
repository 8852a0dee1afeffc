/**
 * The flattest search's controller: the adaptive λ continuation with early stopping for one run, and
 * the plan over runs (restarts from seeds derived from the given one, then wider students when no run
 * interpolates); docs/training.md, "The flattest search". Pure bookkeeping on numbers the trainer
 * already computes (the loss L and the penalty P = Σ_j (A_j + B_j) of each step), so it costs nothing
 * per step and serializes into the checkpoint as plain JSON.
 */
import { deriveSeed } from '../rng/xoshiro.js';
import type { Continuation, RunStop, SearchRun } from './checkpoint-schema.js';
import type { TrainConfig } from './params.js';

/** λ is cut by this factor (on top of the geometric decay) when the penalized objective has stalled. */
export const STALL_BACKOFF = 0.25;

export type { Continuation, RunStop, SearchRun };

/** What the search did: every run, the one kept, and whether the width was raised. */
export interface SearchReport {
  runs: SearchRun[];
  /** Index into runs of the network returned. */
  chosen: number;
  requestedWidth: number;
  /** Width of the returned network (> requestedWidth when the final stage raised it). */
  width: number;
  widthRaised: boolean;
  interpolates: boolean;
  /** Steps taken over all runs, and the budget without early stopping (restarts × steps). */
  totalSteps: number;
  budgetSteps: number;
  /** Why no interpolator was found (null when one was). */
  reason: string | null;
}

/** The adaptive continuation runs when a window is set and λ decays from a positive λ to a positive λ_final. */
export function adaptiveContinuation(c: TrainConfig): boolean {
  return c.stopWindow > 0 && c.lambda > 0 && c.lambdaFinal > 0 && c.lambdaFinal < c.lambda && c.steps > 0;
}

export function initialContinuation(c: TrainConfig): Continuation {
  return { lambda: c.lambda, winLoss: null, winPen: null, backoffs: 0 };
}

/**
 * Record step t's loss L and penalty P (measured at θ_t with λ = st.lambda) and set λ for step t + 1.
 * λ decays geometrically at the rate of the fixed schedule (λ → λ_final over `steps`), so it is never
 * slower than that; at every window boundary the penalized objective J = L + λP at the current λ is
 * compared with its value at the window's start: when it fell by less than `stopRel` relative, the
 * sub-problem at this λ is solved and λ is cut by STALL_BACKOFF (the continuation moves on). Once λ has
 * reached λ_final the run is over ("converged") as soon as P (≥ F*, equal at a balanced point) no longer
 * falls by more than `stopRel` over a window — the result is known; the polish takes it the last bit to
 * train loss ≤ lossTol, or, when it cannot, a wider student must — and at any λ as soon as the train loss
 * is ≤ lossTol and P no longer falls (a smaller λ could only trade P for L).
 * Returns true when the run should stop.
 */
export function observeStep(st: Continuation, c: TrainConfig, t: number, loss: number, pen: number): boolean {
  const lam = st.lambda;
  const atFinal = lam <= c.lambdaFinal;
  let stop = false;
  let cut = false;
  if (t % c.stopWindow === 0) {
    if (st.winLoss !== null && st.winPen !== null) {
      const jThen = st.winLoss + lam * st.winPen;
      const jNow = loss + lam * pen;
      const penFlat = st.winPen - pen < c.stopRel * pen;
      // Interpolating with a P that no longer falls: lowering λ further could only trade P for L. At
      // λ_final the continuation is over: once P no longer falls, what is left is fitting L, which the
      // Gauss–Newton polish does in a few steps where Adam at λ_final takes hundreds (measured).
      stop = penFlat && (loss <= c.lossTol || atFinal);
      if (!atFinal && !stop) cut = jThen - jNow < c.stopRel * jNow;
    }
    st.winLoss = loss;
    st.winPen = pen;
  }
  if (cut) st.backoffs += 1;
  // In closed form (not a running product), so that a run without back-offs follows the fixed
  // schedule λ (λ_final/λ)^{t/T} bit for bit.
  const geometric = c.lambda * (c.lambdaFinal / c.lambda) ** Math.min(1, (t + 1) / c.steps);
  st.lambda = Math.max(c.lambdaFinal, geometric * STALL_BACKOFF ** st.backoffs);
  return stop;
}

/** Restarts end early once the two flattest interpolating runs agree to this relative F*. */
export const RESTART_AGREEMENT = 0.01;

/**
 * Whether further restarts can be skipped: two interpolating runs whose F* agree to RESTART_AGREEMENT
 * (relative) — the search has found the same basin twice, so a third seed is unlikely to change the
 * answer by more than the agreement (measured on docs/training-comparison.md's problems).
 */
export function runsAgree(runs: readonly SearchRun[]): boolean {
  const f = runs
    .filter((r) => r.interpolates && Number.isFinite(r.fStar))
    .map((r) => r.fStar)
    .sort((a, b) => a - b);
  return f.length >= 2 && f[1] - f[0] <= RESTART_AGREEMENT * f[0];
}

/** Seed of run r: the given seed for r = 0 (so one run is the plain search), else derived from it. */
export function runSeed(seed: number, r: number): number {
  return r === 0 ? seed : deriveSeed(seed, 'restart', r);
}

/**
 * Index of the run to keep: the smallest F* among the interpolating runs, else the smallest train loss
 * (ties: the earlier run, so the choice is deterministic).
 */
export function chooseRun(runs: readonly SearchRun[]): number {
  let best = -1;
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i];
    if (best < 0) {
      best = i;
      continue;
    }
    const b = runs[best];
    if (r.interpolates !== b.interpolates) {
      if (r.interpolates) best = i;
    } else if (r.interpolates ? r.fStar < b.fStar : r.trainLoss < b.trainLoss) best = i;
  }
  return best;
}

/** The next width to try when no run interpolates, or null (with the reason) when the width cannot be raised. */
export function nextWidth(c: TrainConfig, width: number): { width: number } | { reason: string } {
  if (c.maxWidth <= width) {
    return {
      reason:
        c.maxWidth === 0
          ? `width raising is off (maxWidth = 0) at width ${width}`
          : `the width is already at the cap maxWidth = ${c.maxWidth}`,
    };
  }
  let w = Math.min(c.maxWidth, 2 * width);
  if (c.init === 'symmetric' && w % 2 !== 0) w -= 1;
  if (w <= width) return { reason: `the width cannot grow beyond ${width} under maxWidth = ${c.maxWidth}` };
  return { width: w };
}
