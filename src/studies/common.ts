/**
 * Shared pieces of the study trials: the data set of a trial, its baselines, its population risk, and
 * every interpolator a study can ask for (constructions and learned ones), all built from the core
 * modules (data, interpolators, training, risk) with seeds derived from the trial seed.
 */
import type { Dataset } from '../data/dataset.js';
import { makeDataset } from '../data/generate.js';
import type { TargetSpec } from '../data/target.js';
import { targetVariance } from '../data/targets.js';
import {
  type FlattestCertificate,
  flattestConvex,
  memorizer,
  randomFeatures,
  teacherInterpolator,
} from '../interpolators/index.js';
import { powerIteration } from '../measures/lanczos.js';
import { hessianOperator } from '../measures/operators.js';
import { type Activation, makeActivation } from '../model/activations.js';
import { loss, type Network } from '../model/network.js';
import { populationRisk } from '../risk/population.js';
import { deriveSeed } from '../rng/xoshiro.js';
import { initNetwork } from '../training/init.js';
import { type Algorithm, resolveTrainConfig, type TrainConfig } from '../training/params.js';
import { train } from '../training/trainer.js';
import { activationSpec, type StudyActivation } from './fields.js';
import { resolveStudyTarget, type TargetFields } from './target.js';

export interface CommonParams extends TargetFields {
  m: number;
}

export function studyActivation(p: { activation: StudyActivation }): Activation {
  return makeActivation(activationSpec(p.activation));
}

/**
 * The trial's data set: depends only on (d, n, the target fields, noise, seed) (and the activation for
 * matched targets), so every construction of a group sees the same data.
 */
export function studyData(p: TargetFields, seed: number): StudyDataset {
  const data = makeDataset({ ...resolveStudyTarget(p).data, n: p.n, seed: deriveSeed(seed, 'study-data') });
  const target = data.target;
  // Generated data always carry their target; the type says so for the trial code.
  if (!target) throw new Error('studyData: generated data set has no target');
  return { ...data, target };
}

/** A generated data set, whose target is known (imported data have none). */
export type StudyDataset = Dataset & { readonly target: TargetSpec };

/** Var f*(x) and Var(y) = Var f* + σ_ε². */
export function baselines(target: TargetSpec): { varF: number; varY: number } {
  const varF = targetVariance(target);
  return { varF, varY: varF + target.noise ** 2 };
}

/** Population risk: exact when a closed form applies, Monte Carlo (seeded from the trial) otherwise. */
export function studyRisk(
  net: Network,
  target: TargetSpec,
  seed: number,
): { risk: number; riskStderr: number; riskMethod: string } {
  const r = populationRisk(net, target, { seed: deriveSeed(seed, 'study-risk'), samples: 1 << 15 });
  return { risk: r.value, riskStderr: r.stderr, riskMethod: r.method };
}

/** The lazy regime: a large symmetric initialization (f = 0 at init), a few GD steps, then the Gauss–Newton polish. */
export const LAZY_INIT_SCALE = 8;

export interface BuiltInterpolator {
  net: Network;
  steps: number;
  seconds: number;
}

/** What a study sets for a learned interpolator: width m and optionally the init scale, steps and loss bound. */
export interface LearnedTrainParams {
  m: number;
  initScale?: number;
  steps?: number;
  tol?: number;
}

/**
 * The training configuration of a learned interpolator: the study's settings (and `extra`) over the
 * algorithm's column for a k-homogeneous student on n samples, without the search plan.
 */
export function learnedTrainConfig(
  algo: Algorithm,
  sizes: { k: number; n: number },
  p: LearnedTrainParams,
  seed: number,
  extra: Record<string, unknown> = {},
): TrainConfig {
  return resolveTrainConfig(
    {
      algo,
      width: p.m,
      seed: deriveSeed(seed, 'study-train'),
      initScale: p.initScale ?? 1,
      steps: p.steps ?? 2000,
      lossTol: p.tol ?? 1e-8,
      polish: 'gn',
      polishSteps: 100,
      logEvery: 1_000_000,
      ...extra,
    },
    { ...sizes, searchPlan: false },
  );
}

/** Train with one of the training module's algorithms (ending with its polish to an interpolator). */
export function learned(
  algo: Algorithm,
  data: Dataset,
  act: Activation,
  p: LearnedTrainParams,
  seed: number,
  extra: Record<string, unknown> = {},
): BuiltInterpolator {
  const t0 = Date.now();
  const config = learnedTrainConfig(algo, { k: act.degree ?? 1, n: data.n }, p, seed, extra);
  const r = train(data, config, { activation: act });
  return { net: r.net, steps: r.steps, seconds: (Date.now() - t0) / 1000 };
}

