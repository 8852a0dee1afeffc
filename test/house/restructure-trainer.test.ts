/**
 * The trainer's restructure changed no bit: every case of restructure-trainer-cases.ts (each algorithm,
 * both polishes, the schedules, label noise, a divergence, the flattest search with restarts, early
 * stop and width raising) gives the digest stored in fixtures/trainer-baseline.<backend>.json, written
 * by fixtures/make-trainer-baseline.ts before the trainer was split into a state record, step functions
 * and the search driver; and resuming from a checkpoint's JSON at several points gives the same digest
 * as the uninterrupted run.
 *
 * The portable (js) baseline is the one written before the restructure. The native baseline is
 * rewritten when a change of the native kernels changes their rounding on purpose (the vectorized
 * reductions; the forward and trace passes on Vec lanes, fused in one read of Z): the restructure had
 * matched the old native baseline bit for bit, and the baseline now guards the trainer against
 * unintended changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/node/backend.js';
import { CASES, digestOf, runCase } from './restructure-trainer-cases.js';

describe('the trainer gives the same bits as before its restructure', () => {
  let want: Record<string, string> = {};
  beforeAll(async () => {
    const backend = await initBackend();
    want = JSON.parse(
      readFileSync(join(import.meta.dirname, 'fixtures', `trainer-baseline.${backend.name}.json`), 'utf8'),
    ).digests;
  });
  for (const c of CASES) {
    it(`${c.name}: same digest, uninterrupted and resumed`, () => {
      expect(digestOf(runCase(c))).toBe(want[c.name]);
      for (const at of c.resumeAt ?? [0, 3, 17])
        expect(digestOf(runCase(c, at)), `resumed at ${at}`).toBe(want[c.name]);
    });
  }
});
