/**
 * flatlab's library entry: the public API of the core (browser-safe, no I/O), exported by name so that
 * internals (row slicing, SAM steps, factorizations, kernel plumbing, the single measures the registry
 * already offers) can change without breaking users. The CLI, the studies and the playground import the
 * modules themselves. Importing this module registers the portable linear-algebra backend. What each
 * group is for, with an example: docs/api.md; formulas: docs/math.md; reference: `npm run docs`.
 * The export list is snapshotted in test/house/public-api.snapshot.json: a change shows in review.
 *
 * @packageDocumentation
 */
import './linalg/index.js';

export { DivergenceError, InputError } from './errors.js';
export { VERSION } from './version.js';
export { deriveSeed, Rng, type RngState } from './rng/xoshiro.js';

// linear algebra: the backend in use and the dense solvers with condition estimates
export { type ActKernel, availableBackends, type Backend, getBackend, useBackend } from './linalg/backend.js';
export type { BlockPassOut } from './linalg/backend.js';
export {
  DEFAULT_MAX_COND,
  IllConditionedError,
  type RectangularSolver,
  type SolveOptions,
  solveLeastSquares,
  solveMinNorm,
  solveSPD,
  solveSquare,
} from './linalg/solve.js';
export type { ParamDef, ParamType } from './params/table.js';

// data (docs/math.md#data)
export type { Dataset } from './data/dataset.js';
export {
  DATASET_FORMAT,
  type DatasetJson,
  datasetFromJson,
  datasetToJson,
  parseCsvDataset,
} from './data/dataset-json.js';
export { type DataParams, type DatasetSpec, generateDataset, makeDataset } from './data/generate.js';
export type { IndexKind } from './data/index-matrix.js';
export { LINK_NAMES, type LinkName } from './data/links.js';
export { DATA_PARAMS, parseDataParams } from './data/params.js';
export {
  INPUT_LAWS,
  type InputSpec,
  type LinkSpec,
  MULTI_LINKS,
  type MultiLink,
  type MultiTarget,
  type SumTarget,
  type TargetSpec,
} from './data/target.js';
export {
  evaluateTarget,
  type LinksChoice,
  type MakeTargetOptions,
  makeTarget,
  type MomentOptions,
  parseLinksSyntax,
  type TargetMoments,
  targetMoments,
  targetVariance,
} from './data/targets.js';

// model (docs/math.md#network, docs/math.md#flatness)
export {
  ACTIVATION_NAMES,
  type Activation,
  type ActivationName,
  type ActivationSpec,
  makeActivation,
} from './activations/registry.js';
export {
  activationToString,
  MODEL_FORMAT,
  type ModelFile,
  modelToNetwork,
  networkToModel,
  parseActivationString,
} from './model/model-json.js';
export {
  cloneNetwork,
  createNetwork,
  type DataPassBuffers,
  type DataPassOptions,
  type DataPassResult,
  dataPass,
  denseHessian,
  forward,
  gradient,
  hvp,
  LOSS_CONVENTION,
  loss,
  type Network,
  packParams,
  paramCount,
  unpackParams,
} from './model/network.js';

// flatness and the symmetry (docs/math.md#flatness, docs/math.md#invariant-flatness)
export { hessianTrace, type TraceParts, traceParts } from './flatness/trace.js';
export { balance, type InvariantFlatness, invariantFlatness } from './symmetry/invariant.js';
export { neuronMasses, pathNorm, randomFactors, rescale } from './symmetry/rescale.js';

// interpolators (docs/math.md#interpolators)
export type { Construction, Interpolator, InterpolatorKind, InterpolatorOptions } from './interpolators/common.js';
export type { FlattestCertificate } from './interpolators/flattest/certificate.js';
export { type MemorizerOptions, memorizer } from './interpolators/memorizer.js';
export { randomFeatures } from './interpolators/random-features.js';
export { type TeacherOptions, teacherInterpolator } from './interpolators/teacher.js';

// population risk (docs/math.md#population-risk)
export { exactUnavailableReason } from './risk/exact.js';
export type { MonteCarloOptions } from './risk/montecarlo.js';
export {
  datasetRisk,
  type PopulationRisk,
  populationRisk,
  type RiskMethod,
  type RiskOptions,
} from './risk/population.js';

