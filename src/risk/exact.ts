/**
 * Exact population risk R(θ) = E_x (f(x; θ) − f*(x))² for x ~ N(0, I_d), a homogeneous student and a
 * sum-of-single-index target (docs/math.md#population-risk, §7), in O(m² d + m r d) — no sampling:
 *
 *   R = Σ_{j,j'} a_j a_j' ‖w_j‖^k ‖w_j'‖^k K(ŵ_jᵀŵ_j')  −  2 Σ_{j,l} a_j c_l ‖w_j‖^k E[σ(ŵ_jᵀx) g_l(u_lᵀx)]  +  E f*²
 *
 * using homogeneity σ(‖w‖t) = ‖w‖^k σ(t). The student is written as a piecewise power
 * σ(t) = σ₊ relu^k(t) + σ₋ relu^k(−t) (relu, leaky-relu, abs, relu-pow p, abs-pow p, square with integer
 * k ∈ {1, 2}), so K is an arc-cosine kernel. Cross terms: a finite Hermite link (linear, hermite) by
 * Σ_n σ_n g_n ρ^n; a piecewise-power link (relu, abs, sign, relu^p) by the arc-cosine kernel or the
 * conditional-moment quadrature; tanh by the same quadrature. E f*² from the links' moments.
 */
import { reluPowHermite } from '../data/links.js';
import type { SumTarget, TargetSpec } from '../data/target.js';
import { targetLinks, targetMoments } from '../data/targets.js';
import { getBackend } from '../linalg/backend.js';
import type { Activation } from '../model/activations.js';
import type { Network } from '../model/network.js';
import { type PP, ppAgainst, ppPair } from './gaussian-kernels.js';

/** σ as σ₊ relu^k(t) + σ₋ relu^k(−t), or null when it is not of that form with integer k. */
export function studentPiecewise(act: Activation): PP | null {
  const s = act.spec;
  switch (s.name) {
    case 'relu':
      return { q: 1, plus: 1, minus: 0 };
    case 'leaky-relu':
      return { q: 1, plus: 1, minus: -(s.alpha ?? act.param) };
    case 'abs':
      return { q: 1, plus: 1, minus: 1 };
    case 'relu-pow':
      return Number.isInteger(act.param) ? { q: act.param, plus: 1, minus: 0 } : null;
    case 'abs-pow':
      return Number.isInteger(act.param) ? { q: act.param, plus: 1, minus: 1 } : null;
    case 'square':
      return { q: 2, plus: 1, minus: 1 };
    default:
      return null;
  }
}

/**
 * Why the exact formula does not apply (null when it does).
 *
 * @example
 * ```ts
 * import { exactUnavailableReason, makeDataset, makeTarget, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * console.log(exactUnavailableReason(teacher, data.target!)); // null: the closed form applies
 * const sphere = makeTarget({ d: 5, r: 1, links: 'relu', input: { law: 'sphere' }, seed: 0 });
 * console.log(exactUnavailableReason(teacher, sphere)); // 'the exact risk needs Gaussian inputs (input law is sphere)'
 * ```
 */
export function exactUnavailableReason(net: Network, target: TargetSpec): string | null {
  if (target.input.law !== 'gaussian') return `the exact risk needs Gaussian inputs (input law is ${target.input.law})`;
  if (target.kind !== 'sum')
    return `the exact risk needs a sum-of-single-index target (this one is the multi-index link "${target.link}")`;
  const pp = studentPiecewise(net.act);
  if (!pp || pp.q < 1 || pp.q > 2)
    return `the exact risk covers homogeneous students of degree 1 or 2 (got ${net.act.label})`;
  if (net.d !== target.d) return `dimension mismatch: the model has d = ${net.d} but the target has d = ${target.d}`;
  return null;
}

