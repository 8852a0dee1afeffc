/**
 * The registry of study types: type name → its module. The runner, the spec validator, the report and
 * the workers loop over this map. Adding a study type is one folder src/studies/<type>/ exporting a
 * `defineStudy(...)` and one line here (docs/studies.md#adding-a-study-type).
 */
import { algorithmsStudy } from './algorithms/index.js';
import type { RegisteredStudy } from './definition.js';
import { depthStudy } from './depth/index.js';
import { estimatorsStudy } from './estimators/index.js';
import { flattestStudy } from './flattest/index.js';
import { measuresStudy } from './measures/index.js';
import { nongeneralizingStudy } from './nongeneralizing/index.js';
import { orderingStudy } from './ordering/index.js';
import { phaseStudy } from './phase/index.js';
import { symmetryStudy } from './symmetry/index.js';

export const STUDIES: ReadonlyMap<string, RegisteredStudy> = new Map(
  [
    symmetryStudy,
    nongeneralizingStudy,
    flattestStudy,
    orderingStudy,
    algorithmsStudy,
    estimatorsStudy,
    measuresStudy,
    phaseStudy,
    depthStudy,
  ].map((s) => [s.name, s]),
);

export const STUDY_TYPE_NAMES: readonly string[] = [...STUDIES.keys()];

/** The module of a study type, or undefined for an unknown name. */
export function studyType(name: string): RegisteredStudy | undefined {
  return STUDIES.get(name);
}
