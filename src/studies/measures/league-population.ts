/**
 * The population of interpolators behind the measure league (Jiang et al. 2020's recipe: many models
 * that differ along known hyperparameter axes): every construction of docs/math.md#interpolators (§5)
 * and every training algorithm of docs/math.md#algorithms (§6), over seeds, widths, initialization
 * scales, sample sizes n and label-noise levels, all on shared data sets (one per (n, noise), same
 * inputs and index directions for every noise level).
 *
 * `planPopulation` lists the members as plain JSON specs (one per model, self-contained, so a study
 * runner can farm them out as trials); `buildMember` makes one.
 */
import type { Dataset } from '../../data/dataset.js';
import { makeDataset } from '../../data/generate.js';
import type { TargetSpec } from '../../data/target.js';
import { InputError } from '../../errors.js';
import { memorizer, randomFeatures, teacherInterpolator } from '../../interpolators/index.js';
import type { MeasureOptions } from '../../measures/options.js';
import { makeActivation } from '../../model/activations.js';
import { loss, type Network } from '../../model/network.js';
import { deriveSeed } from '../../rng/xoshiro.js';
import { initNetwork } from '../../training/init.js';
import { ALGORITHMS, type Algorithm, resolveTrainConfig, type TrainConfig } from '../../training/params.js';
import { train } from '../../training/trainer.js';

export const LEAGUE_CONSTRUCTIONS = ['teacher', 'memorizer', 'random-features'] as const;
export type LeagueConstruction = (typeof LEAGUE_CONSTRUCTIONS)[number];
export type LeagueMethod = LeagueConstruction | Algorithm;

export const LEAGUE_SCALES = ['smoke', 'default', 'full'] as const;
export type LeagueScale = (typeof LEAGUE_SCALES)[number];

/** The hyperparameter axes of Ψ, in the order the report lists them. */
export const LEAGUE_AXES = ['method', 'seed', 'width', 'initScale', 'n', 'noise'] as const;

/** The labels that fix a shared data set: τ within a data set is the setting of H4 (docs/math.md#hypotheses). */
export const LEAGUE_DATA_KEYS = ['n', 'noise'] as const;

export interface PopulationPlan {
  scale: LeagueScale;
  /** Input dimension; the target is a sum of r ReLU ridges (exactly representable by a ReLU student). */
  d: number;
  r: number;
  ns: number[];
  noises: number[];
  widths: number[];
  seeds: number[];
  initScales: number[];
  /** Training steps before the Gauss–Newton polish. */
  steps: number;
  polishSteps: number;
  /** Measure settings (smoke: fewer ascent steps and noise samples; default: the registry defaults). */
  measureOptions: Partial<MeasureOptions>;
}

type PlanSizes = Omit<PopulationPlan, 'scale'>;

/** The smoke scale measures with fewer ascent steps and noise samples; the others use the registry defaults. */
const SMOKE_MEASURES: Partial<MeasureOptions> = {
  ascentSteps: 5,
  ascentRestarts: 0,
  noiseSamples: 8,
  pacBayesSteps: 16,
  lanczosBudget: 24,
};

/**
 * Sizes. smoke: every method still present, as small as that allows. default: 360 models, sized so
 * that the default scale stays within its budget (docs/studies.md states the cost of each scale).
 * full: 1206 models on larger data sets, three seeds and three noise levels.
 * Every width is ≥ max n + r, so every construction exists at every width (the memorizer and random
 * features need m ≥ n; the noisy teacher needs r teacher neurons plus n memorizing ones).
 *
 * Each row holds one size at smoke, default and full (the order of LEAGUE_SCALES), side by side.
 */
const SIZES: { readonly [K in keyof PlanSizes]: readonly [PlanSizes[K], PlanSizes[K], PlanSizes[K]] } = {
  d: [4, 6, 8],
  r: [2, 2, 2],
  ns: [
    [8, 12],
    [16, 32],
    [16, 32, 64],
  ],
  noises: [
    [0, 0.5],
    [0, 0.5],
    [0, 0.25, 0.5],
  ],
  widths: [
    [16, 24],
    [40, 80],
    [80, 160],
  ],
  seeds: [[0], [0, 1], [0, 1, 2]],
  initScales: [[0.5], [0.1, 1], [0.1, 1]],
  steps: [150, 800, 1500],
  polishSteps: [300, 500, 500],
  measureOptions: [SMOKE_MEASURES, {}, {}],
};

