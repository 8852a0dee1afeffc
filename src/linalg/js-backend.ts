/**
 * Portable backend: tiled GEMM and fused kernels in plain TypeScript. Used in the browser and as the
 * fallback when the native addon is not built. Correctness reference for the native kernels.
 * Its GEMM runs on the WebAssembly SIMD micro-kernel of wasm-gemm.ts where WebAssembly SIMD exists
 * (bit-identical to the TypeScript kernel, about 3× faster); the TypeScript kernel is the reference
 * and the fallback, and `usePortableGemmKernel('ts')` selects it.
 */
import { activationFromKernel } from '../activations/registry.js';
import type { ActKernel, Backend } from './backend.js';
import { blockPassByParts } from './block-pass.js';
import { type RowsRowsGemm, wasmGemmAvailable, wasmGemmRowsRows } from './wasm-gemm.js';

let kernel: 'wasm' | 'ts' = 'wasm';

/** Which micro-kernel the portable GEMM uses: 'wasm' (SIMD, when available) or 'ts'. Returns the one in effect. */
export function usePortableGemmKernel(k: 'wasm' | 'ts'): 'wasm' | 'ts' {
  kernel = k;
  return portableGemmKernel();
}

export function portableGemmKernel(): 'wasm' | 'ts' {
  return kernel === 'wasm' && wasmGemmAvailable() ? 'wasm' : 'ts';
}

// Block sizes: a KC-long slice of 4 rows of A and NC rows of B stay in L1/L2 while the 4×4 register
// kernel runs over them.
const KC = 256;
const NC = 96;

let packA: Float64Array = new Float64Array(0);
let packB: Float64Array = new Float64Array(0);

function ensure(buf: Float64Array, len: number): Float64Array {
  return buf.length >= len ? buf : new Float64Array(Math.max(len, buf.length * 2));
}

/** out (cols×rows) ← transpose of src (rows×cols). */
function transposeInto(src: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        const base = i * cols;
        for (let j = j0; j < j1; j++) out[j * rows + i] = src[base + j];
      }
    }
  }
}

/** One entry's share of the trace parts, A_j += σ², B_j += σ′² q (small enough for V8 to inline). */
function addParts(A: Float64Array, B: Float64Array, j: number, s: number, s1: number, qi: number): void {
  A[j] += s * s;
  B[j] += s1 * s1 * qi;
}

/** C[o … o+3] += alpha · (c0, c1, c2, c3): one row of the 4×4 register tile, written back. */
function addScaled4(C: Float64Array, o: number, alpha: number, c0: number, c1: number, c2: number, c3: number): void {
  C[o] += alpha * c0;
  C[o + 1] += alpha * c1;
  C[o + 2] += alpha * c2;
  C[o + 3] += alpha * c3;
}

