export * from './common.js';
export { loadHighsSolver } from './flattest/highs-loader.js';
export {
  checkFlattestLimits,
  FLATTEST_MAX_D,
  FLATTEST_MAX_N,
  type FlattestCertificate,
  type FlattestConvexOptions,
  type FlattestInterpolator,
  flattestConvex,
  requireConvexActivation,
} from './flattest-convex.js';
export { type MemorizerOptions, memorizer, solveSecondLayer } from './memorizer.js';
export { randomFeatures } from './random-features.js';
export {
  linkRepresentation,
  type RepTerm,
  type TeacherOptions,
  teacherInterpolator,
  teacherNeurons,
} from './teacher.js';
