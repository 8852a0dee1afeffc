export {
  datasetRisk,
  baselineRisks,
  populationRisk,
  zeroPredictorRisk,
  type PopulationRisk,
  type RiskMethod,
  type RiskOptions,
} from './population.js';
export { exactRisk, exactUnavailableReason, studentPiecewise } from './exact.js';
export { monteCarloRisk, DEFAULT_CHUNK, DEFAULT_MC_SAMPLES } from './montecarlo.js';
export { targetVariance, targetMoments } from '../data/targets.js';
