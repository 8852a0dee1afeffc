/**
 * Every input path through one bounded reader: non-regular files (FIFO, device, directory, socket,
 * symlinks to them) are refused before opening, so nothing blocks or grows without end; npz archives
 * are CRC- and size-checked and read lazily (a flipped bit is an error, never other numbers; an unused
 * member that inflates to hundreds of MB costs nothing; a member that lies about its size stops at the
 * lie); member names resolve as numpy's NpzFile resolves them; CSV cells are plain decimals; spec
 * files are one bounded YAML document with unique names. Generated inputs by fast-check.
 */

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { deflateSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readDatasetFile } from '../../src/cli/dataset-file.js';
import { readModelFile } from '../../src/cli/model-file.js';
import { parseCsvDataset } from '../../src/data/dataset-json.js';
import { InputError } from '../../src/errors.js';
import { datasetFromNpz, datasetToNpz } from '../../src/io/dataset-tensors.js';
import { parseNpy, writeNpy } from '../../src/io/npy.js';
import { openNpz } from '../../src/io/npz.js';
import { crc32 } from '../../src/io/zip.js';
import { parseSpec, SPEC_LIMITS, uniqueSpecs } from '../../src/studies/spec.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { mkfifoSync } from './mkfifo.js';

const dir = tempDir('flatlab-inputs-');
const p = (f: string): string => join(dir, f);

function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected an InputError');
}

const small = { n: 4, d: 2, X: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8), y: Float64Array.of(1, -1, 0.5, 2) };

