/**
 * Gaussian expectations behind the exact population risk (docs/math.md#population-risk, §7). For jointly Gaussian s, t with
 * unit variances and correlation ρ = cos φ:
 *
 *   E[relu(s) relu(t)]   = (sin φ + (π − φ) cos φ) / (2π)
 *   E[relu(s)² relu(t)²] = (3 sin φ cos φ + (π − φ)(1 + 2 cos²φ)) / (2π)
 *   E[1{s>0} 1{t>0}]     = (π − φ) / (2π)
 *
 * (the arc-cosine kernels of Cho & Saul). Mixed degrees, and a general link g against relu^k, go
 * through one-dimensional quadrature of the conditional moment: s | t ~ N(ρt, 1 − ρ²), so
 * E[relu^k(s) g(t)] = E_t[g(t) · E[relu^k(ρt + √(1−ρ²) Z)]], where the inner expectation is in closed
 * form (below) and smooth in t, so kink-aware Gauss–Legendre panels integrate it to ≈ 1e-14.
 */
import { gaussianNodes, type QuadratureRule } from '../data/quadrature.js';
import { normalPdf, normalTail } from '../data/special.js';

/**
 * E[relu^k(μ + sZ)] for integer k ≥ 0 (relu^0 = 1{· > 0}) and s ≥ 0:
 * Σ_j C(k, j) μ^{k−j} s^j T_j(c), c = −μ/s, with T_j(c) = E[Z^j 1{Z > c}]:
 * T_0 = 1 − Φ(c), T_1 = φ(c), T_j = c^{j−1} φ(c) + (j − 1) T_{j−2}.
 */
export function reluPowGaussian(k: number, mu: number, s: number): number {
  if (s === 0) return mu > 0 ? (k === 0 ? 1 : mu ** k) : 0;
  const c = -mu / s;
  const phi = normalPdf(c);
  let tPrev2 = normalTail(c); // T_0
  let tPrev1 = phi; // T_1
  let binom = 1;
  let sum = mu ** k * tPrev2; // j = 0 (0^0 = 1 in JS, as wanted for k = 0)
  if (k === 0) return tPrev2;
  binom = k;
  sum += binom * mu ** (k - 1) * s * tPrev1;
  let cPow = 1; // c^{j−1} for j = 2 starts at c
  for (let j = 2; j <= k; j++) {
    cPow *= c;
    const tj = cPow * phi + (j - 1) * tPrev2;
    binom = (binom * (k - j + 1)) / j;
    sum += binom * mu ** (k - j) * s ** j * tj;
    tPrev2 = tPrev1;
    tPrev1 = tj;
  }
  return sum;
}

function clampRho(rho: number): number {
  return rho > 1 ? 1 : rho < -1 ? -1 : rho;
}

/** E[relu^k(s) relu^k(t)] for unit-variance s, t with correlation ρ, k ∈ {0, 1, 2} (arc-cosine kernels). */
export function arcCosineKernel(k: 0 | 1 | 2, rho: number): number {
  const c = clampRho(rho);
  const phi = Math.acos(c);
  const sin = Math.sqrt(Math.max(0, 1 - c * c));
  switch (k) {
    case 0:
      return (Math.PI - phi) / (2 * Math.PI);
    case 1:
      return (sin + (Math.PI - phi) * c) / (2 * Math.PI);
    case 2:
      return (3 * sin * c + (Math.PI - phi) * (1 + 2 * c * c)) / (2 * Math.PI);
  }
}

let halfLine: QuadratureRule | null = null;
/** Nodes on t > 0 only (relu^q(t) vanishes below 0). */
function positiveNodes(): QuadratureRule {
  if (!halfLine) {
    const all = gaussianNodes({ kinks: [0] });
    const keep: number[] = [];
    for (let i = 0; i < all.nodes.length; i++) if (all.nodes[i] > 0) keep.push(i);
    halfLine = {
      nodes: Float64Array.from(keep.map((i) => all.nodes[i])),
      weights: Float64Array.from(keep.map((i) => all.weights[i])),
    };
  }
  return halfLine;
}

/** E[relu^{k1}(s) relu^{k2}(t)] (integer k1, k2 ≥ 0), closed form when k1 = k2 ≤ 2, else quadrature. */
export function pairMoment(k1: number, k2: number, rho: number): number {
  const c = clampRho(rho);
  if (k1 === k2 && k1 <= 2) return arcCosineKernel(k1 as 0 | 1 | 2, c);
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  const { nodes, weights } = positiveNodes();
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) {
    const t = nodes[i];
    sum += weights[i] * (k2 === 0 ? 1 : t ** k2) * reluPowGaussian(k1, c * t, s);
  }
  return sum;
}

/** A function plus · relu^q(t) + minus · relu^q(−t) (q integer). */
export interface PP {
  readonly q: number;
  readonly plus: number;
  readonly minus: number;
}

/** E[A(s) B(t)] for two piecewise powers; relu^q(−s) has correlation −ρ with relu^{q'}(t). */
export function ppPair(A: PP, B: PP, rho: number): number {
  const same = A.plus * B.plus + A.minus * B.minus;
  const cross = A.plus * B.minus + A.minus * B.plus;
  let v = 0;
  if (same !== 0) v += same * pairMoment(A.q, B.q, rho);
  if (cross !== 0) v += cross * pairMoment(A.q, B.q, -rho);
  return v;
}

const fullLine = new Map<boolean, QuadratureRule>();
/**
 * E[A(s) g(t)] for a piecewise power A and any link g (kinks of g at 0 at most), by quadrature in t.
 * `graded` refines the panels next to 0 for links like t^{1.5} that are not analytic there.
 */
export function ppAgainst(A: PP, g: (t: number) => number, rho: number, graded = false): number {
  let rule = fullLine.get(graded);
  if (!rule) {
    rule = gaussianNodes({ kinks: [0], graded });
    fullLine.set(graded, rule);
  }
  const c = clampRho(rho);
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  const { nodes, weights } = rule;
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) {
    const t = nodes[i];
    const h =
      (A.plus !== 0 ? A.plus * reluPowGaussian(A.q, c * t, s) : 0) +
      (A.minus !== 0 ? A.minus * reluPowGaussian(A.q, -c * t, s) : 0);
    sum += weights[i] * g(t) * h;
  }
  return sum;
}
