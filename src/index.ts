/**
 * flatlab's library entry: the public API of the core (browser-safe, no I/O), exported by name so that
 * internals (row slicing, SAM steps, factorizations, kernel plumbing) can change without breaking users.
 * The CLI, the studies and the playground import the modules themselves. Importing this module registers
 * the portable linear-algebra backend. Formulas: docs/math.md; API reference: `npm run docs`.
 *
 * @packageDocumentation
 */
import './linalg/index.js';

export { DivergenceError, InputError } from './errors.js';
export { VERSION } from './version.js';
export { deriveSeed, Rng, type RngState } from './rng/xoshiro.js';

// linear algebra: the backend in use and the dense solvers with condition estimates
export { type ActKernel, availableBackends, type Backend, getBackend, useBackend } from './linalg/backend.js';
export {
  DEFAULT_MAX_COND,
  IllConditionedError,
  type SolveOptions,
  solveLeastSquares,
  solveMinNorm,
  solveSPD,
  solveSquare,
} from './linalg/solve.js';
export type { ParamDef, ParamType } from './params/table.js';

// data (docs/math.md#data)
export type { Dataset } from './data/dataset.js';
export { DATASET_FORMAT, type DatasetJson, datasetFromJson, datasetToJson, parseCsvDataset } from './data/format.js';
export { type DataParams, type DatasetSpec, generateDataset, makeDataset } from './data/generate.js';
export { hermiteHe, hermiteNormalized, hermiteSeries } from './data/hermite.js';
export { type IndexKind, indexMatrix } from './data/index-matrix.js';
export { parseInputSyntax, sampleInputs } from './data/inputs.js';
export { LINK_NAMES, type Link, type LinkName, makeLink, type PiecewisePower } from './data/links.js';
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
  validateTarget,
} from './data/targets.js';

// model (docs/math.md#network, docs/math.md#flatness)
export {
  ACTIVATION_NAMES,
  type Activation,
  type ActivationName,
  type ActivationSpec,
  makeActivation,
  requireHomogeneous,
} from './activations/registry.js';
export {
  activationToString,
  MODEL_FORMAT,
  type ModelFile,
  modelToNetwork,
  networkToModel,
  parseActivationString,
} from './model/format.js';
export {
  cloneNetwork,
  createNetwork,
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
export { type MemorizerOptions, memorizer } from './interpolators/memorizer.js';
export { randomFeatures } from './interpolators/random-features.js';
export { type TeacherOptions, teacherInterpolator } from './interpolators/teacher.js';

// population risk (docs/math.md#population-risk)
export { type ExactRiskParts, exactRisk, exactUnavailableReason } from './risk/exact.js';
export { type MonteCarloOptions, type MonteCarloRisk, monteCarloRisk } from './risk/montecarlo.js';
export {
  baselineRisks,
  datasetRisk,
  type PopulationRisk,
  populationRisk,
  type RiskMethod,
  type RiskOptions,
  zeroPredictorRisk,
} from './risk/population.js';

// measures: curvature operators, estimators, the measure registry (docs/math.md#estimators)
export { type ConvergencePoint, traceConvergence } from './measures/convergence.js';
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
export { distanceToInit, fisherRaoNorm, frobeniusNorm, relativeFlatness, spectralNorm } from './measures/norms.js';
export {
  type CurvatureOperator,
  curvatureOperator,
  gaussNewtonOperator,
  hessianOperator,
  OPERATOR_KINDS,
  type OperatorKind,
  residualOperator,
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
  type AscentOptions,
  type AscentResult,
  ascentSharpness,
  averageSharpness,
  type NoiseOptions,
  type NoiseResult,
  type PacBayesOptions,
  type PacBayesResult,
  pacBayesFlatness,
} from './measures/sharpness.js';
export {
  estimateTrace,
  hutchinson,
  hutchpp,
  TRACE_METHODS,
  type TraceEstimate,
  type TraceEstimateOptions,
  type TraceMethod,
} from './measures/trace-estimators.js';
export { SAMPLERS, type Sampler } from './measures/vec.js';

// training (docs/math.md#algorithms)
export { type InitOptions, initNetwork } from './training/init.js';
export {
  ALGORITHMS,
  type Algorithm,
  defaultTrainConfig,
  parseTrainConfig,
  TRAIN_PARAMS,
  type TrainConfig,
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
export { datasetFromNpyPair, datasetFromNpz, datasetFromTensors, datasetToNpz } from './io/dataset-tensors.js';
export {
  type ModelReadOptions,
  modelFromTensorBytes,
  modelToNpz,
  modelToSafetensors,
  networkFromTensors,
  type TensorFormat,
  tensorFormat,
} from './io/model-tensors.js';
export { numpyDtypeName, parseNpy, writeNpy } from './io/npy.js';
export { readNpz, writeNpz } from './io/npz.js';
export { parseSafetensors, type Safetensors, type SafetensorsEntry, writeSafetensors } from './io/safetensors.js';
export type { Tensor } from './io/tensor.js';

// deep networks: L layers, biases, c outputs; exact trace, curvature products, F* as a geometric program
// (docs/math.md#deep-networks)
export {
  createMlp,
  type Mlp,
  type MlpData,
  mlpForward,
  mlpFromNetwork,
  mlpParamCount,
  networkOfMlp,
  packMlp,
  unpackMlp,
} from './model/mlp.js';
export { MLP_MODEL_FORMAT, mlpToModel, modelToMlp } from './model/mlp-format.js';
export { mlpCurvatureProduct, type MlpCurvatureKind } from './model/mlp-hvp.js';
export { type MlpTrace, mlpTrace } from './flatness/mlp-trace.js';
export {
  type MlpInvariantFlatness,
  mlpBalance,
  mlpInvariantFlatness,
  mlpPathNorm,
  mlpRandomFactors,
  mlpRescale,
} from './symmetry/mlp-balance.js';
export { anyModelFromTensorBytes, mlpStateDict, mlpToNpz, mlpToSafetensors } from './io/mlp-state-dict.js';
export {
  initMlp,
  MLP_ALGORITHMS,
  type MlpAlgorithm,
  MlpDivergenceError,
  type MlpTrainOptions,
  type MlpTrainResult,
  trainMlp,
} from './training/mlp-train.js';
