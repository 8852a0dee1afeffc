/** Public API of the measures module: curvature operators, estimators, the measure registry. */

export * from './convergence.js';
export { type CurvatureDiagonals, type CurvaturePart, curvatureDiagonals, curvatureProduct } from './curvature-pass.js';
export { type DenseEigen, symmetricEigen } from './dense-eig.js';
export * from './invariance.js';
export * from './lanczos.js';
export { formatInvarianceReport, measureRows } from './measure-table.js';
export * from './norms.js';
export * from './operators.js';
export { MEASURE_OPTION_PARAMS, type MeasureOptions as MeasureSettings, resolveMeasureOptions } from './options.js';
export * from './registry.js';
export * from './sharpness.js';
export * from './trace-estimators.js';
export { type TridiagEigen, tridiagEigen } from './tridiag.js';
export { orthonormalBasis, SAMPLERS, type Sampler } from './vec.js';