/** The plan of one scale: a fresh copy, so that no caller can change the table. */
export function populationPlan(scale: LeagueScale): PopulationPlan {
  const i = LEAGUE_SCALES.indexOf(scale);
  if (i < 0)
    throw new InputError(`league scale must be one of ${LEAGUE_SCALES.join(', ')} (got ${JSON.stringify(scale)})`);
  const sizes = Object.fromEntries(Object.entries(SIZES).map(([key, at]) => [key, structuredClone(at[i])]));
  return { scale, ...(sizes as PlanSizes) };
}

export type MemberLabels = {
  method: LeagueMethod;
  seed: number;
  width: number;
  /** 'none' for the constructions, which have no initialization. */
  initScale: number | 'none';
  n: number;
  noise: number;
};

/** One model of the population, as plain JSON (a study trial's parameters). */
export interface MemberSpec {
  id: string;
  family: 'construction' | 'trained';
  labels: MemberLabels;
  d: number;
  r: number;
  /** Seed of the shared data sets (same for every member). */
  dataSeed: number;
  /** Seed of everything this model draws (initialization, batches, random features, measures, orbit). */
  memberSeed: number;
  steps: number;
  polishSteps: number;
  measureOptions: Partial<MeasureOptions>;
}

function memberId(l: MemberLabels): string {
  return `${l.method}/n${l.n}/noise${l.noise}/m${l.width}/s${l.seed}/init${l.initScale}`;
}

/** What every member of one population shares (a plan's problem and budget settings). */
export type MemberSettings = Pick<PopulationPlan, 'd' | 'r' | 'steps' | 'polishSteps' | 'measureOptions'>;

/**
 * The spec of one member. The data seed depends on the population seed only, so every member sees the
 * shared data sets; the member seed also on the labels (seed label included), so members draw
 * independent initializations, batches, random features, measure probes and orbit points.
 */
export function memberSpec(settings: MemberSettings, labels: MemberLabels, populationSeed: number): MemberSpec {
  const id = memberId(labels);
  const constructed = (LEAGUE_CONSTRUCTIONS as readonly string[]).includes(labels.method);
  if (constructed !== (labels.initScale === 'none'))
    throw new InputError(`league member ${id}: initScale is "none" exactly for the constructions`);
  return {
    id,
    family: constructed ? 'construction' : 'trained',
    labels,
    d: settings.d,
    r: settings.r,
    dataSeed: deriveSeed(populationSeed, 'league-data'),
    memberSeed: deriveSeed(populationSeed, 'league-member', id),
    steps: settings.steps,
    polishSteps: settings.polishSteps,
    measureOptions: settings.measureOptions,
  };
}

/** Every member of the population of a plan, in a fixed order. */
export function planPopulation(plan: PopulationPlan, seed: number): MemberSpec[] {
  const out: MemberSpec[] = [];
  for (const n of plan.ns)
    for (const noise of plan.noises)
      for (const width of plan.widths)
        for (const labels of cellLabels(plan, n, noise, width)) out.push(memberSpec(plan, labels, seed));
  return out;
}

/** The members of one (n, noise, width) cell: the constructions, then every algorithm over seeds and init scales. */
function cellLabels(plan: PopulationPlan, n: number, noise: number, width: number): MemberLabels[] {
  const out: MemberLabels[] = [];
  for (const method of LEAGUE_CONSTRUCTIONS) {
    // The teacher is deterministic: more seeds would only repeat the same model.
    const seeds = method === 'teacher' ? plan.seeds.slice(0, 1) : plan.seeds;
    for (const s of seeds) out.push({ method, seed: s, width, initScale: 'none', n, noise });
  }
  for (const method of ALGORITHMS)
    for (const s of plan.seeds)
      for (const initScale of plan.initScales) out.push({ method, seed: s, width, initScale, n, noise });
  return out;
}

