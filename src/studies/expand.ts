/**
 * Expand a validated spec at one scale into its trials: the grid's cartesian product × seeds. Each
 * trial's key hashes (study type, params, seed, the study module's version) only — not the spec's name —
 * so two specs that ask for the same trial share one result. Parameters are made canonical by the study
 * type first (fields the trial does not read at their defaults), and a key appears once.
 */

import { trialKey } from './hash.js';
import { studyType } from './registry.js';
import { gridPoints, type Scale, type StudySpec } from './spec.js';
import type { Trial } from './trial-types.js';

export function expandStudy(spec: StudySpec, scale: Scale): Trial[] {
  const type = studyType(spec.study);
  if (!type) throw new Error(`expandStudy: unknown study type "${spec.study}"`);
  const studyVersion = type.version;
  const trials = new Map<string, Trial>();
  for (const point of gridPoints(spec, scale)) {
    const params = type.canonical(point);
    for (const seed of spec.scales[scale].seeds) {
      const key = trialKey(spec.study, params, seed, studyVersion);
      if (!trials.has(key)) trials.set(key, { key, study: spec.study, params, seed, studyVersion });
    }
  }
  return [...trials.values()];
}
