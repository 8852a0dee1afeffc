/**
 * Repeated trace estimation over seeds and budgets: the data behind an error-vs-budget plot, with the
 * exact trace as the reference (flatlab's operators carry it in closed form).
 */
import { InputError } from '../errors.js';
import { deriveSeed } from '../rng/xoshiro.js';
import type { CurvatureOperator } from './operators.js';
import { estimateTrace, TRACE_METHODS, type TraceEstimate, type TraceMethod } from './trace-estimators.js';
import { meanStderr, type Sampler } from './vec.js';

export interface SeededEstimate {
  readonly method: TraceMethod;
  readonly budget: number;
  readonly seeds: number;
  /** Mean of the per-seed estimates. */
  readonly estimate: number;
  /** Standard error of that mean: sd across seeds / √seeds (single seed: the estimator's own stderr). */
  readonly stderr: number;
  readonly perSeed: readonly TraceEstimate[];
}

/** Seed s of a repeated run: independent sub-streams of one base seed. */
export function runSeed(baseSeed: number, s: number): number {
  return deriveSeed(baseSeed, 'run', s);
}

export function estimateOverSeeds(
  op: CurvatureOperator,
  method: TraceMethod,
  budget: number,
  seeds: number,
  baseSeed: number,
  sampler: Sampler = 'rademacher',
): SeededEstimate {
  if (!TRACE_METHODS.includes(method)) {
    throw new InputError(`method must be one of ${TRACE_METHODS.join(', ')} (got ${JSON.stringify(method)})`);
  }
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`seeds must be an integer ≥ 1 (got ${seeds})`);
  const perSeed = Array.from({ length: seeds }, (_, s) =>
    estimateTrace(op, method, { budget, seed: runSeed(baseSeed, s), sampler }),
  );
  const ms = meanStderr(perSeed.map((e) => e.estimate));
  return Object.freeze({
    method,
    budget,
    seeds,
    estimate: ms.mean,
    stderr: seeds > 1 ? ms.stderr : perSeed[0].stderr,
    perSeed,
  });
}

export interface ConvergencePoint {
  readonly method: TraceMethod;
  readonly budget: number;
  readonly seeds: number;
  /** mean over seeds of |estimate − exact|. */
  readonly meanAbsError: number;
  readonly rmsError: number;
  /**
   * rmsError / |exact|; 0 when the exact trace and every estimate are 0 (a zero operator, e.g. the
   * residual part of a ReLU network); absent when only the exact trace is 0 (no relative scale).
   */
  readonly relRmsError?: number;
  /** mean over seeds of the estimator's own standard error. */
  readonly meanStderr: number;
}

/** Budgets 4, 8, 16, … up to (and including) `max`: Hutch++ needs at least 4 products. */
export function budgetLadder(max: number): number[] {
  const out: number[] = [];
  for (let b = 4; b < max; b *= 2) out.push(b);
  if (max >= 4) out.push(max);
  return out;
}

export function traceConvergence(
  op: CurvatureOperator,
  exact: number,
  opts: {
    budgets: readonly number[];
    seeds: number;
    baseSeed: number;
    methods?: readonly TraceMethod[];
    sampler?: Sampler;
  },
): ConvergencePoint[] {
  const out: ConvergencePoint[] = [];
  for (const method of opts.methods ?? TRACE_METHODS) {
    for (const budget of opts.budgets) {
      const r = estimateOverSeeds(op, method, budget, opts.seeds, opts.baseSeed, opts.sampler);
      const err = r.perSeed.map((e) => e.estimate - exact);
      const rms = Math.sqrt(err.reduce((a, e) => a + e * e, 0) / err.length);
      out.push(
        Object.freeze({
          method,
          budget,
          seeds: opts.seeds,
          meanAbsError: err.reduce((a, e) => a + Math.abs(e), 0) / err.length,
          rmsError: rms,
          ...(exact !== 0 ? { relRmsError: rms / Math.abs(exact) } : rms === 0 ? { relRmsError: 0 } : {}),
          meanStderr: r.perSeed.reduce((a, e) => a + e.stderr, 0) / r.perSeed.length,
        }),
      );
    }
  }
  return out;
}
