/**
 * `flatlab measure` (and rescale, construct, estimate-trace) on numpy and safetensors files: the same
 * trace, F* and train loss as the JSON route (≤ 1e-12 relative) and as an independent numpy computation
 * (test/io/numpy_oracle.py, skipped with a message when python3 with numpy is missing), and a one-line
 * error with exit code 2 for every kind of bad file.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDatasetJson } from '../../src/cli/dataset-file.js';
import {
  type Dataset,
  datasetToJson,
  datasetToNpz,
  makeDataset,
  parseDataParams,
  Rng,
  writeNpy,
  writeSafetensors,
} from '../../src/index.js';
import { runCli, tempDir } from '../cli-helpers.js';

interface Report {
  trace: number;
  invariantFlatness: number;
  trainLoss: number;
  populationRisk: { value: number | null; method: string };
}

const PY = process.env.FLATLAB_PYTHON ?? 'python3';
const hasNumpy = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.warn('cli-tensors: python3 with numpy not found — the numpy comparison is skipped');

let dir = '';
let data: Dataset;
const m = 12;
const W = new Float64Array(m * 6);
const a = new Float64Array(m);
const p = (f: string): string => join(dir, f);

function measure(...args: string[]): Report {
  const r = runCli(['measure', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

function expectClose(got: Report, want: Pick<Report, 'trace' | 'invariantFlatness' | 'trainLoss'>, tol: number): void {
  for (const k of ['trace', 'invariantFlatness', 'trainLoss'] as const) {
    expect(Math.abs(got[k] - want[k]), `${k}: ${got[k]} vs ${want[k]}`).toBeLessThanOrEqual(tol * Math.abs(want[k]));
  }
}

function failsWith(args: string[], pattern: RegExp): void {
  const r = runCli(args);
  expect(r.code, r.stderr).toBe(2);
  const msg = r.stderr.trim();
  expect(msg.split('\n')).toHaveLength(1);
  expect(msg).toMatch(pattern);
}

beforeAll(() => {
  dir = tempDir('flatlab-io-');
  data = makeDataset(parseDataParams({ d: 6, n: 80, r: 2, links: 'relu', seed: 4, noise: 0.1 }));
  writeFileSync(p('data.json'), formatDatasetJson(datasetToJson(data)));
  writeFileSync(p('data.npz'), datasetToNpz(data));
  writeFileSync(p('x.npy'), writeNpy([data.n, data.d], data.X));
  writeFileSync(p('y.npy'), writeNpy([data.n], data.y));
  const rng = new Rng(11);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal() / Math.sqrt(6);
  for (let j = 0; j < m; j++) a[j] = rng.normal() / Math.sqrt(m);
  const rows = Array.from({ length: m }, (_, j) => Array.from(W.subarray(6 * j, 6 * j + 6)));
  for (const act of ['relu', 'relu_pow:2']) {
    const spec = act === 'relu' ? { name: 'relu' } : { name: 'relu-pow', p: 2 };
    const tag = act.replace(':', '');
    writeFileSync(
      p(`${tag}.json`),
      JSON.stringify({ format: 'flatlab.model/1', activation: spec, a: Array.from(a), W: rows }),
    );
    // The oracle's model: plain a and W as np.savez writes them (no activation inside).
    writeFileSync(p(`${tag}.npz`), zipSync({ 'a.npy': writeNpy([m], a), 'W.npy': writeNpy([m, 6], W) }));
  }
  // A PyTorch state_dict as safetensors.torch.save_file writes it for Sequential(Linear(6,m), ReLU(), Linear(m,1)).
  writeFileSync(
    p('torch.safetensors'),
    writeSafetensors({ '0.weight': { shape: [m, 6], data: W }, '2.weight': { shape: [1, m], data: a } }),
  );
  writeFileSync(
    p('bias.safetensors'),
    writeSafetensors({
      '0.weight': { shape: [m, 6], data: W },
      '0.bias': { shape: [m], data: a },
      '2.weight': { shape: [1, m], data: a },
    }),
  );
}, 60_000);

describe('measure on numpy / safetensors files equals the JSON route and numpy', () => {
  for (const act of ['relu', 'relu_pow:2']) {
    const tag = act.replace(':', '');
    it(`${act}: npz data with npz model, npy+labels, and a PyTorch safetensors model match JSON to 1e-12`, () => {
      const ref = measure('--data', p('data.json'), '--model', p(`${tag}.json`));
      expect(ref.populationRisk.method).not.toBe('unavailable');
      const routes = [
        measure('--data', p('data.npz'), '--model', p(`${tag}.npz`), '--activation', act),
        measure('--data', p('data.npz'), '--model', p('torch.safetensors'), '--activation', act),
        measure('--data', p('x.npy'), '--labels', p('y.npy'), '--model', p(`${tag}.json`)),
      ];
      for (const r of routes) expectClose(r, ref, 1e-12);
      // flatlab's .npz keeps the teacher, so the population risk is the same exact number too.
      expect(routes[0].populationRisk).toEqual(ref.populationRisk);
    });

    it.skipIf(!hasNumpy)(`${act}: trace, F* and train loss equal numpy's (test/io/numpy_oracle.py)`, () => {
      const py = spawnSync(PY, [join('test', 'io', 'numpy_oracle.py'), p('data.npz'), p(`${tag}.npz`), act], {
        encoding: 'utf8',
      });
      expect(py.status, py.stderr).toBe(0);
      const np = JSON.parse(py.stdout) as Report;
      expectClose(measure('--data', p('data.npz'), '--model', p('torch.safetensors'), '--activation', act), np, 1e-10);
    });
  }

  it.skipIf(!hasNumpy)(
    'files numpy itself writes (savez_compressed, big-endian float32, Fortran order, zip64) measure like their JSON',
    () => {
      const script = [
        'import json, numpy as np',
        'rng = np.random.default_rng(3)',
        'x = np.asfortranarray(rng.standard_normal((40, 4)).astype(">f4"))',
        'y = rng.standard_normal(40).astype("<f4")',
        'W = np.asfortranarray(rng.standard_normal((7, 4)).astype(">f4"))',
        'a = rng.standard_normal(7)',
        'np.savez_compressed("np-data.npz", x=x, y=y)',
        'np.savez("np-model.npz", W=W, a=a, activation="relu")',
        'f = lambda v: v.astype(np.float64).tolist()',
        'json.dump({"format": "flatlab.dataset/1", "d": 4, "n": 40, "x": f(x), "y": f(y)}, open("np-data.json", "w"))',
        'json.dump({"format": "flatlab.model/1", "activation": {"name": "relu"}, "a": f(a), "W": f(W)}, open("np-model.json", "w"))',
      ].join('\n');
      const py = spawnSync(PY, ['-c', script], { cwd: dir, encoding: 'utf8' });
      expect(py.status, py.stderr).toBe(0);
      const ref = measure('--data', p('np-data.json'), '--model', p('np-model.json'));
      // The widened float32 values are the JSON's exactly, so the results agree to the last bit.
      expectClose(measure('--data', p('np-data.npz'), '--model', p('np-model.npz')), ref, 0);
    },
  );

  it('construct and rescale write .npz / .safetensors models that measure like the JSON ones', () => {
    for (const out of ['t.json', 't.npz', 't.safetensors']) {
      const r = runCli(['construct', 'teacher', '--data', p('data.npz'), '--out', p(out)]);
      expect(r.code, r.stderr).toBe(0);
    }
    const ref = measure('--data', p('data.json'), '--model', p('t.json'));
    expectClose(measure('--data', p('data.npz'), '--model', p('t.npz')), ref, 0);
    expectClose(measure('--data', p('data.npz'), '--model', p('t.safetensors')), ref, 0);
    const rs = runCli(['rescale', '--model', p('t.safetensors'), '--factor', '4', '--out', p('t4.npz')]);
    expect(rs.code, rs.stderr).toBe(0);
    const r4 = measure('--data', p('data.npz'), '--model', p('t4.npz'));
    expect(Math.abs(r4.invariantFlatness - ref.invariantFlatness)).toBeLessThanOrEqual(1e-9 * ref.invariantFlatness);
    expect(r4.trace).not.toBeCloseTo(ref.trace, 3);
  });

  it('estimate-trace reads a safetensors model and .npy data', () => {
    const r = runCli([
      'estimate-trace',
      '--data',
      p('x.npy'),
      '--labels',
      p('y.npy'),
      '--model',
      p('torch.safetensors'),
      '--activation',
      'relu',
      '--budget',
      '8',
      '--seeds',
      '2',
      '--no-convergence',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).exact).toBeGreaterThan(0);
  });

  it('data --out x.npz writes what data --check reads back', () => {
    const r = runCli(['data', '--n', '20', '--d', '3', '--seed', '1', '--out', p('gen.npz')]);
    expect(r.code, r.stderr).toBe(0);
    const c = runCli(['data', '--check', p('gen.npz'), '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ n: 20, d: 3, seed: 1 });
  });
});

describe('bad numpy / safetensors files: one line, exit 2', () => {
  const model = (): string => p('relu.npz');
  it('truncated .npz', () => {
    const full = datasetToNpz(data);
    writeFileSync(p('trunc.npz'), full.subarray(0, full.length - 100));
    failsWith(['measure', '--data', p('trunc.npz'), '--model', model(), '--activation', 'relu'], /truncated|corrupt/);
  });
  it('wrong magic', () => {
    writeFileSync(p('fake.npz'), 'this is not a zip archive, just text');
    failsWith(['measure', '--data', p('fake.npz'), '--model', model(), '--activation', 'relu'], /wrong magic/);
    writeFileSync(p('fake.safetensors'), 'this is not safetensors');
    failsWith(
      ['measure', '--data', p('data.npz'), '--model', p('fake.safetensors'), '--activation', 'relu'],
      /not a safetensors/,
    );
  });
  it('unsupported dtype', () => {
    const i64 = writeNpy([data.n], data.y);
    // Same bytes, dtype '<f8' relabelled '<i8' in the header (an int64 array of the same size).
    const at = Buffer.from(i64).indexOf("'<f8'");
    i64[at + 2] = 'i'.charCodeAt(0);
    writeFileSync(p('yint.npy'), i64);
    failsWith(['measure', '--data', p('x.npy'), '--labels', p('yint.npy'), '--model', p('relu.json')], /dtype int64/);
  });
  it('shape mismatch', () => {
    writeFileSync(p('yshort.npy'), writeNpy([data.n - 1], data.y.subarray(1)));
    failsWith(
      ['measure', '--data', p('x.npy'), '--labels', p('yshort.npy'), '--model', p('relu.json')],
      /y has shape \(79,\)/,
    );
    writeFileSync(p('wide.npz'), zipSync({ 'a.npy': writeNpy([m], a), 'W.npy': writeNpy([m / 2, 12], W) }));
    failsWith(
      ['measure', '--data', p('data.npz'), '--model', p('wide.npz'), '--activation', 'relu'],
      /a has 12 entries/,
    );
    writeFileSync(
      p('d3.npz'),
      zipSync({ 'a.npy': writeNpy([m * 2], new Float64Array(m * 2)), 'W.npy': writeNpy([m * 2, 3], W) }),
    );
    failsWith(['measure', '--data', p('data.npz'), '--model', p('d3.npz'), '--activation', 'relu'], /dimension|d = /);
  });
  it('missing keys', () => {
    failsWith(['measure', '--data', p('relu.npz'), '--model', model(), '--activation', 'relu'], /no array "x"/);
    failsWith(
      ['measure', '--data', p('data.npz'), '--model', p('data.npz'), '--activation', 'relu'],
      /no model arrays/,
    );
    failsWith(
      ['measure', '--data', p('data.npz'), '--model', p('torch.safetensors'), '--activation', 'relu', '--key-W', 'fc1'],
      /no array "fc1"/,
    );
    failsWith(['measure', '--data', p('x.npy'), '--model', model(), '--activation', 'relu'], /--labels/);
  });
  it('a bias makes the state_dict a deep network, measured whole rather than refused', () => {
    const r = runCli([
      'measure',
      '--data',
      p('data.npz'),
      '--model',
      p('bias.safetensors'),
      '--activation',
      'relu',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).model.biases).toEqual([true, false]);
  });
  it('activation missing or contradicting the file', () => {
    failsWith(['measure', '--data', p('data.npz'), '--model', p('torch.safetensors')], /carries no activation/);
    failsWith(['measure', '--data', p('data.npz'), '--model', p('relu.json'), '--activation', 'tanh'], /disagrees/);
    failsWith(
      ['rescale', '--model', p('torch.safetensors'), '--factor', '2', '--out', p('x.npz')],
      /carries no activation/,
    );
  });
});
