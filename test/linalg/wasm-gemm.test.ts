/**
 * The portable GEMM's WebAssembly SIMD kernel against its TypeScript kernel, the reference: products
 * are bit-identical (same additions in the same order, no FMA) for every transpose, alpha/beta and
 * odd shape, including edge tiles, more than one K-slice (k > 256) and more than one row chunk
 * (m > 64); and both agree with a plain triple loop to 1e-12 of Σ|terms|.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { jsBackend, portableGemmKernel, usePortableGemmKernel } from '../../src/linalg/js-backend.js';
import { wasmGemmAvailable } from '../../src/linalg/wasm-gemm.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { forEachGemmCase, type GemmCase } from '../helpers.js';

const rand = (len: number, seed: number): Float64Array => new Rng(seed).fillNormal(new Float64Array(len));

/** C ← alpha op(A) op(B) + beta C by the definition, with the sum of absolute terms of each entry. */
function naive(c: GemmCase, A: Float64Array, B: Float64Array, C0: Float64Array) {
  const { m, n, k, tA, tB, alpha, beta } = c;
  const C = new Float64Array(m * n),
    S = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0,
        abs = 0;
      for (let p = 0; p < k; p++) {
        const t = (tA ? A[p * m + i] : A[i * k + p]) * (tB ? B[j * k + p] : B[p * n + j]);
        s += t;
        abs += Math.abs(t);
      }
      C[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * C0[i * n + j]);
      S[i * n + j] = Math.abs(alpha) * abs + Math.abs(beta * C0[i * n + j]) + 1e-300;
    }
  return { C, S };
}

describe('portable GEMM: WebAssembly SIMD kernel = TypeScript kernel', () => {
  afterAll(() => {
    usePortableGemmKernel('wasm');
  });

  it('WebAssembly SIMD is available in Node 20 (so the fast kernel is what runs here)', () => {
    expect(wasmGemmAvailable()).toBe(true);
    expect(usePortableGemmKernel('wasm')).toBe('wasm');
    expect(usePortableGemmKernel('ts')).toBe('ts');
    expect(portableGemmKernel()).toBe('ts');
    usePortableGemmKernel('wasm');
  });

  it('bit-identical products for every transpose, alpha/beta and odd shape; both = the definition to 1e-12', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 2],
      [7, 9, 13],
      [65, 6, 17],
      [130, 33, 300],
      [4, 4, 0],
    ];
    forEachGemmCase(shapes, (c) => {
      const { m, n, k, tA, tB, alpha, beta } = c;
      const A = rand(m * k, m + 1),
        B = rand(k * n, n + 2),
        C0 = rand(m * n, 3);
      const Cw = C0.slice(),
        Ct = C0.slice();
      usePortableGemmKernel('wasm');
      jsBackend.gemm(tA, tB, m, n, k, alpha, A, B, beta, Cw);
      usePortableGemmKernel('ts');
      jsBackend.gemm(tA, tB, m, n, k, alpha, A, B, beta, Ct);
      const what = `${tA} ${tB} ${m}x${n}x${k} α=${alpha} β=${beta}`;
      for (let i = 0; i < m * n; i++)
        if (!Object.is(Cw[i], Ct[i])) throw new Error(`${what} [${i}]: wasm ${Cw[i]} vs ts ${Ct[i]}`);
      const { C, S } = naive(c, A, B, C0);
      for (let i = 0; i < m * n; i++)
        expect(Math.abs(Cw[i] - C[i]), `${what} [${i}]`).toBeLessThanOrEqual(1e-12 * S[i]);
    });
  });

  it('a subarray C receives the product and nothing outside it changes', () => {
    const [m, n, k] = [9, 7, 5];
    const A = rand(m * k, 1),
      B = rand(n * k, 2);
    const big = rand(m * n + 4, 3),
      ref = big.slice();
    usePortableGemmKernel('wasm');
    jsBackend.gemm(false, true, m, n, k, 1, A, B, 0, big.subarray(2, 2 + m * n));
    usePortableGemmKernel('ts');
    jsBackend.gemm(false, true, m, n, k, 1, A, B, 0, ref.subarray(2, 2 + m * n));
    expect([...big]).toEqual([...ref]);
  });
});
