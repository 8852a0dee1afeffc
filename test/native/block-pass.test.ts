/**
 * The native fused forward pass (Backend.blockPass: Z = X Wᵀ slice by slice in cache, forward pass,
 * residuals, trace sums, gradient pass and the gradient's product Gᵀ X) against the same backend's
 * unfused kernels composed in order (blockPassByParts), on each GEMM kernel the addon has, for every
 * activation, on shapes with edge tiles: rows not multiples of the slice or of four, m across the
 * GEMM's column blocks, d across its K-slices. On the built-in GEMM Z, the residuals and the column
 * sums are bit-identical to the unfused passes at any thread count (same products, same chunking,
 * slices in whole groups of four rows); gW and everything on OpenBLAS agree to 1e-10 of the scale
 * (the sum of absolute values of the terms). The portable backend's blockPass is the composition
 * itself, and the core quantities of dataPass through it are compared with the native ones in
 * native-backend.test.ts.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActKernel, Backend, BlockPassOut } from '../../src/linalg/backend.js';
import { blockPassByParts } from '../../src/linalg/block-pass.js';
import { jsBackend } from '../../src/linalg/js-backend.js';
import { type ActivationSpec, makeActivation } from '../../src/model/activations.js';
import { loadNativeBackend, nativeInfo, nativeOnKernel } from '../../src/node/native-backend.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { ACTIVATION_SPECS, specLabel } from '../helpers.js';

const native = loadNativeBackend();
const skip = native === null && process.env.FLATLAB_BACKEND !== 'native';
const TOL = 1e-10;

// (rows, d, m): a 1×1 block; odd sizes below one register tile; several slices and gradient blocks
// (m = 701: slices of 88 or 184 rows, 300 rows in two blocks); d over two K-slices of the GEMM and more
// rows of Xᵀ G than one packed block; m over two column blocks of the GEMM.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 2, 5],
  [37, 9, 25],
  [300, 6, 701],
  [45, 300, 30],
  [21, 4, 1600],
];

const rand = (len: number, rng: Rng, s = 1): Float64Array => rng.fillNormal(new Float64Array(len), s);
const abs = (v: Float64Array): Float64Array => v.map(Math.abs);

interface Outs {
  r: Float64Array;
  Z: Float64Array;
  A: Float64Array;
  B: Float64Array;
  C: Float64Array;
  ga: Float64Array;
  gW: Float64Array;
}

/** Every output of blockPass on `be` (Z asked for, so the unfused composition runs in one block). */
function run(
  pass: (out: BlockPassOut, r: Float64Array) => void,
  rows: number,
  d: number,
  m: number,
  q: Float64Array,
): Outs {
  const o: Outs = {
    r: new Float64Array(rows),
    Z: new Float64Array(rows * m),
    A: new Float64Array(m),
    B: new Float64Array(m),
    C: new Float64Array(m),
    ga: new Float64Array(m),
    gW: new Float64Array(m * d),
  };
  pass({ Z: o.Z, trace: { q, A: o.A, B: o.B, C: o.C }, ga: o.ga, gW: o.gW }, o.r);
  return o;
}

function same(x: Float64Array, y: Float64Array, what: string): void {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++)
    if (!Object.is(x[i], y[i])) throw new Error(`${what}[${i}]: fused ${x[i]} vs unfused ${y[i]}`);
}

function close(x: Float64Array, y: Float64Array, scale: Float64Array, what: string): void {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) {
    const err = Math.abs(x[i] - y[i]);
    if (!(err <= TOL * (scale[i] + 1e-300)))
      throw new Error(`${what}[${i}]: fused ${x[i]} vs unfused ${y[i]} (|diff| ${err}, scale ${scale[i]})`);
  }
}

/**
 * Scales of the outputs: the sums of absolute values of their terms, each σ^(k)(z) widened by
 * |σ^(k+1)(z)| times the scale of z (how far the products' rounding may move it).
 */
