/**
 * H2's F_min (docs/math.md#hypotheses, §9): for k = 1 the smallest F* of the references on the data (the
 * convex interpolator solved cold and warm, the search, the teacher), never the tested row's own; for
 * k ≥ 2 the references split into equal copies up to the tested width. The convex construction's trial
 * at a tiny size is no flatter than the teacher's bound allows, keeps the flatter of its cold and warm
 * solves, its bracket is ordered and certified (d = 2), it is deterministic, and it is left out of the
 * grid for relu-pow:2 instead of failing; other studies refuse it.
 */
import { describe, expect, it } from 'vitest';
import '../../src/linalg/index.js';
import { InputError } from '../../src/errors.js';
import { teacherInterpolator } from '../../src/interpolators/index.js';
import { CONVEX_STUDY_MAX_ND, constructionApplies } from '../../src/studies/checks.js';
import { convexStudyRounds, studyActivation, studyData } from '../../src/studies/common.js';
import { expandStudy } from '../../src/studies/expand.js';
import {
  NO_CERTIFICATE,
  NONGENERALIZING_DEFAULTS,
  type NongeneralizingRow,
} from '../../src/studies/nongeneralizing/schema.js';
import { h2Ratios } from '../../src/studies/nongeneralizing/verdict.js';
import { studyType } from '../../src/studies/registry.js';
import { validateSpec } from '../../src/studies/spec.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { h2Metrics } from './h2-rows.js';

type Row = NongeneralizingRow & { key: string; series: null };

function row(
  construction: string,
  activation: 'relu' | 'relu2',
  n: number,
  fStar: number,
  width: number,
  extra = {},
): Row {
  return {
    key: `${construction}-${activation}-${n}-${width}`,
    params: { ...NONGENERALIZING_DEFAULTS, construction, activation, n, target: 'matched' } as Row['params'],
    seed: 0,
    metrics: h2Metrics(fStar, width, extra),
    series: null,
  };
}

describe('H2 F_min', () => {
  it('for k = 1 is the smallest reference F* on the data (with its source), never the tested row itself', () => {
    const rows = [
      row('teacher', 'relu', 20, 4, 1),
      row('flattest', 'relu', 20, 4.2, 10),
      row('flattest-convex', 'relu', 20, 3.9, 7, { convexSource: 'cold' }),
      row('memorizer', 'relu', 20, 40, 20),
      // A tested construction flatter than every reference gets a ratio below 1, not 1.
      row('random-features', 'relu', 20, 3, 20),
    ];
    const r = h2Ratios(rows);
    expect(r.map((q) => [q.row.params.construction, q.fmin, q.source])).toEqual([
      ['memorizer', 3.9, 'convex (cold)'],
      ['random-features', 3.9, 'convex (cold)'],
    ]);
    expect(r[0].ratio).toBeCloseTo(40 / 3.9, 12);
    expect(r[1].ratio).toBeLessThan(1);
  });

  it('for k ≥ 2 is taken at the tested width by splitting each reference neuron into equal copies', () => {
    // k = 2: N copies multiply F* by N^(−1/3); the search (width 10) split 4× for a width-40 memorizer.
    const rows = [
      row('teacher', 'relu2', 40, 5, 1),
      row('flattest', 'relu2', 40, 4.5, 10),
      row('memorizer', 'relu2', 40, 90, 40),
    ];
    const [q] = h2Ratios(rows);
    const split = Math.min(5 * 40 ** (-1 / 3), 4.5 * 4 ** (-1 / 3));
    expect(q.fmin).toBeCloseTo(split, 12);
    expect(q.source).toBe('teacher ×40 copies');
  });

  it('a tested row that does not interpolate has no ratio', () => {
    const rows = [row('teacher', 'relu', 20, 4, 1), row('memorizer', 'relu', 20, 40, 20, { interpolates: false })];
    expect(h2Ratios(rows)[0].ratio).toBeNaN();
  });
});

