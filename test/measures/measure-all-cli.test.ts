import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASURE_NAMES } from '../../src/measures/registry.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { randomData, randomNet } from '../helpers.js';

const dir = tempDir('flatlab-measure-all-');
const data = randomData(20, 3, 1);
const net = randomNet('relu', 4, 3, 2);
const init = randomNet('relu', 4, 3, 3);
const rows = (M: Float64Array, r: number, c: number) =>
  Array.from({ length: r }, (_, i) => Array.from(M.subarray(i * c, (i + 1) * c)));
const dataPath = join(dir, 'D.json');
const modelPath = join(dir, 'M.json');
const initPath = join(dir, 'I.json');
writeFileSync(
  dataPath,
  JSON.stringify({ format: 'flatlab.dataset/1', d: 3, n: 20, x: rows(data.X, 20, 3), y: Array.from(data.y) }),
);
for (const [p, m] of [
  [modelPath, net],
  [initPath, init],
] as const) {
  writeFileSync(
    p,
    JSON.stringify({ format: 'flatlab.model/1', activation: { name: 'relu' }, a: Array.from(m.a), W: rows(m.W, 4, 3) }),
  );
}

describe('flatlab measure --all / --invariance', () => {
  it('--all --json adds a measures object keyed by registry name; the base report is unchanged', () => {
    const base = JSON.parse(runCli(['measure', '--data', dataPath, '--model', modelPath, '--json']).stdout);
    const r = runCli(['measure', '--data', dataPath, '--model', modelPath, '--json', '--all', '--init', initPath]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.measures)).toEqual([...MEASURE_NAMES]);
    expect(out.measures.trace).toBe(base.trace);
    expect(out.measures.invariant_flatness).toBe(base.invariantFlatness);
    expect(out.measures.distance_to_init).toBeGreaterThan(0);
    for (const k of Object.keys(base)) expect(out[k]).toEqual(base[k]);
  });

  it("--invariance prints each measure's orbit spread and agrees with every declaration", () => {
    const r = runCli([
      'measure',
      '--data',
      dataPath,
      '--model',
      modelPath,
      '--invariance',
      '--orbit-points',
      '6',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const inv = JSON.parse(r.stdout).invariance;
    expect(inv.points).toBe(6);
    expect(inv.allAgree).toBe(true);
    expect(inv.rows.find((x: { name: string }) => x.name === 'invariant_flatness').relSpread).toBeLessThan(1e-9);
    const t = runCli([
      'measure',
      '--data',
      dataPath,
      '--model',
      modelPath,
      '--all',
      '--invariance',
      '--orbit-points',
      '4',
    ]);
    expect(t.stdout).toMatch(/adaptive_sharpness \(invariant\)/);
    expect(t.stdout).toMatch(/rescaling-orbit check: 4 random points/);
    expect(t.stdout).toMatch(/every measure behaves as declared/);
    const bad = runCli(['measure', '--data', dataPath, '--model', modelPath, '--invariance', '--orbit-points', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--orbit-points must be an integer in \[2, 10000\]/);
  });
});
