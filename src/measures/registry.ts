/**
 * The measure registry: every flatness / sharpness / norm measure flatlab can compute, each with a
 * stable name, a reference, its declared behaviour under the rescaling symmetry (docs/math.md#network, §2), and one
 * uniform signature compute(net, data, ctx) → number. The declarations are checked by
 * `invarianceReport` and by the tests (one test per entry).
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { traceParts } from '../flatness/trace.js';
import type { Network } from '../model/network.js';
import { paramCount } from '../model/network.js';
import { deriveSeed } from '../rng/xoshiro.js';
import { invariantFlatness } from '../symmetry/invariant.js';
import { pathNorm } from '../symmetry/rescale.js';
import { lanczos } from './lanczos.js';
import { distanceToInit, fisherRaoNorm, frobeniusNorm, relativeFlatness, spectralNorm } from './norms.js';
import { hessianOperator } from './operators.js';
import { type MeasureOptions, resolveMeasureOptions } from './options.js';
import { ascentSharpness, averageSharpness, pacBayesFlatness } from './sharpness.js';

/** What a measure may need besides θ and the data: a seed, the initialization, option overrides. */
export interface MeasureContext {
  /** Seed of every random draw a measure makes (each measure derives its own sub-stream by name). */
  readonly seed: number;
  /** The initialization, for distance_to_init (absent: that measure is skipped, not guessed). */
  readonly init?: Network;
  readonly options?: Partial<MeasureOptions>;
}

/** A MeasureContext with every option filled in. */
export interface ResolvedContext {
  readonly seed: number;
  readonly init?: Network;
  readonly options: MeasureOptions;
}

/** A registered measure: its name, reference, declared invariance under the symmetry and how to compute it. */
export interface MeasureDef {
  /** Stable identifier (JSON keys, study metrics). */
  readonly name: string;
  readonly label: string;
  /** Paper and the defining formula. */
  readonly reference: string;
  /** Declared: the value is unchanged by (a_j, w_j) ↦ (c_j^{-k} a_j, c_j w_j). */
  readonly invariant: boolean;
  /** Why it is (not) invariant, in one line. */
  readonly why: string;
  /** Requirements that make it unavailable rather than wrong. */
  readonly needs?: readonly ('init' | 'homogeneous')[];
  /** The measure's value at θ. */
  compute(net: Network, data: Dataset, ctx: ResolvedContext): number;
}

function zeroLoss(data: Dataset): number {
  let s = 0;
  for (let i = 0; i < data.n; i++) s += data.y[i] * data.y[i];
  return s / (2 * data.n);
}

