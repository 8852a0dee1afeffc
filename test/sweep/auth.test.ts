/**
 * Password-protected Redis: the password in the URL (percent-encoded) or in FLATLAB_REDIS_URL works
 * for submit, worker and collect; a wrong password is one line that does not echo the password.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultStore } from '../../src/studies/store.js';
import { collectResults, submitTrials } from '../../src/sweep/distributed.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { probeTrials } from './probe-trials.js';
import { type RedisServer, redisOrSkip, startRedis } from './redis-harness.js';
import { spawnWorker, type WorkerProc } from './worker-procs.js';

const bin = redisOrSkip('test/sweep/auth.test.ts');
const PASSWORD = 's3cret p@ss/word';

describe.skipIf(!bin)('Redis with a password', () => {
  let redis: RedisServer;
  let worker: WorkerProc | null = null;
  beforeAll(async () => {
    redis = await startRedis(bin as string, { password: PASSWORD });
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await redis?.stop();
  });

  it('runs a sweep through a URL with a password (worker given it by FLATLAB_REDIS_URL)', async () => {
    expect(redis.url).toContain(encodeURIComponent(PASSWORD));
    const trials = probeTrials(3);
    const target = { redis: redis.url };
    expect((await submitTrials(target, trials, { attempts: 1, backoffMs: 0 })).submitted).toBe(3);
    worker = spawnWorker(null, [], { FLATLAB_REDIS_URL: redis.url });
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    expect(await collectResults(target, trials, store, { pollMs: 100 })).toMatchObject({ stored: 3, failed: 0 });
    expect(store.count()).toBe(3);
    store.close();
    expect(worker.out()).toContain('redis://:***@127.0.0.1');
    expect(worker.out()).not.toContain('s3cret');
  });

  it('reports a wrong or missing password in one line without echoing it', async () => {
    const wrong = `redis://:${encodeURIComponent('wrong-pw-xyz')}@127.0.0.1:${redis.port}`;
    await expect(submitTrials({ redis: wrong }, probeTrials(1), { attempts: 1, backoffMs: 0 })).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/,
    );
    const cli = runCli(['sweep', 'status', '--redis', wrong]);
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toMatch(/WRONGPASS/);
    expect(cli.stderr).not.toContain('wrong-pw-xyz');
    const none = runCli(['sweep', 'status', '--redis', `redis://127.0.0.1:${redis.port}`]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/NOAUTH/);
  });
});