/** Any interpolator of the study catalogue (constructions of docs/math.md#interpolators (§5) and learned ones). */
export function buildInterpolator(
  kind: string,
  data: Dataset,
  act: Activation,
  p: { m: number; searchWidth?: number; initScale?: number; lazyScale?: number; steps?: number; tol?: number },
  seed: number,
): BuiltInterpolator {
  const t0 = Date.now();
  const done = (net: Network): BuiltInterpolator => ({ net, steps: 0, seconds: (Date.now() - t0) / 1000 });
  switch (kind) {
    case 'teacher':
      return done(teacherInterpolator(data, act).net);
    case 'memorizer':
      return done(memorizer(data, act, { width: p.m, seed: deriveSeed(seed, 'memorizer') }).net);
    case 'random-features':
      return done(randomFeatures(data, act, p.m, deriveSeed(seed, 'random-features')).net);
    case 'lazy': {
      // GD at lr = 1/λ_max(∇²L) of the initialization, half the stability limit 2/λ_max: in the lazy
      // regime the Hessian barely moves, so this rate stays stable for the whole run. (A fixed rate
      // scaled by s^{-2k} diverged for ReLU², whose curvature also depends on the data scale.)
      const width = p.m + (p.m % 2);
      const scale = p.lazyScale ?? LAZY_INIT_SCALE;
      const init = initNetwork(act, width, data.d, {
        init: 'symmetric',
        initScale: scale,
        seed: deriveSeed(deriveSeed(seed, 'study-train'), 'init'),
      });
      return learned('gd', data, act, { ...p, initScale: scale, steps: Math.min(p.steps ?? 200, 200) }, seed, {
        init: 'symmetric',
        lr: 1 / topEigenvalue(init, data, deriveSeed(seed, 'lazy-curvature')),
        // The rate is already 1/λ_max of this initialization: the trainer's own cap would measure it again.
        lrCap: 0,
        width,
      });
    }
    case 'gd':
    case 'sam':
    case 'label-noise':
    case 'flattest':
      // Learned interpolators use their own (small) width: the rich regime, and a search that finds
      // the flattest interpolator without needing one neuron per sample.
      return learned(kind, data, act, { ...p, m: p.searchWidth ?? p.m, initScale: p.initScale ?? 0.1 }, seed);
    case 'flattest-convex':
      throw new Error('construction "flattest-convex" runs asynchronously: build it with buildConvexFlattest');
    default:
      throw new Error(`unknown construction "${kind}"`);
  }
}

/**
 * The study budget of the convex flattest solver (docs/math.md#convex-flattest, §10): a bound on
 * column-generation rounds (one LP solve each), never on wall-clock time, so a trial's numbers depend
 * on its parameters and seed only (a time budget would make them depend on the machine's load). A
 * round's pricing costs O(n·d) per ascent step, so the bound shrinks with n·d: CONVEX_STUDY_MAX_ROUNDS
 * rounds up to n·d = CONVEX_STUDY_WORK / CONVEX_STUDY_MAX_ROUNDS (the default grid's largest, 640 · 30),
 * fewer above, never below CONVEX_STUDY_MIN_ROUNDS. Measured solve times chose these values
 * (docs/studies.md#h2-fmin).
 */
export const CONVEX_STUDY_MAX_ROUNDS = 25;
export const CONVEX_STUDY_MIN_ROUNDS = 3;
export const CONVEX_STUDY_WORK = CONVEX_STUDY_MAX_ROUNDS * 640 * 30;
/** Target relative duality gap of the study's convex solves. */
export const CONVEX_STUDY_GAP = 1e-3;

/** The round bound of one study solve on n samples in d dimensions (see CONVEX_STUDY_WORK). */
export function convexStudyRounds(n: number, d: number): number {
  const r = Math.floor(CONVEX_STUDY_WORK / (n * d));
  return Math.max(CONVEX_STUDY_MIN_ROUNDS, Math.min(CONVEX_STUDY_MAX_ROUNDS, r));
}

export interface BuiltConvexFlattest extends BuiltInterpolator {
  certificate: FlattestCertificate;
}

/**
 * The convex flattest interpolator of a 1-homogeneous student over all widths, with its certificate
 * [lower, upper] on F_min: column generation warm-started from the teacher's directions only (so the
 * LP starts at most at the teacher's F*, and nothing depends on another trial), its random directions
 * seeded from the trial seed, at most convexStudyRounds(n, d) rounds. With `cold`, no teacher start:
 * the dictionary starts from data and random directions only.
 */
export async function buildConvexFlattest(
  data: StudyDataset,
  act: Activation,
  seed: number,
  o: { maxRounds?: number; gap?: number; cold?: boolean } = {},
): Promise<BuiltConvexFlattest> {
  const t0 = Date.now();
  const r = await flattestConvex(data, act, {
    gap: o.gap ?? CONVEX_STUDY_GAP,
    seed: deriveSeed(seed, 'flattest-convex'),
    maxRounds: o.maxRounds ?? convexStudyRounds(data.n, data.d),
    timeBudget: 0,
    warmStart: o.cold ? [] : [teacherInterpolator(data, act).net],
  });
  return { net: r.net, steps: r.certificate.lpSolves, seconds: (Date.now() - t0) / 1000, certificate: r.certificate };
}

/**
 * Largest eigenvalue of the loss Hessian at `net`: the measures module's power iteration
 * (src/measures/lanczos.ts) on exact Hessian-vector products, `iters` products from a seeded start, no
 * early stop. The Rayleigh quotient of the last iterate slightly underestimates λ_max — hence a rate
 * 1/λ, not the limit 2/λ.
 */
export function topEigenvalue(net: Network, data: Dataset, seed: number, iters = 30): number {
  return Math.abs(powerIteration(hessianOperator(net, data), { budget: iters, seed, tol: 0 }).eigenvalue);
}

/** Train loss and max residual of a network on its data. */
export function fitOf(net: Network, data: Dataset): { trainLoss: number; maxResidual: number } {
  const l = loss(net, data);
  return { trainLoss: l.loss, maxResidual: l.maxResidual };
}

/**
 * Largest residual of an interpolator relative to the label scale √Var(y) (docs/math.md#hypotheses,
 * §9): 1% of it, far below the residuals of a penalized fit that regresses instead of interpolating
 * (0.1–0.7 on noisy labels) and far above those of a run that stopped at train loss 1e-8.
 */
export const INTERPOLATION_RESIDUAL = 1e-2;

/** Interpolation test used by every study: max_i |r_i| ≤ INTERPOLATION_RESIDUAL · √Var(y). */
export function interpolates(maxResidual: number, varY: number): boolean {
  return maxResidual <= INTERPOLATION_RESIDUAL * Math.sqrt(varY);
}
