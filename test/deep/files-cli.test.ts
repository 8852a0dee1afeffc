/**
 * Deep models in files and on the command line: flatlab.model/2 and state_dict round trips, refusal of
 * architectures flatlab cannot represent (one line naming the key, exit 2, never measured partially), a
 * two-layer bias-free model giving exactly today's numbers whichever file holds it, and the deep branches
 * of measure, rescale and estimate-trace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy, writeNpz, writeSafetensors } from '../../src/io/index.js';
import { anyModelFromTensorBytes, mlpStateDict, mlpToNpz, mlpToSafetensors } from '../../src/io/mlp-state-dict.js';
import { type Mlp, mlpForward } from '../../src/model/mlp.js';
import { mlpToModel, modelToMlp } from '../../src/model/mlp-json.js';
import { networkToModel } from '../../src/model/model-json.js';
import { fails, ok } from '../cli/expect-cli.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { randomNet, relErr } from '../helpers.js';
import { randomMlp, randomMlpData } from './fixtures.js';

function sameNet(a: Mlp, b: Mlp): void {
  expect(b.widths).toEqual(a.widths);
  a.W.forEach((w, i) => {
    expect(Array.from(b.W[i])).toEqual(Array.from(w));
  });
  a.b.forEach((x, i) => {
    expect(b.b[i] ? Array.from(b.b[i] as Float64Array) : null).toEqual(x ? Array.from(x) : null);
  });
  expect(b.act.spec).toEqual(a.act.spec);
}

const deepOf = (bytes: Uint8Array, format: 'npz' | 'safetensors', activation?: string): Mlp => {
  const r = anyModelFromTensorBytes(bytes, format, { activation }, 'm');
  if (r.kind !== 'deep') throw new Error('read as a two-layer network');
  return r.net;
};

/** A safetensors state_dict from the given keys and shapes (values 0.1). */
function stateDict(shapes: Record<string, number[]>): Uint8Array {
  const t: Record<string, { shape: number[]; data: Float64Array }> = {};
  for (const [k, s] of Object.entries(shapes))
    t[k] = { shape: s, data: new Float64Array(s.reduce((p, x) => p * x, 1)).fill(0.1) };
  return writeSafetensors(t);
}

describe('deep model files', () => {
  const net = randomMlp([5, 7, 6, 3], { name: 'leaky-relu', alpha: 0.1 }, true, 1);

  it('flatlab.model/2 JSON, safetensors and npz round-trip bit for bit, with PyTorch key names', () => {
    sameNet(net, modelToMlp(JSON.parse(JSON.stringify(mlpToModel(net, { seed: 3 }))), 'm').net);
    sameNet(net, deepOf(mlpToSafetensors(net), 'safetensors'));
    sameNet(net, deepOf(mlpToNpz(net), 'npz'));
    expect(Object.keys(mlpStateDict(net))).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
  });

  it('reads a state_dict with a prefix and without biases on some layers', () => {
    const bytes = stateDict({
      'net.0.weight': [4, 3],
      'net.0.bias': [4],
      'net.2.weight': [2, 4],
      'net.4.weight': [1, 2],
    });
    const m = deepOf(bytes, 'safetensors', 'relu');
    expect(m.widths).toEqual([3, 4, 2, 1]);
    expect(m.b.map((b) => b !== null)).toEqual([true, false, false]);
  });

  const refusals: [string, Record<string, number[]>, RegExp][] = [
    [
      'a missing layer',
      { '0.weight': [4, 3], '2.weight': [4, 4], '6.weight': [1, 4] },
      /"6\.weight" follows "2\.weight".*a layer is missing/,
    ],
    [
      'a shape chain that does not compose',
      { '0.weight': [4, 3], '2.weight': [2, 5], '4.weight': [1, 2] },
      /"2\.weight" has shape \(2, 5\) but "0\.weight" gives 4 outputs/,
    ],
    [
      'an unknown key',
      { '0.weight': [4, 3], '0.running_mean': [4], '2.weight': [1, 4] },
      /key "0\.running_mean" is not a Linear layer/,
    ],
    [
      'a bias without its weight',
      { '0.weight': [4, 3], '2.bias': [1], '4.weight': [1, 4] },
      /"2\.bias" is a bias without/,
    ],
    [
      'a bias of the wrong shape',
      { '0.weight': [4, 3], '0.bias': [3], '2.weight': [1, 4] },
      /"0\.bias" has shape \(3,\), expected \(4,\)/,
    ],
    ['a single layer', { '0.weight': [1, 3], '0.bias': [1] }, /only one Linear layer/],
  ];
  for (const [what, shapes, msg] of refusals)
    it(`refuses ${what}, naming the key`, () => {
      expect(() => deepOf(stateDict(shapes), 'safetensors', 'relu')).toThrow(msg);
    });

  it('refuses flatlab.model/2 objects with unknown layer fields, ragged rows or one layer', () => {
    const good = mlpToModel(net) as { layers: Record<string, unknown>[] };
    expect(() => modelToMlp({ ...good, layers: [{ ...good.layers[0], gamma: [1] }, ...good.layers.slice(1)] })).toThrow(
      /layers\[0\]: unknown field "gamma"/,
    );
    expect(() => modelToMlp({ ...good, layers: good.layers.slice(0, 1) })).toThrow(/at least 2 layers/);
    const ragged = JSON.parse(JSON.stringify(good));
    ragged.layers[1].W[2].pop();
    expect(() => modelToMlp(ragged)).toThrow(/layers\[1\]\.W\[2\] has 6 entries but W\[0\] has 7/);
  });
});

