import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceParts } from '../../src/flatness/trace.js';
import { forward } from '../../src/model/network.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { randomData, randomNet, relErr } from '../helpers.js';

// An interpolating ReLU model (labels = its own outputs, n = 15 ≪ dim = 66): H = JᵀJ/n has rank ≤ 15,
// the "dominant top part" case where Hutch++ must beat Hutchinson.
const dir = tempDir('flatlab-estimate-trace-');
const net = randomNet('relu', 6, 10, 2);
const X = randomData(15, 10, 1).X;
const y = forward(net, X, 15);
const rows = (M: Float64Array, r: number, c: number) =>
  Array.from({ length: r }, (_, i) => Array.from(M.subarray(i * c, (i + 1) * c)));
const dataPath = join(dir, 'D.json');
const modelPath = join(dir, 'M.json');
writeFileSync(
  dataPath,
  JSON.stringify({ format: 'flatlab.dataset/1', d: 10, n: 15, x: rows(X, 15, 10), y: Array.from(y) }),
);
writeFileSync(
  modelPath,
  JSON.stringify({
    format: 'flatlab.model/1',
    activation: { name: 'relu' },
    a: Array.from(net.a),
    W: rows(net.W, 6, 10),
  }),
);
const exact = traceParts(net, { n: 15, d: 10, X, y }).trace;

describe('flatlab estimate-trace', () => {
  it('--json: estimate, stderr and the exact value; Hutch++ beats Hutchinson in the convergence data', () => {
    const r = runCli([
      'estimate-trace',
      '--data',
      dataPath,
      '--model',
      modelPath,
      '--method',
      'hutchinson',
      '--budget',
      '48',
      '--seeds',
      '8',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const k of ['estimate', 'stderr', 'exact', 'budget', 'method', 'seeds', 'convergence'])
      expect(out).toHaveProperty(k);
    expect(out.method).toBe('hutchinson');
    expect(out.budget).toBe(48);
    expect(out.seeds).toBe(8);
    expect(relErr(out.exact, exact)).toBeLessThan(1e-10);
    expect(Math.abs(out.estimate - out.exact)).toBeLessThan(5 * out.stderr);
    expect(out.perSeed).toHaveLength(8);
    const at = (m: string, b: number) =>
      out.convergence.find((c: { method: string; budget: number }) => c.method === m && c.budget === b);
    expect(out.convergence.map((c: { budget: number }) => c.budget)).toEqual([4, 8, 16, 32, 48, 4, 8, 16, 32, 48]);
    expect(at('hutchpp', 48).rmsError).toBeLessThan(1e-6 * exact);
    expect(at('hutchinson', 48).rmsError).toBeGreaterThan(1e-3 * exact);
    expect(at('hutchinson', 48).meanAbsError).toBeGreaterThan(0);
  });

  it('same seed ⇒ identical output; the table shows estimate ± stderr beside the exact value', () => {
    const args = [
      'estimate-trace',
      '--data',
      dataPath,
      '--model',
      modelPath,
      '--method',
      'hutchpp',
      '--budget',
      '12',
      '--seeds',
      '3',
      '--seed',
      '4',
      '--no-convergence',
    ];
    const a = runCli([...args, '--json']);
    const b = runCli([...args, '--json']);
    expect(JSON.parse(a.stdout).estimate).toBe(JSON.parse(b.stdout).estimate);
    expect(JSON.parse(a.stdout).convergence).toEqual([]);
    const t = runCli(args);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/estimate\s+\S+ ± \S+/);
    expect(t.stdout).toMatch(/exact\s+\S+/);
  });

  it('bad input: one line, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--budget', '3'], /--budget must be an integer in \[4, 1000000\]/],
      [['--method', 'xtrace'], /--method must be one of hutchinson, hutchpp/],
      [['--seeds', '0'], /--seeds must be an integer in \[1, 100000\]/],
      [['--operator', 'fisher'], /--operator must be one of hessian, gauss-newton, residual/],
    ];
    for (const [extra, msg] of cases) {
      const r = runCli(['estimate-trace', '--data', dataPath, '--model', modelPath, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const missing = runCli(['estimate-trace', '--data', join(dir, 'nope.json'), '--model', modelPath]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found/);
    const other = join(dir, 'D3.json');
    writeFileSync(
      other,
      JSON.stringify({
        format: 'flatlab.dataset/1',
        d: 3,
        n: 2,
        x: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        y: [1, 2],
      }),
    );
    const mismatch = runCli(['estimate-trace', '--data', other, '--model', modelPath]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/dimension mismatch/);
  });
});