const DEFS: MeasureDef[] = [
  {
    name: 'trace',
    label: 'Hessian trace Tr ∇²L',
    invariant: false,
    reference: 'Tr ∇²L(θ), exact closed form (docs/math.md#flatness, §3); vacuous under rescaling per Dinh et al. 2017',
    why: 'A_j → c^{2k} A_j, B_j → c^{-2} B_j',
    compute: (net, data) => traceParts(net, data).trace,
  },
  {
    name: 'gauss_newton_trace',
    label: 'Gauss–Newton trace',
    invariant: false,
    reference: 'Tr (JᵀJ/n) = Σ_j (A_j + B_j) (docs/math.md#flatness, §3)',
    why: 'same parts as the trace',
    compute: (net, data) => traceParts(net, data).traceGaussNewton,
  },
  {
    name: 'invariant_flatness',
    label: 'invariant flatness F*',
    invariant: true,
    needs: ['homogeneous'],
    reference:
      'F* = min over the orbit of the Gauss–Newton trace = Σ_j (k+1) k^{-k/(k+1)} A_j^{1/(k+1)} B_j^{k/(k+1)} (docs/math.md#invariant-flatness, §4)',
    why: 'an infimum over the orbit',
    compute: (net, data) => invariantFlatness(net, data).value,
  },
  {
    name: 'top_hessian_eigenvalue',
    label: 'top Hessian eigenvalue λ_max',
    invariant: false,
    reference: 'λ_max(∇²L) (Keskar et al. 2017; Jiang et al. 2020), Lanczos with full reorthogonalization',
    why: 'the curvature of the a-block scales as c^{2k}',
    compute: (net, data, ctx) =>
      lanczos(hessianOperator(net, data), {
        k: 1,
        budget: Math.min(ctx.options.lanczosBudget, paramCount(net)),
        seed: deriveSeed(ctx.seed, 'top_hessian_eigenvalue'),
      }).values[0],
  },
  {
    name: 'worst_case_sharpness',
    label: 'worst-case ρ-sharpness',
    invariant: false,
    reference: 'max_{‖δ‖₂≤ρ} L(θ+δ) − L(θ) (Keskar et al. 2017; Foret et al. 2021), projected gradient ascent',
    why: 'a fixed Euclidean ball is not mapped to itself by the rescaling',
    compute: (net, data, ctx) =>
      ascentSharpness(net, data, {
        rho: ctx.options.rho,
        steps: ctx.options.ascentSteps,
        restarts: ctx.options.ascentRestarts,
        seed: deriveSeed(ctx.seed, 'worst_case_sharpness'),
        adaptive: false,
      }).value,
  },
  {
    name: 'average_sharpness',
    label: 'average-case sharpness',
    invariant: false,
    reference: 'E_{δ~N(0,σ²I)} L(θ+δ) − L(θ) (Neyshabur et al. 2017; Jiang et al. 2020), Monte Carlo',
    why: 'isotropic noise is not mapped to itself by the rescaling',
    compute: (net, data, ctx) =>
      averageSharpness(net, data, {
        sigma: ctx.options.sigma,
        samples: ctx.options.noiseSamples,
        seed: deriveSeed(ctx.seed, 'average_sharpness'),
        adaptive: false,
      }).value,
  },
  {
    name: 'adaptive_sharpness',
    label: 'adaptive worst-case sharpness',
    invariant: true,
    reference:
      'max_{‖δ⊘|θ|‖₂≤ρ} L(θ+δ) − L(θ) (Kwon et al. 2021, ASAM; Andriushchenko et al. 2023), projected gradient ascent',
    why: 'δ = |θ|∘ε rescales exactly like θ, so the perturbed model is rescaled too',
    compute: (net, data, ctx) =>
      ascentSharpness(net, data, {
        rho: ctx.options.adaptiveRho,
        steps: ctx.options.ascentSteps,
        restarts: ctx.options.ascentRestarts,
        seed: deriveSeed(ctx.seed, 'adaptive_sharpness'),
        adaptive: true,
      }).value,
  },
  {
    name: 'adaptive_average_sharpness',
    label: 'adaptive average-case sharpness',
    invariant: true,
    reference: 'E_{ξ~N(0,I)} L(θ + σ|θ|∘ξ) − L(θ) (Andriushchenko et al. 2023), Monte Carlo',
    why: 'δ = σ|θ|∘ξ rescales exactly like θ',
    compute: (net, data, ctx) =>
      averageSharpness(net, data, {
        sigma: ctx.options.adaptiveSigma,
        samples: ctx.options.noiseSamples,
        seed: deriveSeed(ctx.seed, 'adaptive_average_sharpness'),
        adaptive: true,
      }).value,
  },
  {
    name: 'pac_bayes_flatness',
    label: 'PAC-Bayes flatness 1/σ*²',
    invariant: false,
    reference:
      '1/σ*² with E_{u~N(0,σ*²I)} L(θ+u) − L(θ) = target (Jiang et al. 2020, "pacbayes.flatness"); σ* by bisection; target = pacBayesTarget · mean(y²)/2',
    why: 'isotropic noise is not mapped to itself by the rescaling',
    compute: (net, data, ctx) =>
      pacBayesFlatness(net, data, {
        target: ctx.options.pacBayesTarget * zeroLoss(data),
        samples: ctx.options.noiseSamples,
        steps: ctx.options.pacBayesSteps,
        seed: deriveSeed(ctx.seed, 'pac_bayes_flatness'),
      }).value,
  },
  {
    name: 'relative_flatness',
    label: 'relative flatness κ (first layer)',
    invariant: true,
    reference:
      "κ = Σ_{s,s'} ⟨w_s, w_s'⟩ Tr H_{w_s,w_s'} (Petzka et al. 2021), closed form (1/n)Σ‖x_i‖²‖∇_x f(x_i)‖² + Σ_s ‖w_s‖² C_s",
    why: '∇_x f depends on f only; ‖w_s‖² C_s picks up c² · c^{-2}',
    compute: (net, data) => relativeFlatness(net, data),
  },
  {
    name: 'fisher_rao_norm',
    label: 'Fisher–Rao norm',
    invariant: true,
    needs: ['homogeneous'],
    reference: '‖θ‖_fr = √(E⟨θ, ∇_θ f⟩²) = (k+1) √(mean f²) (Liang et al. 2019)',
    why: 'a function of f only',
    compute: (net, data) => fisherRaoNorm(net, data),
  },
  {
    name: 'path_norm',
    label: 'path norm',
    invariant: true,
    needs: ['homogeneous'],
    reference: 'P = Σ_j |a_j| ‖w_j‖^k (Neyshabur et al. 2015; docs/math.md#network (§2))',
    why: '|a_j| ‖w_j‖^k picks up c^{-k} c^k',
    compute: (net) => pathNorm(net),
  },
  {
    name: 'frobenius_norm',
    label: 'Frobenius norm ‖θ‖₂',
    invariant: false,
    reference: '√(‖a‖² + ‖W‖_F²) (Jiang et al. 2020)',
    why: 'a_j and w_j scale in opposite directions, not norm-preservingly',
    compute: (net) => frobeniusNorm(net),
  },
  {
    name: 'spectral_norm',
    label: 'spectral norm ‖W‖₂',
    invariant: false,
    reference: 'largest singular value of the first layer (Bartlett et al. 2017), Lanczos on WᵀW',
    why: 'rows of W scale by c_j',
    compute: (net, _data, ctx) => spectralNorm(net, deriveSeed(ctx.seed, 'spectral_norm')),
  },
  {
    name: 'distance_to_init',
    label: 'distance to initialization',
    invariant: false,
    needs: ['init'],
    reference: '‖θ − θ₀‖₂ (Nagarajan & Kolter 2019; Jiang et al. 2020); skipped when no initial model is given',
    why: 'θ moves along the orbit, θ₀ does not',
    compute: (net, _data, ctx) => {
      if (!ctx.init) throw new InputError('distance_to_init needs the initial model (--init)');
      return distanceToInit(net, ctx.init);
    },
  },
  {
    name: 'param_count',
    label: 'parameter count',
    invariant: true,
    reference: 'm(d + 1)',
    why: 'shape only',
    compute: (net) => paramCount(net),
  },
];

