/**
 * A trial that fails deterministically is retried the configured number of times, then recorded as
 * failed with its message; the rest of the sweep completes; `flatlab sweep status` shows the counts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/node/backend.js';
import { ResultStore } from '../../src/studies/store.js';
import { executeTrial } from '../../src/sweep/dispatch.js';
import { cleanFinished, collectResults, queueStatus, submitTrials } from '../../src/sweep/distributed.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { probeTrials, resultJson } from './probe-trials.js';
import { type RedisServer, redisOrSkip, startRedis } from './redis-harness.js';
import { spawnWorker, type WorkerProc } from './worker-procs.js';

const bin = redisOrSkip('test/sweep/failures.test.ts');

describe.skipIf(!bin)('failing trials in a distributed sweep', () => {
  let redis: RedisServer;
  let worker: WorkerProc | null = null;
  beforeAll(async () => {
    await initBackend();
    redis = await startRedis(bin as string);
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await redis?.stop();
  });

  it('fails a diverging trial after the configured attempts, with its message; the rest completes', async () => {
    const trials = probeTrials(4, { failing: true });
    const bad = trials[trials.length - 1];
    const target = { redis: redis.url, queue: 'fail-test' };
    await submitTrials(target, trials, { attempts: 2, backoffMs: 50 });
    worker = spawnWorker(redis.url, ['--queue', 'fail-test']);

    const store = new ResultStore(join(tempDir(), 'results.sqlite'));
    const p = await collectResults(target, trials, store, { pollMs: 100 });
    expect(p).toEqual({ total: 5, stored: 5, failed: 1, pending: 0, missing: 0 });

    const message = await executeTrial(bad).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/sweep-probe: gradient descent diverged at step \d+ \(lr = 1000000\)/);
    const rec = store.get(bad.key);
    expect(rec?.error).toBe(message);
    expect(rec?.metrics).toEqual({});
    for (const t of trials.slice(0, -1)) {
      const s = store.get(t.key);
      expect(s?.error).toBeNull();
      expect(resultJson({ metrics: s?.metrics })).toBe(resultJson(await executeTrial(t)));
    }
    store.close();

    // exactly the configured attempts, each logged by the worker
    expect(worker.out()).toMatch(new RegExp(`^retry ${bad.key} \\(attempt 1/2\\): .*diverged`, 'm'));
    expect(worker.out()).toMatch(new RegExp(`^failed ${bad.key} \\(attempt 2/2\\): .*diverged`, 'm'));
    const st = await queueStatus(target);
    expect(st).toMatchObject({ queued: 0, active: 0, done: 4, failed: 1, workers: 1 });
    expect(st.recentFailures).toEqual([{ key: bad.key, reason: message, attempts: 2 }]);

    const cli = runCli(['sweep', 'status', '--redis', redis.url, '--queue', 'fail-test']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('queued 0, retrying 0, active 0, done 4, failed 1, workers 1');
    expect(cli.stdout).toContain(`failed ${bad.key} after 2 attempt(s): ${message}`);

    // resubmitting leaves the failed job alone; --retry-failed runs it again (with fresh attempts)
    expect(await submitTrials(target, trials, { attempts: 2, backoffMs: 50 })).toEqual({
      submitted: 0,
      alreadyQueued: 5,
      retried: 0,
    });
    expect(await submitTrials(target, [bad], { attempts: 2, backoffMs: 50, retryFailed: true })).toEqual({
      submitted: 0,
      alreadyQueued: 1,
      retried: 1,
    });
    await worker.waitFor(
      new RegExp(`^failed ${bad.key} \\(attempt 2/2\\)[^]*^failed ${bad.key} \\(attempt 2/2\\)`, 'm'),
    );
    expect(await queueStatus(target)).toMatchObject({ done: 4, failed: 1 });

    // after collecting, finished jobs can be removed from Redis; the database keeps them
    expect(await cleanFinished(target)).toEqual({ removed: 5 });
    expect(await queueStatus(target)).toMatchObject({ queued: 0, done: 0, failed: 0 });
  });
});
