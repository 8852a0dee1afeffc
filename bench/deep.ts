/**
 * flatlab's side of the deep-MLP row of `npm run bench`: the exact Hessian trace (Gauss–Newton part by
 * per-layer GEMMs of squared matrices; for ReLU it is the whole trace) of a biased ReLU MLP.
 * Usage: tsx bench/deep.ts --n N --widths '[d, w1, …, c]' [--budget-ms MS] [--backend native|js]
 * The weights are a seeded draw (the trace's cost does not depend on their values). Prints one JSON
 * line {rows, info} on stdout.
 */
import { mlpTrace } from '../src/flatness/mlp-trace.js';
import { getBackend } from '../src/linalg/backend.js';
import { makeActivation } from '../src/model/activations.js';
import { initBackend } from '../src/node/backend.js';
import { Rng } from '../src/rng/xoshiro.js';
import { initMlp } from '../src/training/mlp-train.js';
import { medianTiming } from './timing.js';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
process.env.FLATLAB_BACKEND = arg('backend', 'native');
await initBackend();
const n = Number(arg('n', '10000'));
const widths = JSON.parse(arg('widths', '[64,256,256,256,1]')) as number[];
const budgetMs = Number(arg('budget-ms', '2000'));
const d = widths[0];
const c = widths[widths.length - 1];
const net = initMlp(makeActivation({ name: 'relu' }), widths, 1, true, 0);
const rng = new Rng(1);
const data = { n, d, c, X: rng.fillNormal(new Float64Array(n * d)), Y: rng.fillNormal(new Float64Array(n * c)) };
let value = 0;
const t = medianTiming(() => {
  value = mlpTrace(net, data).trace;
}, budgetMs);
const shape = [n, ...widths];
process.stderr.write(`  flatlab deep trace (${shape}) ${t.medianMs.toFixed(1)} ms × ${t.reps}, trace ${value}\n`);
console.log(
  JSON.stringify({
    rows: [
      { op: 'deep-trace', shape, impl: `flatlab-${getBackend().name}`, medianMs: t.medianMs, reps: t.reps, value },
    ],
    info: { backend: getBackend().name },
  }),
);
