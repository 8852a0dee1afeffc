/**
 * flatlab's library entry: the public API of every core module (browser-safe, no I/O). The CLI, the
 * studies and the playground are thin shells over these functions. Importing this module registers the
 * portable linear-algebra backend.
 */
export * from './errors.js';
export { VERSION } from './version.js';
export * from './rng/xoshiro.js';
export * from './linalg/index.js';
export * from './linalg/solve.js';
export * from './params/table.js';
// data
export * from './data/dataset.js';
export * from './data/target.js';
export * from './data/targets.js';
export * from './data/links.js';
export * from './data/hermite.js';
export * from './data/inputs.js';
export * from './data/index-matrix.js';
export * from './data/generate.js';
export * from './data/params.js';
export * from './data/format.js';
// model
export {
  ACTIVATION_CODES,
  ACTIVATION_NAMES,
  type Activation,
  type ActivationName,
  type ActivationSpec,
  makeActivation,
  requireHomogeneous,
} from './model/activations.js';
export * from './model/network.js';
export * from './model/format.js';
// flatness, symmetry, constructions, risk
export * from './flatness/trace.js';
export * from './symmetry/rescale.js';
export * from './symmetry/invariant.js';
export * from './interpolators/index.js';
export * from './risk/index.js';
// measures: curvature operators, trace / eigen estimators, the measure registry
export * from './measures/index.js';
// training: optimizers, SAM family, label-noise SGD, penalties, flattest-interpolator search, the trainer
export * from './training/index.js';
// numpy (.npy/.npz) and safetensors files: pure readers and writers (bytes in, typed arrays out)
export * from './io/index.js';
