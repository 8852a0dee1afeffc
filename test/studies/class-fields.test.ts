/**
 * Spec fields in the CLI's language: any homogeneous activation (`leaky_relu:0.2`, `relu_pow:3`, …),
 * targets as `links` / `r` / `coeffs`, input laws and index kinds, parsed by the data and train
 * commands' own code; exactness decided by the teacher construction's rule; old values unchanged.
 */
import { describe, expect, it } from 'vitest';
import '../../src/linalg/index.js';
import { makeDataset } from '../../src/data/generate.js';
import { InputError } from '../../src/errors.js';
import { makeActivation } from '../../src/model/activations.js';
import { analyse } from '../../src/report/analyses.js';
import { studyRows } from '../../src/report/render-report.js';
import { deriveSeed } from '../../src/rng/xoshiro.js';
import { studyData } from '../../src/studies/common.js';
import { runStudies } from '../../src/studies/runner.js';
import { validateSpec } from '../../src/studies/spec.js';
import { ResultStore } from '../../src/studies/store.js';
import { representsExactly, resolveStudyTarget, studyStudent } from '../../src/studies/target.js';

const scales = (grid: Record<string, unknown>) => ({
  smoke: { seeds: [0], grid },
  default: { seeds: [0], grid },
  full: { seeds: [0], grid },
});

/** A user's spec: a leaky-ReLU student on a four-index target with sphere inputs. */
function userSpec(study: string, extra: Record<string, unknown>, grid: Record<string, unknown>) {
  return validateSpec({
    name: `user-${study}`,
    study,
    title: 'leaky ReLU student, four-index target, sphere inputs',
    base: { activation: 'leaky_relu:0.2', links: 'relu+relu+relu+relu', input: 'sphere', noise: [0, 0.05], ...extra },
    scales: scales(grid),
  });
}

