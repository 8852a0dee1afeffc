/**
 * Per-kernel table of docs/performance.md: step, trace, HVP and the whole-matrix GEMM Z = X Wᵀ on one
 * thread, timed in CPU time of this process (best of R runs), once per GEMM kernel of the native
 * addon (each forced for every product) and once as chosen per shape class; numpy's GEMM on one
 * thread in CPU time beside it. CPU time on one thread is what a busy shared machine leaves
 * comparable: other users' processes lengthen the wall time of a run, not its CPU time (they still
 * share the caches). Peak: the register-only FMA loop (native/src/peak.h) in CPU time.
 * Usage: FLATLAB_THREADS=1 tsx bench/kernel-table.ts [--reps R] [--shapes '[[n,d,m],…]']
 */
import { spawnSync } from 'node:child_process';
import { traceParts } from '../src/flatness/trace.js';
import { type Backend, getBackend, registerBackend, useBackend } from '../src/linalg/backend.js';
import { createNetwork, gradient, hvp } from '../src/model/network.js';
import { initBackend } from '../src/node/backend.js';
import { nativeInfo, nativeOnKernel, peakGflops } from '../src/node/native-backend.js';
import { Rng } from '../src/rng/xoshiro.js';
import { warmUpJit } from './warm-up.js';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const reps = Number(arg('reps', '5'));
const shapes = JSON.parse(arg('shapes', '[[2000,100,500],[10000,200,1000],[50000,50,256]]')) as number[][];

process.env.FLATLAB_BACKEND = 'native';
await initBackend();
const native = getBackend();
native.setThreads(1);

/** Best CPU time (ms) of fn over `reps` runs after one warm-up. */
function cpuMs(fn: () => unknown): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e3);
  }
  return best;
}

// Peak: 5e6 rounds of 12 FMAs on VW-wide vectors, in CPU time.
const vw = Number(/(\d+)-bit vectors/.exec(nativeInfo()?.builtin ?? '')?.[1] ?? '512') / 64;
const peakCpuMs = cpuMs(() => peakGflops(1));
const peak = (7 * 5e6 * 24 * vw) / (peakCpuMs * 1e6); // peakGflops runs 7 timings of 5e6 rounds

// The backend as chosen per shape class last: the first variant timed at a shape pays for growing the
// JS heap to that shape's arrays.
const variants: [string, Backend][] = [];
for (const k of nativeInfo()?.kernels ?? []) {
  const be = nativeOnKernel(k);
  if (be) variants.push([k, be]);
}
if (variants.length > 1) variants.push(['chosen', native]);

function numpyGemmMs(n: number, d: number, m: number): number | null {
  const py = `import numpy as np, time
X=np.random.rand(${n},${d}); W=np.random.rand(${m},${d}); Z=np.empty((${n},${m})); np.matmul(X,W.T,out=Z); b=1e9
for _ in range(${reps}):
    t=time.process_time(); np.matmul(X,W.T,out=Z); b=min(b,time.process_time()-t)
print(b*1e3)`;
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['-c', py], { encoding: 'utf8', env });
  const v = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(v) ? v : null;
}

warmUpJit();

const out: string[] = [
  `peak (1 thread, register-only FMAs, CPU time): ${peak.toFixed(1)} GFLOP/s; openblas core: ${nativeInfo()?.core ?? '—'}`,
  '',
  '| (n, d, m) | GEMM kernel | gemm ms (GFLOP/s, % peak) | numpy gemm ms / ours | step ms (step/gemm) | trace ms (trace/gemm) | hvp ms (hvp/gemm) |',
  '|---|---|---|---|---|---|---|',
];
for (const [n, d, m] of shapes) {
  const rng = new Rng(1000 + n + d + m);
  const data = { n, d, X: rng.fillNormal(new Float64Array(n * d)), y: rng.fillNormal(new Float64Array(n)) };
  const a0 = rng.fillNormal(new Float64Array(m), 1 / Math.sqrt(m));
  const W0 = rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d));
  const net = createNetwork('relu', a0, W0, d);
  const va = new Rng(7).fillRademacher(new Float64Array(m));
  const vW = new Rng(8).fillRademacher(new Float64Array(m * d));
  const Z = new Float64Array(n * m);
  const np = numpyGemmMs(n, d, m);
  const flops = 2 * n * d * m;
  for (const [name, be] of variants) {
    registerBackend(be);
    useBackend('native');
    const g = cpuMs(() => be.gemm(false, true, n, m, d, 1, data.X, net.W, 0, Z));
    const st = cpuMs(() => gradient(net, data));
    const tr = cpuMs(() => traceParts(net, data));
    const hv = cpuMs(() => hvp(net, data, va, vW));
    const gf = flops / (g * 1e6);
    out.push(
      `| (${n}, ${d}, ${m}) | ${name} | ${g.toFixed(1)} (${gf.toFixed(0)}, ${((100 * gf) / peak).toFixed(0)} %) | ${
        np === null ? '—' : `${np.toFixed(1)} / ${(np / g).toFixed(2)}×`
      } | ${st.toFixed(1)} (${(st / g).toFixed(2)}) | ${tr.toFixed(1)} (${(tr / g).toFixed(2)}) | ${hv.toFixed(1)} (${(hv / g).toFixed(2)}) |`,
    );
    process.stderr.write(`${out[out.length - 1]}\n`);
  }
}
registerBackend(native);
console.log(out.join('\n'));
