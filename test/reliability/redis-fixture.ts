/**
 * One real redis-server per describe block, a client on it, and a slot for the worker process the
 * block spawns: started before its tests, and the worker killed, the client closed and the server
 * stopped after them.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { initBackend } from '../../src/node/backend.js';
import { parseRedisUrl } from '../../src/sweep/redis-url.js';
import { type RedisServer, startRedis } from '../sweep/redis-harness.js';
import { spawnWorker, type WorkerProc } from '../sweep/worker-procs.js';

export interface RedisFixture {
  redis: RedisServer;
  client: Redis;
  worker: WorkerProc | null;
  /** Start the worker under test on `queue`, with short stall and lock times so a bad job fails fast. */
  startWorker(queue: string): WorkerProc;
}

/** Register the fixture's hooks in the current describe block; its fields are set once beforeAll ran. */
export function redisFixture(bin: string): RedisFixture {
  const f = {
    worker: null,
    startWorker(queue: string): WorkerProc {
      f.worker = spawnWorker(f.redis.url, [
        '--queue',
        queue,
        '--stalled-interval-ms',
        '500',
        '--lock-duration-ms',
        '1000',
      ]);
      return f.worker;
    },
  } as RedisFixture;
  beforeAll(async () => {
    await initBackend();
    f.redis = await startRedis(bin);
    f.client = new Redis({ ...parseRedisUrl(f.redis.url), maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await f.worker?.kill('SIGKILL');
    f.client?.disconnect();
    await f.redis?.stop();
  });
  return f;
}
