/**
 * Family 2 of issue 13: no NaN, Infinity or null leaves the program as a result. Overflow is an error
 * naming the quantity (exit 2); divergence keeps the last finite iterate (exit 3). Path norm and F* are
 * computed in a scaled form, so weights ×1e-200 give the right 1e-200-scale numbers (oracle: the same
 * model at scale 1, times 1e-200 by homogeneity).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTrainer, parseTrainConfig } from '../../src/training/index.js';
import { DivergenceError } from '../../src/errors.js';
import { traceParts } from '../../src/flatness/trace.js';
import { datasetFromJson } from '../../src/data/format.js';
import { modelToNetwork } from '../../src/model/format.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { pathNorm } from '../../src/symmetry/rescale.js';
import { runCli, tempDir } from '../cli-helpers.js';
import '../helpers.js';

const dir = tempDir('flatlab-finite-');
const p = (f: string) => join(dir, f);
const json = (f: string) => JSON.parse(readFileSync(p(f), 'utf8'));

function scaled(src: string, dst: string, fa: number, fw: number): void {
  const m = json(src);
  m.a = m.a.map((v: number) => v * fa);
  m.W = m.W.map((r: number[]) => r.map((v) => v * fw));
  writeFileSync(p(dst), JSON.stringify(m));
}

function expectExit2(args: string[], pattern: RegExp, out?: string): void {
  const r = runCli(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stdout).not.toMatch(/NaN|Infinity|null/);
  if (out) expect(existsSync(out)).toBe(false);
}

beforeAll(() => {
  expect(
    runCli(['data', '--d', '4', '--n', '30', '--r', '2', '--links', 'relu+relu', '--seed', '3', '--out', p('D.json')])
      .code,
  ).toBe(0);
  expect(runCli(['construct', 'memorizer', '--data', p('D.json'), '--out', p('M.json')]).code).toBe(0);
});

describe('data generation: overflowing targets are refused, nothing is written', () => {
  it('--links hermite:1e308,1e308', () => {
    expectExit2(
      ['data', '--d', '3', '--n', '10', '--links', 'hermite:1e308,1e308', '--out', p('h.json')],
      /label y\[\d+\] is not finite|Var f\* is not finite/,
      p('h.json'),
    );
  });
  it('--coeffs 1e308 --links relu_pow:5', () => {
    expectExit2(
      ['data', '--d', '3', '--n', '10', '--coeffs', '1e308', '--links', 'relu_pow:5', '--out', p('h2.json')],
      /is not finite/,
      p('h2.json'),
    );
  });
});

describe('rescale: overflow and underflow of the weights are errors naming the weight', () => {
  it('a factor that overflows a (c^{-k} with c = 1e-320)', () => {
    expectExit2(
      ['rescale', '--model', p('M.json'), '--factor', '1e-320', '--out', p('r1.json')],
      /rescaled a\[0\] is not finite/,
      p('r1.json'),
    );
  });
  it('a factor that underflows W to 0', () => {
    expectExit2(
      ['rescale', '--model', p('M.json'), '--factor', '1e-310', '--out', p('r2.json')],
      /rescaled (a|W)\[\d+\] (is not finite|underflows to 0)/,
      p('r2.json'),
    );
  });
  it('an ordinary factor still works and writes only finite numbers', () => {
    const r = runCli(['rescale', '--model', p('M.json'), '--factor', '1e-3', '--out', p('r3.json')]);
    expect(r.code, r.stderr).toBe(0);
    const m = json('r3.json');
    expect([...m.a, ...m.W.flat()].every((v: unknown) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });
});

describe('measure and estimate-trace on weights ×1e200: an error naming the quantity, exit 2', () => {
  beforeAll(() => scaled('M.json', 'big.json', 1e200, 1e200));
  it('measure (text and --json)', () => {
    expectExit2(['measure', '--data', p('D.json'), '--model', p('big.json')], /measure: \S+ is not finite/);
    expectExit2(['measure', '--data', p('D.json'), '--model', p('big.json'), '--json'], /measure: \S+ is not finite/);
  });
  it('estimate-trace', () => {
    expectExit2(
      ['estimate-trace', '--data', p('D.json'), '--model', p('big.json'), '--json'],
      /exact trace is not finite/,
    );
  });
});

describe('path norm and F* in scaled form: W ×1e-200 gives 1e-200 × the unscaled values', () => {
  it('library: pathNorm and invariantFlatness against the homogeneity oracle (k = 1)', () => {
    scaled('M.json', 'small.json', 1, 1e-200);
    const data = datasetFromJson(json('D.json'));
    const net = modelToNetwork(json('M.json')).net;
    const small = modelToNetwork(json('small.json')).net;
    const P = pathNorm(net);
    const F = invariantFlatness(net, data).value;
    expect(P).toBeGreaterThan(0);
    expect(pathNorm(small) / 1e-200).toBeCloseTo(P, 10);
    expect(invariantFlatness(small, data).value / 1e-200 / F).toBeCloseTo(1, 10);
  });
  it('the balanced orbit point of a 1e-200 model is finite and has the same F*', () => {
    const data = datasetFromJson(json('D.json'));
    const small = modelToNetwork(json('small.json')).net;
    const inv = invariantFlatness(small, data);
    for (const c of inv.factors) expect(Number.isFinite(c) && c > 0).toBe(true);
  });
  it('measure prints the 1e-200-scale numbers, not 0', () => {
    const r = runCli(['measure', '--data', p('D.json'), '--model', p('small.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const small = JSON.parse(r.stdout);
    const base = JSON.parse(runCli(['measure', '--data', p('D.json'), '--model', p('M.json'), '--json']).stdout);
    expect(small.pathNorm / 1e-200 / base.pathNorm).toBeCloseTo(1, 10);
    expect(small.invariantFlatness / 1e-200 / base.invariantFlatness).toBeCloseTo(1, 10);
  });
});

describe('divergence keeps the last finite iterate', () => {
  it('library: after DivergenceError the kept θ has a finite loss and the step of that θ', () => {
    const data = datasetFromJson(json('D.json'));
    const c = parseTrainConfig({ algo: 'gd', width: 8, lr: 1e6, steps: 1000, polish: 'none' }, '');
    const t = createTrainer(data, c);
    let err: unknown = null;
    try {
      t.advance(1000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect(t.step).toBe((err as DivergenceError).step);
    expect(Number.isFinite(traceParts(t.net, data).loss)).toBe(true);
  });
  it('CLI: exit 3, model.json has a finite loss on the data (not the first bad iterate)', () => {
    const out = p('train');
    const r = runCli([
      'train',
      '--data',
      p('D.json'),
      '--algo',
      'gd',
      '--width',
      '8',
      '--lr',
      '1e6',
      '--steps',
      '100',
      '--quiet',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/last finite parameters, of step \d+/);
    const m = runCli(['measure', '--data', p('D.json'), '--model', join(out, 'model.json'), '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(m.stdout).trainLoss)).toBe(true);
  });
});
