/**
 * The pure numpy / safetensors readers and writers (src/io): bit-identical float64 round trips, exact
 * float32/float16/bfloat16 widening, byte and memory orders, and one-line InputErrors for every kind of
 * bad file. Fixtures are built byte by byte here, independently of the writers under test.
 */

import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createNetwork, InputError, modelToNetwork, networkToModel, Rng } from '../../src/index.js';
import {
  datasetFromNpz,
  datasetToNpz,
  halfToNumber,
  modelFromTensorBytes,
  modelToNpz,
  modelToSafetensors,
  parseNpy,
  parseNpyText,
  parseSafetensors,
  readNpz,
  writeNpy,
  writeNpyText,
  writeSafetensors,
} from '../../src/io/index.js';

/** A .npy built by hand: the header exactly as numpy writes it, then the given data bytes. */
function npyBytes(descr: string, shape: number[], fortran: boolean, data: Uint8Array): Uint8Array {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let h = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeStr}, }`;
  h += `${' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, h.length, true);
  for (let k = 0; k < h.length; k++) out[10 + k] = h.charCodeAt(k);
  out.set(data, 10 + h.length);
  return out;
}

function floatBytes(values: number[], size: 4 | 8, little: boolean): Uint8Array {
  const b = new Uint8Array(values.length * size);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => {
    if (size === 8) v.setFloat64(8 * i, x, little);
    else v.setFloat32(4 * i, x, little);
  });
  return b;
}

/** Values that exercise every bit: random doubles over many magnitudes, subnormals, ±0, extremes. */
function awkwardDoubles(count: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = (rng.uniform() - 0.5) * 10 ** Math.floor(rng.uniform() * 40 - 20);
  out.set([0, -0, 5e-324, -Number.MAX_VALUE, Number.MIN_VALUE, 1 / 3], 0);
  return out;
}

function bitsEqual(p: Float64Array, q: Float64Array): boolean {
  const a = new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
  const b = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

describe('.npy', () => {
  it('reads little- and big-endian float64 in C order bit-identically', () => {
    const v = Array.from(awkwardDoubles(12, 1));
    for (const little of [true, false]) {
      const t = parseNpy(npyBytes(little ? '<f8' : '>f8', [3, 4], false, floatBytes(v, 8, little)));
      expect(t.shape).toEqual([3, 4]);
      expect(t.dtype).toBe('float64');
      expect(bitsEqual(t.data, Float64Array.from(v))).toBe(true);
    }
  });

  it('widens float32 exactly (both byte orders) to the same doubles Math.fround gives', () => {
    const v = Array.from(awkwardDoubles(10, 2), (x) => Math.fround(x));
    for (const little of [true, false]) {
      const t = parseNpy(npyBytes(little ? '<f4' : '>f4', [10], false, floatBytes(v, 4, little)));
      expect(t.dtype).toBe('float32');
      expect(Array.from(t.data)).toEqual(v);
    }
  });

  it('reorders Fortran-order arrays (2-D and 3-D) into C order', () => {
    // Fortran order of the 2×3 matrix [[0,1,2],[3,4,5]] is 0,3,1,4,2,5.
    const t = parseNpy(npyBytes('<f8', [2, 3], true, floatBytes([0, 3, 1, 4, 2, 5], 8, true)));
    expect(Array.from(t.data)).toEqual([0, 1, 2, 3, 4, 5]);
    // 3-D: element (i,j,k) = 100i + 10j + k, shape (2,3,4); Fortran index = i + 2j + 6k.
    const f = new Array<number>(24);
    const c: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) {
          f[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
          c.push(100 * i + 10 * j + k);
        }
    expect(Array.from(parseNpy(npyBytes('>f4', [2, 3, 4], true, floatBytes(f, 4, false))).data)).toEqual(c);
  });

  it('writeNpy → parseNpy is bit-identical, and its header is what numpy writes', () => {
    const v = awkwardDoubles(30, 3);
    const bytes = writeNpy([5, 6], v);
    expect(bitsEqual(parseNpy(bytes).data, v)).toBe(true);
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLen)).trim()).toBe(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 6), }",
    );
  });

  it('round-trips unicode strings, including non-BMP code points', () => {
    for (const s of ['relu', 'relu_pow:2', 'ψ → 𝔼[f]']) expect(parseNpyText(writeNpyText(s))).toBe(s);
  });

  it('refuses other dtypes by their numpy name', () => {
    const cases: [string, string][] = [
      ['<i8', 'int64'],
      ['<u1', 'uint8'],
      ['|b1', 'bool'],
      ['<f2', 'float16'],
      ['<c16', 'complex128'],
      ['|O', 'object'],
      ['<U4', 'str'],
    ];
    for (const [descr, name] of cases) {
      const msg = inputError(() => parseNpy(npyBytes(descr, [1], false, new Uint8Array(16))));
      expect(msg).toContain(`dtype ${name}`);
      expect(msg).toContain(descr);
    }
  });

  it('refuses a structured dtype, a wrong magic, a bad version, and a malformed header', () => {
    const good = writeNpy([2], Float64Array.of(1, 2));
    expect(inputError(() => parseNpy(npyBytes("[('a', '<f8')]", [1], false, new Uint8Array(8))))).toMatch(
      /malformed|structured/,
    );
    const bad = good.slice();
    bad[1] = 0x58;
    expect(inputError(() => parseNpy(bad))).toContain('wrong magic');
    const v9 = good.slice();
    v9[6] = 9;
    expect(inputError(() => parseNpy(v9))).toContain('version 9');
    const garbled = good.slice();
    garbled[12] = 0x28; // '(' inside the dict where a key should be
    expect(inputError(() => parseNpy(garbled))).toMatch(/header/);
  });

  it('refuses every truncation of a valid file, and trailing bytes', () => {
    const good = writeNpy([3, 2], awkwardDoubles(6, 4));
    for (let len = 0; len < good.length; len++) {
      expect(inputError(() => parseNpy(good.subarray(0, len)))).toMatch(/truncated|malformed/);
    }
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expect(inputError(() => parseNpy(longer))).toContain('after the data');
  });
});