/** The TypeScript RowsRowsGemm: the reference the WebAssembly kernel matches bit for bit. */
const gemmRowsRows: RowsRowsGemm<void> = (m, n, k, alpha, P, Q, C) => {
  if (alpha === 0 || k === 0) return;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const p1 = Math.min(k, p0 + KC);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const j1 = Math.min(n, j0 + NC);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const a0 = i * k,
          a1 = a0 + k,
          a2 = a1 + k,
          a3 = a2 + k;
        let j = j0;
        for (; j + 4 <= j1; j += 4) {
          const b0 = j * k,
            b1 = b0 + k,
            b2 = b1 + k,
            b3 = b2 + k;
          let c00 = 0,
            c01 = 0,
            c02 = 0,
            c03 = 0,
            c10 = 0,
            c11 = 0,
            c12 = 0,
            c13 = 0,
            c20 = 0,
            c21 = 0,
            c22 = 0,
            c23 = 0,
            c30 = 0,
            c31 = 0,
            c32 = 0,
            c33 = 0;
          for (let p = p0; p < p1; p++) {
            const x0 = P[a0 + p],
              x1 = P[a1 + p],
              x2 = P[a2 + p],
              x3 = P[a3 + p];
            const y0 = Q[b0 + p],
              y1 = Q[b1 + p],
              y2 = Q[b2 + p],
              y3 = Q[b3 + p];
            c00 += x0 * y0;
            c01 += x0 * y1;
            c02 += x0 * y2;
            c03 += x0 * y3;
            c10 += x1 * y0;
            c11 += x1 * y1;
            c12 += x1 * y2;
            c13 += x1 * y3;
            c20 += x2 * y0;
            c21 += x2 * y1;
            c22 += x2 * y2;
            c23 += x2 * y3;
            c30 += x3 * y0;
            c31 += x3 * y1;
            c32 += x3 * y2;
            c33 += x3 * y3;
          }
          const o = i * n + j;
          addScaled4(C, o, alpha, c00, c01, c02, c03);
          addScaled4(C, o + n, alpha, c10, c11, c12, c13);
          addScaled4(C, o + 2 * n, alpha, c20, c21, c22, c23);
          addScaled4(C, o + 3 * n, alpha, c30, c31, c32, c33);
        }
        for (; j < j1; j++) {
          const b0 = j * k;
          let c0 = 0,
            c1 = 0,
            c2 = 0,
            c3 = 0;
          for (let p = p0; p < p1; p++) {
            const y = Q[b0 + p];
            c0 += P[a0 + p] * y;
            c1 += P[a1 + p] * y;
            c2 += P[a2 + p] * y;
            c3 += P[a3 + p] * y;
          }
          C[i * n + j] += alpha * c0;
          C[(i + 1) * n + j] += alpha * c1;
          C[(i + 2) * n + j] += alpha * c2;
          C[(i + 3) * n + j] += alpha * c3;
        }
      }
      for (; i < m; i++) {
        const a0 = i * k;
        for (let j = j0; j < j1; j++) {
          const b0 = j * k;
          let c = 0;
          for (let p = p0; p < p1; p++) c += P[a0 + p] * Q[b0 + p];
          C[i * n + j] += alpha * c;
        }
      }
    }
  }
};

const gemm: Backend['gemm'] = (transA, transB, m, n, k, alpha, A, B, beta, C) => {
  let P: Float64Array = A;
  let Q: Float64Array = B;
  if (transA) {
    packA = ensure(packA, m * k);
    transposeInto(A, k, m, packA);
    P = packA;
  }
  if (!transB) {
    if (n === 1) {
      Q = B; // a k×1 column is already a 1×k row
    } else {
      packB = ensure(packB, n * k);
      transposeInto(B, k, n, packB);
      Q = packB;
    }
  }
  if (beta !== 1) {
    const len = m * n;
    if (beta === 0) C.fill(0, 0, len);
    else for (let i = 0; i < len; i++) C[i] *= beta;
  }
  if (kernel === 'wasm' && wasmGemmRowsRows(m, n, k, alpha, P, Q, C)) return;
  gemmRowsRows(m, n, k, alpha, P, Q, C);
};

