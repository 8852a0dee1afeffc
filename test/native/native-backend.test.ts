/**
 * The native backend (OpenBLAS or built-in GEMM + C++ kernels) against the portable one, the reference: every kernel
 * and every core quantity agree to 1e-10 relative to the quantity's scale (for a sum, the sum of the
 * absolute values of its terms), for every activation, on odd shapes. Skipped with a visible note when
 * the addon is not built, except under FLATLAB_BACKEND=native, where a missing addon is a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { traceParts } from '../../src/flatness/trace.js';
import { type ActKernel, type Backend, registerBackend, useBackend } from '../../src/linalg/backend.js';
import { jsBackend } from '../../src/linalg/js-backend.js';
import { makeActivation } from '../../src/model/activations.js';
import { dataPass, type Network } from '../../src/model/network.js';
import {
  builtinGemm,
  loadNativeBackend,
  nativeInfo,
  nativeOnKernel,
  nativeUnavailableReason,
  openblasGemm,
} from '../../src/node/native-backend.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { forEachGemmCase, specLabel as label, randomData, randomNet, ACTIVATION_SPECS as SPECS } from '../helpers.js';

const TOL = 1e-10;
const native = loadNativeBackend();
const forced = process.env.FLATLAB_BACKEND === 'native';
const skip = native === null && !forced;
if (skip) console.warn(`test/native skipped: ${nativeUnavailableReason()}`);

/** Z with the awkward values every activation must treat like the JS reference: ±0, softplus's 30 switch. */
function awkwardZ(len: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const Z = rng.fillNormal(new Float64Array(len), 2);
  const special = [0, -0, 30, 30.5, -30.5, 1e-300, -1e-300, 40];
  for (let i = 0; i < len; i += 3) Z[i] = special[(i / 3) % special.length];
  return Z;
}

const rand = (len: number, seed: number): Float64Array => new Rng(seed).fillNormal(new Float64Array(len));

/** |x − y| ≤ TOL · scale elementwise (scale: sum of absolute terms, computed by the caller). */
/** The scale of a per-neuron sum init[j] + Σ_i term(i, j): |init[j]| + Σ_i |term(i, j)| (rounding is relative to it). */
function columnScale(rows: number, init: Float64Array, term: (i: number, j: number) => number): Float64Array {
  return init.map((v, j) => {
    let s = Math.abs(v) + 1e-300;
    for (let i = 0; i < rows; i++) s += Math.abs(term(i, j));
    return s;
  });
}

function expectClose(x: Float64Array, y: Float64Array, scale: Float64Array | number, what: string): void {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) {
    const s = typeof scale === 'number' ? scale : scale[i];
    const err = Math.abs(x[i] - y[i]);
    if (!(err <= TOL * s) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) {
      throw new Error(`${what}[${i}]: native ${x[i]} vs js ${y[i]} (|diff| ${err}, scale ${s})`);
    }
  }
}

// Shapes (rows, m): odd sizes, a 1×1 block, and sizes not multiples of 4 or of the C++ unroll.
const SHAPES: [number, number][] = [
  [1, 1],
  [3, 5],
  [7, 13],
  [17, 6],
  [33, 31],
];

