/**
 * Multiple-testing adjustments of docs/math.md#hypotheses (§9): Holm's step-down adjustment (family-wise
 * error) for "does not hold" across a hypothesis's lines, and Benjamini–Hochberg's step-up adjustment
 * (false discovery rate) for its secondary endpoints. Both return adjusted p-values in the input order;
 * a NaN p-value (a test that could not run) stays NaN and does not count towards K.
 */

function order(p: readonly number[]): number[] {
  return p
    .map((v, i) => [v, i] as const)
    .filter(([v]) => !Number.isNaN(v))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, i]) => i);
}

/** Holm: p̃_(i) = max_{j ≤ i} min(1, (K − j + 1) p_(j)). */
export function holm(p: readonly number[]): number[] {
  const idx = order(p);
  const k = idx.length;
  const out = p.map(() => Number.NaN);
  let running = 0;
  idx.forEach((i, j) => {
    running = Math.max(running, Math.min(1, (k - j) * p[i]));
    out[i] = running;
  });
  return out;
}

/** Benjamini–Hochberg: q̃_(i) = min_{j ≥ i} min(1, K p_(j) / j). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const idx = order(p);
  const k = idx.length;
  const out = p.map(() => Number.NaN);
  let running = 1;
  for (let j = k - 1; j >= 0; j--) {
    running = Math.min(running, Math.min(1, (k * p[idx[j]]) / (j + 1)));
    out[idx[j]] = running;
  }
  return out;
}
