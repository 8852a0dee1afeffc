/**
 * The few special functions the data and risk modules need, written out (no dependency) so that the
 * browser and Node compute the same bits: log Γ, erfc, the standard normal density and tails, and the
 * absolute moments of N(0, 1).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ≈ 1e-15). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln(n!) exactly summed for small n (the Lanczos form is only ≈ 1e-15 relative). */
export function logFactorial(n: number): number {
  if (n < 0 || !Number.isInteger(n)) throw new RangeError(`logFactorial: n must be a non-negative integer (got ${n})`);
  if (n < 30) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return lgamma(n + 1);
}

const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
export const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * erfc(x). For |x| < 2 the all-positive series erf x = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1}/(2n+1)!! (no
 * cancellation); beyond, the continued fraction for erfc (modified Lentz), which keeps full relative
 * accuracy deep in the tail. Accuracy ≈ 1e-15 relative.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27) return 0;
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated as a continued fraction.
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(-x * x) * INV_SQRT_PI) / f;
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return 2 * INV_SQRT_PI * Math.exp(-x2) * sum;
}

export function erf(x: number): number {
  return Math.abs(x) < 2 ? (x < 0 ? -erfSeries(-x) : erfSeries(x)) : 1 - erfc(x);
}

/** Standard normal density φ(t). */
export function normalPdf(t: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * t * t);
}

/** Standard normal distribution function Φ(t), accurate in both tails. */
export function normalCdf(t: number): number {
  return 0.5 * erfc(-t / Math.SQRT2);
}

/** Upper tail 1 − Φ(t), accurate for large t. */
export function normalTail(t: number): number {
  return 0.5 * erfc(t / Math.SQRT2);
}

/** E|Z|^a for Z ~ N(0, 1) and real a > −1: 2^{a/2} Γ((a+1)/2) / √π (exact products for integer a). */
export function absMoment(a: number): number {
  if (Number.isInteger(a) && a >= 0 && a <= 60) {
    // (a−1)!! for even a, √(2/π)(a−1)!! for odd a.
    let p = 1;
    for (let i = a - 1; i > 1; i -= 2) p *= i;
    return a % 2 === 0 ? p : Math.sqrt(2 / Math.PI) * p;
  }
  return Math.exp((a / 2) * Math.LN2 + lgamma((a + 1) / 2)) * INV_SQRT_PI;
}
