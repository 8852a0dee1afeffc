/**
 * H2 and H3 lines on planted per-seed rows (docs/math.md#hypotheses, §9): each rule must hold, must
 * fail and must be inconclusive where the planted data say so; non-interpolating runs are counted and
 * decide nothing; lines are never pooled across d.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/xoshiro.js';
import { type H3Point, h3Lines, h3Secondary } from '../../src/studies/flattest/verdict.js';
import { decideLines } from '../../src/studies/inference/index.js';
import { NONGENERALIZING_DEFAULTS, type NongeneralizingRow } from '../../src/studies/nongeneralizing/schema.js';
import { h2LazyLines, h2Lines, h2Ratios, lazyClosedForm } from '../../src/studies/nongeneralizing/verdict.js';
import { h2Metrics } from './h2-rows.js';

type Row = Pick<NongeneralizingRow, 'params' | 'seed' | 'metrics'>;
const SEEDS = [0, 1, 2, 3, 4];
const NS = [20, 40, 80, 160];

function h2Row(construction: string, n: number, seed: number, fStar: number, o: Record<string, unknown> = {}): Row {
  const {
    d = 10,
    risk = 2,
    interpolates = true,
    rfWidthFactor = 1,
    lazyScale = 8,
    m = 50,
  } = o as Record<string, never>;
  return {
    params: { ...NONGENERALIZING_DEFAULTS, construction, n, d, rfWidthFactor, lazyScale, m } as Row['params'],
    seed,
    metrics: h2Metrics(fStar, construction === 'memorizer' ? n : construction === 'teacher' ? 1 : 10, {
      risk,
      interpolates,
    }),
  };
}

/** A reference (teacher, F* = 1) and a tested construction whose F* = f(n, seed) on every (n, seed). */
function plant(construction: string, f: (n: number, rng: Rng) => number, o: Record<string, unknown> = {}): Row[] {
  const rng = new Rng(11);
  return SEEDS.flatMap((s) =>
    NS.flatMap((n) => [h2Row('teacher', n, s, 1, o), h2Row(construction, n, s, f(n, rng), o)]),
  );
}

describe('H2 lines', () => {
  it('must hold: the memorizer ratio far above 5 and growing in n on every seed', () => {
    const lines = decideLines(h2Lines(h2Ratios(plant('memorizer', (n, r) => n * (1 + 0.1 * r.normal())))));
    expect(lines.lines.map((l) => l.status)).toEqual(['holds']);
    expect(lines.lines[0].label).toBe('memorizer (m = n), relu, d = 10');
  });

  it('must fail: a ratio of 2 that does not grow', () => {
    const lines = decideLines(h2Lines(h2Ratios(plant('memorizer', (_n, r) => 2 * (1 + 0.05 * r.normal())))));
    expect(lines.status).toBe('does not hold');
  });

  it('must be inconclusive: a large ratio whose growth is noise around 0', () => {
    const lines = decideLines(h2Lines(h2Ratios(plant('memorizer', (_n, r) => 100 * 10 ** (0.5 * r.normal())))));
    expect(lines.lines[0].status).toBe('inconclusive');
  });

  it('counts non-interpolating runs and calls such a line inconclusive for that reason', () => {
    const rows = plant('memorizer', (n) => n).map((r) =>
      r.params.construction === 'memorizer' && r.seed < 2
        ? { ...r, metrics: { ...r.metrics, interpolates: false } }
        : r,
    );
    const [line] = decideLines(h2Lines(h2Ratios(rows))).lines;
    expect(line.nonInterpolating).toBe(8);
    expect(line.status).toBe('inconclusive');
    expect(line.reason).toMatch(/does not interpolate \(8 of 20 trials\)/);
  });

  it('keeps d as its own line, and random features that generalize are outside the claim', () => {
    const rows = [
      ...plant('memorizer', (n) => n, { d: 10 }),
      ...plant('memorizer', (n) => n, { d: 30 }),
      ...plant('random-features', (n) => n, { rfWidthFactor: 4, risk: 0.01 }),
    ];
    const lines = decideLines(h2Lines(h2Ratios(rows)));
    expect(lines.lines.map((l) => [l.label, l.status])).toEqual([
      ['memorizer (m = n), relu, d = 10', 'holds'],
      ['memorizer (m = n), relu, d = 30', 'holds'],
      ['random features (m = 4n), relu, d = 10', 'outside'],
    ]);
    expect(lines.status).toBe('holds');
  });

  it('lazy GD: one part per (α, m) at the largest n; holds when every part is far above F_min', () => {
    const rows = [
      ...plant('lazy', () => 400, { lazyScale: 8, m: 40 }),
      ...plant('lazy', () => 2, { lazyScale: 1, m: 40 }).filter((r) => r.params.construction === 'lazy'),
    ];
    const { lines } = h2LazyLines(h2Ratios(rows));
    expect(lines[0].parts.map((p) => p.name.split(':')[0])).toEqual(['α = 8, m = 40', 'α = 1, m = 40']);
    expect(decideLines(lines).status).toBe('does not hold');
    const only8 = h2LazyLines(
      h2Ratios(plant('lazy', (_n, r) => 400 * (1 + 0.1 * r.normal()), { lazyScale: 8, m: 40 })),
    );
    expect(decideLines(only8.lines).status).toBe('holds');
  });

  it("lazy GD's closed form α²√(2/π)√m·√2Γ((d+1)/2)/Γ(d/2) matches a Monte Carlo mean of √d·P(θ₀)", () => {
    const rng = new Rng(3);
    const [alpha, m, d] = [2, 64, 10];
    let sum = 0;
    const reps = 400;
    for (let r = 0; r < reps; r++) {
      let p = 0;
      for (let j = 0; j < m; j++) {
        let w2 = 0;
        for (let i = 0; i < d; i++) w2 += ((alpha / Math.sqrt(d)) * rng.normal()) ** 2;
        p += Math.abs((alpha / Math.sqrt(m)) * rng.normal()) * Math.sqrt(w2);
      }
      sum += Math.sqrt(d) * p;
    }
    expect(Math.abs(sum / reps / (lazyClosedForm('relu', alpha, m, d) ?? 0) - 1)).toBeLessThan(0.01);
    expect(lazyClosedForm('relu2', alpha, m, d)).toBeNull();
  });
});

