/**
 * Trials may be asynchronous (a study whose run returns a promise, e.g. one that loads the WebAssembly
 * LP solver): runTrialAsync and the in-process executor await them, a synchronous study gives the
 * same bits through runTrial and runTrialAsync, and an asynchronous run's metrics are checked like a
 * synchronous one's.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import '../../src/linalg/index.js';
import { defineStudy, paramsOf } from '../../src/studies/definition.js';
import { inProcessExecutor } from '../../src/studies/executors.js';
import { NONGENERALIZING_DEFAULTS } from '../../src/studies/nongeneralizing/schema.js';
import { studyType } from '../../src/studies/registry.js';
import { runTrial, runTrialAsync } from '../../src/studies/run-trial.js';
import type { Trial, TrialResult } from '../../src/studies/trial-types.js';

// A small memorizer trial of H2 (its defaults, shrunk): a few milliseconds.
const trial: Trial = {
  key: 'a',
  study: 'nongeneralizing',
  seed: 3,
  params: { ...NONGENERALIZING_DEFAULTS, d: 3, n: 6, m: 6, searchWidth: 3, steps: 10 },
};

describe('asynchronous trials', () => {
  it('runTrialAsync gives the metrics of runTrial bit for bit, and the same failures', async () => {
    const sync = runTrial(trial);
    const async = await runTrialAsync(trial);
    expect(async.error).toBeUndefined();
    expect(async.metrics).toEqual(sync.metrics);
    // H4's memorizer takes its width from m (H2's is m = n by definition): too narrow fails the same way.
    const ordering = {
      ...trial,
      study: 'ordering',
      params: { ...studyType('ordering')?.defaults, ...trial.params, m: 3 },
    };
    expect((await runTrialAsync(ordering)).error).toMatch(/needs width m ≥ n/);
    expect(runTrial(ordering).error).toMatch(/needs width m ≥ n/);
    expect((await runTrialAsync({ ...trial, study: 'nope' })).error).toMatch(/unknown study type "nope"/);
  });

  it('a study whose run returns a promise: its metrics are checked after it resolves', async () => {
    const make = (value: unknown) =>
      defineStudy({
        name: 'async-probe',
        hypothesis: 'none',
        version: 1,
        defaults: { d: 2 },
        params: paramsOf({ d: 2 }),
        metrics: z.object({ twice: z.number() }),
        run: async () => ({ metrics: { twice: value as number } }),
        analyse: () => {
          throw new Error('not used');
        },
      });
    await expect(make(4).run({ d: 2 }, 0)).resolves.toEqual({ metrics: { twice: 4 }, series: undefined });
    await expect(make({ x: 1 }).run({ d: 2 }, 0)).rejects.toThrow(/metric "twice" is not a number/);
  });

  it('the in-process executor awaits an asynchronous run and reports every trial in order', async () => {
    const seen: string[] = [];
    const ex = inProcessExecutor(async (t): Promise<TrialResult> => {
      await new Promise((r) => setTimeout(r, 5));
      return { key: t.key, metrics: { seed: t.seed }, version: '0', backend: 'js', elapsedMs: 0 };
    });
    const trials = [1, 2, 3].map((s) => ({ ...trial, key: `k${s}`, seed: s }));
    await ex.run(trials, (t, r) => seen.push(`${t.key}:${r.metrics.seed}`));
    await ex.close();
    expect(seen).toEqual(['k1:1', 'k2:2', 'k3:3']);
  });
});