export const jsBackend: Backend = {
  name: 'js',
  gemm,

  forwardRows(act: ActKernel, Z, rows, m, a, f) {
    if (act.code === 0) {
      for (let i = 0; i < rows; i++) {
        let s = 0;
        const o = i * m;
        for (let j = 0; j < m; j++) {
          const z = Z[o + j];
          if (z > 0) s += a[j] * z;
        }
        f[i] = s;
      }
      return;
    }
    const s0 = activationFromKernel(act.code, act.param).f;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const o = i * m;
      for (let j = 0; j < m; j++) s += a[j] * s0(Z[o + j]);
      f[i] = s;
    }
  },

  gradPass(act, Z, rows, m, a, r, ga) {
    if (act.code === 0) {
      // ReLU inlined (same operations as σ, σ′ below, so bit-identical): the generic path calls
      // closures that V8 cannot inline once several activations have been used.
      for (let i = 0; i < rows; i++) {
        const ri = r[i];
        const o = i * m;
        for (let j = 0; j < m; j++) {
          const z = Z[o + j];
          ga[j] += ri * (z > 0 ? z : 0);
          Z[o + j] = ri * a[j] * (z > 0 ? 1 : 0);
        }
      }
      return;
    }
    const { f, d1 } = activationFromKernel(act.code, act.param);
    for (let i = 0; i < rows; i++) {
      const ri = r[i];
      const o = i * m;
      for (let j = 0; j < m; j++) {
        const z = Z[o + j];
        ga[j] += ri * f(z);
        Z[o + j] = ri * a[j] * d1(z);
      }
    }
  },

  traceSums(act, Z, rows, m, r, q, A, B, C) {
    // The row set-up is shared. ReLU keeps its own inner loop with σ, σ′ inlined, as in gradPass (the
    // generic loop's operations with σ″ = 0, hence `rq * 0`, so bit-identical); the branch is taken once
    // per row, so neither inner loop tests the activation and the ReLU one calls no closure.
    const relu = act.code === 0;
    const { f, d1, d2 } = activationFromKernel(act.code, act.param);
    for (let i = 0; i < rows; i++) {
      const qi = q[i];
      const rq = r ? r[i] * qi : 0;
      const o = i * m;
      if (relu) {
        for (let j = 0; j < m; j++) {
          const z = Z[o + j];
          const s = z > 0 ? z : 0;
          const s1 = z > 0 ? 1 : 0;
          A[j] += s * s;
          B[j] += s1 * s1 * qi;
          if (r) C[j] += rq * 0;
        }
      } else {
        for (let j = 0; j < m; j++) {
          const z = Z[o + j];
          const s = f(z);
          const s1 = d1(z);
          addParts(A, B, j, s, s1, qi);
          if (r) C[j] += rq * d2(z);
        }
      }
    }
  },

  hvpPass(act, Z, T, rows, m, a, va, r, u, ha) {
    if (act.code === 0) {
      for (let i = 0; i < rows; i++) {
        const o = i * m;
        let ui = 0;
        for (let j = 0; j < m; j++) {
          const z = Z[o + j];
          ui += va[j] * (z > 0 ? z : 0) + a[j] * (z > 0 ? 1 : 0) * T[o + j];
        }
        u[i] = ui;
        const ri = r[i];
        for (let j = 0; j < m; j++) {
          const z = Z[o + j];
          const s = z > 0 ? z : 0;
          const s1 = z > 0 ? 1 : 0;
          const t = T[o + j];
          ha[j] += ui * s + ri * s1 * t;
          T[o + j] = ui * a[j] * s1 + ri * (va[j] * s1 + a[j] * 0 * t);
        }
      }
      return;
    }
    const { f, d1, d2 } = activationFromKernel(act.code, act.param);
    for (let i = 0; i < rows; i++) {
      const o = i * m;
      let ui = 0;
      for (let j = 0; j < m; j++) {
        const z = Z[o + j];
        ui += va[j] * f(z) + a[j] * d1(z) * T[o + j];
      }
      u[i] = ui;
      const ri = r[i];
      for (let j = 0; j < m; j++) {
        const z = Z[o + j];
        const s = f(z);
        const s1 = d1(z);
        const t = T[o + j];
        ha[j] += ui * s + ri * s1 * t;
        T[o + j] = ui * a[j] * s1 + ri * (va[j] * s1 + a[j] * d2(z) * t);
      }
    }
  },

  penaltyPass(act, Z, rows, m, a, r, q, wA, wB, ga, A, B) {
    const { f, d1, d2 } = activationFromKernel(act.code, act.param);
    for (let i = 0; i < rows; i++) {
      const qi = q[i];
      const ri = r ? r[i] : 0;
      const o = i * m;
      for (let j = 0; j < m; j++) {
        const z = Z[o + j];
        const s = f(z);
        const s1 = d1(z);
        addParts(A, B, j, s, s1, qi);
        const pen = wA[j] * s * s1 + wB[j] * s1 * d2(z) * qi;
        if (r && ga) {
          ga[j] += ri * s;
          Z[o + j] = ri * a[j] * s1 + pen;
        } else Z[o + j] = pen;
      }
    }
  },

  blockPass(act, X, W, rows, m, d, a, y, r, out) {
    blockPassByParts(jsBackend, act, X, W, rows, m, d, a, y, r, out);
  },

  activate(act, Z, len, order, out) {
    const A = activationFromKernel(act.code, act.param);
    const g = order === 0 ? A.f : order === 1 ? A.d1 : A.d2;
    for (let i = 0; i < len; i++) out[i] = g(Z[i]);
  },

  threads: () => 1,
  setThreads: () => {},
};