describe('the flattest-convex construction in H2', () => {
  it('its round bound: 25 on the whole default grid, fewer for larger n·d, never below 3', () => {
    for (const d of [10, 30]) for (const n of [20, 40, 80, 160, 320, 640]) expect(convexStudyRounds(n, d)).toBe(25);
    expect(convexStudyRounds(800, 50)).toBe(12);
    expect(convexStudyRounds(1600, 200)).toBe(3);
  });

  const study = studyType('nongeneralizing');
  const params = {
    ...NONGENERALIZING_DEFAULTS,
    construction: 'flattest-convex',
    d: 2,
    n: 12,
    m: 12,
    target: 'matched',
  };

  it('at a tiny size: F* ≤ the teacher F*, lower ≤ upper (certified for d = 2), deterministic', async () => {
    if (!study) throw new Error('no nongeneralizing study');
    const out = await study.run(params, 5);
    const m = out.metrics as Record<string, number | boolean | string>;
    const data = studyData(params as never, 5);
    const teacher = invariantFlatness(teacherInterpolator(data, studyActivation(params as never)).net, data).value;
    expect(m.interpolates).toBe(true);
    expect(m.fStar as number).toBeLessThanOrEqual(teacher * (1 + 1e-9));
    // Solved cold and warm: the trial keeps the flatter and says which.
    expect(m.fStar).toBe(Math.min(m.convexColdFStar as number, m.convexWarmFStar as number));
    expect(m.fStar).toBe(m.convexSource === 'cold' ? m.convexColdFStar : m.convexWarmFStar);
    expect(m.convexWarmFStar as number).toBeLessThanOrEqual(teacher * (1 + 1e-9));
    expect(m.convexLower as number).toBeLessThanOrEqual(m.convexUpper as number);
    expect(m.convexCertified).toBe(true);
    expect(m.convexLpSolves as number).toBeGreaterThan(0);
    expect((await study.run(params, 5)).metrics).toEqual(out.metrics);
    // Every other construction stores null in the certificate's columns.
    const other = study.run({ ...params, construction: 'teacher' }, 5);
    expect(other).not.toBeInstanceOf(Promise);
    expect((other as { metrics: Record<string, unknown> }).metrics).toMatchObject(NO_CERTIFICATE);
  });

  it(`is left out of the grid above n·d = ${CONVEX_STUDY_MAX_ND} (its cost grows like n²d), kept at and below it`, () => {
    const p = (n: number, d: number) => ({ construction: 'flattest-convex', activation: 'relu' as const, n, d });
    expect(constructionApplies(p(320, 30))).toBe(true);
    expect(constructionApplies(p(CONVEX_STUDY_MAX_ND / 20, 20))).toBe(true);
    expect(constructionApplies(p(640, 30))).toBe(false);
    expect(constructionApplies(p(100, 200))).toBe(false);
    expect(constructionApplies({ ...p(640, 30), construction: 'memorizer' })).toBe(true);
  });

  it('is left out of the grid for relu-pow:2, given by its old alias relu2 (not run, not failed), and refused by the other interpolator study', () => {
    const spec = validateSpec({
      name: 'tiny',
      study: 'nongeneralizing',
      title: 'tiny',
      base: { construction: ['teacher', 'flattest-convex'], activation: ['relu', 'relu2'], target: 'matched' },
      scales: {
        smoke: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
        default: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
        full: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
      },
    });
    const trials = expandStudy(spec, 'smoke');
    expect(trials.map((t) => `${t.params.construction}/${t.params.activation}`).sort()).toEqual([
      'flattest-convex/relu',
      'teacher/relu',
      'teacher/relu-pow:2',
    ]);
    expect(() =>
      validateSpec({
        name: 'tiny',
        study: 'ordering',
        title: 'tiny',
        base: { construction: ['teacher', 'flattest-convex'], activation: 'relu', target: 'matched' },
        scales: {
          smoke: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
          default: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
          full: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
        },
      }),
    ).toThrow(InputError);
  });
});
