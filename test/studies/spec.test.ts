import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinSpecs } from '../../src/cli/commands/reproduce.js';
import { InputError } from '../../src/errors.js';
import { expandStudy } from '../../src/studies/expand.js';
import { canonicalJson, sha256Hex, trialKey } from '../../src/studies/hash.js';
import { parseSpec, SCALES, validateSpec } from '../../src/studies/spec.js';
import { runCli, tempDir } from '../cli-helpers.js';

const base = {
  name: 'tiny',
  study: 'nongeneralizing',
  title: 'tiny',
  base: { construction: ['memorizer', 'teacher'], activation: 'relu', target: 'relu' },
  scales: {
    smoke: { seeds: [0], grid: { d: 3, n: [4, 8], m: 8 } },
    default: { seeds: [0, 1], grid: { d: 3, n: 8, m: 8 } },
    full: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
  },
};
// biome-ignore lint/suspicious/noExplicitAny: tests mutate arbitrary paths of a spec to plant invalid values
const clone = (): any => JSON.parse(JSON.stringify(base));
const rejects = (raw: unknown): string => {
  try {
    validateSpec(raw, 'spec.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('spec was accepted');
};

describe('study spec validation', () => {
  it('accepts every built-in spec at every scale', () => {
    const specs = loadBuiltinSpecs();
    expect(specs.map((s) => s.study).sort()).toEqual([
      'algorithms',
      'depth',
      'estimators',
      'flattest',
      'flattest',
      'measures',
      'nongeneralizing',
      'nongeneralizing',
      'ordering',
      'phase',
      'phase',
      'symmetry',
    ]);
    for (const s of specs) for (const sc of SCALES) expect(expandStudy(s, sc).length).toBeGreaterThan(0);
  });

  it('rejects an unknown field, naming it and the allowed ones', () => {
    const a = clone();
    a.colour = 'red';
    expect(rejects(a)).toMatch(/unknown field "colour" \(allowed: name, study/);
    const b = clone();
    b.scales.smoke.grid.width = 3;
    const msg = rejects(b);
    expect(msg).toMatch(/scales\.smoke\.grid: unknown field "width"/);
    expect(msg).toMatch(/allowed: .*\bm\b/);
  });

  it('rejects wrong types and values outside the allowed set, naming the field', () => {
    const a = clone();
    a.scales.default.grid.n = 'ten';
    expect(rejects(a)).toMatch(/scales\.default\.grid\.n\.0: .*expected number/);
    const b = clone();
    b.base.activation = 'sigmoid';
    expect(rejects(b)).toMatch(
      /base\.activation\.0: unknown activation "sigmoid" \(allowed: flatlab train's syntax: relu, leaky-relu/,
    );
    const c = clone();
    c.scales.full.grid.d = 2.5;
    expect(rejects(c)).toMatch(/scales\.full\.grid\.d\.0: .*int/);
    const d = clone();
    d.study = 'magic';
    expect(rejects(d)).toMatch(/study: must be one of symmetry, nongeneralizing/);
  });

  it('rejects empty grids and empty seed lists', () => {
    const a = clone();
    a.scales.smoke.grid.n = [];
    expect(rejects(a)).toMatch(/scales\.smoke\.grid\.n: empty grid axis/);
    const b = clone();
    b.scales.default.seeds = [];
    expect(rejects(b)).toMatch(/scales\.default\.seeds: empty seed list/);
  });

  it('rejects impossible sizes before anything runs: memorizer with m < n (H4; in H2 the memorizer is m = n)', () => {
    const a = clone();
    a.study = 'ordering';
    a.scales.full.grid.n = [8, 16];
    expect(rejects(a)).toMatch(
      /scales\.full\.grid: m = 8 < n = 16: construction "memorizer" needs one neuron per sample/,
    );
    const b = clone();
    b.base.target = 'relu+abs';
    b.scales.smoke.grid.d = 1;
    expect(rejects(b)).toMatch(/scales\.smoke\.grid: d = 1: target "relu\+abs" has 2 index directions/);
  });

  it('reports YAML syntax errors as input errors', () => {
    expect(() => parseSpec('name: [unclosed', 'bad.yaml')).toThrow(/bad\.yaml: not valid YAML/);
  });

  it('the CLI rejects an invalid spec with exit 2 and one line, before creating the database', () => {
    const dir = tempDir();
    const a = clone();
    a.study = 'ordering';
    a.scales.smoke.grid.m = 4;
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(a));
    const r = runCli(['reproduce', '--spec', file, '--scale', 'smoke', '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/m = 4 < n = 8/);
    expect(existsSync(join(dir, 'out', 'results.sqlite'))).toBe(false);
  });
});

describe('trials and keys', () => {
  it('expands the grid × seeds in a deterministic order with unique keys', () => {
    const s = validateSpec(clone());
    const t = expandStudy(s, 'smoke');
    expect(t).toHaveLength(2 * 2); // construction × n, one seed
    expect(new Set(t.map((x) => x.key)).size).toBe(4);
    expect(expandStudy(s, 'smoke')).toEqual(t);
    expect(expandStudy(s, 'default')).toHaveLength(2 * 2); // construction × seeds
  });

  it('keys hash study, params and seed only, independent of key order', () => {
    expect(trialKey('x', { a: 1, b: [1, 2] }, 3)).toBe(trialKey('x', { b: [1, 2], a: 1 }, 3));
    expect(trialKey('x', { a: 1 }, 3)).not.toBe(trialKey('x', { a: 1 }, 4));
    expect(trialKey('x', { a: 1 }, 3)).not.toBe(trialKey('y', { a: 1 }, 3));
    expect(canonicalJson({ b: { d: 1, c: [true, null] }, a: 'é' })).toBe('{"a":"é","b":{"c":[true,null],"d":1}}');
  });

  it('the pure SHA-256 equals node:crypto', () => {
    const inputs = [
      '',
      'abc',
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(64),
      'a'.repeat(1000),
      'F* ≥ √d · P(θ) — ünïcödé 🚀',
    ];
    for (const s of inputs) expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
  });
});