describe.skipIf(skip)('native backend kernels = portable kernels', () => {
  const nb = native as Backend;

  it('loads (FLATLAB_BACKEND=native requires it)', () => {
    expect(native, nativeUnavailableReason()).not.toBeNull();
    expect(nb.name).toBe('native');
  });

  it('gemm: every transpose, alpha/beta, odd shapes, in place into subarrays', () => {
    const shapes = [
      [1, 1, 1],
      [5, 3, 7],
      [13, 9, 1],
      [17, 33, 6],
      [2, 1, 9],
      [4, 7, 0],
    ];
    forEachGemmCase(shapes, ({ m, n, k, tA, tB, alpha, beta }) => {
      const A = rand(m * k, 1 + m),
        B = rand(k * n, 2 + n);
      // C lives inside a larger buffer: the product must land in the view, nothing outside it.
      const bigN = rand(m * n + 6, 3),
        bigJ = bigN.slice();
      nb.gemm(tA, tB, m, n, k, alpha, A, B, beta, bigN.subarray(3, 3 + m * n));
      jsBackend.gemm(tA, tB, m, n, k, alpha, A, B, beta, bigJ.subarray(3, 3 + m * n));
      // Scale of entry (i,j): Σ_p |alpha A_ip B_pj| + |beta C_ij|.
      const absA = A.map(Math.abs),
        absB = B.map(Math.abs);
      const scale = bigJ.subarray(3, 3 + m * n).map(() => 0);
      jsBackend.gemm(tA, tB, m, n, k, Math.abs(alpha), absA, absB, 0, scale);
      const C0 = rand(m * n + 6, 3).subarray(3, 3 + m * n);
      for (let i = 0; i < m * n; i++) scale[i] += Math.abs(beta * C0[i]) + 1e-300;
      expectClose(bigN.subarray(3, 3 + m * n), bigJ.subarray(3, 3 + m * n), scale, `gemm ${tA} ${tB} ${m}x${n}x${k}`);
      const outside = rand(m * n + 6, 3);
      for (const i of [0, 1, 2, m * n + 3, m * n + 4, m * n + 5]) expect(bigN[i]).toBe(outside[i]);
    });
  });

  it('every GEMM kernel (built-in, OpenBLAS on the pool, the chosen one) = portable GEMM: every transpose, alpha/beta, across K/M/N blocks and thread splits', () => {
    const og = openblasGemm();
    const bg = builtinGemm();
    expect(bg).not.toBeNull();
    const gemmB = bg as Backend['gemm'];
    const t0 = nb.threads();
    // (m, n, k): edge tiles everywhere; k > 256 (two K-slices); n > 1536 (two N-blocks, split by
    // columns); n ≤ 3 (computed as the transpose); big enough for 1, 2 and 3 threads to split rows.
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [9, 25, 2],
      [97, 101, 103],
      [300, 7, 260],
      [613, 3, 50],
      [5, 1601, 9],
      [130, 70, 0],
    ];
    try {
      for (const threads of [1, 2, 3]) {
        nb.setThreads(threads);
        forEachGemmCase(shapes, ({ m, n, k, tA, tB, alpha, beta }) => {
          const A = rand(m * k, 11 + m),
            B = rand(k * n, 12 + n);
          const C0 = rand(m * n, 13);
          // beta = 0 must not read C: a NaN there must not survive.
          if (beta === 0) C0[0] = Number.NaN;
          const Cb = C0.slice(),
            Cj = C0.slice(),
            Cn = C0.slice(),
            Co = C0.slice();
          gemmB(tA, tB, m, n, k, alpha, A, B, beta, Cb);
          og?.(tA, tB, m, n, k, alpha, A, B, beta, Co);
          jsBackend.gemm(tA, tB, m, n, k, alpha, A, B, beta, Cj);
          nb.gemm(tA, tB, m, n, k, alpha, A, B, beta, Cn);
          const scale = new Float64Array(m * n);
          jsBackend.gemm(tA, tB, m, n, k, Math.abs(alpha), A.map(Math.abs), B.map(Math.abs), 0, scale);
          for (let i = 0; i < m * n; i++) scale[i] += Math.abs(beta * (beta === 0 ? 0 : C0[i])) + 1e-300;
          const what = `builtin gemm ${tA} ${tB} ${m}x${n}x${k} α=${alpha} β=${beta} threads=${threads}`;
          expectClose(Cb, Cj, scale, `${what} vs js`);
          expectClose(Cb, Cn, scale, `${what} vs backend gemm`);
          if (og) expectClose(Co, Cj, scale, `OpenBLAS ${what.slice(8)} vs js`);
        });
      }
    } finally {
      nb.setThreads(t0);
    }
  });

  it('fused kernels split over 3 threads: per-row outputs identical to 1 thread, column sums = portable (every activation)', () => {
    const t0 = nb.threads();
    const [rows, m] = [97, 613]; // 59 461 entries: 3 uneven chunks of 32–33 rows
    const same = (x: Float64Array, y: Float64Array, what: string) => {
      for (let i = 0; i < x.length; i++)
        if (!Object.is(x[i], y[i])) throw new Error(`${what}[${i}]: ${x[i]} vs ${y[i]}`);
    };
    /** Every output of every kernel on this backend at this thread count. */
    const runAll = (
      be: Backend,
      kern: ActKernel,
      Z: Float64Array,
      a: Float64Array,
      va: Float64Array,
      r: Float64Array,
      T: Float64Array,
      q: Float64Array,
    ) => {
      const f = new Float64Array(rows);
      be.forwardRows(kern, Z, rows, m, a, f);
      const ga = new Float64Array(m),
        G = Z.slice();
      be.gradPass(kern, G, rows, m, a, r, ga);
      const [A, B, C] = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
      be.traceSums(kern, Z, rows, m, r, q, A, B, C);
      const Tout = T.slice(),
        u = new Float64Array(rows),
        ha = new Float64Array(m);
      be.hvpPass(kern, Z, Tout, rows, m, a, va, r, u, ha);
      return { f, G, Tout, u, ga, A, B, C, ha };
    };
    try {
      for (const spec of SPECS) {
        const act = makeActivation(spec);
        const kern: ActKernel = { code: act.code, param: act.param };
        const Z = awkwardZ(rows * m, 5),
          a = rand(m, 6),
          va = rand(m, 7),
          r = rand(rows, 8),
          T = rand(rows * m, 9);
        const q = rand(rows, 10).map((x) => x * x + 0.5);
        nb.setThreads(1);
        const one = runAll(nb, kern, Z, a, va, r, T, q);
        nb.setThreads(3);
        const three = runAll(nb, kern, Z, a, va, r, T, q);
        const js = runAll(jsBackend, kern, Z, a, va, r, T, q);
        // Rows are computed by the same code whichever thread runs them.
        for (const k of ['f', 'G', 'Tout', 'u'] as const) same(three[k], one[k], `${label(spec)} ${k}`);
        // Column sums only change summation order: compare with the portable backend at 1e-10 of Σ|terms|.
        const colAbs = (g: (i: number, z: number) => number) =>
          new Float64Array(m).map((_, j) => {
            let s = 1e-300;
            for (let i = 0; i < rows; i++) s += Math.abs(g(i, Z[i * m + j]));
            return s;
          });
        const uAbs = new Float64Array(rows).map((_, i) => {
          let s = 0;
          for (let j = 0; j < m; j++) {
            const z = Z[i * m + j];
            s += Math.abs(va[j] * act.f(z)) + Math.abs(a[j] * act.d1(z) * T[i * m + j]);
          }
          return s;
        });
        const tAbs = (i: number, j: number) => Math.abs(T[i * m + j]);
        expectClose(
          three.ga,
          js.ga,
          colAbs((i, z) => r[i] * act.f(z)),
          `${label(spec)} ga`,
        );
        expectClose(
          three.A,
          js.A,
          colAbs((_, z) => act.f(z) ** 2),
          `${label(spec)} A`,
        );
        expectClose(
          three.B,
          js.B,
          colAbs((i, z) => act.d1(z) ** 2 * q[i]),
          `${label(spec)} B`,
        );
        expectClose(
          three.C,
          js.C,
          colAbs((i, z) => r[i] * q[i] * act.d2(z)),
          `${label(spec)} C`,
        );
        const haAbs = new Float64Array(m).map((_, j) => {
          let s = 1e-300;
          for (let i = 0; i < rows; i++) {
            const z = Z[i * m + j];
            s += uAbs[i] * Math.abs(act.f(z)) + Math.abs(r[i] * act.d1(z)) * tAbs(i, j);
          }
          return s;
        });
        expectClose(three.ha, js.ha, haAbs, `${label(spec)} ha`);
      }
    } finally {
      nb.setThreads(t0);
    }
  });

  it('FLATLAB_GEMM=builtin|openblas forces one kernel for every product; unset means auto when both are built', () => {
    const code = [
      "const b = await import('./src/node/native-backend.ts');",
      'const be = b.loadNativeBackend();',
      'const A = new Float64Array([1, 2, 3, 4, 5, 6]), B = new Float64Array([7, 8, 9, 10, 11, 12]), C = new Float64Array(4);',
      'be.gemm(false, false, 2, 2, 3, 1, A, B, 0, C);',
      'console.log(JSON.stringify({ gemm: b.nativeInfo().gemm, info: b.kernelInfo(), C: [...C] }));',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'flatlab-gemm-'));
    const run = (v: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        encoding: 'utf8',
        env: { ...process.env, FLATLAB_GEMM: v, FLATLAB_GEMM_CACHE: join(dir, 'rule.json') },
      });
      return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    };
    try {
      const kernels = nativeInfo()?.kernels ?? [];
      for (const v of kernels) {
        const out = run(v);
        expect(out.gemm).toBe(v);
        expect(out.info.gemm).toBe(v);
        // [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]], exact in floating point.
        expect(out.C).toEqual([58, 64, 139, 154]);
      }
      const plain = run('');
      expect(plain.gemm).toBe(kernels.length > 1 ? 'auto' : 'builtin');
      expect(plain.C).toEqual([58, 64, 139, 154]);
      if (kernels.length > 1) expect(Object.values(plain.info.chosen)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gemm at a size where OpenBLAS blocks and threads (97×101×103)', () => {
    const [m, n, k] = [97, 101, 103];
    const A = rand(m * k, 4),
      B = rand(n * k, 5);
    const C1 = new Float64Array(m * n),
      C2 = new Float64Array(m * n);
    nb.gemm(false, true, m, n, k, 1, A, B, 0, C1);
    jsBackend.gemm(false, true, m, n, k, 1, A, B, 0, C2);
    expectClose(C1, C2, Math.sqrt(k) * 10, 'gemm big'); // entries are sums of k unit-variance products
  });

  for (const spec of SPECS) {
    const act = makeActivation(spec);
    const kern: ActKernel = { code: act.code, param: act.param };
    it(`fused kernels agree for ${label(spec)}`, () => {
      for (const [rows, m] of SHAPES) {
        const seed = rows * 100 + m;
        const Z = awkwardZ(rows * m, seed);
        const a = rand(m, seed + 1),
          va = rand(m, seed + 2),
          r = rand(rows, seed + 3),
          T = rand(rows * m, seed + 4);
        const q = rand(rows, seed + 5).map((x) => x * x + 0.5);
        const at = (i: number, j: number): number => Z[i * m + j];
        // The trace parts A[j] += Σ σ², B[j] += Σ σ′² q that traceSums and penaltyPass both accumulate:
        // [native, js, the value before the pass].
        type Sums = [Float64Array, Float64Array, Float64Array];
        const expectParts = (what: string, [A1, A2, A0]: Sums, [B1, B2, B0]: Sums): void => {
          expectClose(
            A1,
            A2,
            columnScale(rows, A0, (i, j) => act.f(at(i, j)) ** 2),
            `${what} A`,
          );
          expectClose(
            B1,
            B2,
            columnScale(rows, B0, (i, j) => act.d1(at(i, j)) ** 2 * q[i]),
            `${what} B`,
          );
        };

        for (const order of [0, 1, 2] as const) {
          const o1 = new Float64Array(rows * m),
            o2 = new Float64Array(rows * m);
          nb.activate(kern, Z, rows * m, order, o1);
          jsBackend.activate(kern, Z, rows * m, order, o2);
          expectClose(
            o1,
            o2,
            o2.map((v) => Math.abs(v) + 1e-300),
            `activate${order}`,
          );
        }

        const f1 = new Float64Array(rows),
          f2 = new Float64Array(rows);
        nb.forwardRows(kern, Z, rows, m, a, f1);
        jsBackend.forwardRows(kern, Z, rows, m, a, f2);
        const fScale = f1.map((_, i) => {
          let s = 1e-300;
          for (let j = 0; j < m; j++) s += Math.abs(a[j] * act.f(at(i, j)));
          return s;
        });
        expectClose(f1, f2, fScale, 'forwardRows');

        const ga0 = rand(m, seed + 6);
        const ga1 = ga0.slice(),
          ga2 = ga0.slice(),
          Z1 = Z.slice(),
          Z2 = Z.slice();
        nb.gradPass(kern, Z1, rows, m, a, r, ga1);
        jsBackend.gradPass(kern, Z2, rows, m, a, r, ga2);
        const gaScale = ga0.map((g, j) => {
          let s = Math.abs(g) + 1e-300;
          for (let i = 0; i < rows; i++) s += Math.abs(r[i] * act.f(at(i, j)));
          return s;
        });
        expectClose(ga1, ga2, gaScale, 'gradPass ga');
        expectClose(
          Z1,
          Z2,
          Z2.map((v) => Math.abs(v) + 1e-300),
          'gradPass Z',
        );

        for (const withR of [true, false]) {
          const A1 = rand(m, 7),
            B1 = rand(m, 8),
            C1 = rand(m, 9);
          const A2 = A1.slice(),
            B2 = B1.slice(),
            C2 = C1.slice();
          nb.traceSums(kern, Z, rows, m, withR ? r : null, q, A1, B1, C1);
          jsBackend.traceSums(kern, Z, rows, m, withR ? r : null, q, A2, B2, C2);
          expectParts('traceSums', [A1, A2, rand(m, 7)], [B1, B2, rand(m, 8)]);
          expectClose(
            C1,
            C2,
            columnScale(rows, rand(m, 9), (i, j) => (withR ? r[i] * q[i] * act.d2(at(i, j)) : 0)),
            'traceSums C',
          );
          if (!withR) expect([...C1]).toEqual([...rand(m, 9)]);
        }

        const T1 = T.slice(),
          T2 = T.slice(),
          u1 = new Float64Array(rows),
          u2 = new Float64Array(rows);
        const ha0 = rand(m, seed + 10),
          ha1 = ha0.slice(),
          ha2 = ha0.slice();
        nb.hvpPass(kern, Z, T1, rows, m, a, va, r, u1, ha1);
        jsBackend.hvpPass(kern, Z, T2, rows, m, a, va, r, u2, ha2);
        const uScale = u1.map((_, i) => {
          let s = 1e-300;
          for (let j = 0; j < m; j++)
            s += Math.abs(va[j] * act.f(at(i, j))) + Math.abs(a[j] * act.d1(at(i, j)) * T[i * m + j]);
          return s;
        });
        expectClose(u1, u2, uScale, 'hvpPass u');
        const haScale = ha0.map((h, j) => {
          let s = Math.abs(h) + 1e-300;
          for (let i = 0; i < rows; i++) {
            s += uScale[i] * Math.abs(act.f(at(i, j))) + Math.abs(r[i] * act.d1(at(i, j)) * T[i * m + j]);
          }
          return s;
        });
        expectClose(ha1, ha2, haScale, 'hvpPass ha');
        const tScale = T.map((t, k) => {
          const i = Math.floor(k / m),
            j = k % m,
            z = Z[k];
          return (
            uScale[i] * Math.abs(a[j] * act.d1(z)) +
            Math.abs(r[i]) * (Math.abs(va[j] * act.d1(z)) + Math.abs(a[j] * act.d2(z) * t)) +
            1e-300
          );
        });
        expectClose(T1, T2, tScale, 'hvpPass T');

        const wA = rand(m, seed + 11),
          wB = rand(m, seed + 12);
        for (const withR of [true, false]) {
          const A1 = rand(m, 13),
            B1 = rand(m, 14),
            g1 = rand(m, 15),
            P1 = Z.slice();
          const A2 = A1.slice(),
            B2 = B1.slice(),
            g2 = g1.slice(),
            P2 = Z.slice();
          nb.penaltyPass(kern, P1, rows, m, a, withR ? r : null, q, wA, wB, withR ? g1 : null, A1, B1);
          jsBackend.penaltyPass(kern, P2, rows, m, a, withR ? r : null, q, wA, wB, withR ? g2 : null, A2, B2);
          expectParts('penaltyPass', [A1, A2, rand(m, 13)], [B1, B2, rand(m, 14)]);
          const ga = columnScale(rows, rand(m, 15), (i, j) => (withR ? r[i] * act.f(at(i, j)) : 0));
          expectClose(g1, g2, ga, 'penaltyPass ga');
          if (!withR) expect([...g1]).toEqual([...rand(m, 15)]);
          // Each coefficient against its closed form, computed here term by term.
          const want = Z.map((z, k) => {
            const i = Math.floor(k / m),
              j = k % m;
            const pen = wA[j] * act.f(z) * act.d1(z) + wB[j] * act.d1(z) * act.d2(z) * q[i];
            return (withR ? r[i] * a[j] * act.d1(z) : 0) + pen;
          });
          const pScale = Z.map((z, k) => {
            const i = Math.floor(k / m),
              j = k % m;
            return (
              Math.abs(withR ? r[i] * a[j] * act.d1(z) : 0) +
              Math.abs(wA[j] * act.f(z) * act.d1(z)) +
              Math.abs(wB[j] * act.d1(z) * act.d2(z) * q[i]) +
              1e-300
            );
          });
          expectClose(P1, P2, pScale, 'penaltyPass Z (native vs js)');
          expectClose(P2, want, pScale, 'penaltyPass Z (js vs closed form)');
        }
      }
    });
  }

  it('rejects short arrays and unknown activation codes with a RangeError instead of reading out of bounds', () => {
    const relu: ActKernel = { code: 0, param: 0 };
    expect(() =>
      nb.gemm(false, false, 3, 3, 3, 1, new Float64Array(8), new Float64Array(9), 0, new Float64Array(9)),
    ).toThrow(/A has 8 elements, needs 9/);
    expect(() => nb.forwardRows(relu, new Float64Array(6), 2, 3, new Float64Array(3), new Float64Array(1))).toThrow(
      /f has 1/,
    );
    expect(() => nb.activate({ code: 99, param: 0 }, new Float64Array(2), 2, 0, new Float64Array(2))).toThrow(
      /unknown activation code 99/,
    );
  });

  it('threads() reports and setThreads() changes the BLAS thread count', () => {
    const t0 = nb.threads();
    expect(t0).toBeGreaterThanOrEqual(1);
    nb.setThreads(1);
    expect(nb.threads()).toBe(1);
    nb.setThreads(t0);
    expect(nb.threads()).toBe(t0);
    expect(() => nb.setThreads(0)).toThrow(/positive integer/);
  });

  it('FLATLAB_THREADS sets the BLAS thread count at load', () => {
    const code =
      "import('./src/node/native-backend.ts').then(m => console.log('threads=' + m.loadNativeBackend().threads()))";
    const run = (v: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
        encoding: 'utf8',
        env: { ...process.env, FLATLAB_THREADS: v },
      });
    expect(run('1').stdout).toContain('threads=1');
    const bad = run('zero');
    expect(bad.stderr).toContain('ignoring FLATLAB_THREADS="zero"');
  });
});

