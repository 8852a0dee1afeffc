/** The across-seed inference of docs/math.md#hypotheses (§9), as one import for the study modules. */
export {
  BH_Q,
  decideLines,
  type LineDecision,
  type LineInput,
  type LinePart,
  type LineStatus,
  MAX_NON_INTERPOLATING_SHARE,
  type SecondaryEndpoint,
  type SecondaryResult,
  secondary,
} from './lines.js';
export { benjaminiHochberg, holm } from './multiplicity.js';
export { ALPHA, MIN_SEEDS, POWER, type SeedTest, seedTest } from './seed-test.js';
export { logGamma, tCdf, tQuantile } from './student-t.js';
