/** The data module's public surface (docs/math.md#data, §1): targets, links, input laws, generation, file format. */
export type { Dataset } from './dataset.js';
export { squaredNorms } from './dataset.js';
export { DATASET_FORMAT, type DatasetJson, datasetFromJson, datasetToJson, parseCsvDataset } from './dataset-json.js';
export { type DataParams, type DatasetSpec, generateDataset, makeDataset } from './generate.js';
export { hermiteHe, hermiteNormalized, hermiteSeries } from './hermite.js';
export { type IndexKind, indexMatrix, orthonormalityDefect } from './index-matrix.js';
export { checkInputSpec, parseInputSyntax, sampleInputs } from './inputs.js';
export { LINK_NAMES, type Link, makeLink } from './links.js';
export { DATA_PARAMS, parseDataParams } from './params.js';
export type { InputSpec, LinkSpec, MultiLink, MultiTarget, SumTarget, TargetSpec } from './target.js';
export { INPUT_LAWS, MULTI_LINKS } from './target.js';
export {
  evaluateTarget,
  linksLabel,
  type MakeTargetOptions,
  makeTarget,
  parseLinkSyntax,
  parseLinksSyntax,
  type TargetMoments,
  targetMoments,
  targetVariance,
  validateTarget,
} from './targets.js';