/** Per-entry scales (sum of absolute terms) of the data pass's outputs, by plain loops over the data. */
function sweepScales(net: Network, data: Dataset, va: Float64Array, vW: Float64Array) {
  const { m, d, act, a, W } = net;
  const { n, X, y } = data;
  const s = {
    loss: 0,
    ga: new Float64Array(m),
    gW: new Float64Array(m * d),
    A: new Float64Array(m),
    B: new Float64Array(m),
    C: new Float64Array(m),
    ha: new Float64Array(m),
    hW: new Float64Array(m * d),
  };
  const z = new Float64Array(m),
    t = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const x = X.subarray(i * d, (i + 1) * d);
    let f = 0,
      q = 0,
      u = 0;
    for (let k = 0; k < d; k++) q += x[k] * x[k];
    for (let j = 0; j < m; j++) {
      let zz = 0,
        tt = 0;
      for (let k = 0; k < d; k++) {
        zz += W[j * d + k] * x[k];
        tt += vW[j * d + k] * x[k];
      }
      z[j] = zz;
      t[j] = tt;
      f += a[j] * act.f(zz);
      u += Math.abs(va[j] * act.f(zz)) + Math.abs(a[j] * act.d1(zz) * tt);
    }
    const r = Math.abs(f - y[i]);
    s.loss += r * r;
    for (let j = 0; j < m; j++) {
      const f0 = Math.abs(act.f(z[j])),
        f1 = Math.abs(act.d1(z[j])),
        f2 = Math.abs(act.d2(z[j]));
      s.ga[j] += r * f0;
      s.A[j] += f0 * f0;
      s.B[j] += a[j] * a[j] * f1 * f1 * q;
      s.C[j] += Math.abs(a[j]) * r * f2 * q;
      s.ha[j] += u * f0 + r * f1 * Math.abs(t[j]);
      const g = r * Math.abs(a[j]) * f1;
      const h = u * Math.abs(a[j]) * f1 + r * (Math.abs(va[j]) * f1 + Math.abs(a[j]) * f2 * Math.abs(t[j]));
      for (let k = 0; k < d; k++) {
        s.gW[j * d + k] += g * Math.abs(x[k]);
        s.hW[j * d + k] += h * Math.abs(x[k]);
      }
    }
  }
  const scale = (v: Float64Array) => v.map((x) => x / n + 1e-300);
  return {
    loss: s.loss / (2 * n) + 1e-300,
    ga: scale(s.ga),
    gW: scale(s.gW),
    A: scale(s.A),
    B: scale(s.B),
    C: scale(s.C),
    ha: scale(s.ha),
    hW: scale(s.hW),
  };
}