describe('.npz', () => {
  it('reads stored and deflated members (as np.savez and np.savez_compressed write them)', () => {
    const x = writeNpy([2, 2], Float64Array.of(1, 2, 3, 4));
    for (const level of [0, 6] as const) {
      const members = readNpz(zipSync({ 'x.npy': x, 'y.npy': writeNpy([2], Float64Array.of(5, 6)) }, { level }));
      expect([...members.keys()].sort()).toEqual(['x', 'y']);
      expect(Array.from(parseNpy(members.get('x') as Uint8Array).data)).toEqual([1, 2, 3, 4]);
    }
  });

  it('refuses a wrong magic, truncated archives and corrupt ones with one-line errors', () => {
    const z = datasetToNpz({ n: 3, d: 2, X: awkwardDoubles(6, 5), y: Float64Array.of(1, 2, 3) });
    expect(inputError(() => readNpz(new TextEncoder().encode('not a zip file at all, really')))).toContain(
      'wrong magic',
    );
    for (const len of [0, 10, 30, Math.floor(z.length / 2), z.length - 1]) {
      expect(inputError(() => readNpz(z.subarray(0, len)))).toMatch(/truncated|corrupt/);
    }
  });

  it('round-trips a data set (x, y, target, seed) bit-identically', () => {
    const X = awkwardDoubles(40, 6);
    const y = awkwardDoubles(10, 7);
    const back = datasetFromNpz(datasetToNpz({ n: 10, d: 4, X, y, seed: 42 }));
    expect(back.n).toBe(10);
    expect(back.d).toBe(4);
    expect(back.seed).toBe(42);
    expect(bitsEqual(back.X, X) && bitsEqual(back.y, y)).toBe(true);
  });

  it('data set errors: missing keys, shape mismatches, non-finite values', () => {
    const npz = (m: Record<string, Uint8Array>): Uint8Array =>
      zipSync(Object.fromEntries(Object.entries(m).map(([k, v]) => [`${k}.npy`, v])));
    const x = writeNpy([3, 2], Float64Array.of(1, 2, 3, 4, 5, 6));
    expect(inputError(() => datasetFromNpz(npz({ x })))).toContain('no array "y"');
    expect(inputError(() => datasetFromNpz(npz({ X: x, y: writeNpy([3], new Float64Array(3)) })))).toContain(
      'no array "x"',
    );
    expect(inputError(() => datasetFromNpz(npz({ x, y: writeNpy([4], new Float64Array(4)) })))).toContain('n = 3');
    expect(
      inputError(() =>
        datasetFromNpz(npz({ x: writeNpy([6], new Float64Array(6)), y: writeNpy([6], new Float64Array(6)) })),
      ),
    ).toContain('2-D');
    expect(
      inputError(() =>
        datasetFromNpz(
          npz({
            x: writeNpy([3, 2], Float64Array.of(1, 2, Number.NaN, 4, 5, 6)),
            y: writeNpy([3], new Float64Array(3)),
          }),
        ),
      ),
    ).toContain('x[1][0] is NaN');
  });
});

