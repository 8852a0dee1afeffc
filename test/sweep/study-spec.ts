/** A tiny real study (H1 symmetry, 4 seeds, a few ms per trial) for the product path: runTrial. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SPEC_YAML = `name: sweep-e2e
study: symmetry
title: sweep end-to-end
base: { d: 5, n: 20, m: 4, activation: relu, target: relu, noise: 0, construction: teacher, mode: global, logRange: 3, points: 5 }
scales:
  smoke: { seeds: [1, 2, 3, 4] }
  default: { seeds: [1] }
  full: { seeds: [1] }
`;

export function writeSpec(dir: string): string {
  const p = join(dir, 'sweep-e2e.yaml');
  writeFileSync(p, SPEC_YAML);
  return p;
}
