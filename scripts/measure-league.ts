/**
 * Runs the measure league outside the study framework and prints its table as Markdown (the numbers
 * of docs/measures.md#the-league), with wall-clock and CPU time, so a run under load can be told
 * apart from the cost on an idle core.
 *
 *   npm run league                          (default scale, seed 0)
 *   npm run league -- --scale smoke --json out.json
 */
import { writeFileSync } from 'node:fs';
import { getBackend } from '../src/linalg/backend.js';
import { initBackend } from '../src/node/backend.js';
import type { LeagueRow } from '../src/studies/measures/league.js';
import { LEAGUE_SCALES, type LeagueScale } from '../src/studies/measures/league-population.js';
import { runLeague } from '../src/studies/measures/league-run.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const scale = arg('scale', 'default') as LeagueScale;
if (!LEAGUE_SCALES.includes(scale)) {
  console.error(`--scale must be one of ${LEAGUE_SCALES.join(', ')}`);
  process.exit(2);
}
const seed = Number(arg('seed', '0'));
const jsonOut = arg('json', '');

await initBackend();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const run = runLeague(scale, seed, {
  onMember: (done, total) => {
    if (done % 50 === 0 || done === total) process.stderr.write(`  ${done}/${total} members\n`);
  },
});
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const f3 = (v: number | null): string => (v === null ? '—' : v.toFixed(3));
const ci = (c: [number, number] | null): string => (c ? `[${c[0].toFixed(2)}, ${c[1].toFixed(2)}]` : '—');
const drop = (r: LeagueRow): string => {
  if (r.kendallTau === null || r.kendallTauOrbit === null) return '—';
  return Math.abs(r.kendallTauOrbit) < Math.abs(r.kendallTau) ? 'drops' : 'no drop';
};

const lines = [
  `League: ${run.league.members} interpolators (${run.excluded.length} of ${run.league.members + run.excluded.length} planned excluded), scale ${scale}, seed ${seed}, backend ${getBackend().name}; ${wall.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU.`,
  '',
  '| # | measure | declared invariant | method | n | τ [95% CI] | Ψ | τ within data set | τ at orbit point | \\|τ\\| at orbit | max orbit spread |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...run.league.rows.map(
    (r, i) =>
      `| ${i + 1} | \`${r.measure}\` | ${r.invariant ? '**yes**' : 'no'} | ${r.method} | ${r.n} | ${f3(r.kendallTau)} ${ci(r.kendallCI)} | ${f3(r.psi)} | ${f3(r.kendallTauWithinData)} | ${f3(r.kendallTauOrbit)} | ${drop(r)} | ${r.orbitSpread.toExponential(1)} |`,
  ),
  '',
  `Ψ per axis (F*): ${
    run.league.rows
      .find((r) => r.measure === 'invariant_flatness')
      ?.psiAxes.map((a) => `${a.axis} ${f3(a.tau)} (${a.groups} groups)`)
      .join(', ') ?? ''
  }`,
  '',
  `Verdict: ${run.league.verdict.line}.`,
  run.league.verdict.declarationsHold
    ? 'Every declared invariance agrees with the measured orbit spread.'
    : `Declared invariant but spread > 1e-9 at some member: ${run.league.verdict.mismatched.join(', ')}.`,
  '',
  ...run.excluded.map((e) => `- excluded ${e.id}: ${e.reason}`),
];
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ ...run, wallSeconds: wall, cpuSeconds }, null, 1)}\n`);
