/**
 * The flattest search's controller (src/training/search.ts through the trainer): early stopping against
 * the whole step budget, restarts keeping the flattest run, width raising on a too-narrow student, the
 * refusal when the width may not grow, determinism and resume inside a later run.
 */
import { describe, expect, it } from 'vitest';
import { forward } from '../../src/model/network.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import {
  algoDefaults,
  type Checkpoint,
  chooseRun,
  createTrainer,
  parseTrainConfig,
  resolveTrainConfig,
  runSeed,
  runsAgree,
  type SearchRun,
  type TrainConfig,
  train,
} from '../../src/training/index.js';
import { randomData, randomNet } from '../helpers.js';
import { packed } from './oracle.js';

/** Labels from a 3-neuron ReLU teacher, so that sparse (flat) interpolators exist. */
function teacherData(n: number, d: number, seed: number) {
  const base = randomData(n, d, seed);
  const teacher = randomNet('relu', 3, d, seed + 1);
  return { ...base, y: forward(teacher, base.X, n) };
}

const search = (o: Record<string, unknown>): TrainConfig =>
  parseTrainConfig({
    algo: 'flattest',
    optimizer: 'adam',
    lr: 0.02,
    lambda: 3e-3,
    lambdaFinal: 1e-6,
    tol: 1e-10,
    logEvery: 1e9,
    ...o,
  });

