/**
 * H3 with its premise violated: large label noise against Var f*, or a link the student cannot
 * represent. Real trials of the flattest search; no H3 line may come out "holds", and the study's verdict
 * is not "holds" (no line meets the premise).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/linalg/index.js';
import { analyse } from '../../src/report/analyses.js';
import { studyRows } from '../../src/report/render-report.js';
import { runStudies } from '../../src/studies/runner.js';
import { validateSpec } from '../../src/studies/spec.js';
import { ResultStore } from '../../src/studies/store.js';
import { tempDir } from '../cli-helpers.js';

const grid = { d: 3, n: [12, 24], m: 8, steps: 300 };
const spec = (name: string, base: Record<string, unknown>) =>
  validateSpec({
    name,
    study: 'flattest',
    title: name,
    base: { algorithm: 'flattest', activation: 'relu', ...base },
    scales: { smoke: { seeds: [0, 1, 2], grid }, default: { seeds: [0], grid }, full: { seeds: [0], grid } },
  });

describe('H3 with its premise violated', () => {
  it.each([
    ['large label noise (σ_ε = 2 against Var f* ≈ 0.34)', spec('h3-noisy', { target: 'relu', noise: 2 })],
    ['a link the ReLU student cannot represent (He_3)', spec('h3-he3', { target: 'he3', noise: 0 })],
  ])('%s: no line holds and the verdict is not "holds"', async (_what, s) => {
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    try {
      await runStudies([s], { store, scale: 'smoke' });
      const section = analyse(s, studyRows(store, s, 'smoke'));
      expect(section.verdict.status).not.toBe('holds');
      expect(section.verdict.details.join('\n')).toMatch(/no line meets the premise/);
      const lines = (section.extra?.lines as { rows: unknown[][] }).rows;
      expect(lines.length).toBeGreaterThan(0);
      for (const row of lines) expect(row[1]).not.toBe('holds');
    } finally {
      store.close();
    }
  });
});
