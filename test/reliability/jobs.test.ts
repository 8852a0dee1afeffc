/**
 * Jobs are validated like files: the worker applies the CLI's schema, parameter set, study version,
 * key and cost bound before running anything (generated forgeries, fast-check), and over a real Redis a
 * `null` job, a job with corrupted options and forged trials all fail for good with a reason while a
 * good trial completes; `sweep status` lists them without throwing.
 */
import { Queue } from 'bullmq';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBuiltinSpecs } from '../../src/cli/commands/reproduce.js';
import { trialKey } from '../../src/studies/hash.js';
import { allTrials } from '../../src/studies/runner.js';
import type { Trial } from '../../src/studies/trial-types.js';
import { jobIdFor, submitTrials } from '../../src/sweep/distributed.js';
import { checkJob } from '../../src/sweep/job-check.js';
import { runCli } from '../cli-helpers.js';
import { probeTrials } from '../sweep/probe-trials.js';
import { redisOrSkip } from '../sweep/redis-harness.js';
import { redisFixture } from './redis-fixture.js';

const real: Trial = allTrials(
  loadBuiltinSpecs().filter((s) => s.study === 'symmetry'),
  'smoke',
)[0];

/** The trial with `params` changed and its key recomputed (what a forger who knows the hash would write). */
function rekeyed(params: Record<string, unknown>, version = real.studyVersion): Trial {
  return { ...real, params, studyVersion: version, key: trialKey(real.study, params, real.seed, version) };
}

describe('checkJob (the worker side of the CLI rules)', () => {
  it('accepts a real trial and the sweep probe', () => {
    expect(checkJob(real)).toHaveProperty('trial');
    expect(checkJob(probeTrials(1)[0])).toHaveProperty('trial');
  });

  it('null, arrays and scalars are reasons, not exceptions', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.anything())), (raw) => {
        expect(checkJob(raw)).toMatchObject({ reason: /invalid trial in job/ });
      }),
    );
  });

  it('refuses any parameter the study type does not define, even with a matching key', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !Object.hasOwn(real.params, k)),
        fc.jsonValue(),
        (k, v) => {
          expect(checkJob(rekeyed({ ...real.params, [k]: v }))).toMatchObject({ reason: /unknown parameter/ });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses another study version, naming both', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }).filter((v) => v !== real.studyVersion),
        (v) => {
          const r = checkJob(rekeyed({ ...real.params }, v));
          expect(r).toMatchObject({ reason: new RegExp(`version ${v} .*runs version ${real.studyVersion}`) });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuses edited parameters under the old key', () => {
    const edited = { ...real, params: { ...real.params, n: Number(real.params.n) + 1 } };
    expect(checkJob(edited)).toMatchObject({ reason: /key does not match/ });
  });

  it('applies the cost bound: every field in range but ~10¹⁸ multiply-adds is refused', () => {
    const huge = rekeyed({ ...real.params, n: 100_000, d: 2000, m: 5000 });
    expect(checkJob(huge)).toMatchObject({ reason: /multiply-adds|exceeds the limit/ });
  });
});

const bin = redisOrSkip('test/reliability/jobs.test.ts');

describe.skipIf(!bin)('corrupted and foreign jobs over a real Redis', () => {
  const fx = redisFixture(bin as string);

  it('null data, corrupted options, unknown parameters and another version fail for good; a good trial completes; status lists them', async () => {
    const name = 'corrupt-jobs';
    const queue = new Queue(name, { connection: fx.client.duplicate() });
    const [good, nullJob, badOpts] = probeTrials(3);
    const bad = [
      { id: 'unknown-param', data: rekeyed({ ...real.params, bogus: 1 }) },
      { id: 'other-version', data: rekeyed({ ...real.params }, (real.studyVersion ?? 0) + 1) },
    ];
    for (const b of bad) await queue.add(b.data.study, b.data, { jobId: b.id, attempts: 3 });
    await queue.add(nullJob.study, nullJob, { jobId: 'null-job', attempts: 3 });
    await fx.client.hset(queue.toKey('null-job'), 'data', 'null');
    await queue.add(badOpts.study, badOpts, { jobId: 'bad-opts', attempts: 3 });
    await fx.client.hset(queue.toKey('bad-opts'), 'opts', '{"attempts": 3, not json');
    await submitTrials({ redis: fx.redis.url, queue: name }, [good], { attempts: 1, backoffMs: 10 });
    const worker = fx.startWorker(name);
    const ids = ['unknown-param', 'other-version', 'null-job', 'bad-opts'];
    const states = async () => Promise.all(ids.map((id) => fx.client.zscore(queue.toKey('failed'), id)));
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const done = (await fx.client.zscore(queue.toKey('completed'), jobIdFor(good.key))) !== null;
      if (done && (await states()).every((s) => s !== null)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await states(), worker.out()).not.toContain(null);
    const reasons = await Promise.all(ids.map((id) => fx.client.hget(queue.toKey(id), 'failedReason')));
    expect(reasons[0]).toMatch(/unknown parameter\(s\) bogus/);
    expect(reasons[1]).toMatch(/this worker runs version/);
    expect(reasons[2]).toMatch(/job data is null/);
    expect(reasons[3]).toMatch(/invalid trial in job/);
    expect(await fx.client.zscore(queue.toKey('completed'), jobIdFor(good.key))).not.toBeNull();
    const r = runCli(['sweep', 'status', '--redis', fx.redis.url, '--queue', name, '--failures', '10']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/failed 4/);
    expect(r.stdout).toContain('(job null-job: no valid trial)');
    await queue.close();
  });
});
