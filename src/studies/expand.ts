/**
 * Expand a validated spec at one scale into its trials: the grid's cartesian product × seeds. Each
 * trial's key hashes (study type, params, seed) only — not the spec's name — so two specs that ask for
 * the same trial share one result.
 */
import type { Trial } from './trial-types.js';
import { trialKey } from './hash.js';
import { gridPoints, type Scale, type StudySpec } from './spec.js';

export function expandStudy(spec: StudySpec, scale: Scale): Trial[] {
  const trials: Trial[] = [];
  for (const params of gridPoints(spec, scale)) {
    for (const seed of spec.scales[scale].seeds) {
      trials.push({ key: trialKey(spec.study, params, seed), study: spec.study, params, seed });
    }
  }
  return trials;
}
