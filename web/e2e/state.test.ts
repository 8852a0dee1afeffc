/**
 * The URL state without a browser: encode/decode round trips exactly, bad values fall back to their
 * defaults and are named, and the numbers a link stands for can be recomputed in Node with the same
 * core (the browser test compares them with what Chromium displays).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaults, TABLE } from '../src/tables.js';
import { decodeState, encodeState } from '../src/url.js';

describe('URL state', () => {
  it('round-trips every valid state exactly (numbers as shortest round-trip text)', () => {
    const arbs: Record<string, fc.Arbitrary<unknown>> = {};
    for (const p of TABLE) {
      if (p.type === 'enum') arbs[p.key] = fc.constantFrom(...(p.choices ?? []));
      else if (p.type === 'bool') arbs[p.key] = fc.boolean();
      else if (p.type === 'int') arbs[p.key] = fc.integer({ min: p.min ?? 0, max: Math.min(p.max ?? 1e6, 1e6) });
      else if (p.type === 'number')
        arbs[p.key] = fc.double({ min: p.min ?? -1e6, max: p.max ?? 1e6, noNaN: true, noDefaultInfinity: true });
      else arbs[p.key] = fc.constant(p.default);
    }
    fc.assert(
      fc.property(fc.record(arbs), (rec) => {
        const state = { ...defaults(), ...rec };
        const hash = encodeState(state);
        // Decoding may reset cross-field conflicts (r > d …); each reset is reported, the rest is exact.
        const back = decodeState(hash);
        for (const p of TABLE) {
          const reset = back.problems.some((m) => m.includes(`${p.key} (${p.short}) reset`));
          if (!reset)
            expect(Object.is(back.state[p.key], state[p.key]) || back.state[p.key] === state[p.key]).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('defaults encode to a link that decodes with no problems', () => {
    const d = decodeState(encodeState(defaults()));
    expect(d.problems).toEqual([]);
    expect(d.state).toEqual(defaults());
  });

  it('names every bad field and keeps the good ones', () => {
    const d = decodeState('#d=abc&n=0&m=12&lr=-1&act=sigmoid&sc=9&bal=maybe&zz=1&g=relu%2Bnope&s=7');
    const text = d.problems.join('\n');
    for (const f of [
      'd (d)',
      'n (n)',
      'lr (lr)',
      'activation (act)',
      'symLog (sc)',
      'balanced (bal)',
      '"zz"',
      'links (g)',
    ]) {
      expect(text).toContain(f);
    }
    expect(d.state.d).toBe(20);
    expect(d.state.n).toBe(200);
    expect(d.state.width).toBe(12);
    expect(d.state.seed).toBe(7);
    expect(d.state.links).toBe('relu+abs');
  });

  it('reads the activation values of older links (relu2, relu_pow:3) and writes them as relu-pow:p', () => {
    for (const [old, now] of [
      ['relu2', 'relu-pow:2'],
      ['relu3', 'relu-pow:3'],
      ['relu_pow%3A2', 'relu-pow:2'],
      ['leaky_relu', 'leaky-relu'],
    ]) {
      const d = decodeState(`#act=${old}`);
      expect(d.problems).toEqual([]);
      expect(d.state.activation).toBe(now);
      expect(encodeState(d.state)).toContain(`act=${encodeURIComponent(now)}&`);
    }
  });

  it('resets fields that conflict with others (r ≤ d, batch ≤ n, even width for the symmetric init)', () => {
    expect(decodeState('#d=3&r=5').problems.join()).toContain('r (r) reset to 2');
    const b = decodeState('#n=50&al=sgd&b=80');
    expect(b.problems.join()).toContain('batch (b)');
    expect(b.state.batch).toBe(0);
    const w = decodeState('#in=symmetric&m=7');
    expect(w.problems.join()).toContain('width (m)');
    expect(w.state.width).toBe(100);
  });
});
