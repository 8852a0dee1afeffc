/**
 * Study types: which grid fields each understands, their defaults, the metrics it records and the
 * cross-field checks that reject impossible trials before anything runs. The science of each type
 * lives in src/studies/trials/<type>.ts; this file is only the declaration.
 */
import { type FieldName, NEEDS_M_GE_N, resolveTarget, STUDY_TARGETS, type StudyActivation } from './fields.js';

export type Params = Record<string, unknown>;

export interface StudyTypeDef {
  readonly name: string;
  /** The hypothesis of docs/math.md#hypotheses (§9) it tests (or a tool comparison). */
  readonly hypothesis: string;
  /** Allowed grid fields with their default values. */
  readonly defaults: Readonly<Partial<Record<FieldName, unknown>>>;
  /** Scalar metrics a trial records (the columns of its table). */
  readonly metrics: readonly string[];
  /** Cross-field check on one fully specified trial; returns a message naming the fields, or null. */
  check?(p: Params): string | null;
}

const memorizerCheck = (p: Params): string | null => {
  const c = String(p.construction ?? '');
  if (NEEDS_M_GE_N.has(c) && (p.m as number) < (p.n as number)) {
    return `m = ${p.m} < n = ${p.n}: construction "${c}" needs one neuron per sample (m ≥ n)`;
  }
  return null;
};

const sizeCheck = (p: Params): string | null => {
  if (p.target !== undefined && (p.d as number) < 2) {
    const t = STUDY_TARGETS[resolveTarget(p.target as string, p.activation as StudyActivation)];
    if (t.links.length > 1)
      return `d = ${p.d}: target "${p.target}" has ${t.links.length} index directions and needs d ≥ ${t.links.length}`;
  }
  return null;
};

const both =
  (...checks: ((p: Params) => string | null)[]) =>
  (p: Params) => {
    for (const c of checks) {
      const msg = c(p);
      if (msg) return msg;
    }
    return null;
  };

export const STUDY_TYPES: Record<string, StudyTypeDef> = {
  symmetry: {
    name: 'symmetry',
    hypothesis: 'H1',
    defaults: {
      d: 10,
      n: 50,
      m: 8,
      activation: 'relu',
      target: 'relu',
      noise: 0,
      construction: 'teacher',
      mode: 'global',
      logRange: 3,
      points: 25,
    },
    metrics: [
      'trainLoss',
      'risk',
      'fStar',
      'fMin',
      'fMax',
      'fDecades',
      'outputRelChange',
      'lossSpread',
      'riskSpread',
      'fStarRelSpread',
      'uShaped',
    ],
    check: both(sizeCheck, memorizerCheck),
  },
  nongeneralizing: {
    name: 'nongeneralizing',
    hypothesis: 'H2',
    defaults: {
      d: 10,
      n: 50,
      m: 50,
      searchWidth: 10,
      activation: 'relu',
      target: 'relu',
      noise: 0,
      construction: 'memorizer',
      initScale: 0.1,
      steps: 1000,
      tol: 1e-8,
    },
    metrics: [
      'fStar',
      'trace',
      'trainLoss',
      'maxResidual',
      'risk',
      'riskStderr',
      'riskMethod',
      'varF',
      'varY',
      'pathNorm',
      'steps',
      'interpolates',
    ],
    check: both(sizeCheck, memorizerCheck),
  },
  flattest: {
    name: 'flattest',
    hypothesis: 'H3',
    defaults: {
      d: 10,
      n: 50,
      m: 10,
      activation: 'relu',
      target: 'relu',
      noise: 0,
      algorithm: 'flattest',
      steps: 1000,
      tol: 1e-8,
    },
    metrics: [
      'fStar',
      'trace',
      'trainLoss',
      'maxResidual',
      'risk',
      'riskStderr',
      'riskMethod',
      'varF',
      'varY',
      'pathNorm',
      'steps',
      'interpolates',
    ],
    check: sizeCheck,
  },
  ordering: {
    name: 'ordering',
    hypothesis: 'H4',
    defaults: {
      d: 10,
      n: 50,
      m: 50,
      searchWidth: 10,
      activation: 'relu',
      target: 'relu',
      noise: 0,
      construction: 'gd',
      initScale: 0.1,
      steps: 1000,
      tol: 1e-8,
      logRange: 2,
    },
    metrics: [
      'fStar',
      'trace',
      'traceRescaled',
      'traceRescaledPerNeuron',
      'trainLoss',
      'maxResidual',
      'risk',
      'riskStderr',
      'riskMethod',
      'varF',
      'varY',
      'pathNorm',
      'steps',
      'interpolates',
    ],
    check: both(sizeCheck, memorizerCheck),
  },
  algorithms: {
    name: 'algorithms',
    hypothesis: 'algorithms',
    defaults: {
      d: 10,
      n: 50,
      m: 20,
      activation: 'relu',
      target: 'relu+abs',
      noise: 0,
      algorithm: 'gd',
      initScale: 0.1,
      steps: 1000,
      tol: 1e-8,
    },
    metrics: [
      'fStar',
      'trace',
      'trainLoss',
      'maxResidual',
      'risk',
      'riskStderr',
      'riskMethod',
      'varF',
      'varY',
      'pathNorm',
      'steps',
      'interpolates',
    ],
    check: sizeCheck,
  },
  estimators: {
    name: 'estimators',
    hypothesis: 'estimators',
    defaults: {
      d: 10,
      n: 50,
      m: 20,
      activation: 'relu',
      target: 'relu',
      noise: 0,
      method: 'hutchinson',
      budget: 30,
      reps: 20,
    },
    metrics: ['exact', 'meanEstimate', 'meanAbsRelError', 'rmsRelError', 'meanStderr'],
    check: (p) => {
      if (p.method === 'hutchpp' && (p.budget as number) < 3) return `budget = ${p.budget}: hutchpp needs budget ≥ 3`;
      return sizeCheck(p);
    },
  },
};

export const STUDY_TYPE_NAMES = Object.keys(STUDY_TYPES);
