/**
 * Where the time of a step / trace / hvp goes, kernel by kernel, at the bench shapes: replays the
 * block loop of the sweep in src/model/network.ts with a timer around every backend call.
 * Usage: FLATLAB_THREADS=2 tsx scripts/profile-kernels.ts [--block ROWS] [--reps R]
 * Prints best-of-R milliseconds per kernel (the machine is shared: the minimum is the least noisy).
 */

import { makeActivation } from '../src/model/activations.js';
import { blockRows } from '../src/model/network.js';
import { initBackend } from '../src/node/backend.js';
import { Rng } from '../src/rng/xoshiro.js';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : d;
};
const be = await initBackend();
const reps = Number(arg('reps', '5'));
const SHAPES: [number, number, number][] = JSON.parse(
  arg('shapes', '[[2000,100,500],[10000,200,1000],[50000,50,256]]'),
);
const act = makeActivation('relu');
for (const [n, d, m] of SHAPES) {
  const blk = Number(arg('block', '0')) || blockRows(m, n);
  const rng = new Rng(1);
  const X = rng.fillNormal(new Float64Array(n * d));
  const W = rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d));
  const V = rng.fillNormal(new Float64Array(m * d));
  const a = rng.fillNormal(new Float64Array(m), 1 / Math.sqrt(m));
  const va = rng.fillNormal(new Float64Array(m));
  const q = new Float64Array(n).fill(d);
  const Z = new Float64Array(blk * m);
  const T = new Float64Array(blk * m);
  const u = new Float64Array(blk);
  const r = new Float64Array(n);
  const acc = () => new Float64Array(m);
  const gW = new Float64Array(m * d);
  const best: Record<string, number> = {};
  for (let rep = 0; rep < reps; rep++) {
    const t: Record<string, number> = {};
    const time = (k: string, f: () => void) => {
      const t0 = performance.now();
      f();
      t[k] = (t[k] ?? 0) + performance.now() - t0;
    };
    const [A, B, C, ga, ha] = [acc(), acc(), acc(), acc(), acc()];
    for (let i0 = 0; i0 < n; i0 += blk) {
      const rows = Math.min(blk, n - i0);
      const Xb = X.subarray(i0 * d, (i0 + rows) * d);
      const rb = r.subarray(i0, i0 + rows);
      time('gemm Z=XWᵀ', () => be.gemm(false, true, rows, m, d, 1, Xb, W, 0, Z));
      time('forwardRows', () => be.forwardRows(act, Z, rows, m, a, rb));
      time('traceSums', () => be.traceSums(act, Z, rows, m, rb, q.subarray(i0, i0 + rows), A, B, C));
      time('gemm T=XVᵀ', () => be.gemm(false, true, rows, m, d, 1, Xb, V, 0, T));
      time('hvpPass', () => be.hvpPass(act, Z, T, rows, m, a, va, rb, u, ha));
      time('gemm hW+=TᵀX', () => be.gemm(true, false, m, d, rows, 1, T, Xb, 1, gW));
      time('gradPass', () => be.gradPass(act, Z, rows, m, a, rb, ga));
      time('gemm gW+=ZᵀX', () => be.gemm(true, false, m, d, rows, 1, Z, Xb, 1, gW));
    }
    for (const k of Object.keys(t)) best[k] = Math.min(best[k] ?? Infinity, t[k]);
  }
  const gf = (ms: number) => ((2 * n * m * d) / (ms * 1e6)).toFixed(1);
  const line = Object.entries(best)
    .map(([k, v]) => `${k} ${v.toFixed(2)}${k.startsWith('gemm') ? ` (${gf(v)} GF/s)` : ''}`)
    .join(' | ');
  const trace = best['gemm Z=XWᵀ'] + best.forwardRows + best.traceSums;
  const step = best['gemm Z=XWᵀ'] + best.forwardRows + best.gradPass + best['gemm gW+=ZᵀX'];
  const hvp = best['gemm Z=XWᵀ'] + best.forwardRows + best['gemm T=XVᵀ'] + best.hvpPass + best['gemm hW+=TᵀX'];
  console.log(
    `(${n},${d},${m}) block ${blk} rows, ${be.name} ${be.threads()} thr: ${line}\n  ⇒ step ${step.toFixed(2)} ms, trace ${trace.toFixed(2)} ms (${(trace / best['gemm Z=XWᵀ']).toFixed(2)}× gemm), hvp ${hvp.toFixed(2)} ms`,
  );
}
