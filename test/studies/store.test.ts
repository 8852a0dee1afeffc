import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studyType } from '../../src/studies/registry.js';
import '../../src/linalg/index.js';
import { textProgress } from '../../src/studies/progress.js';
import { runTrial } from '../../src/studies/run-trial.js';
import { runStudies } from '../../src/studies/runner.js';
import { validateSpec } from '../../src/studies/spec.js';
import { ResultStore } from '../../src/studies/store.js';
import type { Trial, TrialExecutor, TrialResult } from '../../src/studies/trial-types.js';
import { tempDir } from '../cli-helpers.js';

const spec = validateSpec({
  name: 'tiny-est',
  study: 'estimators',
  title: 'tiny',
  base: { method: ['hutchinson', 'hutchpp'], budget: [6, 9], d: 3, n: 10, m: 4, reps: 3 },
  scales: { smoke: { seeds: [0, 1] }, default: { seeds: [0] }, full: { seeds: [0] } },
});

/** An executor that runs trials in-process but "dies" (throws) after `limit` results, like a killed run. */
function dyingExecutor(limit: number): TrialExecutor {
  return {
    name: 'dying',
    async run(trials, onResult) {
      let k = 0;
      for (const t of trials) {
        if (k++ === limit) throw new Error('killed');
        onResult(t, runTrial(t));
      }
    },
    async close() {},
  };
}

const strip = (s: ReturnType<ResultStore['all']>) =>
  s.map((t) => ({ key: t.key, params: t.params, seed: t.seed, metrics: t.metrics, series: t.series, error: t.error }));