/** The shared data set of (n, noise): inputs, index directions and noiseless labels depend on n only. */
export function memberData(spec: MemberSpec): Dataset & { readonly target: TargetSpec } {
  const data = makeDataset({
    d: spec.d,
    n: spec.labels.n,
    r: spec.r,
    links: 'relu',
    noise: spec.labels.noise,
    seed: spec.dataSeed,
  });
  if (!data.target) throw new Error('memberData: a generated data set has no target');
  return { ...data, target: data.target };
}

/**
 * Where the league's problem sizes (widths 16–80, n ≤ 32, ReLU) need other values than the training
 * module's per-algorithm defaults (the `perAlgo` column, src/training/params.ts): rates at which every
 * algorithm stays stable at both initialization scales (SGD at 0.3 diverged from scale 1; ASAM at 0.2
 * diverged from init scale 1 at width 80) and mini-batches of 8.
 */
const LEAGUE_OVERRIDES: Partial<Record<Algorithm, Partial<TrainConfig>>> = {
  sgd: { lr: 0.1, batch: 8 },
  '1sam': { batch: 8 },
  asam: { lr: 0.1 },
  'label-noise': { batch: 8 },
};

/** Train loss at or below this counts as interpolation (the training module's default lossTol). */
export const INTERPOLATION_TOL = 1e-8;

export interface LeagueMember {
  spec: MemberSpec;
  net: Network;
  data: Dataset & { readonly target: TargetSpec };
  /** The initialization of a trained model (for distance_to_init); absent for constructions. */
  init?: Network;
  trainLoss: number;
  steps: number;
}

/** The training configuration of a trained member (n caps the mini-batch). */
export function memberTrainConfig(spec: MemberSpec, n: number): TrainConfig {
  const { method, width, initScale } = spec.labels;
  if (spec.family !== 'trained' || initScale === 'none' || (LEAGUE_CONSTRUCTIONS as readonly string[]).includes(method))
    throw new InputError(`league: ${spec.id} is a construction, not a trained member`);
  const algo = method as Algorithm;
  const overrides = LEAGUE_OVERRIDES[algo] ?? {};
  return resolveTrainConfig(
    {
      algo,
      width,
      seed: spec.memberSeed,
      init: 'gaussian',
      initScale,
      steps: spec.steps,
      polish: 'gn',
      polishSteps: spec.polishSteps,
      lossTol: INTERPOLATION_TOL,
      logEvery: 1_000_000_000,
      ...overrides,
      // n caps the league's own mini-batch too (the column's is min(cap, n) already).
      ...(overrides.batch === undefined ? {} : { batch: Math.min(overrides.batch, n) }),
    },
    // The league's students are ReLU (k = 1).
    { k: 1, n, searchPlan: false },
    `league member ${spec.id}: `,
  );
}

/** Build one member. Throws InputError when a construction is infeasible, DivergenceError when training diverges. */
export function buildMember(
  spec: MemberSpec,
  data: Dataset & { readonly target: TargetSpec } = memberData(spec),
): LeagueMember {
  const act = makeActivation('relu');
  const { method, width } = spec.labels;
  const seed = spec.memberSeed;
  const done = (net: Network, steps: number, init?: Network): LeagueMember => ({
    spec,
    net,
    data,
    ...(init ? { init } : {}),
    trainLoss: loss(net, data).loss,
    steps,
  });
  if (method === 'teacher') return done(teacherInterpolator(data, act, { width }).net, 0);
  if (method === 'memorizer') return done(memorizer(data, act, { width, seed }).net, 0);
  if (method === 'random-features') return done(randomFeatures(data, act, width, seed).net, 0);
  const config = memberTrainConfig(spec, data.n);
  // The trainer's own initialization (same config, same derived seed), kept for distance_to_init.
  const init = initNetwork(act, width, data.d, {
    init: config.init,
    initScale: config.initScale,
    seed: deriveSeed(config.seed, 'init'),
  });
  const r = train(data, config, { activation: act });
  return done(r.net, r.steps, init);
}