describe.skipIf(skip)('core quantities: native = portable through dataPass, on every GEMM kernel', () => {
  registerBackend(jsBackend);
  if (native) registerBackend(native);
  afterAll(() => {
    if (native) registerBackend(native);
    useBackend('js');
  });
  // The backend as loaded (each shape class on its chosen kernel), and with every product (the fused
  // forward pass's included) forced onto each kernel the addon has.
  const variants: [string, Backend][] = native ? [['chosen', native]] : [];
  for (const k of nativeInfo()?.kernels ?? []) {
    const be = nativeOnKernel(k);
    if (be) variants.push([k, be]);
  }

  // (n, d, m): odd sizes, a single neuron and input, m large enough that the fused passes split over
  // threads, n large enough that dataPass's HVP uses several row blocks and the fused pass several
  // slices and gradient blocks, d over two K-slices of the GEMM, m over two of its column blocks.
  const CASES: [number, number, number][] = [
    [1, 1, 1],
    [37, 5, 7],
    [50, 3, 13],
    [300, 6, 701],
    [1300, 3, 300],
    [45, 300, 30],
    [21, 4, 1600],
  ];

  for (const spec of SPECS) {
    it(`loss, gradient (fused and beside the HVP), trace parts and HVP agree for ${label(spec)} on every kernel`, () => {
      for (const [n, d, m] of CASES) {
        const seed = n + 10 * d + 100 * m;
        const data = randomData(n, d, seed);
        const net = randomNet(spec, m, d, seed + 1);
        const va = rand(m, seed + 2),
          vW = rand(m * d, seed + 3);
        const opts = { grad: true, trace: true, hvp: { va, vW } };
        useBackend('js');
        const J = dataPass(net, data, opts);
        const Jg = dataPass(net, data, { grad: true });
        const tJ = traceParts(net, data);
        const S = sweepScales(net, data, va, vW);
        const one = (x: number) => new Float64Array([x]);
        let trScale = 0;
        for (let j = 0; j < m; j++) trScale += S.A[j] + S.B[j] + S.C[j];
        for (const [kernel, be] of variants) {
          registerBackend(be);
          useBackend('native');
          const N = dataPass(net, data, opts);
          const Ng = dataPass(net, data, { grad: true });
          const tN = traceParts(net, data);
          useBackend('js');
          const at = `(${n},${d},${m}) ${kernel}`;
          expectClose(one(N.loss), one(J.loss), S.loss, `loss ${at}`);
          for (const k of ['ga', 'gW', 'A', 'B', 'C', 'ha', 'hW'] as const) {
            expectClose(N[k] as Float64Array, J[k] as Float64Array, S[k], `${k} ${at}`);
          }
          expectClose(one(tN.trace), one(tJ.trace), trScale, `trace ${at}`);
          // Without the HVP the gradient comes from the one fused pass.
          expectClose(one(Ng.loss), one(Jg.loss), S.loss, `loss (gradient pass) ${at}`);
          for (const k of ['ga', 'gW'] as const) {
            expectClose(Ng[k] as Float64Array, Jg[k] as Float64Array, S[k], `${k} (gradient pass) ${at}`);
          }
        }
      }
    });
  }
});
