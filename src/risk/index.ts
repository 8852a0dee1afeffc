export { targetMoments, targetVariance } from '../data/targets.js';
export { exactRisk, exactUnavailableReason, studentPiecewise } from './exact.js';
export { DEFAULT_CHUNK, DEFAULT_MC_SAMPLES, monteCarloRisk } from './montecarlo.js';
export {
  baselineRisks,
  datasetRisk,
  type PopulationRisk,
  populationRisk,
  type RiskMethod,
  type RiskOptions,
  zeroPredictorRisk,
} from './population.js';
