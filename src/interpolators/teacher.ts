/**
 * The teacher interpolator (docs/math.md#interpolators, §5): when f*(x) = Σ_l c_l g_l(u_lᵀx) is representable by the
 * student's activation, a few neurons (c_l·w, ±u_l) represent it exactly; label noise is then fitted by
 * n extra memorizing neurons (w_j = x_j/‖x_j‖) solving for the residual y − f*(x). Without noise its
 * F* upper-bounds the flattest interpolator's (≈ √d Σ_l |c_l| for ReLU). By default it is written at the
 * balanced point of its orbit (k A_j = B_j), where its raw trace equals F*.
 */
import type { Dataset } from '../data/dataset.js';
import type { LinkSpec, TargetSpec } from '../data/target.js';
import { InputError } from '../errors.js';
import { type Activation, type ActivationSpec, makeActivation } from '../model/activations.js';
import { createNetwork, forward } from '../model/network.js';
import {
  dataDirections,
  defaultTol,
  finishInterpolator,
  type Interpolator,
  type InterpolatorOptions,
  requireData,
} from './common.js';
import { solveSecondLayer } from './memorizer.js';

/** One student neuron of a representation: weight · σ(sign · uᵀx). */
export interface RepTerm {
  sign: 1 | -1;
  weight: number;
}

/** Slope α of σ on t < 0 when σ is "ReLU-like" (σ(t) = t for t > 0, α t for t < 0), else null. */
function reluLikeSlope(act: Activation): number | null {
  const s = act.spec;
  if (s.name === 'relu') return 0;
  if (s.name === 'leaky-relu') return s.alpha ?? 0.01;
  if (s.name === 'relu-pow' && s.p === 1) return 0;
  return null;
}

/** A Hermite link with only the degree-1 coefficient non-zero is linear (He₁(t) = t). */
function hermiteLinearSlope(link: LinkSpec): number | null {
  if (link.name !== 'hermite') return null;
  const c = link.coeffs;
  for (let k = 0; k < c.length; k++) if (k !== 1 && c[k] !== 0) return null;
  return c[1] ?? 0;
}

/** The exponent p when g(t) = |t|^p (abs, abs-pow:p), else null. */
function absPowExponent(link: LinkSpec): number | null {
  if (link.name === 'abs') return 1;
  if (link.name === 'abs-pow') return link.p;
  return null;
}

/** The exponent p when σ(t) = |t|^p (abs, abs-pow:p, square = |t|²), else null. */
function absPowStudent(act: Activation): number | null {
  const s = act.spec;
  if (s.name === 'abs') return 1;
  if (s.name === 'abs-pow') return s.p ?? 2;
  if (s.name === 'square') return 2;
  return null;
}

/**
 * How g(t) is written exactly as Σ weight·σ(sign·t), or null when it cannot be. Uses
 * ReLU-like σ with slope α < 1 on t < 0:
 *   relu(t) = [σ(t) + α σ(−t)]/(1 − α²),  t = [σ(t) − σ(−t)]/(1 + α),  |t| = [σ(t) + σ(−t)]/(1 − α),
 * and for σ = relu^p or |t|^p:  |t|^p = σ(t) (σ = |·|^p) = relu^p(t) + relu^p(−t).
 */
export function linkRepresentation(link: LinkSpec, act: Activation): RepTerm[] | null {
  const alpha = reluLikeSlope(act);
  return alpha !== null ? reluLikeRepresentation(link, alpha) : powerRepresentation(link, act);
}

/** The representation with a ReLU-like σ of negative slope α: relu, linear (and Hermite degree 1) and |t| links. */
function reluLikeRepresentation(link: LinkSpec, alpha: number): RepTerm[] | null {
  const hermiteSlope = hermiteLinearSlope(link);
  const linearScale = link.name === 'linear' ? 1 : hermiteSlope;
  if (link.name === 'relu' || (link.name === 'relu-pow' && link.p === 1)) {
    const k = 1 / (1 - alpha * alpha);
    return alpha === 0
      ? [{ sign: 1, weight: 1 }]
      : [
          { sign: 1, weight: k },
          { sign: -1, weight: alpha * k },
        ];
  }
  if (linearScale !== null) {
    const k = linearScale / (1 + alpha);
    return [
      { sign: 1, weight: k },
      { sign: -1, weight: -k },
    ];
  }
  if (absPowExponent(link) === 1) {
    const k = 1 / (1 - alpha);
    return [
      { sign: 1, weight: k },
      { sign: -1, weight: k },
    ];
  }
  return null;
}

/** The representation with σ = |t|^p, relu^p or tanh: the links of the same power (or tanh itself). */
function powerRepresentation(link: LinkSpec, act: Activation): RepTerm[] | null {
  const s = act.spec;
  // σ(t) = |t|^p represents exactly the link |t|^p (abs-pow:p; abs for p = 1) with one neuron.
  const sp = absPowStudent(act);
  if (sp !== null && absPowExponent(link) === sp) return [{ sign: 1, weight: 1 }];
  if (s.name === 'relu-pow' && link.name === 'relu-pow' && link.p === s.p) return [{ sign: 1, weight: 1 }];
  if (s.name === 'relu-pow' && link.name === 'abs-pow' && link.p === s.p)
    return [
      { sign: 1, weight: 1 },
      { sign: -1, weight: 1 },
    ];
  // A non-homogeneous control represents its own link (tanh student, tanh link).
  if (s.name === 'tanh' && link.name === 'tanh') return [{ sign: 1, weight: 1 }];
  return null;
}

