/**
 * Cost of `flatlab reproduce --scale full` without running it: counts the trials of every built-in
 * study at that scale (the same de-duplicated list `reproduce` runs) and splits each study into groups
 * by the field that says what a trial computes (construction, algorithm, interpolator, method: their
 * costs differ by orders of magnitude at equal sizes). In each group it times two trials (the one with
 * the most work and the one with the median work, work w = n·max(m, searchWidth)·(d + 1)·steps·points
 * ·budget·reps, n = round(nPerD·d) where a study gives nPerD), fits t = a + b·w through the two points
 * (a ≥ 0: fixed cost per trial, b: cost per unit of work) and sums it over the group's trials.
 *
 * Times are CPU seconds of this process (FLATLAB_THREADS=1, so BLAS runs in it): on a machine shared
 * with other jobs, wall time measures the neighbours; CPU time is what the trials cost. Wall times are
 * printed beside them.
 *
 * `--probe-steps K` does not run a flattest-search trial with n > GN_MAX_N in full (its λ continuation
 * always runs to the end of its budget S, and its GD polish is a fixed number of iterations): it runs
 * it with K and with 2K steps and extrapolates linearly, t(S) = t(K) + (S − K)·(t(2K) − t(K))/K. Other
 * trials run in full.
 * `--stratify d,n` estimates differently, for trials whose cost the work model cannot predict (the
 * flattest search stops early, after a number of steps that depends on the problem): each group is
 * split further by the values of those fields, one trial per stratum is drawn at random (seeded) and
 * run in full, and the stratum costs its size times that trial's time — a stratified random sample,
 * unbiased for the total. With --stratify, --probe-steps is ignored.
 * Usage: FLATLAB_THREADS=1 tsx scripts/estimate-full-scale.ts [--probe-steps K | --stratify F,G] [--study NAME…]
 * Prints one line per study and the totals for one core and for 2 workers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/node/backend.js';
import { runTrialAsync } from '../src/studies/run-trial.js';
import { allTrials } from '../src/studies/runner.js';
import { parseSpec } from '../src/studies/spec.js';
import type { Trial } from '../src/studies/trial-types.js';
import { GN_MAX_N } from '../src/training/gauss-newton.js';

const args = process.argv.slice(2);
const probeAt = args.indexOf('--probe-steps');
const probe = probeAt >= 0 ? Number(args[probeAt + 1]) : 0;
const stratAt = args.indexOf('--stratify');
const strata = stratAt >= 0 ? args[stratAt + 1].split(',') : [];
const only = args.includes('--study')
  ? args.slice(args.indexOf('--study') + 1).filter((a) => !a.startsWith('--'))
  : null;
const workers = 2;
await initBackend();

const num = (v: unknown, def: number): number => (typeof v === 'number' ? v : def);
const samples = (p: Readonly<Record<string, unknown>>): number =>
  typeof p.nPerD === 'number' ? Math.max(1, Math.round(p.nPerD * num(p.d, 1))) : num(p.n, 1);
function work(t: Trial): number {
  const p = t.params as Record<string, unknown>;
  const m = Math.max(num(p.m, 1), num(p.searchWidth, 0));
  const factors = ['steps', 'points', 'budget', 'reps'].map((k) => Math.max(1, num(p[k], 1)));
  return factors.reduce((w, f) => w * f, samples(p) * m * (num(p.d, 1) + 1));
}

/** What a trial computes: trials of one study differ in cost mostly by this field. */
const KIND_FIELDS = ['construction', 'algorithm', 'interpolator', 'method'];
function kindOf(t: Trial): string {
  const p = t.params as Record<string, unknown>;
  const kind = KIND_FIELDS.map((k) => (p[k] === undefined ? '' : String(p[k]))).join(' ');
  return [kind, ...strata.map((f) => `${f}=${String(p[f])}`)].join(' ');
}

/** A seeded pick (mulberry32 over the group's name), so a rerun times the same trials. */
function pick<T>(items: readonly T[], name: string): T {
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  let x = (h + 0x6d2b79f5) | 0;
  x = Math.imul(x ^ (x >>> 15), x | 1);
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
  const u = ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  return items[Math.floor(u * items.length)];
}

/** One run of a trial: CPU and wall seconds (asynchronous trials, e.g. H2's convex construction, awaited). */
async function timeOnce(t: Trial): Promise<{ cpu: number; wall: number; err?: string; ran?: number }> {
  const c0 = process.cpuUsage();
  const r = await runTrialAsync(t);
  const c = process.cpuUsage(c0);
  const steps = r.metrics.steps;
  return {
    cpu: (c.user + c.system) / 1e6,
    wall: r.elapsedMs / 1000,
    err: r.error,
    ran: typeof steps === 'number' ? steps : undefined,
  };
}

