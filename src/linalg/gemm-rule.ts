/**
 * Shape classes of a GEMM, for a backend that has more than one GEMM kernel (the native addon built
 * with OpenBLAS has OpenBLAS's and its own): the kernel is chosen per class, by timing both on the
 * first product of the class (src/node/gemm-choice.ts). A class is what decides which kernel wins:
 * the transposition pattern (which operand the kernels must pack across its stride), the inner
 * dimension k (short k makes a product bound by writing C, long k by the multiply-adds) and the
 * product's size (thread start-up and packing dominate small ones).
 */

/** The native backend's GEMM kernels, numbered as the addon numbers them. */
export const GEMM_KERNELS = ['builtin', 'openblas'] as const;
export type GemmKernel = (typeof GEMM_KERNELS)[number];

const K_EDGES = [64, 256] as const;
const K_NAMES = ['k<=64', 'k<=256', 'k>256'] as const;
const FLOP_EDGES = [1e6, 1e8] as const;
const FLOP_NAMES = ['flops<1e6', 'flops<1e8', 'flops>=1e8'] as const;
const FORMS = ['nn', 'nt', 'tn', 'tt'] as const;

/** Number of shape classes (classes are 0 … GEMM_CLASSES − 1). */
export const GEMM_CLASSES = FORMS.length * K_NAMES.length * FLOP_NAMES.length;

function bucket(x: number, edges: readonly number[]): number {
  let b = 0;
  while (b < edges.length && x > edges[b]) b++;
  return b;
}

/** The class of C ← op(A) op(B) with op(A) m×k, op(B) k×n. */
export function gemmClass(tA: boolean, tB: boolean, m: number, n: number, k: number): number {
  const form = (tA ? 2 : 0) + (tB ? 1 : 0);
  const kb = bucket(k, K_EDGES);
  const fb = 2 * m * n * k < FLOP_EDGES[0] ? 0 : 2 * m * n * k < FLOP_EDGES[1] ? 1 : 2;
  return (form * K_NAMES.length + kb) * FLOP_NAMES.length + fb;
}

/** A class's name, as the cache file and the diagnostics spell it: "nt k<=256 flops>=1e8" (n: as stored, t: transposed). */
export function gemmClassName(c: number): string {
  const fb = c % FLOP_NAMES.length;
  const kb = Math.floor(c / FLOP_NAMES.length) % K_NAMES.length;
  const form = Math.floor(c / (FLOP_NAMES.length * K_NAMES.length));
  return `${FORMS[form]} ${K_NAMES[kb]} ${FLOP_NAMES[fb]}`;
}

/**
 * The kernel to keep from two timings of the same product (best of several runs each, ms): OpenBLAS
 * only when it is faster by more than `margin` (relative), since the built-in one is always there and
 * a near-tie is noise.
 */
export function fasterKernel(builtinMs: number, openblasMs: number, margin = 0.03): GemmKernel {
  return openblasMs * (1 + margin) < builtinMs ? 'openblas' : 'builtin';
}
