/** The science of each study type, keyed by type name (src/studies/types.ts). */
import type { StudyRunner } from '../run-trial.js';
import { runEstimators } from './estimators.js';
import { runLearned } from './learned.js';
import { runInterpolator } from './nongeneralizing.js';
import { runSymmetry } from './symmetry.js';

export const STUDY_RUNNERS: Record<string, StudyRunner> = {
  symmetry: runSymmetry,
  nongeneralizing: runInterpolator,
  ordering: runInterpolator,
  flattest: runLearned,
  algorithms: runLearned,
  estimators: runEstimators,
};
