/**
 * The product path end to end: a real study spec through `flatlab sweep submit --wait` with a
 * `flatlab worker` process, compared with an in-process run of the same trials (the studies' runTrial).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/node/backend.js';
import { inProcessExecutor } from '../../src/studies/executors.js';
import { runStudies } from '../../src/studies/runner.js';
import { parseSpec } from '../../src/studies/spec.js';
import { ResultStore } from '../../src/studies/store.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { type RedisServer, redisOrSkip, startRedis } from './redis-harness.js';
import { SPEC_YAML, writeSpec } from './study-spec.js';
import { spawnWorker, type WorkerProc } from './worker-procs.js';

const bin = redisOrSkip('test/sweep/cli.test.ts');

describe.skipIf(!bin)('flatlab sweep submit / collect / status with a real study', () => {
  let redis: RedisServer;
  let worker: WorkerProc | null = null;
  beforeAll(async () => {
    await initBackend();
    redis = await startRedis(bin as string);
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await redis?.stop();
  });

  it('submits, runs on a worker, collects into the database; equal to an in-process run; resubmits nothing', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir);
    const db = join(dir, 'results.sqlite');
    worker = spawnWorker(redis.url, ['--concurrency', '2']);
    const sub = runCli([
      'sweep',
      'submit',
      spec,
      '--redis',
      redis.url,
      '--scale',
      'smoke',
      '--db',
      db,
      '--wait',
      '--poll-ms',
      '100',
    ]);
    expect(sub.stderr).not.toMatch(/error/i);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('submitted 4 trial(s); 0 already queued; 0 already in the database; 4 in all');
    expect(sub.stdout).toContain('collected 4/4, 0 pending');

    const local = new ResultStore(':memory:');
    await runStudies([parseSpec(SPEC_YAML)], { store: local, scale: 'smoke', executor: inProcessExecutor() });
    const remote = new ResultStore(db);
    expect(remote.count()).toBe(4);
    const strip = (r: { key: string; metrics: unknown; series: unknown; error: unknown }) =>
      JSON.stringify([r.key, r.metrics, r.series, r.error]);
    expect(remote.all().map(strip)).toEqual(local.all().map(strip));
    expect(remote.all().every((r) => r.error === null && typeof r.metrics.fStar === 'number')).toBe(true);
    remote.close();
    local.close();

    const again = runCli(['sweep', 'submit', spec, '--redis', redis.url, '--scale', 'smoke', '--db', db]);
    expect(again.stdout).toContain('submitted 0 trial(s); 0 already queued; 4 already in the database');
    const col = runCli([
      'sweep',
      'collect',
      spec,
      '--redis',
      redis.url,
      '--scale',
      'smoke',
      '--db',
      join(dir, 'second.sqlite'),
      '--once',
    ]);
    expect(col.code).toBe(0);
    expect(col.stdout).toContain('collected 4/4, 0 pending');
    const st = runCli(['sweep', 'status', '--redis', redis.url, '--json']);
    expect(JSON.parse(st.stdout)).toMatchObject({ queued: 0, active: 0, done: 4, failed: 0, workers: 1 });

    // a built-in study name that does not exist is an input error listing the choices
    const bad = runCli(['sweep', 'submit', 'no-such-study', '--redis', redis.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/study spec not found: no-such-study/);

    // SIGTERM stops a worker cleanly
    await worker.kill('SIGTERM');
    expect(worker.child.exitCode).toBe(0);
    expect(worker.out()).toContain('flatlab worker: SIGTERM, finishing running trials');
  });
});
