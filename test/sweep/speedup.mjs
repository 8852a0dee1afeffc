#!/usr/bin/env node
// Measure the local pool's speed-up: the same CPU-bound sweep with 1 and with 2 worker threads
// (1 BLAS thread each), repeated; prints wall times, the speed-up and the load average.
// Usage: node test/sweep/speedup.mjs [trials=8] [repeats=3] [steps=6000]   (runs the built dist/)
import { loadavg, availableParallelism } from 'node:os';
import { initBackend } from '../../dist/src/node/backend.js';
import { PoolExecutor } from '../../dist/src/sweep/pool.js';
import { PROBE_STUDY } from '../../dist/src/sweep/probe-study.js';

const [count = 8, repeats = 3, steps = 6000] = process.argv.slice(2).map(Number);
const backend = await initBackend();
const trials = Array.from({ length: count }, (_, s) => ({
  key: `speed${s}`, study: PROBE_STUDY, params: { d: 32, n: 1024, m: 32, steps, lr: 0.02 }, seed: 1 + s,
}));
const times = { 1: [], 2: [] };
for (let r = 0; r < repeats; r++) {
  for (const workers of [1, 2]) {
    const pool = new PoolExecutor({ workers, threads: 1 });
    await pool.run(trials.slice(0, workers).map((t) => ({ ...t, key: `warm${t.key}`, params: { ...t.params, steps: 1 } })), () => {});
    const t0 = performance.now();
    let failed = 0;
    await pool.run(trials, (_t, res) => { if (res.error) failed++; });
    const s = (performance.now() - t0) / 1000;
    await pool.close();
    if (failed) throw new Error(`${failed} trials failed`);
    times[workers].push(s);
    console.log(`repeat ${r + 1}: ${workers} worker(s): ${s.toFixed(2)} s   (load average ${loadavg()[0].toFixed(2)})`);
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const min = (a) => Math.min(...a);
console.log(`cores ${availableParallelism()}, backend ${backend.name}, ${count} trials`);
console.log(`1 worker: median ${med(times[1]).toFixed(2)} s, best ${min(times[1]).toFixed(2)} s`);
console.log(`2 workers: median ${med(times[2]).toFixed(2)} s, best ${min(times[2]).toFixed(2)} s`);
console.log(`speed-up: median ${(med(times[1]) / med(times[2])).toFixed(2)}×, best ${(min(times[1]) / min(times[2])).toFixed(2)}×`);
