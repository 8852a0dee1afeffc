/**
 * Reliability rule 5: Redis is shared state, so jobs and results are validated on both sides with one
 * trial schema (src/sweep/trial-schema.ts). Forged jobs fail with a clear reason (a study named after a
 * prototype property, a string seed, a payload that is not JSON — which must fail, not loop as stalled);
 * forged results are refused by the collector with one log line and never stored.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { finiteOrFailed } from '../../src/studies/finite-result.js';
import { ResultStore } from '../../src/studies/store.js';
import { decodeResult, encodeResult } from '../../src/sweep/codec.js';
import { collectResults, jobIdFor, submitTrials } from '../../src/sweep/distributed.js';
import { checkResult, checkTrial } from '../../src/sweep/trial-schema.js';
import { tempDir } from '../cli-helpers.js';
import { probeTrials } from '../sweep/probe-trials.js';
import { redisOrSkip } from '../sweep/redis-harness.js';
import { redisFixture } from './redis-fixture.js';

describe('the trial schema (unit)', () => {
  it('refuses prototype names, string seeds and unknown fields; accepts a real trial', () => {
    for (const study of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(checkTrial({ key: 'k', study, params: {}, seed: 0 })).toMatchObject({ reason: /study: must be one of/ });
    expect(checkTrial({ key: 'k', study: 'symmetry', params: {}, seed: 'abc' })).toMatchObject({ reason: /seed/ });
    expect(checkTrial({ key: 'k', study: 'symmetry', params: {}, seed: 0, x: 1 })).toMatchObject({ reason: /x/ });
    expect(checkTrial(probeTrials(1)[0])).toHaveProperty('trial');
  });
  it('refuses forged results: elapsedMs "x", number-like string metrics, non-number series', () => {
    const ok = {
      key: 'k',
      metrics: { F: 1, riskMethod: 'exact', interpolates: true, risk: null },
      version: '0',
      backend: 'js',
      elapsedMs: 2,
    };
    expect(checkResult(ok)).toHaveProperty('result');
    expect(checkResult({ ...ok, elapsedMs: 'x' })).toMatchObject({ reason: /elapsedMs/ });
    expect(checkResult({ ...ok, metrics: { fDecades: 'NaN' } })).toMatchObject({ reason: /metrics\.fDecades/ });
    expect(checkResult({ ...ok, metrics: { fMin: '1e3' } })).toMatchObject({ reason: /number-like/ });
    expect(checkResult({ ...ok, series: { F: ['1'] } })).toMatchObject({ reason: /series/ });
  });
});

describe('non-finite numbers in results over Redis', () => {
  const ok = { key: 'k', metrics: { F: 1 }, version: '0', backend: 'js', elapsedMs: 2 };
  it('a result whose metric or series decodes to NaN or ±Infinity is refused by the schema, naming it', () => {
    for (const v of [Number.NaN, Infinity, -Infinity]) {
      const wire = encodeResult({ ...ok, metrics: { F: v } });
      expect(checkResult(decodeResult(wire))).toMatchObject({ reason: /metrics\.F/ });
      expect(checkResult(decodeResult(encodeResult({ ...ok, series: { F: [1, v] } })))).toMatchObject({
        reason: /series\.F\.1/,
      });
    }
  });
  it('a worker reports such a trial as failed: the store never holds the number or a null for it', () => {
    const failed = finiteOrFailed({ ...ok, metrics: { F: Infinity, G: 1 } });
    expect(failed).toMatchObject({ metrics: {}, error: /^non-finite result: metric F = Infinity/ });
    expect(checkResult(decodeResult(encodeResult(failed)))).toHaveProperty('result');
  });
});

const bin = redisOrSkip('test/reliability/redis-jobs.test.ts');

describe.skipIf(!bin)('forged jobs and results over a real Redis', () => {
  const fx = redisFixture(bin as string);

  it('forged jobs fail for good with the schema reason; a non-JSON payload fails instead of looping', async () => {
    const name = 'forged-jobs';
    const queue = new Queue(name, { connection: fx.client.duplicate() });
    const forged = [
      { key: 'ctor', study: 'constructor', params: {}, seed: 0 },
      { key: 'proto', study: '__proto__', params: {}, seed: 0 },
      { key: 'strseed', study: 'sweep-probe', params: {}, seed: 'abc' },
      { key: 'unparsable', study: 'sweep-probe', params: {}, seed: 1 },
    ];
    for (const j of forged) await queue.add(j.study, j, { jobId: j.key, attempts: 3, removeOnFail: false });
    await fx.client.hset(queue.toKey('unparsable'), 'data', '{"key": "unparsable", not json');
    const good = probeTrials(1);
    await submitTrials({ redis: fx.redis.url, queue: name }, good, { attempts: 1, backoffMs: 10 });
    fx.startWorker(name);
    const deadline = Date.now() + 30_000;
    const states = async () => Promise.all(forged.map((j) => queue.getJobState(j.key)));
    const goodState = async () => queue.getJobState(jobIdFor(good[0].key));
    // Wait for the good job too: under load it may still be active when the forged ones have failed.
    while (
      Date.now() < deadline &&
      !((await states()).every((s) => s === 'failed') && (await goodState()) === 'completed')
    )
      await new Promise((r) => setTimeout(r, 200));
    expect(await states()).toEqual(['failed', 'failed', 'failed', 'failed']);
    // Read raw: BullMQ's own getJob cannot parse the unparsable payload either.
    const reasons = await Promise.all(forged.map((j) => fx.client.hget(queue.toKey(j.key), 'failedReason')));
    expect(reasons[0]).toMatch(/invalid trial in job: study: must be one of/);
    expect(reasons[1]).toMatch(/invalid trial in job: study: must be one of/);
    expect(reasons[2]).toMatch(/invalid trial in job: seed/);
    expect(reasons[3]).toMatch(/invalid trial in job/);
    // no retries for a job that can never be valid, and the good trial still completes
    for (const j of forged.slice(0, 3)) expect((await queue.getJob(j.key))?.attemptsMade).toBe(1);
    expect(await (await queue.getJob(jobIdFor(good[0].key)))?.getState()).toBe('completed');
    await queue.close();
  });

  it('collect refuses forged results with one log line each and stores none of them', async () => {
    const name = 'forged-results';
    const queue = new Queue(name, { connection: fx.client.duplicate() });
    const trials = probeTrials(3);
    const forgedValues = [
      { key: trials[0].key, metrics: { loss: 1 }, version: '0', backend: 'js', elapsedMs: 'x' },
      { key: trials[1].key, metrics: { fStar: 'NaN' }, version: '0', backend: 'js', elapsedMs: 1 },
    ];
    for (const [i, t] of trials.entries()) {
      await queue.add(t.study, t, { jobId: jobIdFor(t.key) });
      const value = i < 2 ? JSON.stringify(forgedValues[i]) : 'not json {';
      // As BullMQ stores a completed job's return value: JSON of the returned string.
      await fx.client.hset(
        queue.toKey(jobIdFor(t.key)),
        'finishedOn',
        String(Date.now()),
        'returnvalue',
        JSON.stringify(value),
      );
    }
    const store = new ResultStore(join(tempDir(), 'results.sqlite'));
    const refused: string[] = [];
    const p = await collectResults({ redis: fx.redis.url, queue: name }, trials, store, {
      follow: false,
      onRefused: (key, reason) => refused.push(`${key}: ${reason}`),
    });
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatch(/elapsedMs/);
    expect(refused[1]).toMatch(/metrics\.fStar/);
    expect(refused[2]).toMatch(/not JSON/);
    for (const line of refused) expect(line).not.toMatch(/\n/);
    expect(store.count()).toBe(0);
    expect(p.pending).toBe(0);
    store.close();
    await queue.close();
  });
});
