/**
 * Cost of `flatlab reproduce --scale full` without running it: counts the trials of every built-in
 * study at that scale, times two of them once (the one with the most work and the one with the
 * median work, work w = n·max(m, searchWidth)·(d + 1)·steps·points), fits t = a + b·w through the
 * two points (a ≥ 0: fixed cost per trial, b: cost per unit of work) and sums it over the study's
 * trials. Trials that stop early (interpolation reached) make this an estimate, not a bound.
 * Usage: FLATLAB_THREADS=1 tsx scripts/estimate-full-scale.ts [--study NAME…]
 * Prints one line per study and the total for one core and for 2 workers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../src/node/backend.js';
import { expandStudy } from '../src/studies/expand.js';
import { runTrial } from '../src/studies/run-trial.js';
import { parseSpec } from '../src/studies/spec.js';
import type { Trial } from '../src/studies/trial-types.js';

const args = process.argv.slice(2);
const only = args.includes('--study') ? args.slice(args.indexOf('--study') + 1) : null;
const workers = 2;
await initBackend();

const num = (v: unknown, def: number): number => (typeof v === 'number' ? v : def);
function work(t: Trial): number {
  const p = t.params as Record<string, unknown>;
  const m = Math.max(num(p.m, 1), num(p.searchWidth, 0));
  return num(p.n, 1) * m * (num(p.d, 1) + 1) * Math.max(1, num(p.steps, 1)) * Math.max(1, num(p.points, 1));
}

const dir = 'studies';
let totalS = 0;
for (const f of readdirSync(dir)
  .filter((x) => x.endsWith('.yaml'))
  .sort()) {
  const spec = parseSpec(readFileSync(join(dir, f), 'utf8'), f);
  if (only && !only.includes(spec.name)) continue;
  const trials = expandStudy(spec, 'full');
  const sorted = [...trials].sort((a, b) => work(b) - work(a));
  const picks = [sorted[0], sorted[Math.floor(sorted.length / 2)]];
  const timed = picks.map((t) => {
    const r = runTrial(t);
    return { t, ms: r.elapsedMs, err: r.error };
  });
  const [hi, mid] = timed;
  const dw = work(hi.t) - work(mid.t);
  const b = dw > 0 ? Math.max(0, (hi.ms - mid.ms) / dw) : hi.ms / work(hi.t);
  const a = Math.max(0, hi.ms - b * work(hi.t));
  const estS = trials.reduce((s, t) => s + a + b * work(t), 0) / 1000;
  totalS += estS;
  const biggest = timed
    .map(
      (x) =>
        `${JSON.stringify(x.t.params)} seed ${x.t.seed}: ${(x.ms / 1000).toFixed(1)} s${x.err ? ` (${x.err})` : ''}`,
    )
    .join('; ');
  console.log(`${spec.name}: ${trials.length} trials, ≈ ${(estS / 60).toFixed(1)} min on one core; timed ${biggest}`);
}
console.log(
  `total ≈ ${(totalS / 3600).toFixed(2)} h on one core, ≈ ${(totalS / 3600 / workers).toFixed(2)} h with ${workers} workers`,
);
