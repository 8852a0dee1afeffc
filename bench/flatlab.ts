/**
 * flatlab's side of `npm run bench`: times step / trace / hvp / hutchinson100 / gemm on one backend
 * (run once per backend by bench/run.mjs, in its own process so thread settings do not leak).
 * Usage: tsx bench/flatlab.ts --backend native|js --shapes '[[n,d,m],…]' [--budget-ms N]
 * The native backend reports as flatlab-native by default (each GEMM on the kernel chosen for its
 * shape class), flatlab-builtin / flatlab-openblas when FLATLAB_GEMM forces one kernel.
 * Prints one JSON line {rows, info} on stdout; progress goes to stderr.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../src/data/dataset.js';
import { traceParts } from '../src/flatness/trace.js';
import { getBackend } from '../src/linalg/backend.js';
import { createNetwork, hvp, type Network } from '../src/model/network.js';
import { initBackend } from '../src/node/backend.js';
import { nativeInfo, peakGflops } from '../src/node/native-backend.js';
import { Rng } from '../src/rng/xoshiro.js';
import { medianTiming } from './timing.js';
import { sgdStep, warmUpJit } from './warm-up.js';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const backendName = arg('backend', 'native');
const shapes = JSON.parse(arg('shapes', '[[2000,100,500]]')) as [number, number, number][];
const budgetMs = Number(arg('budget-ms', '2000'));
const probesArg = Number(arg('probes', '0')); // > 0: probes to time at every shape (quick mode)
const PROBES = 100;

process.env.FLATLAB_BACKEND = backendName;
await initBackend();
const be = getBackend();

/** Hutchinson with Rademacher probes: the measures module's when it exists, else a plain loop over hvp. */
type Hutch = (net: Network, data: Dataset, probes: number, seed: number) => number;
async function loadHutchinson(): Promise<{ fn: Hutch; source: string }> {
  try {
    const est = await import('../src/measures/trace-estimators.js');
    const ops = await import('../src/measures/operators.js');
    if (typeof est.hutchinson === 'function' && typeof ops.curvatureOperator === 'function') {
      return {
        fn: (net, data, probes, seed) =>
          est.hutchinson(ops.curvatureOperator(net, data, 'hessian'), { budget: probes, seed }).estimate,
        source: 'src/measures hutchinson(curvatureOperator)',
      };
    }
  } catch {
    // measures module not there yet
  }
  return {
    fn: (net, data, probes, seed) => {
      const rng = new Rng(seed);
      const va = new Float64Array(net.m),
        vW = new Float64Array(net.m * net.d);
      let s = 0;
      for (let l = 0; l < probes; l++) {
        rng.fillRademacher(va);
        rng.fillRademacher(vW);
        const h = hvp(net, data, va, vW);
        for (let j = 0; j < net.m; j++) s += va[j] * h.ha[j];
        for (let k = 0; k < vW.length; k++) s += vW[k] * h.hW[k];
      }
      return s / probes;
    },
    source: 'bench loop over network.hvp',
  };
}
const hutch = await loadHutchinson();

interface Row {
  op: string;
  shape: [number, number, number];
  impl: string;
  threads: number;
  medianMs: number;
  reps: number;
  note?: string;
}
const rows: Row[] = [];
// FLATLAB_GEMM=builtin|openblas forces one kernel (rows flatlab-builtin, flatlab-openblas); the default,
// each shape class on its faster kernel, is flatlab-native.
const forced = process.env.FLATLAB_GEMM;
const impl =
  be.name === 'native' && (forced === 'builtin' || forced === 'openblas') ? `flatlab-${forced}` : `flatlab-${be.name}`;
const threads = be.threads();
warmUpJit(be.name === 'js' ? 10 : 60);

for (const shape of shapes) {
  const [n, d, m] = shape;
  const rng = new Rng(1000 + n + d + m);
  const data: Dataset = { n, d, X: rng.fillNormal(new Float64Array(n * d)), y: rng.fillNormal(new Float64Array(n)) };
  const a0 = rng.fillNormal(new Float64Array(m), 1 / Math.sqrt(m));
  const W0 = rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d));
  const net = createNetwork('relu', a0.slice(), W0.slice(), d);
  const va = new Rng(7).fillRademacher(new Float64Array(m));
  const vW = new Rng(8).fillRademacher(new Float64Array(m * d));
  const flops = 2 * n * m * d;
  // 100 probes at the big shapes take minutes (hours for the portable backend at ~5 GFLOP/s): time
  // fewer and scale, as the numpy and torch peers do (the probes are independent and cost the same).
  const probes =
    probesArg > 0
      ? probesArg
      : be.name === 'js'
        ? flops > 1e9
          ? 2
          : flops > 5e7
            ? 10
            : PROBES
        : flops > 5e8
          ? 20
          : PROBES;
  const add = (op: string, t: { medianMs: number; reps: number }, scale = 1, note?: string) => {
    rows.push({ op, shape, impl, threads, medianMs: t.medianMs * scale, reps: t.reps, ...(note ? { note } : {}) });
    process.stderr.write(
      `  ${impl} ${op} (${shape}) ${(t.medianMs * scale).toFixed(1)} ms × ${t.reps}${note ? ` [${note}]` : ''}\n`,
    );
  };

  // A training loop's step: the gradient into the previous step's arrays (DataPassBuffers), then SGD.
  let lent = {};
  add(
    'step',
    medianTiming(() => {
      lent = sgdStep(net, data, lent);
    }, budgetMs),
  );
  net.a.set(a0);
  net.W.set(W0);
  add(
    'trace',
    medianTiming(() => traceParts(net, data), budgetMs),
  );
  add(
    'hvp',
    medianTiming(() => hvp(net, data, va, vW), budgetMs),
  );
  add(
    'hutchinson100',
    medianTiming(() => hutch.fn(net, data, probes, 11), budgetMs, 3),
    PROBES / probes,
    probes !== PROBES ? `timed ${probes} probes, scaled ×${PROBES / probes}` : undefined,
  );
  const Z = new Float64Array(n * m);
  add(
    'gemm',
    medianTiming(() => be.gemm(false, true, n, m, d, 1, data.X, net.W, 0, Z), budgetMs),
  );
}

// The addon's path is recorded relative to the repository, so committed results name no machine path.
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const addon = nativeInfo();
const native = addon && { ...addon, path: relative(repoRoot, addon.path).split('\\').join('/') };
// The peak the report measures against: register-only FMAs on every thread, after the timings (so it
// sees the same machine state) — native backend only.
const peak = be.name === 'native' ? peakGflops(threads) : null;
const info = { backend: be.name, threads, hutchinson: hutch.source, native, peakGflops: peak };
process.stdout.write(`${JSON.stringify({ rows, info })}\n`);
