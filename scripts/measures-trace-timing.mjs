#!/usr/bin/env node
import { traceParts } from '../dist/src/flatness/trace.js';
import { hessianOperator } from '../dist/src/measures/operators.js';
import { hutchinson } from '../dist/src/measures/trace-estimators.js';
import { createNetwork } from '../dist/src/model/network.js';
/**
 * Exact Hessian trace (one closed-form pass) vs Hutchinson with 100 Hessian-vector products, on
 * n = 10⁴, d = 100, m = 1000 (docs/measures.md). Runs the compiled library (npm run build first).
 *   node scripts/measures-trace-timing.mjs [--n 10000 --d 100 --m 1000 --budget 100]
 * FLATLAB_BACKEND=js|native selects the linear-algebra backend. Prints one JSON object.
 */
import { initBackend } from '../dist/src/node/backend.js';
import { Rng } from '../dist/src/rng/xoshiro.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg('n', 10000);
const d = arg('d', 100);
const m = arg('m', 1000);
const budget = arg('budget', 100);

const backend = await initBackend();
const rng = new Rng(1);
const X = rng.fillNormal(new Float64Array(n * d));
const y = rng.fillNormal(new Float64Array(n));
const net = createNetwork(
  'relu',
  rng.fillNormal(new Float64Array(m), 1 / Math.sqrt(m)),
  rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d)),
  d,
);
const data = { n, d, X, y };

const exactRuns = [];
let exact = 0;
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  exact = traceParts(net, data).trace;
  exactRuns.push(performance.now() - t);
}
exactRuns.sort((a, b) => a - b);
const t = performance.now();
const est = hutchinson(hessianOperator(net, data), { budget, seed: 0 });
const hutchMs = performance.now() - t;
const out = {
  n,
  d,
  m,
  budget,
  backend: backend.name,
  threads: backend.threads(),
  exact,
  exactMsMedian: exactRuns[1],
  exactMsAll: exactRuns,
  hutchinson: { estimate: est.estimate, stderr: est.stderr, ms: hutchMs, msPerMatvec: hutchMs / budget },
  speedup: hutchMs / exactRuns[1],
  errorInStderrs: (est.estimate - exact) / est.stderr,
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