/** A trial's cost, by running it (or by the step extrapolation of --probe-steps). */
async function timeTrial(t: Trial): Promise<{ cpu: number; wall: number; err?: string; ran?: number; note: string }> {
  const steps = num((t.params as Record<string, unknown>).steps, 0);
  // The flattest search used to run its whole budget (λ continuation); since its early stop
  // (src/training/search.ts) a run may end sooner, so the extrapolation below is an upper bound. Only
  // for n > GN_MAX_N is its polish a fixed cost (polishSteps GD iterations); below, the Gauss–Newton polish takes as many
  // iterations as the point where training stopped needs, so a shortened run says nothing about it.
  // Other algorithms stop once they interpolate. Those trials always run in full.
  const fixedBudget = (t.params as Record<string, unknown>).algorithm === 'flattest' && samples(t.params) > GN_MAX_N;
  if (strata.length || !(probe > 0) || !fixedBudget || steps <= 2 * probe) return { ...(await timeOnce(t)), note: '' };
  const withSteps = (s: number): Trial => ({ ...t, params: { ...t.params, steps: s } });
  const a = await timeOnce(withSteps(probe));
  const b = await timeOnce(withSteps(2 * probe));
  const ext = (x: number, y: number): number => x + ((steps - probe) * Math.max(0, y - x)) / probe;
  return {
    cpu: ext(a.cpu, b.cpu),
    wall: ext(a.wall, b.wall),
    err: a.err ?? b.err,
    note: ` (extrapolated from ${probe} and ${2 * probe} steps: ${a.cpu.toFixed(1)} s, ${b.cpu.toFixed(1)} s CPU)`,
  };
}

const dir = 'studies';
const specs = readdirSync(dir)
  .filter((x) => x.endsWith('.yaml'))
  .sort()
  .map((f) => parseSpec(readFileSync(join(dir, f), 'utf8'), f))
  .filter((s) => !only || only.includes(s.name));
// The list `reproduce` runs: two specs that ask for the same trial share one result.
const keys = new Set(allTrials(specs, 'full').map((t) => t.key));
console.log(
  `load average at the start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}`,
);
let totalS = 0;
let largest = 0;
let count = 0;
const fmt = (x: { t: Trial; cpu: number; wall: number; note: string; err?: string; ran?: number }): string =>
  `${JSON.stringify(x.t.params)} seed ${x.t.seed}: ${x.cpu.toFixed(1)} s CPU, ${x.wall.toFixed(1)} s wall${x.ran !== undefined ? `, ${x.ran} steps` : ''}${x.note}${x.err ? ` (${x.err})` : ''}`;
for (const spec of specs) {
  const trials = allTrials([spec], 'full').filter((t) => keys.delete(t.key));
  count += trials.length;
  const groups = new Map<string, Trial[]>();
  for (const t of trials) groups.set(kindOf(t), [...(groups.get(kindOf(t)) ?? []), t]);
  let studyS = 0;
  const lines: string[] = [];
  for (const [kind, group] of groups) {
    if (strata.length) {
      const one = pick(group, `${spec.name} ${kind}`);
      const timed = { t: one, ...(await timeTrial(one)) };
      const estS = group.length * timed.cpu;
      studyS += estS;
      largest = Math.max(largest, timed.cpu);
      lines.push(`  ${kind.trim()}: ${group.length} trials, ≈ ${(estS / 60).toFixed(1)} CPU-min; timed ${fmt(timed)}`);
      continue;
    }
    const sorted = [...group].sort((a, b) => work(b) - work(a));
    const picks = [sorted[0], sorted[Math.floor(sorted.length / 2)]];
    const timed: ({ t: Trial } & Awaited<ReturnType<typeof timeTrial>>)[] = [];
    for (const t of picks) timed.push({ t, ...(await timeTrial(t)) });
    const [hi, mid] = timed;
    const dw = work(hi.t) - work(mid.t);
    const b = dw > 0 ? Math.max(0, (hi.cpu - mid.cpu) / dw) : hi.cpu / work(hi.t);
    const a = Math.max(0, hi.cpu - b * work(hi.t));
    const estS = group.reduce((s, t) => s + a + b * work(t), 0);
    studyS += estS;
    largest = Math.max(largest, hi.cpu);
    lines.push(
      `  ${kind.trim() || '(one kind)'}: ${group.length} trials, ≈ ${(estS / 60).toFixed(1)} CPU-min; timed ${timed.map(fmt).join('; ')}`,
    );
  }
  totalS += studyS;
  console.log(`${spec.name}: ${trials.length} trials, ≈ ${(studyS / 60).toFixed(1)} CPU-min on one core`);
  for (const l of lines) console.log(l);
}
// Two workers cannot finish before the largest trial does, nor before half the work is done.
const twoWorkers = Math.max(totalS / workers, largest);
console.log(
  `total: ${count} trials, ≈ ${(totalS / 3600).toFixed(2)} h of one core, ≈ ${(twoWorkers / 3600).toFixed(2)} h with ${workers} workers (CPU time; load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')})`,
);