describe('non-regular files are refused before they are opened', () => {
  const fifo = p('pipe.npy');
  mkfifoSync(fifo);
  symlinkSync('/dev/zero', p('zero.npz'));
  symlinkSync('/dev/zero', p('zero.json'));
  symlinkSync(fifo, p('link-to-pipe.safetensors'));
  mkdirSync(p('folder.npz'));

  it.each([
    ['a FIFO as --data x.npy', () => readDatasetFile(fifo, fifo), /FIFO/],
    [
      'a FIFO as --labels',
      () => readDatasetFile(p('folder.npz').replace('folder.npz', 'x.npy'), fifo),
      /not found|FIFO/,
    ],
    ['a symlink to /dev/zero as .npz', () => readDatasetFile(p('zero.npz')), /device/],
    ['a symlink to /dev/zero as JSON', () => readDatasetFile(p('zero.json')), /device/],
    ['a symlink to a FIFO as a model', () => readModelFile(p('link-to-pipe.safetensors')), /FIFO/],
    ['a directory', () => readDatasetFile(p('folder.npz')), /directory/],
  ])('%s', (_name, f, pattern) => {
    expect(inputError(f)).toMatch(pattern);
  });

  it('a unix socket', async () => {
    const sock = p('s.npz');
    const server = createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    expect(inputError(() => readDatasetFile(sock))).toMatch(/socket/);
    server.close();
  });

  it('the CLI answers a FIFO at once with one line, exit 2 (no hang)', () => {
    const r = runCli(['measure', '--data', fifo, '--labels', fifo, '--model', p('none.json')], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('npz archives are checked, not trusted', () => {
  const good = datasetToNpz(small);

  it('any flipped bit is an InputError or leaves the data set bit-identical (CRC-32, sizes, headers)', () => {
    const ref = datasetFromNpz(good);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length * 8 - 1 }), (bit) => {
        const b = good.slice();
        b[bit >> 3] ^= 1 << (bit & 7);
        let back: ReturnType<typeof datasetFromNpz>;
        try {
          back = datasetFromNpz(b);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return;
        }
        expect(Array.from(back.X)).toEqual(Array.from(ref.X));
        expect(Array.from(back.y)).toEqual(Array.from(ref.y));
      }),
      { numRuns: 400 },
    );
  });

  it('an unused member inflating to 48 MB is never inflated', () => {
    const junk = new Uint8Array(48 * 2 ** 20); // zeros: deflate to ~50 KB
    const z = zipSync(
      { 'x.npy': writeNpy([4, 2], small.X), 'y.npy': writeNpy([4], small.y), 'junk.npy': junk },
      { level: 1 },
    );
    expect(z.length).toBeLessThan(2 ** 20);
    const heap0 = process.memoryUsage().arrayBuffers;
    const d = datasetFromNpz(z);
    expect(d.n).toBe(4);
    expect(process.memoryUsage().arrayBuffers - heap0).toBeLessThan(8 * 2 ** 20);
  });

  it('a member that inflates past its declared size stops at the lie (a zip bomb)', () => {
    const bomb = new Uint8Array(16 * 2 ** 20);
    const z = zipSync({ 'x.npy': writeNpy([4, 2], small.X), 'y.npy': bomb }, { level: 1 });
    // Rewrite the declared sizes of y.npy in the central directory to 128 bytes.
    const v = new DataView(z.buffer);
    for (let q = z.length - 22; q >= 0; q--) {
      if (v.getUint32(q, true) === 0x02014b50 && new TextDecoder().decode(z.subarray(q + 46, q + 46 + 5)) === 'y.npy')
        v.setUint32(q + 24, 128, true);
    }
    expect(inputError(() => datasetFromNpz(z))).toMatch(/inflates past its declared 128 bytes|declares/);
  });

  it('a member whose .npy header disagrees with the declared size is refused before it is inflated', () => {
    const x = writeNpy([4, 2], small.X);
    const lying = x.slice(0, x.length - 8); // header says 8 values, 7 present
    const z = zipSync({ 'x.npy': lying, 'y.npy': writeNpy([4], small.y) }, { level: 6 });
    expect(inputError(() => datasetFromNpz(z))).toMatch(/header declares|truncated/);
  });

  it('a CRC mismatch is named as such', () => {
    const z = zipSync({ 'x.npy': writeNpy([4, 2], small.X), 'y.npy': writeNpy([4], small.y) }, { level: 0 });
    const y = writeNpy([4], small.y);
    z[findBytes(z, y) + y.length - 3] ^= 0x10; // a bit of the last stored value of y
    expect(inputError(() => datasetFromNpz(z))).toMatch(/CRC-32 mismatch|corrupt/);
  });

  it('crc32 matches the zip reference value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('names resolve as numpy does: "x" before "x.npy", the last of a repeated name', () => {
    const ones = writeNpy(
      [4, 2],
      Float64Array.from({ length: 8 }, () => 1),
    );
    const twos = writeNpy(
      [4, 2],
      Float64Array.from({ length: 8 }, () => 2),
    );
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (rawFirst, level) => {
        const entries: [string, Uint8Array][] = [
          ['x', ones],
          ['x.npy', twos],
        ];
        if (!rawFirst) entries.reverse();
        const z = zipSync(Object.fromEntries([...entries, ['y.npy', writeNpy([4], small.y)]]), {
          level: level ? 6 : 0,
        });
        const a = openNpz(z);
        expect(a.keys()).toEqual(rawFirst ? ['x', 'y'] : ['x', 'y']);
        expect(parseNpy(a.get('x') as Uint8Array).data[0]).toBe(1); // the raw name wins, as in NpzFile.__getitem__
        expect(a.get('x.npy')).toBeDefined();
        expect(a.get('z')).toBeUndefined();
      }),
    );
  });

  it('deflate streams that are garbage are one-line errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (junk) => {
        const z = zipSync({ 'x.npy': writeNpy([4, 2], small.X), 'y.npy': writeNpy([4], small.y) }, { level: 6 });
        // Replace y's compressed bytes with junk of the same length where it fits.
        const packed = deflateSync(writeNpy([4], small.y));
        const at = findBytes(z, packed);
        if (at < 0) return;
        z.set(junk.subarray(0, packed.length), at);
        try {
          datasetFromNpz(z);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 100 },
    );
  });
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

