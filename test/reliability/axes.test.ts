/**
 * Figure axes for mathematical quantities (src/figures/vega-lite.ts): log axes label only their powers
 * of ten, as 10ⁿ; linear axes never use SI prefixes or digit grouping; quantitative domains are not
 * rounded beyond the data; legends are not truncated. Checked on the rendered SVG text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chart } from '../../src/figures/vega-lite.js';
import { toSvg } from '../../src/report/render.js';

const labels = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('readable axes', () => {
  it('log axes: only powers of ten, written 1, 10 or 10ⁿ; no SI prefix anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -12, max: 12 }), fc.integer({ min: 1, max: 8 }), async (lo, span) => {
        const data = Array.from({ length: 6 }, (_, i) => ({ x: 2 + i, y: 10 ** (lo + (span * i) / 5) }));
        const svg = await toSvg(
          chart({ title: 't', data, x: { field: 'x', title: 'n' }, y: { field: 'y', title: 'v', log: true } }),
        );
        for (const l of labels(svg)) {
          expect(l).not.toMatch(/^[\d.]+[µmnpkMGT]$/); // SI prefixes
          expect(l).not.toMatch(/\d,\d{3}/); // digit grouping
        }
        const ys = labels(svg).filter((l) => /^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$|^1$|^10$/.test(l));
        expect(ys.length).toBeGreaterThan(0);
      }),
      { numRuns: 8 },
    );
  });

  it('a linear axis of 1e11-sized values reads 1e+11, not 100,000,000,000; x spans the data (n ≤ 20)', async () => {
    const data = [2, 5, 10, 20].map((n) => ({ n, v: n * 1e10 }));
    const svg = await toSvg(chart({ title: 't', data, x: { field: 'n', title: 'n' }, y: { field: 'v', title: 'v' } }));
    const ls = labels(svg);
    expect(ls.join(' ')).not.toMatch(/100,000|G\b/);
    expect(ls).toContain('2e+11');
    expect(
      ls
        .filter((l) => /^\d+$/.test(l))
        .map(Number)
        .every((v) => v <= 20),
    ).toBe(true);
  });

  it('a long legend label is not truncated', async () => {
    const name = 'a very long series name that used to be cut with an ellipsis in the legend';
    const data = [1, 2].map((x) => ({ x, y: x, s: name }));
    const svg = await toSvg(
      chart({
        title: 't',
        data,
        x: { field: 'x', title: 'x' },
        y: { field: 'y', title: 'y' },
        color: { field: 's', title: 's' },
      }),
    );
    expect(labels(svg)).toContain(name);
  });
});