describe('study fields in the CLI language', () => {
  it('a leaky-ReLU / four-index / sphere spec runs for symmetry, nongeneralizing, flattest and ordering with verdicts', async () => {
    const specs = [
      userSpec('symmetry', { construction: ['teacher', 'gd'] }, { d: 6, n: 12, m: 12, points: 5 }),
      userSpec(
        'nongeneralizing',
        { construction: ['memorizer', 'teacher', 'flattest'] },
        { d: 6, n: [12, 24], m: 24, steps: 200 },
      ),
      userSpec('flattest', { algorithm: 'flattest' }, { d: 6, n: [12, 24], steps: 200 }),
      userSpec(
        'ordering',
        { construction: ['teacher', 'memorizer', 'gd', 'flattest'] },
        { d: 6, n: [12, 24], m: 24, steps: 200 },
      ),
    ];
    const store = new ResultStore(':memory:');
    try {
      const summary = await runStudies(specs, { store, scale: 'smoke' });
      expect(summary.failed).toBe(0);
      for (const t of store.all()) {
        expect(t.params).toMatchObject({ activation: 'leaky-relu:0.2', links: 'relu+relu+relu+relu', input: 'sphere' });
        expect(t.params.target).toBeUndefined();
        // No closed form for sphere inputs: the risk is a Monte Carlo estimate with its standard error.
        if (t.study !== 'symmetry') {
          expect(t.metrics.riskMethod).toBe('montecarlo');
          expect(t.metrics.riskStderr).toBeGreaterThan(0);
        }
      }
      for (const spec of specs) {
        const section = analyse(spec, studyRows(store, spec, 'smoke'));
        expect(section.failed).toEqual([]);
        expect(section.verdicts.length).toBeGreaterThan(0);
        for (const v of section.verdicts) expect(['holds', 'does not hold', 'inconclusive']).toContain(v.status);
        if (spec.study === 'flattest') {
          expect(section.verdicts[0].details[0]).toMatch(/^leaky-relu:0.2 student, d = \d+, sphere inputs, target /);
          const link = section.table.columns.indexOf('link');
          expect(section.table.rows.map((r) => r[link])).toEqual(
            section.table.rows.map(() => 'relu+relu+relu+relu (exact)'),
          );
          expect(section.table.columns).toContain('MC s.e./Var(f*) (mean)');
          expect(section.verdicts[0].details.join(' ')).toContain('Monte Carlo');
        }
      }
    } finally {
      store.close();
    }
  }, 120_000);

  it('exactness is the teacher construction rule: a ReLU-like student represents relu links, not tanh or product', () => {
    const t = (o: Record<string, unknown>) => resolveStudyTarget({ d: 6, n: 10, noise: 0, activation: 'relu', ...o });
    const leaky = studyStudent('leaky_relu:0.2');
    expect(representsExactly(t({ links: 'relu+relu+relu+relu' }), leaky)).toBe(true);
    expect(representsExactly(t({ links: 'relu+abs', coeffs: '1,0.5' }), leaky)).toBe(true);
    expect(representsExactly(t({ links: 'tanh' }), leaky)).toBe(false);
    expect(representsExactly(t({ links: 'product' }), leaky)).toBe(false);
    expect(representsExactly(t({ links: 'hermite:0,1,0.5' }), leaky)).toBe(false);
    expect(representsExactly(t({ links: 'relu_pow:3' }), studyStudent('relu_pow:3'))).toBe(true);
    expect(representsExactly(t({ links: 'relu_pow:3' }), studyStudent('relu_pow:2'))).toBe(false);
    // `matched` stays "a target the student represents exactly", for any student.
    for (const act of ['relu', 'abs', 'relu2', 'leaky_relu:0.1', 'relu_pow:3', 'abs_pow:1']) {
      for (const target of ['matched', 'matched2']) {
        const r = resolveStudyTarget({ d: 6, n: 10, noise: 0, activation: act, target });
        expect(representsExactly(r, studyStudent(act)), `${act} ${target}`).toBe(true);
      }
    }
    expect(studyStudent('relu_pow:3').degree).toBe(3);
    expect(studyStudent('relu2').degree).toBe(2);
  });

  it('old field values give the same data as before; links syntax gives what flatlab data gives', () => {
    const p = { d: 5, n: 12, m: 4, noise: 0.1, activation: 'relu2', target: 'relu2+relu2' };
    const old = makeDataset({
      d: 5,
      n: 12,
      r: 2,
      links: [
        { name: 'relu-pow', p: 2 },
        { name: 'relu-pow', p: 2 },
      ],
      coeffs: [1, 1],
      noise: 0.1,
      index: 'random',
      seed: deriveSeed(3, 'study-data'),
    });
    expect(Array.from(studyData(p, 3).y)).toEqual(Array.from(old.y));
    expect(Array.from(studyData({ ...p, target: undefined, links: 'relu_pow:2', r: 2 }, 3).y)).toEqual(
      Array.from(old.y),
    );
    expect(makeActivation({ name: 'relu-pow', p: 2 }).degree).toBe(studyStudent('relu2').degree);
    const aniso = studyData({ ...p, input: 'anisotropic:pow=1' }, 3);
    expect(aniso.target.input).toEqual({ law: 'anisotropic', scales: [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5] });
  });

  it('every axis may be a list, and an invalid value is one line naming the field', () => {
    const spec = validateSpec({
      name: 'grid',
      study: 'flattest',
      title: 'grid',
      base: {
        activation: ['relu', 'leaky_relu:0.1'],
        links: ['relu', 'relu+relu+relu'],
        input: ['gaussian', 'rademacher'],
      },
      scales: scales({ d: 5, n: 10 }),
    });
    expect(spec.base.links).toEqual(['relu', 'relu+relu+relu']);
    const bad = (base: Record<string, unknown>) => () =>
      validateSpec({ name: 'b', study: 'flattest', title: 'b', base, scales: scales({ d: 5 }) }, 'b.yaml');
    const cases: [Record<string, unknown>, string][] = [
      [
        { activation: 'leaky_relu:x' },
        'b.yaml: base.activation.0: "leaky_relu:x": the parameter of leaky-relu must be a number',
      ],
      [{ activation: 'tanh' }, 'b.yaml: base.activation.0: "tanh" is not positively homogeneous'],
      [{ links: 'relu+foo' }, 'b.yaml: base.links.0: unknown link "foo"'],
      [{ links: 'relu', input: 'sphre' }, 'b.yaml: base.input.0: unknown input law "sphre"'],
      [
        { links: 'relu+relu', coeffs: '1,2,3' },
        'b.yaml: scales.smoke.grid: coeffs must be r = 2 comma-separated numbers',
      ],
      [
        { links: 'relu', target: 'relu' },
        'b.yaml: scales.smoke: give the target either as target (a preset) or as links',
      ],
      [{ target: 'matched', activation: 'abs_pow:3' }, 'no link is represented exactly by the student "abs-pow:3"'],
    ];
    for (const [base, msg] of cases) {
      expect(bad(base)).toThrow(InputError);
      expect(bad(base)).toThrow(msg);
      try {
        bad(base)();
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });
});
