/**
 * `Backend.blockPass` composed from the backend's own GEMM and passes: the definition of what the
 * fused entry computes, the portable backend's implementation, and the oracle the native fused entry
 * is tested against.
 */
import type { Backend } from './backend.js';
import { scale } from './vec.js';

let scratch = new Float64Array(0);

/**
 * Rows per block: about 256k entries of Z (2 MiB) and at least 512 rows (unless that exceeds 4M
 * entries, 32 MiB, for very wide networks). Sized for the GEMMs, not the cache: a product with 512+
 * rows runs at full speed on every thread (BLAS splits the rows), while the 64k-entry blocks used
 * before (65 rows at m = 1000) ran OpenBLAS at half its speed; the fused passes read each Z row once
 * anyway. Peak memory stays O(block · m), independent of n.
 */
export function blockRows(m: number, n: number): number {
  const w = Math.max(1, m);
  const rows = Math.max(Math.min(512, Math.floor(4194304 / w)), Math.floor(262144 / w));
  return Math.max(1, Math.min(n, Math.max(16, rows)));
}

/**
 * gemm (Z = X Wᵀ), forwardRows, r − y, traceSums, gradPass, gemm (gW += Gᵀ X) on `be`, in that order,
 * over row blocks of blockRows rows (all rows at once when out.Z is given).
 */
export function blockPassByParts(
  be: Backend,
  ...[act, X, W, rows, m, d, a, y, r, out]: Parameters<Backend['blockPass']>
): void {
  if (out.gW && !out.ga) throw new Error('blockPass: gW needs ga');
  // Without out.Z, Z lives in a scratch block of blockRows rows, so memory stays O(block · m).
  const blk = out.Z ? rows : blockRows(m, rows);
  if (!out.Z && scratch.length < blk * m) scratch = new Float64Array(blk * m);
  for (let i0 = 0; i0 < rows; i0 += blk) {
    const nb = Math.min(blk, rows - i0);
    const Xb = X.subarray(i0 * d, (i0 + nb) * d);
    const rb = r.subarray(i0, i0 + nb);
    const Z = out.Z ?? scratch;
    be.gemm(false, true, nb, m, d, 1, Xb, W, 0, Z);
    be.forwardRows(act, Z, nb, m, a, rb);
    if (y) for (let i = 0; i < nb; i++) rb[i] = rb[i] - y[i0 + i];
    const t = out.trace;
    if (t) be.traceSums(act, Z, nb, m, rb, t.q.subarray(i0, i0 + nb), t.A, t.B, t.C);
    if (out.ga) be.gradPass(act, Z, nb, m, a, rb, out.ga);
    if (out.gW) be.gemm(true, false, m, d, nb, 1, Z, Xb, 1, out.gW);
  }
  const s = out.gradScale;
  if (out.ga && s !== undefined && s !== 1) {
    scale(s, out.ga.subarray(0, m));
    if (out.gW) scale(s, out.gW.subarray(0, m * d));
  }
}
