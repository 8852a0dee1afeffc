/**
 * H2's F_min (docs/studies.md#h2-fmin): for k = 1 the convex flattest interpolator's value (the smallest of
 * its upper bound and every F* on the data), reported with its bracket; for k ≥ 2 the smallest F* found
 * (width-dependent). The convex construction's trial at a tiny size is no flatter than the teacher's
 * bound allows, its bracket is ordered and certified (d = 2), it is deterministic, and it is left out
 * of the grid for relu2 instead of failing; other studies refuse it.
 */
import { describe, expect, it } from 'vitest';
import '../../src/linalg/index.js';
import { teacherInterpolator } from '../../src/interpolators/index.js';
import { convexStudyRounds, studyActivation, studyData } from '../../src/studies/common.js';
import { expandStudy } from '../../src/studies/expand.js';
import { analyseNongeneralizing, h2Fmin } from '../../src/studies/nongeneralizing/analysis.js';
import {
  NONGENERALIZING_DEFAULTS,
  NO_CERTIFICATE,
  type NongeneralizingRow,
} from '../../src/studies/nongeneralizing/schema.js';
import { studyType } from '../../src/studies/registry.js';
import { validateSpec } from '../../src/studies/spec.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { InputError } from '../../src/errors.js';
import { CONVEX_STUDY_MAX_ND, constructionApplies } from '../../src/studies/checks.js';

type Row = NongeneralizingRow & { key: string; series: null };

const metrics = (fStar: number, cert: Partial<Record<keyof typeof NO_CERTIFICATE, number | boolean>> = {}) => ({
  fStar,
  trace: fStar,
  trainLoss: 0,
  maxResidual: 0,
  risk: 0.5,
  riskStderr: 0,
  riskMethod: 'exact',
  varF: 1,
  varY: 1,
  pathNorm: 1,
  steps: 0,
  interpolates: true,
  ...NO_CERTIFICATE,
  ...cert,
});

function row(construction: string, activation: 'relu' | 'relu2', n: number, fStar: number, cert = {}): Row {
  return {
    key: `${construction}-${activation}-${n}`,
    params: { ...NONGENERALIZING_DEFAULTS, construction, activation, n, target: 'matched' } as Row['params'],
    seed: 0,
    metrics: metrics(fStar, cert) as unknown as Row['metrics'],
    series: null,
  };
}

describe('H2 F_min', () => {
  const convex = (n: number, upper: number, lower: number) =>
    row('flattest-convex', 'relu', n, upper, {
      convexUpper: upper,
      convexLower: lower,
      convexCertified: false,
      convexGap: (upper - lower) / upper,
      convexLpSolves: 12,
    });
  const rows: Row[] = [
    // k = 1, n = 20: the convex value is below every other F*.
    row('teacher', 'relu', 20, 4),
    row('flattest', 'relu', 20, 4.2),
    row('memorizer', 'relu', 20, 40),
    convex(20, 3.9, 3.8),
    // k = 1, n = 40: the convex solve stopped above the teacher: F_min is the smaller (the teacher's F*).
    row('teacher', 'relu', 40, 4),
    row('flattest', 'relu', 40, 4.4),
    row('memorizer', 'relu', 40, 80),
    convex(40, 4.1, 3.6),
    // k = 2: no convex row; F_min is the smallest F* found (the search's here).
    row('teacher', 'relu2', 20, 5),
    row('flattest', 'relu2', 20, 4.5),
    row('memorizer', 'relu2', 20, 45),
    row('teacher', 'relu2', 40, 5),
    row('flattest', 'relu2', 40, 4.5),
    row('memorizer', 'relu2', 40, 90),
  ];

  it('is the convex value for k = 1 (bounded by every F*) and the smallest F* found for k ≥ 2', () => {
    const f = [...h2Fmin(rows).values()];
    expect(f.map((x) => [x.value, x.source])).toEqual([
      [3.9, 'convex'],
      [4, 'convex'],
      [4.5, 'search'],
      [4.5, 'search'],
    ]);
    expect(f[0]).toMatchObject({ lower: 3.8, upper: 3.9, certified: false });
  });

  it('the table carries F_min, its source and the bracket; the verdicts say where F_min comes from', () => {
    const a = analyseNongeneralizing(rows);
    const col = (name: string) => a.table.columns.indexOf(name);
    const find = (k: string, n: number, c: string) =>
      a.table.rows.find((r) => r[0] === k && r[2] === n && r[3] === c) ?? [];
    const search = find('k = 1', 20, 'flattest');
    expect(search[col('F*/F_min (mean)')]).toBeCloseTo(4.2 / 3.9, 12);
    expect(search[col('F_min (mean)')]).toBe(3.9);
    expect(search[col('F_min from')]).toBe('convex (all widths)');
    expect(search[col('convex lower (mean)')]).toBe(3.8);
    expect(search[col('convex upper (mean)')]).toBe(3.9);
    expect(find('k = 1', 40, 'teacher')[col('F*/F_min (mean)')]).toBe(1);
    const k2 = find('k = 2', 20, 'flattest');
    expect(k2[col('F*/F_min (mean)')]).toBe(1);
    expect(k2[col('F_min from')]).toBe('smallest F* found (width-dependent)');
    expect(k2[col('convex lower (mean)')]).toBeNull();
    const [relu, relu2] = a.verdicts;
    expect(relu.details.at(-1)).toMatch(/^F_min: the convex flattest interpolator over all widths/);
    expect(relu.details.at(-1)).toMatch(/F\*_search\/F_min − 1 = 0\.0\d on average/);
    expect(relu2.details.at(-1)).toMatch(
      /F_min is width-dependent: the smallest F\* of the teacher and the flattest search at its width m = 10/,
    );
    expect(a.figures[0].caption).toMatch(/for k ≥ 2 F_min is width-dependent/);
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
    const m = out.metrics as Record<string, number | boolean>;
    const data = studyData(params as never, 5);
    const teacher = invariantFlatness(teacherInterpolator(data, studyActivation(params as never)).net, data).value;
    expect(m.interpolates).toBe(true);
    expect(m.fStar as number).toBeLessThanOrEqual(teacher * (1 + 1e-9));
    expect(m.convexUpper).toBe(m.fStar);
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

  it('is left out of the grid for relu2 (not run, not failed), and refused by the other interpolator study', () => {
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
      'teacher/relu2',
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
