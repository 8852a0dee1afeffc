/**
 * Fuzzing the numpy / safetensors parsers: whatever the bytes — random, or a valid file with bytes
 * flipped, cut or inserted — a parser returns a valid object or throws an InputError, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createNetwork,
  datasetFromNpz,
  datasetToNpz,
  InputError,
  modelFromTensorBytes,
  modelToNpz,
  modelToSafetensors,
  parseNpy,
  parseSafetensors,
  writeNpy,
} from '../../src/index.js';

const net = createNetwork('relu', Float64Array.of(1, -2, 0.5), Float64Array.of(1, 2, 3, 4, 5, 6), 2);
const seeds: [string, Uint8Array][] = [
  ['npy', writeNpy([3, 2], Float64Array.of(1, 2, 3, 4, 5, 6))],
  ['data npz', datasetToNpz({ n: 3, d: 2, X: Float64Array.of(1, 2, 3, 4, 5, 6), y: Float64Array.of(1, 2, 3) })],
  ['model npz', modelToNpz(net)],
  ['model safetensors', modelToSafetensors(net)],
];

/** Every parser on the same bytes; each must return normally or throw an InputError. */
function parseAll(bytes: Uint8Array): void {
  const attempts: (() => unknown)[] = [
    () => {
      const t = parseNpy(bytes);
      expect(t.data.length).toBe(t.shape.reduce((p, q) => p * q, 1));
    },
    () => {
      const st = parseSafetensors(bytes);
      for (const k of st.entries.keys()) st.tensor(k);
    },
    () => datasetFromNpz(bytes),
    () => modelFromTensorBytes(bytes, 'npz', { activation: 'relu' }),
    () => modelFromTensorBytes(bytes, 'safetensors', { activation: 'relu' }),
  ];
  for (const f of attempts) {
    try {
      f();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      expect(e.message).not.toContain('\n');
    }
  }
}

/** A valid file mutated: some bytes overwritten, then cut at a random length or extended. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds.map(([, b]) => b)),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat()),
    fc.uint8Array({ maxLength: 16 }),
  )
  .map(([base, flips, cut, tail]) => {
    const b = base.slice();
    for (const [pos, v] of flips) b[pos % b.length] = v;
    const len = cut === null ? b.length : cut % (b.length + 1);
    const out = new Uint8Array(len + tail.length);
    out.set(b.subarray(0, len));
    out.set(tail, len);
    return out;
  });

describe('parser fuzzing: InputError or a valid object, never another exception', () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => parseAll(b)),
      { numRuns: 300, seed: 16 },
    );
  });

  it('on valid files with bytes flipped, cut and appended', () => {
    fc.assert(
      fc.property(mutated, (b) => parseAll(b)),
      { numRuns: 1500, seed: 17 },
    );
  });

  it('on random .npy headers and safetensors headers', () => {
    const npyHeader = fc.string({ maxLength: 80 }).map((h) => {
      const text = `{'descr': '<f8', 'fortran_order': False, 'shape': ${h}, }`;
      const out = new Uint8Array(10 + text.length + 16);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, text.length, true);
      for (let k = 0; k < text.length; k++) out[10 + k] = text.charCodeAt(k) & 0xff;
      return out;
    });
    const stHeader = fc.json({ maxDepth: 3 }).map((j) => {
      const h = new TextEncoder().encode(j);
      const out = new Uint8Array(8 + h.length + 16);
      new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
      out.set(h, 8);
      return out;
    });
    fc.assert(
      fc.property(fc.oneof(npyHeader, stHeader), (b) => parseAll(b)),
      { numRuns: 800, seed: 18 },
    );
  });
});