// measures: curvature operators, estimators, the measure registry (docs/math.md#estimators)
export {
  type InvarianceOptions,
  type InvarianceReport,
  type InvarianceRow,
  invarianceReport,
} from './measures/invariance.js';
export {
  type LanczosOptions,
  type LanczosResult,
  lanczos,
  type PowerOptions,
  type PowerResult,
  powerIteration,
  type SlqOptions,
  type SlqResult,
  stochasticLanczosQuadrature,
  type Which,
} from './measures/lanczos.js';
export {
  type CurvatureOperator,
  curvatureOperator,
  OPERATOR_KINDS,
  type OperatorKind,
} from './measures/operators.js';
export {
  type AllMeasures,
  computeAllMeasures,
  getMeasure,
  MEASURE_NAMES,
  MEASURES,
  type MeasureContext,
  type MeasureDef,
  type ResolvedContext,
} from './measures/registry.js';
export type { MeasureOptions } from './measures/options.js';
export {
  estimateTrace,
  TRACE_METHODS,
  type TraceEstimate,
  type TraceEstimateOptions,
  type TraceMethod,
} from './measures/trace-estimators.js';
export type { Sampler } from './measures/vec.js';

// training (docs/math.md#algorithms)
export { type InitOptions, initNetwork } from './training/init.js';
export {
  ALGORITHMS,
  type Algorithm,
  defaultTrainConfig,
  parseTrainConfig,
  TRAIN_PARAMS,
  type TrainConfig,
  type TrainDefaultsContext,
} from './training/params.js';
export { invariantPenalty, type PenaltyValue, traceGaussNewtonPenalty } from './training/penalties.js';
export type { SearchReport, SearchRun } from './training/search.js';
export {
  type Checkpoint,
  createTrainer,
  type Phase,
  type RiskEstimate,
  type Metrics,
  type StepInfo,
  type Trainer,
  type TrainerOptions,
  type TrainResult,
  train,
} from './training/trainer.js';

// numpy (.npy/.npz) and safetensors files: pure readers and writers (bytes in, typed arrays out)
export { datasetFromNpyPair, datasetFromNpz, datasetToNpz } from './io/dataset-tensors.js';
export {
  type ModelReadOptions,
  modelFromTensorBytes,
  modelToNpz,
  modelToSafetensors,
  type TensorFormat,
  tensorFormat,
} from './io/model-tensors.js';
export { parseNpy, writeNpy } from './io/npy.js';
export { parseSafetensors, type Safetensors, type SafetensorsEntry, writeSafetensors } from './io/safetensors.js';
export type { Tensor } from './io/tensor.js';

// deep networks: L layers, biases, c outputs; exact trace, curvature products, F* as a geometric program
// (docs/math.md#deep-networks)
export {
  createMlp,
  type Mlp,
  type MlpData,
  type MlpLayerInput,
  mlpForward,
  mlpFromNetwork,
  mlpParamCount,
  networkOfMlp,
  packMlp,
  unpackMlp,
} from './model/mlp.js';
export { MLP_MODEL_FORMAT, mlpToModel, modelToMlp } from './model/mlp-json.js';
export { mlpCurvatureProduct, type MlpCurvatureKind } from './model/mlp-hvp.js';
export { type MlpCurvatureMass, type MlpLayerTrace, type MlpTrace, mlpTrace } from './flatness/mlp-trace.js';
export {
  type DeadNeuron,
  type GpCertificate,
  type GpOptions,
  type MlpInvariantFlatness,
  mlpBalance,
  mlpInvariantFlatness,
  mlpPathNorm,
  mlpRandomFactors,
  mlpRescale,
} from './symmetry/mlp-balance.js';
export { type AnyModel, anyModelFromTensorBytes, mlpToNpz, mlpToSafetensors } from './io/mlp-state-dict.js';
export {
  initMlp,
  MLP_ALGORITHMS,
  type MlpAlgorithm,
  MlpDivergenceError,
  type MlpTrainOptions,
  type MlpTrainResult,
  trainMlp,
} from './training/mlp-train.js';
