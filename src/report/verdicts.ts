/**
 * The verdicts of every study, gathered for the report and its tests. Each decision rule lives in its
 * study's module (src/studies/<type>/verdict.ts); the shared statuses and thresholds in
 * src/studies/verdict.ts.
 */
export { type AlgPoint, verdictAlgorithms } from '../studies/algorithms/verdict.js';
export { type EstPoint, verdictEstimators } from '../studies/estimators/verdict.js';
export { type H3Point, h3Lines, h3Secondary } from '../studies/flattest/verdict.js';
export { benjaminiHochberg, decideLines, holm, seedTest } from '../studies/inference/index.js';
export { H2_TESTED, h2LazyLines, h2Lines, h2Ratios, lazyClosedForm } from '../studies/nongeneralizing/verdict.js';
export { type H4Point, verdictH4 } from '../studies/ordering/verdict.js';
export { type H1Row, verdictH1 } from '../studies/symmetry/verdict.js';
export { combine, THRESHOLDS, type Verdict, type VerdictStatus } from '../studies/verdict.js';