const PROBE_LINKS: LinkSpec[] = [
  { name: 'relu' },
  { name: 'linear' },
  { name: 'abs' },
  { name: 'tanh' },
  { name: 'sign' },
];

function representableNames(act: Activation): string {
  const names: string[] = PROBE_LINKS.filter((l) => linkRepresentation(l, act) !== null).map((l) => l.name);
  if (act.spec.name === 'relu-pow' && act.spec.p !== 1)
    names.push(`relu-pow(p=${act.spec.p})`, `abs-pow(p=${act.spec.p})`);
  const sp = absPowStudent(act);
  if (sp !== null && sp !== 1) names.push(`abs-pow(p=${sp})`);
  return names.length ? names.join(', ') : 'none';
}

function linkLabel(link: LinkSpec): string {
  if (link.name === 'relu-pow' || link.name === 'abs-pow') return `${link.name}(p=${link.p})`;
  if (link.name === 'hermite') return `hermite[${link.coeffs.join(',')}]`;
  return link.name;
}

/** The exact-representation neurons (a, W rows) of a sum target, or an InputError saying why not. */
export function teacherNeurons(target: TargetSpec, act: Activation): { a: number[]; W: number[][] } {
  if (target.kind !== 'sum') {
    throw new InputError(
      `teacher: the target's "${target.link}" link over ${target.r} directions is not representable exactly by a ${act.label} network (only sums of single-index links are); use memorizer or random-features`,
    );
  }
  const a: number[] = [];
  const W: number[][] = [];
  for (let l = 0; l < target.r; l++) {
    const c = target.coeffs[l];
    if (c === 0) continue;
    const rep = linkRepresentation(target.links[l], act);
    if (!rep) {
      throw new InputError(
        `teacher: link ${l} (${linkLabel(target.links[l])}) is not representable exactly by a ${act.label} network (representable links: ${representableNames(act)}); use memorizer or random-features`,
      );
    }
    for (const term of rep) {
      if (term.weight === 0) continue;
      a.push(c * term.weight);
      W.push(target.U[l].map((v) => term.sign * v));
    }
  }
  return { a, W };
}

/** Options of the teacher construction. */
export interface TeacherOptions extends InterpolatorOptions {
  /** Pad to this width with dead neurons (a = 0, w = 0), which change neither f nor F*. */
  width?: number;
}

/**
 * The teacher interpolator: neurons that represent the data set's target f* exactly (when the student's
 * activation can), plus n memorizing neurons for label noise; written balanced by default. Refuses
 * (InputError) imported data and targets the activation cannot represent.
 *
 * @example
 * ```ts
 * import { makeDataset, pathNorm, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 10, n: 50, r: 2, links: 'relu+relu', seed: 0 });
 * const t = teacherInterpolator(data, { name: 'relu' });
 * console.log(t.net.m, pathNorm(t.net)); // 2 2 (up to rounding)
 * ```
 */
export function teacherInterpolator(
  data: Dataset,
  act: Activation | ActivationSpec,
  opts: TeacherOptions = {},
): Interpolator {
  requireData(data, 'teacher');
  const activation = 'f' in act ? act : makeActivation(act);
  if (!data.target) {
    throw new InputError(
      'teacher: the data set has no "target" (imported data), so f* is unknown; use memorizer or random-features',
    );
  }
  if (data.target.d !== data.d) {
    throw new InputError(`teacher: the target has d = ${data.target.d} but the data have d = ${data.d}`);
  }
  const { n, d } = data;
  const tol = opts.tol ?? defaultTol(data.y);
  const rep = teacherNeurons(data.target, activation);
  const r = rep.a.length;
  const Wt = new Float64Array(r * d);
  rep.W.forEach((row, j) => {
    Wt.set(row, j * d);
  });
  const at = Float64Array.from(rep.a);
  // Residual of the exact part: the label noise (plus rounding) that is left to memorize.
  const residual = new Float64Array(n);
  let maxRes = 0;
  if (r > 0) {
    const f = forward(createNetwork(activation, at, Wt, d), data.X, n);
    for (let i = 0; i < n; i++) residual[i] = data.y[i] - f[i];
  } else residual.set(data.y);
  for (let i = 0; i < n; i++) maxRes = Math.max(maxRes, Math.abs(residual[i]));
  let cond: number | null = null;
  let aAll = at;
  let WAll = Wt;
  let memo = 0;
  if (maxRes > tol || r === 0) {
    const Wm = dataDirections(data);
    const s = solveSecondLayer(activation, data, Wm, n, residual, 'teacher (memorizing the label noise)', opts.maxCond);
    cond = s.cond;
    memo = n;
    aAll = new Float64Array(r + n);
    aAll.set(at);
    aAll.set(s.a, r);
    WAll = new Float64Array((r + n) * d);
    WAll.set(Wt);
    WAll.set(Wm, r * d);
  }
  let m = r + memo;
  if (opts.width !== undefined) {
    if (!Number.isInteger(opts.width) || opts.width < m) {
      throw new InputError(
        `teacher: needs width m ≥ ${m} (${r} teacher neurons + ${memo} memorizing neurons); got m = ${opts.width}`,
      );
    }
    const a2 = new Float64Array(opts.width);
    a2.set(aAll);
    const W2 = new Float64Array(opts.width * d);
    W2.set(WAll);
    aAll = a2;
    WAll = W2;
    m = opts.width;
  }
  return finishInterpolator('teacher', createNetwork(activation, aAll, WAll, d), data, opts, true, tol, {
    cond,
    teacherNeurons: r,
    memorizingNeurons: memo,
  });
}
