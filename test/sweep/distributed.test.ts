/**
 * A sweep over a real redis-server with two `flatlab worker` processes, one of them SIGKILLed in the
 * middle of a trial: every trial still completes (stalled-job recovery), the database holds each trial
 * exactly once, and the results equal an in-process run bit for bit. Resubmitting adds nothing.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/node/backend.js';
import { ResultStore } from '../../src/studies/store.js';
import { executeTrial } from '../../src/sweep/dispatch.js';
import { collectResults, jobIdFor, queueStatus, submitTrials } from '../../src/sweep/distributed.js';
import { createExecutor } from '../../src/sweep/executor.js';
import { parseRedisUrl } from '../../src/sweep/redis-url.js';
import { tempDir } from '../cli-helpers.js';
import { probeTrials, resultJson } from './probe-trials.js';
import { type RedisServer, redisOrSkip, startRedis } from './redis-harness.js';
import { spawnWorker, type WorkerProc } from './worker-procs.js';

const bin = redisOrSkip('test/sweep/distributed.test.ts');

describe.skipIf(!bin)('distributed sweep over Redis', () => {
  let redis: RedisServer;
  const workers: WorkerProc[] = [];
  beforeAll(async () => {
    await initBackend();
    redis = await startRedis(bin as string);
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await redis?.stop();
  });

  it('survives a SIGKILLed worker: all trials once, equal to an in-process run', async () => {
    // ~0.1–0.2 s per trial: long enough that the killed worker is caught inside one
    const trials = probeTrials(12, { n: 1024, steps: 4000 });
    const target = { redis: redis.url, queue: 'kill-test' };
    expect(await submitTrials(target, trials, { attempts: 3, backoffMs: 100 })).toEqual({
      submitted: 12,
      alreadyQueued: 0,
      retried: 0,
    });

    const a = spawnWorker(redis.url, ['--queue', 'kill-test']);
    const b = spawnWorker(redis.url, ['--queue', 'kill-test']);
    workers.push(a, b);
    // A has finished one trial and (concurrency 1, more waiting) is already inside the next one
    await a.waitFor(/^done /m);
    await a.kill('SIGKILL');
    const doneByA = (a.out().match(/^done /gm) ?? []).length;

    const db = join(tempDir(), 'results.sqlite');
    const store = new ResultStore(db);
    const final = await collectResults(target, trials, store, { pollMs: 100 });
    expect(final).toEqual({ total: 12, stored: 12, failed: 0, pending: 0, missing: 0 });
    expect(store.count()).toBe(12);

    // the trial A was running when killed came back through stalled-job recovery
    const client = new Redis(parseRedisUrl(redis.url));
    const queue = new Queue('kill-test', { connection: client });
    const jobs = await Promise.all(trials.map((t) => queue.getJob(jobIdFor(t.key))));
    await queue.close();
    client.disconnect();
    expect(jobs.reduce((s, j) => s + (j?.stalledCounter ?? 0), 0)).toBeGreaterThanOrEqual(1);
    expect(doneByA).toBeLessThan(12);

    for (const t of trials) {
      const stored = store.get(t.key);
      expect(stored).not.toBeNull();
      const local = await executeTrial(t);
      expect(
        resultJson({
          metrics: stored?.metrics,
          series: stored?.series ?? undefined,
          error: stored?.error ?? undefined,
        }),
      ).toBe(resultJson(local));
      expect(stored?.backend).toBe(local.backend);
    }

    // collecting again and resubmitting change nothing
    const again = await collectResults(target, trials, store, { follow: false });
    expect(again.stored).toBe(12);
    expect(store.count()).toBe(12);
    expect(await submitTrials(target, trials, { attempts: 3, backoffMs: 100 })).toEqual({
      submitted: 0,
      alreadyQueued: 12,
      retried: 0,
    });
    const status = await queueStatus(target);
    expect(status).toMatchObject({ queued: 0, retrying: 0, active: 0, done: 12, failed: 0 });
    store.close();
  });

  it("serves as the studies' executor: createExecutor({ redis }) submits, waits and hands back results", async () => {
    const trials = probeTrials(20).slice(12); // 8 new trials; the surviving worker B runs them
    const ex = createExecutor({ redis: redis.url, queue: 'kill-test', pollMs: 100 });
    expect(ex.name).toMatch(/^redis queue "kill-test" at redis:\/\/127\.0\.0\.1:\d+$/);
    const got = new Map<string, string>();
    await ex.run(trials, (t, r) => {
      expect(got.has(t.key)).toBe(false);
      got.set(t.key, resultJson(r));
    });
    await ex.close();
    expect(got.size).toBe(8);
    for (const t of trials) expect(got.get(t.key)).toBe(resultJson(await executeTrial(t)));
  });
});
