/**
 * One member of the league population, measured: every registered measure (exact where a closed form
 * exists; the estimators with their error bars), the population risk (exact, docs/math.md#population-risk
 * §7), and every measure again at a seeded random point of the rescaling orbit (docs/math.md#network §2),
 * where the function — hence the risk — is unchanged. Same measure seed at both points: the Monte Carlo
 * measures reuse their noise directions, so an invariant one gives the same number up to rounding.
 */
import type { Dataset } from '../../data/dataset.js';
import type { TargetSpec } from '../../data/target.js';
import { lanczos } from '../../measures/lanczos.js';
import { hessianOperator } from '../../measures/operators.js';
import {
  MEASURES,
  type MeasureContext,
  type MeasureDef,
  type ResolvedContext,
  resolveContext,
  unavailableReason,
} from '../../measures/registry.js';
import { averageSharpness } from '../../measures/sharpness.js';
import type { Network } from '../../model/network.js';
import { paramCount } from '../../model/network.js';
import { populationRisk } from '../../risk/population.js';
import { deriveSeed } from '../../rng/xoshiro.js';
import { randomFactors, rescale } from '../../symmetry/rescale.js';
import type { LeagueMember, MemberLabels } from './league-population.js';

/**
 * How a registered measure is obtained, so that a reader of the league knows which numbers carry an
 * error: 'exact' (closed form, or Lanczos at full Krylov dimension for the d×d WᵀW), 'lanczos' (top
 * Ritz value; the true λ_max lies within the residual of it), 'montecarlo' (standard error),
 * 'ascent' (projected gradient ascent: a lower bound of the maximum), 'bisection' (σ* on fixed noise
 * directions; no error bar).
 */
export type MeasureMethod = 'exact' | 'lanczos' | 'montecarlo' | 'ascent' | 'bisection';

export const MEASURE_METHODS: Readonly<Record<string, MeasureMethod>> = {
  trace: 'exact',
  gauss_newton_trace: 'exact',
  invariant_flatness: 'exact',
  top_hessian_eigenvalue: 'lanczos',
  worst_case_sharpness: 'ascent',
  average_sharpness: 'montecarlo',
  adaptive_sharpness: 'ascent',
  adaptive_average_sharpness: 'montecarlo',
  pac_bayes_flatness: 'bisection',
  relative_flatness: 'exact',
  fisher_rao_norm: 'exact',
  path_norm: 'exact',
  frobenius_norm: 'exact',
  spectral_norm: 'exact',
  distance_to_init: 'exact',
  param_count: 'exact',
};

export function measureMethod(name: string): MeasureMethod {
  const m = MEASURE_METHODS[name];
  if (!m) throw new Error(`league: measure "${name}" has no declared method (add it to MEASURE_METHODS)`);
  return m;
}

export interface MeasuredValue {
  value: number;
  /** Monte Carlo standard error (montecarlo measures). */
  stderr?: number;
  /** Ritz residual ‖Hy − θy‖ ≥ |λ_max − θ| for the converged top eigenvalue (lanczos). */
  residual?: number;
}

/**
 * The registry computes a bare number; for the estimators whose error bar the league reports, the
 * same computation (same options, same derived seed as registry.ts) is run here with its diagnostics.
 * test/measures/league.test.ts checks that these values equal the registry's bit for bit.
 */
function averageWithError(
  name: string,
  sigma: 'sigma' | 'adaptiveSigma',
  adaptive: boolean,
): (net: Network, data: Dataset, ctx: ResolvedContext) => MeasuredValue {
  return (net, data, ctx) => {
    const r = averageSharpness(net, data, {
      sigma: ctx.options[sigma],
      samples: ctx.options.noiseSamples,
      seed: deriveSeed(ctx.seed, name),
      adaptive,
    });
    return { value: r.value, stderr: r.stderr };
  };
}

const WITH_ERROR: Readonly<Record<string, (net: Network, data: Dataset, ctx: ResolvedContext) => MeasuredValue>> = {
  average_sharpness: averageWithError('average_sharpness', 'sigma', false),
  adaptive_average_sharpness: averageWithError('adaptive_average_sharpness', 'adaptiveSigma', true),
  top_hessian_eigenvalue: (net, data, ctx) => {
    const r = lanczos(hessianOperator(net, data), {
      k: 1,
      budget: Math.min(ctx.options.lanczosBudget, paramCount(net)),
      seed: deriveSeed(ctx.seed, 'top_hessian_eigenvalue'),
    });
    return { value: r.values[0], residual: r.residuals[0] };
  },
};

/** One measure at one point: its value with its error bar, or null when unavailable (e.g. no init). */
export function measureAt(def: MeasureDef, net: Network, data: Dataset, ctx: MeasureContext): MeasuredValue | null {
  if (unavailableReason(def, net, ctx)) return null;
  const rc = resolveContext(ctx);
  const special = WITH_ERROR[def.name];
  return special ? special(net, data, rc) : { value: def.compute(net, data, rc) };
}

/** Orbit factors c_j = 10^{u_j}, u_j ~ U[−r, r] (the invariance check's default range r = 1). */
export const LEAGUE_ORBIT_LOG_RANGE = 1;

export interface MemberEvaluation {
  id: string;
  family: 'construction' | 'trained';
  labels: MemberLabels;
  trainLoss: number;
  steps: number;
  /** Population risk E_x (f − f*)² (label noise excluded) and how it was computed. */
  risk: number;
  riskStderr: number;
  riskMethod: 'exact' | 'montecarlo';
  /** Registry name → value at θ (null: unavailable for this member). */
  original: Record<string, MeasuredValue | null>;
  /** The same at rescale(θ, c) with the member's seeded random factors c. */
  orbit: Record<string, MeasuredValue | null>;
}

export function evaluateMember(member: LeagueMember, measures: readonly MeasureDef[] = MEASURES): MemberEvaluation {
  const { spec, net, data } = member;
  const ctx: MeasureContext = {
    seed: deriveSeed(spec.memberSeed, 'league-measures'),
    ...(member.init ? { init: member.init } : {}),
    options: spec.measureOptions,
  };
  const moved = rescale(net, randomFactors(net.m, LEAGUE_ORBIT_LOG_RANGE, deriveSeed(spec.memberSeed, 'league-orbit')));
  const original: Record<string, MeasuredValue | null> = {};
  const orbit: Record<string, MeasuredValue | null> = {};
  for (const def of measures) {
    original[def.name] = measureAt(def, net, data, ctx);
    orbit[def.name] = measureAt(def, moved, data, ctx);
  }
  const target: TargetSpec = data.target;
  const risk = populationRisk(net, target, { seed: deriveSeed(spec.memberSeed, 'league-risk'), samples: 1 << 15 });
  return {
    id: spec.id,
    family: spec.family,
    labels: spec.labels,
    trainLoss: member.trainLoss,
    steps: member.steps,
    risk: risk.value,
    riskStderr: risk.stderr,
    riskMethod: risk.method,
    original,
    orbit,
  };
}
