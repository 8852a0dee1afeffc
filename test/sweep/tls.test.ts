/**
 * TLS: a redis-server with a TLS port and a password, reached through rediss:// with a private CA
 * (FLATLAB_REDIS_CA); without the CA the certificate is refused in one line.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultStore } from '../../src/studies/store.js';
import { collectResults, submitTrials } from '../../src/sweep/distributed.js';
import { tempDir } from '../cli-helpers.js';
import { probeTrials } from './probe-trials.js';
import { makeTlsFiles, type RedisServer, redisOrSkip, startRedis, type TlsFiles } from './redis-harness.js';
import { spawnWorker, type WorkerProc } from './worker-procs.js';

const bin = redisOrSkip('test/sweep/tls.test.ts');
const tls: TlsFiles | null = bin ? makeTlsFiles(tempDir('flatlab-tls-')) : null;

describe.skipIf(!bin || !tls)('Redis over TLS (rediss://)', () => {
  let redis: RedisServer;
  let worker: WorkerProc | null = null;
  const oldCa = process.env.FLATLAB_REDIS_CA;
  beforeAll(async () => {
    redis = await startRedis(bin as string, { password: 'tls-pw', tls: tls as TlsFiles });
  });
  afterAll(async () => {
    if (oldCa === undefined) delete process.env.FLATLAB_REDIS_CA;
    else process.env.FLATLAB_REDIS_CA = oldCa;
    await worker?.kill('SIGKILL');
    await redis?.stop();
  });

  it('runs a sweep over rediss:// with a private CA, and refuses the server without it', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/:tls-pw@localhost:\d+$/);
    const trials = probeTrials(3);
    delete process.env.FLATLAB_REDIS_CA;
    await expect(submitTrials({ redis: redis.url }, trials, { attempts: 1, backoffMs: 0 })).rejects.toThrow(
      /^cannot reach Redis at rediss:\/\/:\*\*\*@localhost:\d+: .*(self[- ]signed|unable to (get|verify)|certificate)/i,
    );
    process.env.FLATLAB_REDIS_CA = (tls as TlsFiles).ca;
    expect((await submitTrials({ redis: redis.url }, trials, { attempts: 1, backoffMs: 0 })).submitted).toBe(3);
    worker = spawnWorker(redis.url, [], { FLATLAB_REDIS_CA: (tls as TlsFiles).ca });
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    expect(await collectResults({ redis: redis.url }, trials, store, { pollMs: 100 })).toMatchObject({
      stored: 3,
      failed: 0,
      pending: 0,
    });
    expect(store.count()).toBe(3);
    store.close();
  });
});
