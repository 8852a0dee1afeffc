/**
 * Median wall time of fn. One warm-up call first (JIT, caches, BLAS thread start-up); then as many
 * timed calls as fit in budgetMs (at least 1, at most maxReps). A call longer than the budget is
 * timed once, after the warm-up, so the slow backends stay affordable at the big shapes. The warm-up
 * is never a sample: the first touch of a fresh 80 MB array costs page faults that can exceed the
 * work itself, which would make any implementation that frees and reallocates between calls look
 * many times slower than it is.
 * bench/peer_common.py implements the same rule for the Python peers.
 */
export function medianTiming(fn: () => unknown, budgetMs: number, maxReps = 15): { medianMs: number; reps: number } {
  let t = performance.now();
  fn();
  const first = performance.now() - t;
  const reps = Math.min(maxReps, Math.max(1, Math.floor(budgetMs / Math.max(first, 1e-3))));
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