describe('results store and runner', () => {
  it('inserts each key once (idempotent), in WAL mode', () => {
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    const trial: Trial = { key: 'k1', study: 'estimators', params: { a: 1 }, seed: 0 };
    const result: TrialResult = {
      key: 'k1',
      metrics: { x: 1, unavailable: null },
      version: 'v',
      backend: 'js',
      elapsedMs: 1,
    };
    expect(store.insert(trial, result)).toBe(true);
    expect(store.insert(trial, { ...result, metrics: { x: 2 } })).toBe(false);
    expect(store.count()).toBe(1);
    expect(store.get('k1')?.metrics).toEqual({ x: 1, unavailable: null });
    store.close();
  });

  it('a NaN or ±Infinity metric is stored as a failed trial naming it, never as null', () => {
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    const base = { version: 'v', backend: 'js', elapsedMs: 1 };
    const cases: [string, TrialResult, RegExp][] = [
      ['nan', { key: 'nan', metrics: { x: 1, bad: Number.NaN }, ...base }, /metric bad = NaN/],
      ['inf', { key: 'inf', metrics: { fStar: Infinity }, ...base }, /metric fStar = Infinity/],
      ['ser', { key: 'ser', metrics: { x: 1 }, series: { F: [1, -Infinity] }, ...base }, /series F\[1\] = -Infinity/],
    ];
    for (const [key, result, why] of cases) {
      store.insert({ key, study: 'estimators', params: {}, seed: 0 }, result);
      const got = store.get(key);
      expect(got?.error).toMatch(why);
      expect(got?.error).toMatch(/^non-finite result: /);
      expect(got?.metrics).toEqual({});
      expect(got?.series).toBeNull();
    }
    // A later finite result of the same trial replaces the failure, as for any failure.
    expect(
      store.insert(
        { key: 'inf', study: 'estimators', params: {}, seed: 0 },
        { key: 'inf', metrics: { fStar: 2 }, ...base },
      ),
    ).toBe(true);
    expect(store.get('inf')).toMatchObject({ error: null, metrics: { fStar: 2 } });
    store.close();
  });

  it('a run killed mid-way resumes: no duplicates, same results as an uninterrupted run', async () => {
    const dir = tempDir();
    const full = new ResultStore(join(dir, 'full.sqlite'));
    const s1 = await runStudies([spec], { store: full, scale: 'smoke' });
    expect(s1).toMatchObject({ total: 8, ran: 8, resumed: 0, failed: 0 });

    const part = new ResultStore(join(dir, 'part.sqlite'));
    await expect(runStudies([spec], { store: part, scale: 'smoke', executor: dyingExecutor(3) })).rejects.toThrow(
      'killed',
    );
    expect(part.count()).toBe(3);
    const lines: string[] = [];
    const s2 = await runStudies([spec], {
      store: part,
      scale: 'smoke',
      progress: textProgress((l) => lines.push(l), { intervalMs: 0 }),
    });
    expect(s2).toMatchObject({ total: 8, ran: 5, resumed: 3 });
    expect(part.count()).toBe(8);
    expect(strip(part.all())).toEqual(strip(full.all()));
    expect(lines[0]).toMatch(/trials 3\/8 \(38%\), 3 resumed/);
    expect(lines.at(-1)).toMatch(/trials 8\/8 \(100%\).*ETA 0s/);
    // A third run has nothing to do.
    expect(await runStudies([spec], { store: part, scale: 'smoke' })).toMatchObject({ ran: 0, resumed: 8 });
    full.close();
    part.close();
  });

  it('runTrial is deterministic and returns deterministic failures as results', () => {
    const t: Trial = {
      key: 'a',
      study: 'nongeneralizing',
      seed: 3,
      params: {
        d: 3,
        n: 6,
        m: 6,
        searchWidth: 3,
        activation: 'relu',
        target: 'relu',
        noise: 0,
        construction: 'memorizer',
        rfWidthFactor: 1,
        lazyScale: 8,
        initScale: 0.1,
        steps: 10,
        tol: 1e-8,
      },
    };
    const r1 = runTrial(t);
    const r2 = runTrial(t);
    expect(r1.error).toBeUndefined();
    expect(r1.metrics).toEqual(r2.metrics);
    expect(r1.metrics.interpolates).toBe(true);
    expect(r1.version).toMatch(/^\d+\.\d+\.\d+/);
    // H4's memorizer takes its width from m (H2's is m = n by definition): too narrow is a deterministic failure.
    const ordering = studyType('ordering')?.defaults ?? {};
    const bad = runTrial({ ...t, study: 'ordering', params: { ...ordering, ...t.params, m: 3 } });
    expect(bad.error).toMatch(/memorizer: needs width m ≥ n = 6/);
    expect(runTrial({ ...t, study: 'nope' }).error).toMatch(/unknown study type "nope"/);
  });
});

describe('failed trials', () => {
  it('are re-run on the next run, and a success replaces the stored failure (never the reverse)', async () => {
    const store = new ResultStore(join(tempDir(), 'f.sqlite'));
    let fail = true;
    const flaky: TrialExecutor = {
      name: 'flaky',
      async run(trials, onResult) {
        for (const t of trials)
          onResult(
            t,
            fail
              ? { key: t.key, metrics: {}, error: 'environment', version: 'v', backend: 'js', elapsedMs: 0 }
              : runTrial(t),
          );
      },
      async close() {},
    };
    expect(await runStudies([spec], { store, scale: 'smoke', executor: flaky })).toMatchObject({ ran: 8, failed: 8 });
    fail = false;
    expect(await runStudies([spec], { store, scale: 'smoke', executor: flaky })).toMatchObject({ ran: 8, failed: 0 });
    expect(store.count()).toBe(8);
    expect(store.all().every((t) => t.error === null)).toBe(true);
    fail = true;
    const t = store.all()[0];
    expect(
      store.insert(
        { key: t.key, study: t.study, params: t.params, seed: t.seed },
        { key: t.key, metrics: {}, error: 'late', version: 'v', backend: 'js', elapsedMs: 0 },
      ),
    ).toBe(false);
    expect(store.get(t.key)?.error).toBeNull();
    store.close();
  });
});