describe('the flattest search', () => {
  const data = teacherData(40, 6, 9);

  it('early stopping: fewer steps than the whole budget, interpolating, F* within 1% of the full-budget F*', () => {
    const base = { width: 20, steps: 2000, initScale: 0.5, seed: 2 };
    const full = train(data, search({ ...base, stopWindow: 0 }));
    const early = train(data, search({ ...base, stopWindow: 100 }));
    expect(full.steps).toBe(2000);
    expect(early.steps).toBeLessThan(full.steps);
    expect(early.search?.runs[0].stopped).toBe('converged');
    expect(early.final.trainLoss).toBeLessThanOrEqual(1e-10);
    // The full budget ends after 300 more Adam steps at λ_final, near but not always at tol = 1e-10
    // after its 100 polish steps (measured 6.5e-8): early stopping hands the polish a better start.
    expect(full.final.trainLoss).toBeLessThan(1e-6);
    const fe = early.final.fStar as number;
    const ff = full.final.fStar as number;
    expect(Math.abs(fe - ff) / ff).toBeLessThan(0.01);
  });

  it('restarts: run r is the single run from seed runSeed(seed, r); the result is the flattest interpolating run', () => {
    const base = { width: 12, steps: 600, initScale: 0.5, seed: 5 };
    const multi = train(data, search({ ...base, restarts: 3 }));
    const report = multi.search;
    if (!report) throw new Error('no search report');
    // At most `restarts` runs; fewer only when the two flattest interpolating ones agree (runsAgree).
    expect(report.runs.length).toBeGreaterThanOrEqual(2);
    expect(report.runs.length).toBeLessThanOrEqual(3);
    if (report.runs.length < 3) expect(runsAgree(report.runs)).toBe(true);
    for (const r of report.runs) {
      const single = train(data, search({ ...base, seed: runSeed(base.seed, r.restart) }));
      expect(single.final.fStar).toBeCloseTo(r.fStar, 12);
      expect(single.final.trainLoss).toBeCloseTo(r.trainLoss, 15);
    }
    const interp = report.runs.filter((r) => r.interpolates);
    expect(interp.length).toBeGreaterThan(0);
    const minF = Math.min(...interp.map((r) => r.fStar));
    expect(report.runs[report.chosen].fStar).toBe(minF);
    expect(multi.final.fStar).toBeCloseTo(minF, 10);
    expect(invariantFlatness(multi.net, data).value).toBeCloseTo(minF, 10);
  });

  it('chooseRun: an interpolating run beats a sharper-looking one that does not; ties keep the earlier run', () => {
    const run = (fStar: number, trainLoss: number, interpolates: boolean): SearchRun => ({
      restart: 0,
      seed: 0,
      width: 4,
      steps: 1,
      stopped: 'budget',
      backoffs: 0,
      trainLoss,
      fStar,
      interpolates,
    });
    expect(chooseRun([run(1, 1e-3, false), run(5, 1e-12, true), run(4, 1e-12, true)])).toBe(2);
    expect(chooseRun([run(3, 1e-12, true), run(3, 1e-13, true)])).toBe(0);
    expect(chooseRun([run(3, 1e-3, false), run(9, 1e-5, false)])).toBe(1);
    expect(runsAgree([run(10, 1e-12, true), run(10.09, 1e-12, true)])).toBe(true);
    expect(runsAgree([run(10, 1e-12, true), run(10.2, 1e-12, true)])).toBe(false);
    expect(runsAgree([run(10, 1e-12, true), run(10, 1e-3, false)])).toBe(false);
  });

  it('width raising: a 1-neuron student cannot fit a 3-neuron teacher; the width is doubled until it interpolates', () => {
    const r = train(data, search({ width: 1, steps: 800, initScale: 0.5, seed: 1, maxWidth: 64, tol: 1e-8 }));
    const rep = r.search;
    if (!rep) throw new Error('no search report');
    expect(rep.runs[0].interpolates).toBe(false);
    expect(rep.widthRaised).toBe(true);
    expect(rep.interpolates).toBe(true);
    expect(rep.width).toBeGreaterThan(1);
    expect(r.net.m).toBe(rep.width);
    expect(rep.runs.map((x) => x.width)).toEqual(rep.runs.map((_, i) => 2 ** i));
    expect(r.final.trainLoss).toBeLessThanOrEqual(1e-8);
    expect(rep.reason).toBeNull();
  });

  it('the restart plan is in the CLI defaults (resolveTrainConfig), not in the column without the plan (studies, league)', () => {
    const cli = resolveTrainConfig({ algo: 'flattest' }, { k: 1, n: 200 });
    expect(cli.restarts).toBe(3);
    expect(cli.maxWidth).toBe(400);
    expect(resolveTrainConfig({ algo: 'flattest' }, { k: 1, n: 10 }).maxWidth).toBe(64);
    expect(resolveTrainConfig({ algo: 'flattest', restarts: 1, maxWidth: 0 }, { k: 1, n: 200 }).restarts).toBe(1);
    const lib = algoDefaults('flattest', { k: 1, n: 200, searchPlan: false });
    expect(lib.restarts).toBeUndefined();
    expect(lib.maxWidth).toBeUndefined();
    expect(parseTrainConfig({ algo: 'flattest', ...lib }).restarts).toBe(1);
  });

  it('width raising off (maxWidth = 0): the search says it did not interpolate and why', () => {
    const r = train(data, search({ width: 1, steps: 300, initScale: 0.5, seed: 1, maxWidth: 0, tol: 1e-8 }));
    const rep = r.search;
    if (!rep) throw new Error('no search report');
    expect(rep.interpolates).toBe(false);
    expect(rep.widthRaised).toBe(false);
    expect(rep.reason).toMatch(/no run reached train loss ≤ lossTol = 1e-8 .*width raising is off \(maxWidth = 0\)/);
    expect(r.net.m).toBe(1);
  });

  it('same seed ⇒ the same bits, restarts and width raising included', () => {
    const c = search({ width: 2, steps: 300, initScale: 0.5, seed: 4, restarts: 2, maxWidth: 8, tol: 1e-9 });
    const a = train(data, c);
    const b = train(data, c);
    expect(packed(a.net)).toEqual(packed(b.net));
    expect(a.search).toEqual(b.search);
  });

  it('resume inside a later restart (and from the JSON checkpoint) ends bit-identical to an uninterrupted run', () => {
    const c = search({ width: 6, steps: 80, stopWindow: 10, initScale: 0.5, seed: 3, restarts: 3, polishSteps: 20 });
    const full = train(data, c);
    const t = createTrainer(data, c);
    // Advance into the second run's training phase.
    while (!t.done && (t.search?.runs.length ?? 0) < 1) t.advance(1);
    t.advance(15);
    expect(t.search?.runs.length).toBe(1);
    const ck = JSON.parse(JSON.stringify(t.checkpoint())) as Checkpoint;
    expect(ck.search?.run).toBe(1);
    const resumed = createTrainer(data, c, { resume: ck });
    while (!resumed.done) resumed.advance(7);
    expect(packed(resumed.net)).toEqual(packed(full.net));
    expect(resumed.step).toBe(full.steps);
    expect(resumed.search).toEqual(full.search);
  });
});