function scales(
  act: ActivationSpec,
  X: Float64Array,
  W: Float64Array,
  a: Float64Array,
  y: Float64Array,
  q: Float64Array,
  rows: number,
  d: number,
  m: number,
) {
  const s = makeActivation(act);
  const zs = new Float64Array(rows * m);
  jsBackend.gemm(false, true, rows, m, d, 1, abs(X), abs(W), 0, zs);
  const r = new Float64Array(rows);
  const A = new Float64Array(m),
    B = new Float64Array(m),
    C = new Float64Array(m),
    ga = new Float64Array(m);
  const G = new Float64Array(rows * m);
  for (let i = 0; i < rows; i++) r[i] = Math.abs(y[i]);
  const Z = new Float64Array(rows * m);
  jsBackend.gemm(false, true, rows, m, d, 1, X, W, 0, Z);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < m; j++) {
      const z = Z[i * m + j];
      const e = zs[i * m + j]; // how far rounding may move z
      r[i] += Math.abs(a[j]) * (Math.abs(s.f(z)) + Math.abs(s.d1(z)) * e);
    }
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < m; j++) {
      const z = Z[i * m + j];
      const e = zs[i * m + j];
      const f0 = Math.abs(s.f(z)) + Math.abs(s.d1(z)) * e,
        f1 = Math.abs(s.d1(z)) + Math.abs(s.d2(z)) * e,
        f2 = Math.abs(s.d2(z)) + 1;
      A[j] += f0 * f0;
      B[j] += f1 * f1 * q[i];
      C[j] += r[i] * f2 * q[i];
      ga[j] += r[i] * f0;
      G[i * m + j] = r[i] * Math.abs(a[j]) * f1;
    }
  const gW = new Float64Array(m * d);
  jsBackend.gemm(true, false, m, d, rows, 1, G, abs(X), 0, gW);
  return { r, Z: zs, A, B, C, ga, gW, G };
}

