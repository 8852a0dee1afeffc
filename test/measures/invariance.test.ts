import { describe, expect, it } from 'vitest';
import { invarianceReport, relativeSpread } from '../../src/measures/invariance.js';
import { getMeasure, MEASURES } from '../../src/measures/registry.js';
import { randomData, randomNet } from '../helpers.js';

// One test per registered measure: declared invariant ⇒ ≤ 1e-9 relative spread over 20 random orbit
// points; declared non-invariant ⇒ > 1%. Checked for a piecewise-linear (relu) and a smooth (relu²)
// student, away from interpolation (so residual parts are present).
const SETUPS = [
  { act: 'relu' as const, label: 'relu' },
  { act: { name: 'relu-pow' as const, p: 2 }, label: 'relu^2' },
].map(({ act, label }) => {
  const data = randomData(30, 4, 101);
  const net = randomNet(act, 6, 4, 102);
  const init = randomNet(act, 6, 4, 103, 0.5);
  return { label, data, net, init };
});

describe('declared invariance under the rescaling symmetry holds for every registered measure', () => {
  for (const def of MEASURES) {
    it(`${def.name} (declared ${def.invariant ? 'invariant' : 'not invariant'})`, () => {
      for (const s of SETUPS) {
        const rep = invarianceReport(s.net, s.data, {
          points: 20,
          logRange: 1,
          seed: 5,
          measures: [def.name],
          context: { init: s.init },
        });
        const row = rep.rows[0];
        expect(row.values.length, s.label).toBe(20);
        if (def.invariant) expect(row.relSpread, s.label).toBeLessThanOrEqual(1e-9);
        else expect(row.relSpread, s.label).toBeGreaterThan(0.01);
        expect(row.agrees, s.label).toBe(true);
      }
    });
  }

  it('the report flags a wrong declaration and skips unavailable measures', () => {
    const s = SETUPS[0];
    // The raw trace declared invariant, and the path norm declared not invariant: both are flagged.
    const wrong = invarianceReport(s.net, s.data, {
      points: 5,
      seed: 2,
      measures: [
        { ...getMeasure('trace'), invariant: true },
        { ...getMeasure('path_norm'), invariant: false },
        'path_norm',
      ],
    });
    expect(wrong.rows.map((r) => r.agrees)).toEqual([false, false, true]);
    expect(wrong.rows[0].relSpread as number).toBeGreaterThan(0.01);
    expect(wrong.rows[1].relSpread as number).toBeLessThanOrEqual(1e-9);
    expect(wrong.allAgree).toBe(false);
    const rep = invarianceReport(s.net, s.data, { points: 3, seed: 1, measures: ['trace', 'distance_to_init'] });
    expect(rep.rows[1].skipped).toMatch(/initial model/);
    expect(rep.rows[1].agrees).toBeNull();
    expect(rep.allAgree).toBe(true);
    expect(relativeSpread([1, 1, 1])).toBe(0);
    expect(relativeSpread([1, 2])).toBe(0.5);
    expect(() => invarianceReport(randomNet('tanh', 2, 4, 1), s.data)).toThrow(/homogeneous/);
    expect(() => invarianceReport(s.net, s.data, { points: 1 })).toThrow(/points must be an integer ≥ 2/);
  });
});