function h3(o: Partial<H3Point> & { level: (n: number, r: Rng, seed: number) => number }, rng = new Rng(5)): H3Point[] {
  const { level, ...rest } = o;
  const d = rest.d ?? 10;
  return SEEDS.flatMap((seed) =>
    [20, 40, 80].map((n) => ({
      cell: 'relu',
      label: `relu student, d = ${d}, target relu`,
      family: `relu student, d = ${d}`,
      n,
      d,
      noise: 0,
      exact: true,
      seed,
      risk: 10 ** level(n, rng, seed),
      varF: 1,
      interpolates: true,
      ...rest,
    })),
  );
}

describe('H3 lines', () => {
  it('must hold: risk far below 0.1 Var f* at the largest n ≥ 8d', () => {
    const { primary } = h3Lines(h3({ level: (n, r) => -1 - n / 40 + 0.1 * r.normal() }));
    expect(decideLines(primary).status).toBe('holds');
  });

  it('must fail: risk of order Var f* at the largest n', () => {
    expect(decideLines(h3Lines(h3({ level: (_n, r) => 0.1 * r.normal() })).primary).status).toBe('does not hold');
  });

  it('must be inconclusive: risk at the threshold with seed noise, or the largest n below 8d', () => {
    // Per-seed offsets that sum to 0: the mean sits on the threshold.
    const offsets = [-1.2, 1.1, -0.4, 0.6, -0.1];
    const edge = h3({ level: (_n, _r, seed) => -1 + offsets[seed] });
    expect(decideLines(h3Lines(edge).primary).status).toBe('inconclusive');
    const small = decideLines(h3Lines(h3({ d: 20, level: () => -5 })).primary);
    expect(small.lines[0].reason).toMatch(/largest n = 80 is below 8d = 160/);
  });

  it('premise-violated lines (noise, inexact link) are kept apart from the primary claim', () => {
    const pts = [
      ...h3({ level: () => -4 }),
      ...h3({ noise: 1, level: (_n, r) => 0.3 + 0.1 * r.normal() }),
      ...h3({
        cell: 'he3',
        exact: false,
        label: 'relu student, d = 10, target he3',
        level: (_n, r) => -0.2 + 0.1 * r.normal(),
      }),
    ];
    const { primary, outsidePremise } = h3Lines(pts);
    expect(primary.map((l) => l.label)).toEqual(['relu student, d = 10, target relu']);
    expect(outsidePremise.map((l) => l.label)).toEqual([
      'relu student, d = 10, target relu, σ_ε = 1',
      'relu student, d = 10, target he3',
    ]);
    expect(decideLines(outsidePremise).lines.every((l) => l.status !== 'holds')).toBe(true);
    const sec = h3Secondary(pts);
    expect(sec.endpoints.map((e) => e.label)).toEqual([
      'relu student, d = 10, target relu: decay in n (minus the per-seed slope of log10 risk in log10 n)',
      'relu student, d = 10, target relu: σ_ε = 1 raises log10(risk/Var f*) at n = 80 (interpolators only)',
      'relu student, d = 10, target he3: approximation error raises log10(risk/Var f*) over relu student, d = 10, target relu at n = 80 (interpolators only)',
    ]);
    expect(sec.endpoints[1].test.mean).toBeGreaterThan(3);
  });

  it('at the optimizer floor, decay in n is not required (a note, no endpoint)', () => {
    const sec = h3Secondary(h3({ level: () => -9 }));
    expect(sec.endpoints).toEqual([]);
    expect(sec.notes[0]).toMatch(/optimizer floor/);
  });
});
