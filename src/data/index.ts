/** The data module's public surface (docs/math.md#data, §1): targets, links, input laws, generation, file format. */
export type { Dataset } from './dataset.js';
export { squaredNorms } from './dataset.js';
export type { InputSpec, LinkSpec, MultiLink, SumTarget, MultiTarget, TargetSpec } from './target.js';
export { INPUT_LAWS, MULTI_LINKS } from './target.js';
export { LINK_NAMES, makeLink, type Link } from './links.js';
export { hermiteHe, hermiteNormalized, hermiteSeries } from './hermite.js';
export { checkInputSpec, parseInputSyntax, sampleInputs } from './inputs.js';
export { indexMatrix, orthonormalityDefect, type IndexKind } from './index-matrix.js';
export {
  evaluateTarget,
  linksLabel,
  makeTarget,
  parseLinkSyntax,
  parseLinksSyntax,
  targetMoments,
  targetVariance,
  validateTarget,
  type MakeTargetOptions,
  type TargetMoments,
} from './targets.js';
export { generateDataset, makeDataset, type DataParams, type DatasetSpec } from './generate.js';
export { DATASET_FORMAT, datasetFromJson, datasetToJson, parseCsvDataset, type DatasetJson } from './dataset-json.js';
export { DATA_PARAMS, parseDataParams } from './params.js';