describe('a .npy file is read only up to the length its header declares', () => {
  it('a file longer than its header says is refused after reading the header', () => {
    const x = writeNpy([4, 2], small.X);
    const longer = new Uint8Array(x.length + 1000);
    longer.set(x);
    writeFileSync(p('long.npy'), longer);
    writeFileSync(p('y.npy'), writeNpy([4], small.y));
    expect(inputError(() => readDatasetFile(p('long.npy'), p('y.npy')))).toMatch(/1000 bytes after the data/);
    writeFileSync(p('short.npy'), x.subarray(0, x.length - 3));
    expect(inputError(() => readDatasetFile(p('short.npy'), p('y.npy')))).toMatch(/truncated/);
  });
});

describe('CSV cells are plain decimal numbers', () => {
  const decimal = fc
    .tuple(
      fc.constantFrom('', '-', '+'),
      fc.nat(99999),
      fc.option(fc.nat(9999)),
      fc.option(fc.integer({ min: -20, max: 20 })),
    )
    .map(([s, i, f, e]) => `${s}${i}${f === null ? '' : `.${f}`}${e === null ? '' : `e${e}`}`);
  const notDecimal = fc.oneof(
    fc.nat(255).map((v) => `0x${v.toString(16)}`),
    fc.nat(255).map((v) => `0b${v.toString(2)}`),
    fc.nat(255).map((v) => `0o${v.toString(8)}`),
    fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => `"${a},${b}"`),
    fc.tuple(fc.nat(99), fc.nat(999)).map(([a, b]) => `${a}_${b}`),
    fc.constantFrom('Infinity', '-inf', 'NaN', ' ', '1e', '.', '--1', '1..2', '١٢'),
  );

  it('plain decimals are read as Number reads them', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(decimal, decimal), { minLength: 1, maxLength: 5 }), (rows) => {
        const d = parseCsvDataset(rows.map((r) => r.join(',')).join('\n'));
        expect(Array.from(d.X)).toEqual(rows.map((r) => Number(r[0])));
        expect(Array.from(d.y)).toEqual(rows.map((r) => Number(r[1])));
      }),
    );
  });

  it('hex, binary, octal, quoted decimal commas, underscores and non-finite cells are refused, in any row', () => {
    fc.assert(
      fc.property(decimal, notDecimal, fc.nat(3), fc.boolean(), (ok, bad, row, header) => {
        const rows = Array.from({ length: 4 }, () => `${ok},${ok}`);
        rows[row] = `${bad},${ok}`;
        const text = `${header ? 'a,b\n' : ''}${rows.join('\n')}\n`;
        expect(inputError(() => parseCsvDataset(text))).toMatch(/line \d+, column 1|columns|unterminated/);
      }),
    );
  });
});

describe('spec files: one bounded document, unique names', () => {
  const spec = (name: string) =>
    `name: ${name}\nstudy: estimators\ntitle: t\nbase: { method: hutchinson, budget: 6, d: 3, n: 10, m: 4, reps: 2 }\nscales:\n  smoke: { seeds: [0] }\n  default: { seeds: [0] }\n  full: { seeds: [0] }\n`;

  it('a second document is refused, not dropped', () => {
    expect(parseSpec(spec('a'), 's.yaml').name).toBe('a');
    expect(inputError(() => parseSpec(`${spec('a')}---\n${spec('b')}`, 's.yaml'))).toMatch(/2 YAML documents/);
  });

  it('a mapping of 120,000 keys is refused before parsing (fast)', () => {
    const big = Array.from({ length: 120_000 }, (_, i) => `k${i}: 1`).join('\n');
    const t0 = performance.now();
    expect(inputError(() => parseSpec(big, 'big.yaml'))).toMatch(/over the spec limit/);
    expect(performance.now() - t0).toBeLessThan(2000);
    const many = Array.from({ length: SPEC_LIMITS.keys + 1 }, (_, i) => `k${i}: 1`).join('\n');
    expect(inputError(() => parseSpec(many, 'many.yaml'))).toMatch(/more than 2000 keys/);
  });

  it('two specs with one name in one run are refused, naming both files', () => {
    const specs = [parseSpec(spec('same'), 'a.yaml'), parseSpec(spec('same'), 'b.yaml')];
    expect(inputError(() => uniqueSpecs(specs, ['a.yaml', 'b.yaml']))).toMatch(/b\.yaml.*"same".*a\.yaml/);
  });
});
