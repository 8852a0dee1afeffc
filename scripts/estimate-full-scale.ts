/**
 * Cost of `flatlab reproduce --scale full` without running it: counts the trials of every built-in
 * study at that scale, times the most expensive trial of each study once (or the --top K most
 * expensive), and extrapolates with a work model w = n·m·(d + 1)·(steps or 1) per trial (time ∝ work,
 * which over-estimates small trials less than it under-estimates nothing: their fixed costs are
 * small). Usage: FLATLAB_THREADS=1 tsx scripts/estimate-full-scale.ts [--top K] [--study NAME…]
 * Prints one line per study and a total for W workers (the run uses one worker per core).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../src/node/backend.js';
import { expandStudy } from '../src/studies/expand.js';
import { runTrial } from '../src/studies/run-trial.js';
import { parseSpec } from '../src/studies/spec.js';
import type { Trial } from '../src/studies/trial-types.js';

const args = process.argv.slice(2);
const top = Number(args[args.indexOf('--top') + 1] ?? 1) || 1;
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
  const timed = sorted.slice(0, top).map((t) => {
    const r = runTrial(t);
    return { t, ms: r.elapsedMs, err: r.error };
  });
  const msPerWork = timed.reduce((s, x) => s + x.ms, 0) / timed.reduce((s, x) => s + work(x.t), 0);
  const estS = (trials.reduce((s, t) => s + work(t), 0) * msPerWork) / 1000;
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