/** E[σ(s) g_l(t)] for unit s, t with correlation ρ. */
function crossKernel(pp: PP, t: SumTarget, l: number): (rho: number) => number {
  const link = targetLinks(t)[l];
  if (link.finiteDegree !== null) {
    const g = link.hermite(link.finiteDegree);
    const sig = new Float64Array(g.length);
    for (let n = 0; n < g.length; n++) {
      const e = reluPowHermite(pp.q, n);
      sig[n] = (pp.plus + (n % 2 === 0 ? pp.minus : -pp.minus)) * e * g[n];
    }
    return (rho) => {
      let v = 0;
      let p = 1;
      for (let n = 0; n < sig.length; n++) {
        v += sig[n] * p;
        p *= rho;
      }
      return v;
    };
  }
  const lp = link.piecewisePower;
  if (lp && Number.isInteger(lp.q)) return (rho) => ppPair(pp, lp, rho);
  return (rho) => ppAgainst(pp, link.f, rho, lp !== null);
}

export interface ExactRiskParts {
  /** E f(x)² */
  studentSecond: number;
  /** E f(x) f*(x) */
  cross: number;
  /** E f*(x)² */
  targetSecond: number;
  /** max(0, studentSecond − 2 cross + targetSecond) (negative values are rounding). */
  value: number;
}

/** E f(x)² = Σ_{j,i} s_j s_i κ(ρ_ji), with s_j = a_j ‖w_j‖^k and ρ_ji the cosine of w_j and w_i (from the Gram matrix G). */
function studentSecondMoment(pp: PP, G: Float64Array, norm: Float64Array, scale: Float64Array): number {
  const m = scale.length;
  let studentSecond = 0;
  for (let j = 0; j < m; j++) {
    if (scale[j] === 0) continue;
    studentSecond += scale[j] * scale[j] * ppPair(pp, pp, 1);
    for (let i = j + 1; i < m; i++) {
      if (scale[i] === 0) continue;
      const rho = G[j * m + i] / (norm[j] * norm[i]);
      studentSecond += 2 * scale[j] * scale[i] * ppPair(pp, pp, rho);
    }
  }
  return studentSecond;
}

/** E f(x) f*(x) = Σ_l c_l Σ_j s_j κ_l(cos(w_j, u_l)). */
function crossMoment(pp: PP, t: SumTarget, net: Network, norm: Float64Array, scale: Float64Array): number {
  const { m, d } = net;
  let cross = 0;
  for (let l = 0; l < t.r; l++) {
    if (t.coeffs[l] === 0) continue;
    const kern = crossKernel(pp, t, l);
    const u = t.U[l];
    for (let j = 0; j < m; j++) {
      if (scale[j] === 0) continue;
      let dot = 0;
      const o = j * d;
      for (let q = 0; q < d; q++) dot += net.W[o + q] * u[q];
      cross += scale[j] * t.coeffs[l] * kern(dot / norm[j]);
    }
  }
  return cross;
}

/** The exact risk and its three terms; throws (Error) when exactUnavailableReason is non-null. */
export function exactRisk(net: Network, target: TargetSpec): ExactRiskParts {
  const why = exactUnavailableReason(net, target);
  if (why) throw new Error(why);
  const t = target as SumTarget;
  const pp = studentPiecewise(net.act) as PP;
  const k = pp.q;
  const { m, d } = net;
  const G = new Float64Array(m * m);
  getBackend().gemm(false, true, m, m, d, 1, net.W, net.W, 0, G);
  const norm = new Float64Array(m);
  const scale = new Float64Array(m); // a_j ‖w_j‖^k
  for (let j = 0; j < m; j++) {
    norm[j] = Math.sqrt(Math.max(0, G[j * m + j]));
    scale[j] = norm[j] > 0 ? net.a[j] * norm[j] ** k : 0;
  }
  const studentSecond = studentSecondMoment(pp, G, norm, scale);
  const cross = crossMoment(pp, t, net, norm, scale);
  const targetSecond = targetMoments(t).secondMoment;
  return { studentSecond, cross, targetSecond, value: Math.max(0, studentSecond - 2 * cross + targetSecond) };
}