describe('safetensors', () => {
  /** A safetensors file built by hand (JSON header, then little-endian bytes), independent of the writer. */
  function stBytes(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    return out;
  }

  it('writeSafetensors → parseSafetensors is bit-identical float64, metadata kept', () => {
    const v = awkwardDoubles(21, 8);
    const st = parseSafetensors(writeSafetensors({ W: { shape: [7, 3], data: v } }, { activation: 'relu' }));
    expect(st.metadata).toEqual({ activation: 'relu' });
    expect(st.tensor('W').shape).toEqual([7, 3]);
    expect(bitsEqual(st.tensor('W').data, v)).toBe(true);
  });

  it('widens F32, F16 and BF16 exactly', () => {
    const f32 = [1.5, -2.25, Math.fround(0.1), Math.fround(3e-41)];
    // F16: 0x3c00 = 1, 0xc000 = −2, 0x0001 = 2^-24 (smallest subnormal), 0x7bff = 65504 (largest).
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff]).buffer);
    // BF16 keeps the top 16 bits of a float32: 0x3f80 = 1, 0x4049 = 3.140625, 0xc2f7 = −123.5.
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0x4049, 0xc2f7]).buffer);
    const data = new Uint8Array([...floatBytes(f32, 4, true), ...f16, ...bf16]);
    const st = parseSafetensors(
      stBytes(
        {
          a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
          h: { dtype: 'F16', shape: [2, 2], data_offsets: [16, 24] },
          b: { dtype: 'BF16', shape: [3], data_offsets: [24, 30] },
        },
        data,
      ),
    );
    expect(Array.from(st.tensor('a').data)).toEqual(f32);
    expect(Array.from(st.tensor('h').data)).toEqual([1, -2, 2 ** -24, 65504]);
    expect(Array.from(st.tensor('b').data)).toEqual([1, 3.140625, -123.5]);
    expect(halfToNumber(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToNumber(0x8000)).toBe(-0);
  });

  it('refuses non-float dtypes by name, bad offsets, overlap, bad JSON, truncation, a wrong magic', () => {
    const ok = { dtype: 'F64', shape: [2], data_offsets: [0, 16] };
    const i64 = parseSafetensors(
      stBytes({ i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, new Uint8Array(16)),
    );
    expect(inputError(() => i64.tensor('i'))).toContain('dtype I64');
    expect(inputError(() => i64.tensor('nope'))).toContain('no tensor "nope"');
    expect(inputError(() => parseSafetensors(stBytes({ t: { ...ok, dtype: 'F128' } }, new Uint8Array(16))))).toContain(
      'unknown dtype',
    );
    expect(
      inputError(() => parseSafetensors(stBytes({ t: { ...ok, data_offsets: [0, 8] } }, new Uint8Array(16)))),
    ).toContain('needs 16');
    expect(
      inputError(() => parseSafetensors(stBytes({ t: { ...ok, data_offsets: [8, 24] } }, new Uint8Array(16)))),
    ).toContain('truncated');
    expect(
      inputError(() => parseSafetensors(stBytes({ t: ok, u: { ...ok, data_offsets: [8, 24] } }, new Uint8Array(24)))),
    ).toContain('overlap');
    expect(inputError(() => parseSafetensors(stBytes({ t: { ...ok, shape: [-1] } }, new Uint8Array(16))))).toContain(
      'shape',
    );
    const bad = stBytes({ t: ok }, new Uint8Array(16));
    bad[9] = 0x7d; // '{}' … → invalid JSON
    expect(inputError(() => parseSafetensors(bad))).toContain('not valid JSON');
    expect(inputError(() => parseSafetensors(writeNpy([1], Float64Array.of(1))))).toMatch(
      /not a safetensors|implausible/,
    );
    const good = writeSafetensors({ t: { shape: [3], data: Float64Array.of(1, 2, 3) } });
    for (let len = 0; len < good.length; len++)
      expect(inputError(() => parseSafetensors(good.subarray(0, len)))).toMatch(/truncated|not valid JSON|implausible/);
  });
});

