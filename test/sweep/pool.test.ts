import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/node/backend.js';
import { expandStudy } from '../../src/studies/expand.js';
import { runTrial } from '../../src/studies/run-trial.js';
import { parseSpec } from '../../src/studies/spec.js';
import type { Trial, TrialResult } from '../../src/studies/trial-types.js';
import { decodeResult, encodeResult } from '../../src/sweep/codec.js';
import { executeTrial } from '../../src/sweep/dispatch.js';
import { createExecutor } from '../../src/sweep/executor.js';
import { checkWorkers, PoolExecutor, threadsPerWorker } from '../../src/sweep/pool.js';
import { probeTrials, resultJson } from './probe-trials.js';
import { SPEC_YAML } from './study-spec.js';

describe('local worker-thread pool', () => {
  let pool: PoolExecutor;
  beforeAll(async () => {
    await initBackend();
    pool = new PoolExecutor({ workers: 2, threads: 1 });
  });
  afterAll(() => pool.close());

  it('gives the in-process results bit for bit, and records a diverging trial as failed', async () => {
    const trials = probeTrials(6, { failing: true });
    const got = new Map<string, TrialResult>();
    await pool.run(trials, (t, r) => {
      expect(got.has(t.key)).toBe(false);
      got.set(t.key, r);
    });
    expect(got.size).toBe(trials.length);
    for (const t of trials.slice(0, -1)) {
      const local = await executeTrial(t);
      expect(got.get(t.key)?.error).toBeUndefined();
      expect(resultJson(got.get(t.key) as TrialResult)).toBe(resultJson(local));
      expect(Number.isFinite(local.metrics.loss)).toBe(true);
    }
    const failed = got.get('probediverges') as TrialResult;
    expect(failed.error).toMatch(/diverged at step \d+/);
    await expect(executeTrial(trials[trials.length - 1])).rejects.toThrow(failed.error as string);
  });

  it("runs real study trials (the studies' runTrial) with the in-process results bit for bit", async () => {
    const trials = expandStudy(parseSpec(SPEC_YAML), 'smoke');
    const got = new Map<string, string>();
    await pool.run(trials, (t, r) => got.set(t.key, resultJson(r)));
    expect(got.size).toBe(4);
    for (const t of trials) {
      const local = runTrial(t);
      expect(local.error).toBeUndefined();
      expect(got.get(t.key)).toBe(resultJson(local));
    }
  });

  it('keeps delivering results when one onResult call throws, then reports that error', async () => {
    const trials = probeTrials(3);
    const seen: string[] = [];
    await expect(
      pool.run(trials, (t: Trial) => {
        seen.push(t.key);
        if (t.key === trials[0].key) throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(seen.sort()).toEqual(trials.map((t) => t.key).sort());
  });

  it('createExecutor picks in-process for 1 worker and the pool for more', async () => {
    const one = createExecutor({ workers: 1 });
    expect(one.name).toBe('in-process');
    await one.close();
    const two = createExecutor({ workers: 2 });
    expect(two.name).toMatch(/^pool\(2 workers × \d+ BLAS threads\)$/);
    await two.close();
    expect(() => createExecutor({ workers: 0 })).toThrow(/--workers must be an integer/);
  });

  it('rejects a bad worker count and bad FLATLAB_THREADS with messages naming them', () => {
    expect(() => checkWorkers(0)).toThrow(/--workers must be an integer in 1…256 \(got 0\)/);
    expect(() => checkWorkers(1.5)).toThrow(/--workers/);
    const old = process.env.FLATLAB_THREADS;
    try {
      process.env.FLATLAB_THREADS = 'x';
      expect(() => threadsPerWorker(2)).toThrow(/FLATLAB_THREADS must be an integer/);
      process.env.FLATLAB_THREADS = '3';
      expect(threadsPerWorker(2)).toBe(3);
    } finally {
      if (old === undefined) delete process.env.FLATLAB_THREADS;
      else process.env.FLATLAB_THREADS = old;
    }
  });
});

describe('result codec', () => {
  it('round-trips NaN, ±Infinity, −0 and ordinary doubles exactly through JSON', () => {
    const r: TrialResult = {
      key: 'k',
      metrics: { a: Number.NaN, b: Infinity, c: -Infinity, z: -0, x: 0.1 + 0.2, t: 'text', f: false, n: null },
      series: { s: [1e-310, -0, 5e300, Number.NaN] },
      version: '0',
      backend: 'js',
      elapsedMs: 1.5,
    };
    const back = decodeResult(encodeResult(r));
    expect(Object.is(back.metrics.z, -0)).toBe(true);
    expect(Number.isNaN(back.metrics.a)).toBe(true);
    expect(back.metrics.b).toBe(Infinity);
    expect(back.metrics.c).toBe(-Infinity);
    expect(back.metrics.x).toBe(0.1 + 0.2);
    expect(back.metrics.t).toBe('text');
    expect(Object.is(back.series?.s[1], -0)).toBe(true);
    expect(back.series?.s[0]).toBe(1e-310);
    expect(JSON.stringify(back)).toBe(JSON.stringify(r));
  });
});
