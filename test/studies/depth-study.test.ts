/**
 * The depth study (src/studies/depth) through the project's runner: the shipped spec at smoke scale
 * holds its H1 claim (the trace spans decades on each trained network's orbit while F* and the function
 * stay put), and its H4 rule is decided from the stated parts on synthetic populations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/linalg/index.js';
import { analyse } from '../../src/report/analyses.js';
import { studyRows } from '../../src/report/render-report.js';
import { verdictDepthH4 } from '../../src/studies/depth/verdict.js';
import { studyType } from '../../src/studies/registry.js';
import { runStudies } from '../../src/studies/runner.js';
import { parseSpec } from '../../src/studies/spec.js';
import { ResultStore } from '../../src/studies/store.js';
import { THRESHOLDS } from '../../src/studies/verdict.js';
import { tempDir } from '../cli-helpers.js';

const spec = parseSpec(
  readFileSync(join(import.meta.dirname, '../../studies/h1h4-depth.yaml'), 'utf8'),
  'h1h4-depth.yaml',
);

describe('the depth study (studies/h1h4-depth.yaml)', () => {
  it('at smoke scale every trial finishes and H1 holds: trace ≥ 2 decades on every network with a live neuron, F* and outputs fixed to 1e-8', async () => {
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    try {
      await runStudies([spec], { store, scale: 'smoke' });
      const rows = studyRows(store, spec, 'smoke');
      const trials = store.all();
      expect(trials.length).toBe(8);
      for (const t of trials) {
        if ((t.metrics.liveNeurons as number) > 0)
          expect(t.metrics.fDecades as number).toBeGreaterThanOrEqual(THRESHOLDS.h1MinDecades);
        expect(t.metrics.fStarRelSpread as number).toBeLessThanOrEqual(THRESHOLDS.h1MaxRelSpread);
        expect(t.metrics.outputRelChange as number).toBeLessThanOrEqual(THRESHOLDS.h1MaxRelSpread);
        expect(t.metrics.fStar as number).toBeLessThanOrEqual((t.metrics.trace as number) * (1 + 1e-12));
      }
      const section = analyse(spec, rows);
      const h1 = section.verdicts.find((v) => v.text.startsWith('H1'));
      expect(h1?.status).toBe('holds');
      // One data set: H4 cannot be decided across seeds.
      expect(section.verdicts.filter((v) => v.text.startsWith('H4')).map((v) => v.status)).toEqual([
        'inconclusive',
        'inconclusive',
      ]);
      expect(section.figures.map((f) => f.id)).toEqual(['depth-orbit-flatness', 'depth-fstar-risk', 'depth-rawF-risk']);
    } finally {
      store.close();
    }
  });
});

describe('a depth trial', () => {
  it('gives bit-identical metrics and series for the same parameters and seed (SGD included)', async () => {
    const type = studyType('depth');
    if (!type) throw new Error('depth study not registered');
    const params = { ...type.defaults, d: 3, n: 12, m: 5, depth: 4, deepAlgorithm: 'sgd', steps: 60, points: 4 };
    const a = await type.run(params, 3);
    const b = await type.run(params, 3);
    expect(b).toEqual(a);
  });
});

describe('the depth study H4 rule', () => {
  /** Five data sets of six networks: risk = rank, F* with the given ranks, raw trace with others. */
  const population = (fStarRanks: number[], rawRanks: number[]) =>
    [0, 1, 2, 3, 4].flatMap((seed) =>
      fStarRanks.map((r, i) => ({
        line: 'depth 3',
        seed,
        risk: i + seed * 0.01,
        fStar: r + (seed % 2) * 0.1 * i,
        traceRescaled: rawRanks[(i + seed) % rawRanks.length],
        trace: rawRanks[i],
      })),
    );

  it('holds when F* orders risk and the raw trace at random orbit points does not', () => {
    const { verdict } = verdictDepthH4(population([1, 2, 3, 4, 5, 6], [6, 1, 5, 2, 4, 3]));
    expect(verdict.status).toBe('holds');
  });

  it('does not hold when F* orders risk backwards', () => {
    const { verdict } = verdictDepthH4(population([6, 5, 4, 3, 2, 1], [1, 2, 3, 4, 5, 6]));
    expect(verdict.status).toBe('does not hold');
  });

  it('is inconclusive with populations below the minimum size', () => {
    const { verdict } = verdictDepthH4(population([1, 2, 3], [3, 1, 2]));
    expect(verdict.status).toBe('inconclusive');
  });
});
