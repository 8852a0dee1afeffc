/**
 * Where one study trial's time goes, phase by phase: the data set, the training phase (per step), the
 * polish, and each measurement (trace parts, F*, population risk, baselines). Replays what
 * `runLearnedTrial` (src/studies/learned-run.ts) does, with a timer around every piece, so the
 * per-trial glue can be told apart from the training steps.
 * Usage: FLATLAB_THREADS=1 tsx scripts/profile-trial.ts '{"d":200,"n":10000,"m":100,"steps":100}' [seed]
 * (fields missing from the JSON take the flattest study's defaults; `steps` is the training budget).
 */

import { traceParts } from '../src/flatness/trace.js';
import { initBackend } from '../src/node/backend.js';
import { baselines, learnedTrainConfig, studyActivation, studyData, studyRisk } from '../src/studies/common.js';
import { FLATTEST_DEFAULTS, flattestParams } from '../src/studies/flattest/schema.js';
import { invariantFlatness } from '../src/symmetry/invariant.js';
import { flatGradient, penalizedDirection } from '../src/training/directions.js';
import { createTrainer } from '../src/training/trainer.js';

await initBackend();
const p = flattestParams.parse({ ...FLATTEST_DEFAULTS, ...JSON.parse(process.argv[2] ?? '{}') });
const seed = Number(process.argv[3] ?? '0');
// Wall and CPU time (ms): on a shared machine the CPU time is the figure that means something.
const times: Record<string, number> = {};
const cpu: Record<string, number> = {};
function time<T>(k: string, f: () => T): T {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const v = f();
  const c = process.cpuUsage(c0);
  times[k] = (times[k] ?? 0) + performance.now() - t0;
  cpu[k] = (cpu[k] ?? 0) + (c.user + c.system) / 1000;
  return v;
}
const data = time('data set', () => studyData(p, seed));
const act = studyActivation(p);
// The configuration `learned` (src/studies/common.ts) trains with.
const config = learnedTrainConfig(
  p.algorithm,
  { k: act.degree ?? 1, n: data.n },
  { m: p.m, initScale: 0.1, steps: p.steps, tol: p.tol },
  seed,
);
const trainer = time('trainer setup', () => createTrainer(data, config, { activation: act }));
let polishIters = 0;
while (!trainer.done) {
  const phase = trainer.phase;
  time(phase === 'train' ? 'train steps' : 'polish', () => trainer.advance(1));
  if (phase === 'polish') polishIters++;
}
const net = trainer.snapshot();
const parts = time('measure: trace parts', () => traceParts(net, data));
time('measure: F*', () => invariantFlatness(net, data, parts));
const risk = time('measure: population risk', () => studyRisk(net, data.target, seed));
time('measure: baselines', () => baselines(data.target));
// One flattest step's direction (docs/math.md#algorithms, §6: ∇L and ∇ΣA+B in one fused pass) against
// ∇L alone, 5 times each at the final θ.
if (p.algorithm === 'flattest')
  for (let r = 0; r < 5; r++) {
    time('step piece: ∇L alone (×5)', () => flatGradient(net, data));
    time('step piece: ∇(L + λΣA+B) (×5)', () => penalizedDirection(net, data, 1e-6, 'trace'));
  }
const total = Object.values(cpu).reduce((s, v) => s + v, 0);
console.log(
  `trial ${JSON.stringify(p)} seed ${seed}: ${trainer.step} train steps, ${polishIters} polish iterations, risk ${risk.riskMethod}`,
);
console.log(`  ${'piece'.padEnd(26)} ${'wall s'.padStart(9)} ${'CPU s'.padStart(9)}  share of CPU`);
for (const [k, v] of Object.entries(times))
  console.log(
    `  ${k.padEnd(26)} ${(v / 1000).toFixed(3).padStart(9)} ${(cpu[k] / 1000).toFixed(3).padStart(9)}  ${((100 * cpu[k]) / total).toFixed(1)} %`,
  );
const per = (k: string, count: number): string =>
  `${((times[k] ?? 0) / Math.max(1, count)).toFixed(2)} ms wall, ${((cpu[k] ?? 0) / Math.max(1, count)).toFixed(2)} ms CPU`;
console.log(
  `  per train step: ${per('train steps', trainer.step)}; per polish iteration: ${per('polish', polishIters)}`,
);
