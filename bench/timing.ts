/** Warm-up calls before the timed ones: at most this many, while they take under WARM_UP_MS in all. */
export const WARM_UP_CALLS = 5;
export const WARM_UP_MS = 200;

/**
 * Median wall time of fn. Untimed warm-up calls first (JIT, caches, BLAS thread start-up): one, a
 * second when the first fit in budgetMs, and more until WARM_UP_CALLS calls or WARM_UP_MS have passed,
 * whichever comes first; then as many timed calls as fit in budgetMs at the fastest warm-up call's
 * time (at least 1, at most maxReps). A call longer than the budget is timed once, after a single
 * warm-up call, so the slow backends stay affordable at the big shapes. The warm-up
 * is never a sample: the first touch of a fresh 80 MB array costs page faults that can exceed the
 * work itself, which would make any implementation that frees and reallocates between calls look
 * many times slower than it is. One warm-up call was not enough for the first operation a process
 * times: V8 was still settling (its background compiler shares the two cores with the timed code),
 * and the step at (2000, 100, 500) measured 4.4–5.0 ms in some processes against 2.5–3.0 ms in
 * others and in every later round of the same process.
 * At most 51 timed calls (15 before): on this shared VM a millisecond-scale op's median over 15
 * calls moved by ±10 % between runs, enough to flip a ratio such as trace/GEMM across its bound.
 * bench/peer_common.py implements the same rule for the Python peers.
 */
export function medianTiming(fn: () => unknown, budgetMs: number, maxReps = 51): { medianMs: number; reps: number } {
  const start = performance.now();
  let t = start;
  fn();
  let perCall = performance.now() - t;
  // A second warm-up call whenever the first fit in the budget: the first carries one-off costs (a GEMM
  // kernel timed for its shape class, fresh pages), and sizing the repetitions by it gave the step at
  // (50000, 50, 256) 5 timed calls instead of 51 in the process that timed its kernels.
  for (let k = 1; k < WARM_UP_CALLS && (k === 1 ? perCall <= budgetMs : performance.now() - start < WARM_UP_MS); k++) {
    t = performance.now();
    fn();
    perCall = Math.min(perCall, performance.now() - t);
  }
  const reps = Math.min(maxReps, Math.max(1, Math.floor(budgetMs / Math.max(perCall, 1e-3))));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((x, y) => x - y);
  const mid = samples.length >> 1;
  const medianMs = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  return { medianMs, reps };
}