describe('models in .npz and safetensors', () => {
  const rng = new Rng(9);
  const m = 5;
  const d = 3;
  const W = Float64Array.from({ length: m * d }, () => rng.uniform() * 2 - 1);
  const a = Float64Array.from({ length: m }, () => rng.uniform() * 2 - 1);
  const net = createNetwork({ name: 'relu-pow', p: 2 }, a, W, d);

  it('JSON ↔ npz ↔ safetensors round trips are bit-identical and keep activation and provenance', () => {
    const json = JSON.parse(JSON.stringify(networkToModel(net, { seed: 3 })));
    const fromJson = modelToNetwork(json).net;
    const viaNpz = modelFromTensorBytes(modelToNpz(fromJson, { seed: 3 }), 'npz');
    const viaSt = modelFromTensorBytes(modelToSafetensors(viaNpz.net, viaNpz.provenance), 'safetensors');
    const back = modelToNetwork(JSON.parse(JSON.stringify(networkToModel(viaSt.net, viaSt.provenance))));
    for (const n of [fromJson, viaNpz.net, viaSt.net, back.net]) {
      expect(bitsEqual(n.W, W) && bitsEqual(n.a, a)).toBe(true);
      expect(n.act.spec).toEqual({ name: 'relu-pow', p: 2 });
    }
    expect(back.provenance).toEqual({ seed: 3 });
  });

  it('reads the PyTorch state_dict layout (0.weight m×d, 2.weight 1×m) with --activation', () => {
    const st = writeSafetensors({ '0.weight': { shape: [m, d], data: W }, '2.weight': { shape: [1, m], data: a } });
    const r = modelFromTensorBytes(st, 'safetensors', { activation: 'relu' });
    expect(bitsEqual(r.net.W, W) && bitsEqual(r.net.a, a)).toBe(true);
    const named = writeSafetensors({ 'fc1.w': { shape: [m, d], data: W }, 'fc2.w': { shape: [m], data: a } });
    expect(modelFromTensorBytes(named, 'safetensors', { activation: 'relu', keyW: 'fc1.w', keyA: 'fc2.w' }).net.m).toBe(
      m,
    );
  });

  it('model errors: no activation, disagreeing activation, missing keys, bias, shapes, deeper nets', () => {
    const torch = (extra: Record<string, { shape: number[]; data: Float64Array }> = {}, aShape = [1, m]) =>
      writeSafetensors({ '0.weight': { shape: [m, d], data: W }, '2.weight': { shape: aShape, data: a }, ...extra });
    expect(inputError(() => modelFromTensorBytes(torch(), 'safetensors'))).toContain('carries no activation');
    expect(inputError(() => modelFromTensorBytes(modelToNpz(net), 'npz', { activation: 'relu' }))).toContain(
      'disagrees',
    );
    const bias = torch({ '0.bias': { shape: [m], data: a } });
    expect(inputError(() => modelFromTensorBytes(bias, 'safetensors', { activation: 'relu' }))).toMatch(
      /bias \("0\.bias"\).*\[x, 1\]/,
    );
    const deep = torch({ '4.weight': { shape: [1, 1], data: Float64Array.of(1) } });
    expect(inputError(() => modelFromTensorBytes(deep, 'safetensors', { activation: 'relu' }))).toContain(
      '3 weight tensors',
    );
    expect(
      inputError(() =>
        modelFromTensorBytes(torch({}, [m, 1]).slice(), 'safetensors', { activation: 'relu', keyW: 'x' }),
      ),
    ).toContain('no array "x"');
    const transposed = writeSafetensors({ W: { shape: [d, m], data: W }, a: { shape: [m], data: a } });
    expect(inputError(() => modelFromTensorBytes(transposed, 'safetensors', { activation: 'relu' }))).toContain(
      'm × d',
    );
    const twoOut = writeSafetensors({ W: { shape: [m, d], data: W }, a: { shape: [2, 3], data: new Float64Array(6) } });
    expect(inputError(() => modelFromTensorBytes(twoOut, 'safetensors', { activation: 'relu' }))).toContain(
      '2 outputs',
    );
    const empty = writeSafetensors({ x: { shape: [1], data: Float64Array.of(1) } });
    expect(inputError(() => modelFromTensorBytes(empty, 'safetensors', { activation: 'relu' }))).toContain(
      'no model arrays',
    );
  });
});
