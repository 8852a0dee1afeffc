#!/usr/bin/env node
// Measure the local pool's speed-up: the same CPU-bound sweep with 1 and with 2 worker threads
// (1 BLAS thread each), alternating, repeated; prints wall times, the speed-up and the load average.
// Runs the built dist/ (npm run build).
//   node test/sweep/speedup.mjs                         8 sweep-probe trials (≈1 s each)
//   node test/sweep/speedup.mjs --study h2-nongeneralizing --scale default --trials 8 --repeats 3
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../../dist/src/node/backend.js';
import { expandStudy } from '../../dist/src/studies/expand.js';
import { parseSpec } from '../../dist/src/studies/spec.js';
import { PoolExecutor } from '../../dist/src/sweep/pool.js';
import { PROBE_STUDY } from '../../dist/src/sweep/probe-study.js';

const { values: o } = parseArgs({
  options: {
    study: { type: 'string' },
    scale: { type: 'string', default: 'default' },
    trials: { type: 'string', default: '8' },
    repeats: { type: 'string', default: '3' },
    steps: { type: 'string', default: '6000' },
  },
});
const count = Number(o.trials);
const backend = await initBackend();
let trials;
if (o.study) {
  const file = readdirSync('studies').find((f) => f.startsWith(o.study));
  trials = expandStudy(parseSpec(readFileSync(`studies/${file}`, 'utf8'), file), o.scale).slice(0, count);
} else {
  trials = Array.from({ length: count }, (_, s) => ({
    key: `speed${s}`,
    study: PROBE_STUDY,
    params: { d: 32, n: 1024, m: 32, steps: Number(o.steps), lr: 0.02 },
    seed: 1 + s,
  }));
}
const times = { 1: [], 2: [] };
for (let r = 0; r < Number(o.repeats); r++) {
  for (const workers of [1, 2]) {
    const pool = new PoolExecutor({ workers, threads: 1 });
    // start the threads and load the backend before timing
    await pool.run(
      Array.from({ length: workers }, (_, i) => ({
        key: `warm${i}`,
        study: PROBE_STUDY,
        params: { d: 2, n: 4, m: 2, steps: 1, lr: 0.1 },
        seed: i,
      })),
      () => {},
    );
    const l0 = loadavg()[0];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let failed = 0;
    await pool.run(trials, (_t, res) => {
      if (res.error) failed++;
    });
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    await pool.close();
    if (failed) console.warn(`${failed} trial(s) recorded as failed`);
    times[workers].push(s);
    console.log(
      `repeat ${r + 1}: ${workers} worker(s): ${s.toFixed(2)} s, CPU ${cpu.toFixed(2)} s = ${(cpu / s).toFixed(2)} cores busy   (load average before ${l0.toFixed(2)}, after ${loadavg()[0].toFixed(2)})`,
    );
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const min = (a) => Math.min(...a);
console.log(
  `cores ${availableParallelism()}, backend ${backend.name}, ${trials.length} trials of ${o.study ? `${o.study} (${o.scale})` : PROBE_STUDY}`,
);
console.log(`1 worker: median ${med(times[1]).toFixed(2)} s, best ${min(times[1]).toFixed(2)} s`);
console.log(`2 workers: median ${med(times[2]).toFixed(2)} s, best ${min(times[2]).toFixed(2)} s`);
console.log(
  `speed-up: median ${(med(times[1]) / med(times[2])).toFixed(2)}×, best ${(min(times[1]) / min(times[2])).toFixed(2)}×`,
);