describe.skipIf(skip)('native blockPass = the same backend’s unfused passes, on every GEMM kernel', () => {
  const nb = native as Backend;
  const t0 = nb.threads();
  afterAll(() => nb.setThreads(t0));
  const kernels = (nativeInfo()?.kernels ?? []).map((k) => [k, nativeOnKernel(k) as Backend] as const);

  it('has a forced backend for each kernel the addon has', () => {
    expect(kernels.length).toBeGreaterThanOrEqual(1);
    for (const [, be] of kernels) expect(be).not.toBeNull();
  });

  /** The fused pass against the unfused one on one random problem, on every kernel at these thread counts. */
  function agree(spec: ActivationSpec, rows: number, d: number, m: number, seed: number, threadCounts: number[]): void {
    const act = makeActivation(spec);
    const kern: ActKernel = { code: act.code, param: act.param };
    const rng = new Rng(seed);
    const X = rand(rows * d, rng),
      W = rand(m * d, rng, 1 / Math.sqrt(d)),
      a = rand(m, rng, 1 / Math.sqrt(m)),
      y = rand(rows, rng);
    const q = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let k = 0; k < d; k++) q[i] += X[i * d + k] ** 2;
    const S = scales(spec, X, W, a, y, q, rows, d, m);
    for (const threads of threadCounts) {
      nb.setThreads(threads);
      for (const [kernel, be] of kernels) {
        const at = `${specLabel(spec)} ${kernel} (${rows},${d},${m}) ${threads} threads`;
        const fused = run((out, r) => be.blockPass(kern, X, W, rows, m, d, a, y, r, out), rows, d, m, q);
        const parts = run((out, r) => blockPassByParts(be, kern, X, W, rows, m, d, a, y, r, out), rows, d, m, q);
        if (kernel === 'builtin') {
          for (const k of ['Z', 'r', 'A', 'B', 'C', 'ga'] as const) same(fused[k], parts[k], `${k} ${at}`);
        } else {
          close(fused.Z, parts.Z, S.G, `G ${at}`);
          for (const k of ['r', 'A', 'B', 'C', 'ga'] as const) close(fused[k], parts[k], S[k], `${k} ${at}`);
        }
        close(fused.gW, parts.gW, S.gW, `gW ${at}`);
      }
    }
  }

  for (const spec of ACTIVATION_SPECS) {
    it(`${specLabel(spec)}: Z, residuals and column sums bit-identical on the built-in GEMM (1 and 3 threads), all outputs within 1e-10 of scale on every kernel`, () => {
      for (const [rows, d, m] of SHAPES) agree(spec, rows, d, m, rows * 7 + d * 11 + m, [1, 3]);
    });
  }

  it('the same on random shapes (several slices and thread chunks among them), activations and thread counts (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: ACTIVATION_SPECS.length - 1 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, d, m, s, threads, seed) => agree(ACTIVATION_SPECS[s], rows, d, m, seed, [threads]),
      ),
      { numRuns: 30, seed: 27 },
    );
  });

  /** A ReLU problem at (rows, d, m) = (300, 6, 701): several slices, thread chunks and gradient blocks. */
  function reluProblem(seed: number) {
    const [rows, d, m] = [300, 6, 701];
    const rng = new Rng(seed);
    const X = rand(rows * d, rng),
      W = rand(m * d, rng),
      a = rand(m, rng),
      y = rand(rows, rng),
      q = abs(rand(rows, rng));
    return { rows, d, m, X, W, a, y, q, relu: { code: 0, param: 0 } as ActKernel };
  }

  it('without Z, gradient or trace asked for: the same residuals, sums and gradient as with them, and the same numbers twice', () => {
    const { rows, d, m, X, W, a, y, q, relu } = reluProblem(5);
    for (const [kernel, be] of kernels) {
      const full = run((out, r) => be.blockPass(relu, X, W, rows, m, d, a, y, r, out), rows, d, m, q);
      const again = run((out, r) => be.blockPass(relu, X, W, rows, m, d, a, y, r, out), rows, d, m, q);
      for (const k of ['Z', 'r', 'A', 'B', 'C', 'ga', 'gW'] as const)
        same(again[k], full[k], `${k} ${kernel} repeated`);
      const r = new Float64Array(rows);
      be.blockPass(relu, X, W, rows, m, d, a, y, r, {});
      same(r, full.r, `r ${kernel} forward only`);
      const ga = new Float64Array(m),
        gW = new Float64Array(m * d);
      be.blockPass(relu, X, W, rows, m, d, a, y, r, { ga, gW });
      same(ga, full.ga, `ga ${kernel} without Z`);
      same(gW, full.gW, `gW ${kernel} without Z`);
      const f = new Float64Array(rows);
      be.blockPass(relu, X, W, rows, m, d, a, null, f, {});
      for (let i = 0; i < rows; i++) expect(f[i] - y[i]).toBe(full.r[i]);
    }
  });

  it('gradScale: ga and gW are the same bits as the unscaled sums multiplied afterwards, on every kernel, the portable backend and 1–3 threads', () => {
    const { rows, d, m, X, W, a, y, relu } = reluProblem(9);
    const s = 1 / 3; // not a power of two: the product rounds
    const grads = (be: Backend, gradScale?: number) => {
      const ga = new Float64Array(m),
        gW = new Float64Array(m * d);
      be.blockPass(relu, X, W, rows, m, d, a, y, new Float64Array(rows), { ga, gW, gradScale });
      return { ga, gW };
    };
    const backends: (readonly [string, Backend])[] = [...kernels, ['portable', jsBackend]];
    for (const threads of [1, 2, 3]) {
      nb.setThreads(threads);
      for (const [name, be] of backends) {
        const plain = grads(be);
        const scaled = grads(be, s);
        same(
          scaled.ga,
          plain.ga.map((v) => v * s),
          `ga ${name} ${threads} threads`,
        );
        same(
          scaled.gW,
          plain.gW.map((v) => v * s),
          `gW ${name} ${threads} threads`,
        );
        expect(scaled.gW.some((v, k) => v !== plain.gW[k])).toBe(true);
      }
    }
  });

  it('rejects short arrays and a gradient product without the gradient pass with a RangeError', () => {
    const relu: ActKernel = { code: 0, param: 0 };
    const [rows, d, m] = [4, 3, 5];
    const X = new Float64Array(rows * d),
      W = new Float64Array(m * d),
      a = new Float64Array(m);
    expect(() => nb.blockPass(relu, X, W, rows, m, d, a, null, new Float64Array(3), {})).toThrow(/r has 3 elements/);
    expect(() =>
      nb.blockPass(relu, X, W, rows, m, d, a, null, new Float64Array(rows), { gW: new Float64Array(m * d) }),
    ).toThrow(/gW needs ga/);
    expect(() =>
      nb.blockPass(relu, X, W, rows, m, d, a, null, new Float64Array(rows), {
        ga: new Float64Array(m),
        gW: new Float64Array(m * d - 1),
      }),
    ).toThrow(/gW has 14 elements/);
  });
});
