/**
 * Probabilists' Hermite polynomials He_k, by the three-term recurrence He_{k+1}(t) = t He_k(t) − k He_{k−1}(t),
 * and their orthonormal version h_k = He_k / √(k!) (E h_j(Z) h_k(Z) = δ_jk for Z ~ N(0, 1)). The normalized
 * recurrence h_{k+1} = (t h_k − √k h_{k−1}) / √(k+1) avoids the factorial overflow.
 */

/** He_0(t) … He_K(t) (unnormalized). */
export function hermiteHe(K: number, t: number, out = new Float64Array(K + 1)): Float64Array {
  out[0] = 1;
  if (K >= 1) out[1] = t;
  for (let k = 1; k < K; k++) out[k + 1] = t * out[k] - k * out[k - 1];
  return out;
}

/** h_0(t) … h_K(t), h_k = He_k/√(k!). */
export function hermiteNormalized(K: number, t: number, out = new Float64Array(K + 1)): Float64Array {
  out[0] = 1;
  if (K >= 1) out[1] = t;
  for (let k = 1; k < K; k++) out[k + 1] = (t * out[k] - Math.sqrt(k) * out[k - 1]) / Math.sqrt(k + 1);
  return out;
}

/** g(t) = Σ_k c_k h_k(t) (Clenshaw-free: the recurrence is cheap and stable for moderate K). */
export function hermiteSeries(coeffs: ArrayLike<number>, t: number): number {
  const K = coeffs.length - 1;
  if (K < 0) return 0;
  let hPrev = 1;
  let s = coeffs[0];
  if (K === 0) return s;
  let h = t;
  s += coeffs[1] * h;
  for (let k = 1; k < K; k++) {
    const next = (t * h - Math.sqrt(k) * hPrev) / Math.sqrt(k + 1);
    hPrev = h;
    h = next;
    s += coeffs[k + 1] * h;
  }
  return s;
}

/** He_n(0): 0 for odd n, (−1)^{n/2} (n−1)!! for even n, returned as sign and log|·| (no overflow). */
export function hermiteAtZeroLog(n: number): { sign: number; log: number } {
  if (n % 2 === 1) return { sign: 0, log: -Infinity };
  let log = 0;
  for (let i = n - 1; i > 1; i -= 2) log += Math.log(i);
  return { sign: (n / 2) % 2 === 0 ? 1 : -1, log };
}

/** The monomial coefficients of He_n: He_n(t) = Σ_j P[j] t^j (exact integers for n ≤ 30). */
export function hermiteMonomials(n: number): Float64Array {
  let prev = new Float64Array(n + 1);
  let cur = new Float64Array(n + 1);
  prev[0] = 1;
  if (n === 0) return prev;
  cur[1] = 1;
  for (let k = 1; k < n; k++) {
    const next = new Float64Array(n + 1);
    for (let j = 0; j <= k; j++) next[j + 1] += cur[j];
    for (let j = 0; j <= k - 1; j++) next[j] -= k * prev[j];
    prev = cur;
    cur = next;
  }
  return cur;
}