/** The measure registry, in a fixed order. */
export const MEASURES: readonly MeasureDef[] = Object.freeze(DEFS.map((d) => Object.freeze(d)));
/** The registered measure names (the keys of AllMeasures.values). */
export const MEASURE_NAMES: readonly string[] = MEASURES.map((m) => m.name);

/**
 * A measure by name (InputError naming the allowed ones otherwise).
 *
 * @example
 * ```ts
 * import { getMeasure } from 'flatlab';
 *
 * const m = getMeasure('invariant_flatness');
 * console.log(m.invariant, m.label); // true, and its label
 * ```
 */
export function getMeasure(name: string): MeasureDef {
  const m = MEASURES.find((x) => x.name === name);
  if (!m) throw new InputError(`unknown measure "${name}" (allowed: ${MEASURE_NAMES.join(', ')})`);
  return m;
}

export function resolveContext(ctx: MeasureContext): ResolvedContext {
  if (!Number.isSafeInteger(ctx.seed) || ctx.seed < 0)
    throw new InputError(`seed must be a non-negative integer (got ${ctx.seed})`);
  return { seed: ctx.seed, init: ctx.init, options: resolveMeasureOptions(ctx.options) };
}

/** Why a measure cannot be computed here (null when it can). */
export function unavailableReason(def: MeasureDef, net: Network, ctx: MeasureContext): string | null {
  if (def.needs?.includes('homogeneous') && net.act.degree === null)
    return `needs a homogeneous activation (${net.act.label} is not)`;
  if (def.needs?.includes('init') && !ctx.init) return 'needs the initial model';
  return null;
}

/** Every measure's value, and why the unavailable ones were skipped. */
export interface AllMeasures {
  /** Value per registry name; null when unavailable (see `skipped`). */
  readonly values: Readonly<Record<string, number | null>>;
  readonly skipped: Readonly<Record<string, string>>;
}

/**
 * Every registered measure (or the named subset) at θ.
 *
 * @example
 * ```ts
 * import { computeAllMeasures, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const all = computeAllMeasures(teacher, data, { seed: 0 }, ['trace', 'path_norm', 'distance_to_init']);
 * console.log(all.values.path_norm, all.skipped.distance_to_init); // 1 (up to rounding), and why: no init given
 * ```
 */
export function computeAllMeasures(
  net: Network,
  data: Dataset,
  ctx: MeasureContext,
  names?: readonly string[],
): AllMeasures {
  const rc = resolveContext(ctx);
  const defs = names ? names.map(getMeasure) : MEASURES;
  const values: Record<string, number | null> = {};
  const skipped: Record<string, string> = {};
  for (const def of defs) {
    const why = unavailableReason(def, net, ctx);
    if (why) {
      values[def.name] = null;
      skipped[def.name] = why;
      continue;
    }
    values[def.name] = def.compute(net, data, rc);
  }
  return Object.freeze({ values: Object.freeze(values), skipped: Object.freeze(skipped) });
}
