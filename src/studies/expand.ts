/**
 * Expand a validated spec at one scale into its trials: the grid's cartesian product × seeds. Each
 * trial's key hashes (study type, params, seed, the study module's version) only — not the spec's name —
 * so two specs that ask for the same trial share one result.
 */
import type { Trial } from './trial-types.js';
import { trialKey } from './hash.js';
import { studyType } from './registry.js';
import { gridPoints, type Scale, type StudySpec } from './spec.js';

export function expandStudy(spec: StudySpec, scale: Scale): Trial[] {
  const type = studyType(spec.study);
  if (!type) throw new Error(`expandStudy: unknown study type "${spec.study}"`);
  const studyVersion = type.version;
  const trials: Trial[] = [];
  for (const params of gridPoints(spec, scale)) {
    for (const seed of spec.scales[scale].seeds) {
      trials.push({
        key: trialKey(spec.study, params, seed, studyVersion),
        study: spec.study,
        params,
        seed,
        studyVersion,
      });
    }
  }
  return trials;
}