describe('deep models on the command line', () => {
  const dir = tempDir('flatlab-deep-cli-');
  const p = (f: string): string => join(dir, f);
  const net3 = randomMlp([5, 7, 6, 1], { name: 'relu' }, true, 2);
  writeFileSync(p('m3.safetensors'), mlpToSafetensors(net3));
  writeFileSync(p('m3.json'), JSON.stringify(mlpToModel(net3)));
  // A 3-layer state_dict without biases, as the user of the issue saved it.
  writeFileSync(
    p('nobias.safetensors'),
    writeSafetensors({
      '0.weight': { shape: [7, 5], data: net3.W[0] },
      '2.weight': { shape: [6, 7], data: net3.W[1] },
      '4.weight': { shape: [1, 6], data: net3.W[2] },
    }),
  );
  const gen = runCli(['data', '--d', '5', '--n', '40', '--seed', '1', '--out', p('d.json')]);
  if (gen.code !== 0) throw new Error(gen.stderr);

  it('--key-W/--key-a naming two layers of three is refused, naming the dropped layer (exit 2, one line)', async () => {
    await fails(
      [
        'measure',
        '--data',
        p('d.json'),
        '--model',
        p('nobias.safetensors'),
        '--activation',
        'relu',
        '--key-W',
        '0.weight',
        '--key-a',
        '4.weight',
      ],
      /"2\.weight", which --key-W 0\.weight --key-a 4\.weight would drop/,
    );
    const r = runCli([
      'measure',
      '--data',
      p('d.json'),
      '--model',
      p('nobias.safetensors'),
      '--key-W',
      '0.weight',
      '--key-a',
      '4.weight',
      '--activation',
      'relu',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad deep file is refused with one line naming the key (exit 2)', async () => {
    writeFileSync(p('bad.safetensors'), stateDict({ '0.weight': [7, 5], '2.weight': [6, 8], '4.weight': [1, 6] }));
    await fails(
      ['measure', '--data', p('d.json'), '--model', p('bad.safetensors'), '--activation', 'relu'],
      /"2\.weight" has shape \(6, 8\)/,
    );
    await fails(
      ['measure', '--data', p('d.json'), '--model', p('m3.json'), '--all'],
      /--all: the measure registry covers two-layer networks only/,
    );
  });

  it('measure prints the trace by layer, F* with its certificate, path norm, loss and Monte Carlo risk', async () => {
    const r = JSON.parse(await ok(['measure', '--data', p('d.json'), '--model', p('m3.safetensors'), '--json']));
    expect(r.model.widths).toEqual([5, 7, 6, 1]);
    expect(r.traceByLayer).toHaveLength(3);
    expect(r.traceResidual).toBe(0);
    expect(r.fStar.converged).toBe(true);
    expect(r.invariantFlatness).toBeLessThan(r.trace);
    expect(r.populationRisk.method).toBe('montecarlo');
    const same = JSON.parse(await ok(['measure', '--data', p('d.json'), '--model', p('m3.json'), '--json']));
    expect(same).toEqual(r);
    const text = await ok(['measure', '--data', p('d.json'), '--model', p('m3.json')]);
    expect(text).toMatch(/layer 3 +[0-9.]+ \(GN/);
    expect(text).toMatch(/certificate +converged after \d+ sweeps/);
  });

  it('rescale --balance keeps the function to 1e-12 and lands on F*; --factor and --random-log-range keep F*', async () => {
    const base = JSON.parse(await ok(['measure', '--data', p('d.json'), '--model', p('m3.json'), '--json']));
    await ok(['rescale', '--model', p('m3.json'), '--balance', '--data', p('d.json'), '--out', p('bal.safetensors')]);
    const bal = deepOf(new Uint8Array(readFileSync(p('bal.safetensors'))), 'safetensors');
    const X = randomMlpData(50, 5, 1, 9).X;
    const f0 = mlpForward(net3, X, 50);
    const f1 = mlpForward(bal, X, 50);
    let num = 0;
    let den = 0;
    for (let i = 0; i < 50; i++) {
      num += (f0[i] - f1[i]) ** 2;
      den += f0[i] ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-12);
    const at = JSON.parse(await ok(['measure', '--data', p('d.json'), '--model', p('bal.safetensors'), '--json']));
    expect(relErr(at.trace, base.invariantFlatness)).toBeLessThan(1e-12);
    for (const flags of [
      ['--factor', '3'],
      ['--random-log-range', '1.5', '--seed', '4'],
    ]) {
      await ok(['rescale', '--model', p('m3.json'), ...flags, '--out', p('r.npz')]);
      const r = JSON.parse(await ok(['measure', '--data', p('d.json'), '--model', p('r.npz'), '--json']));
      expect(relErr(r.invariantFlatness, base.invariantFlatness)).toBeLessThan(1e-10);
      expect(relErr(r.pathNorm, base.pathNorm)).toBeLessThan(1e-12);
      expect(relErr(r.trace, base.trace)).toBeGreaterThan(1e-3);
    }
  });

  it('estimate-trace on a deep model agrees with the exact trace within its error bars', async () => {
    const r = JSON.parse(
      await ok([
        'estimate-trace',
        '--data',
        p('d.json'),
        '--model',
        p('m3.json'),
        '--budget',
        '60',
        '--seeds',
        '10',
        '--no-convergence',
        '--json',
      ]),
    );
    expect(
      relErr(
        r.exact,
        JSON.parse(await ok(['measure', '--data', p('d.json'), '--model', p('m3.json'), '--json'])).trace,
      ),
    ).toBeLessThan(1e-14);
    expect(Math.abs(r.zScore)).toBeLessThan(4);
  });

  it('labels of shape (n, c) in an .npz or as JSON rows measure a c-output network', async () => {
    const data = randomMlpData(30, 5, 3, 5);
    writeFileSync(p('c3.npz'), writeNpz({ x: writeNpy([30, 5], data.X), y: writeNpy([30, 3], data.Y) }));
    const net = randomMlp([5, 6, 4, 3], { name: 'relu-pow', p: 2 }, false, 6);
    writeFileSync(p('c3.json'), JSON.stringify(mlpToModel(net)));
    const r = JSON.parse(await ok(['measure', '--data', p('c3.npz'), '--model', p('c3.json'), '--json']));
    expect(r.model.outputs).toBe(3);
    expect(r.traceResidual).not.toBe(0);
    expect(r.populationRisk.method).toBe('unavailable');
    const rows = (M: Float64Array, c: number): number[][] =>
      Array.from({ length: M.length / c }, (_, i) => Array.from(M.subarray(i * c, (i + 1) * c)));
    writeFileSync(
      p('c3data.json'),
      JSON.stringify({ format: 'flatlab.dataset/1', d: 5, n: 30, x: rows(data.X, 5), y: rows(data.Y, 3) }),
    );
    const fromJson = JSON.parse(await ok(['measure', '--data', p('c3data.json'), '--model', p('c3.json'), '--json']));
    expect(fromJson.trace).toBe(r.trace);
    await fails(
      ['measure', '--data', p('d.json'), '--model', p('c3.json')],
      /the model has c = 3 outputs but the labels have 1 column/,
    );
  });

  it('a two-layer bias-free model gives exactly the same report from flatlab.model/1, /2 and a state_dict', async () => {
    const net = randomNet('relu', 8, 5, 3);
    writeFileSync(p('v1.json'), JSON.stringify(networkToModel(net)));
    const two = {
      format: 'flatlab.model/2',
      activation: { name: 'relu' },
      layers: [{ W: [] as number[][] }, { W: [Array.from(net.a)] }],
    };
    for (let j = 0; j < 8; j++) two.layers[0].W.push(Array.from(net.W.subarray(j * 5, (j + 1) * 5)));
    writeFileSync(p('v2.json'), JSON.stringify(two));
    writeFileSync(
      p('v2.safetensors'),
      writeSafetensors({ '0.weight': { shape: [8, 5], data: net.W }, '2.weight': { shape: [1, 8], data: net.a } }),
    );
    const v1 = await ok(['measure', '--data', p('d.json'), '--model', p('v1.json'), '--json']);
    expect(JSON.parse(v1).traceByLayer).toBeUndefined(); // the two-layer report
    expect(await ok(['measure', '--data', p('d.json'), '--model', p('v2.json'), '--json'])).toBe(v1);
    expect(
      await ok(['measure', '--data', p('d.json'), '--model', p('v2.safetensors'), '--activation', 'relu', '--json']),
    ).toBe(v1);
  });
});
