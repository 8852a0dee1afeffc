/** Public API of the measures module: curvature operators, estimators, the measure registry. */
export * from './operators.js';
export { curvatureDiagonals, curvatureProduct, type CurvatureDiagonals, type CurvaturePart } from './curvature-pass.js';
export * from './trace-estimators.js';
export * from './lanczos.js';
export * from './convergence.js';
export { tridiagEigen, type TridiagEigen } from './tridiag.js';
export { symmetricEigen, type DenseEigen } from './dense-eig.js';
export { SAMPLERS, type Sampler, orthonormalBasis } from './vec.js';
export * from './sharpness.js';
export * from './norms.js';
export { MEASURE_OPTION_PARAMS, resolveMeasureOptions, type MeasureOptions as MeasureSettings } from './options.js';
export * from './registry.js';
export * from './invariance.js';
export { formatInvarianceReport, measureRows } from './measure-table.js';
// the league: a population of interpolators, every measure at θ and on its orbit, rank statistics
