import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';

const spec = `
name: tiny-est
study: estimators
title: tiny estimator study
base: { method: [hutchinson, hutchpp], budget: [6, 12], d: 3, n: 10, m: 4, reps: 3 }
scales:
  smoke: { seeds: [0] }
  default: { seeds: [0] }
  full: { seeds: [0] }
`;

describe('flatlab reproduce --spec and flatlab results export', () => {
  it('runs a user spec, then exports its trials as CSV and JSON', () => {
    const dir = tempDir();
    const file = join(dir, 'tiny.yaml');
    writeFileSync(file, spec);
    const out = join(dir, 'out');
    const r = runCli(['reproduce', '--spec', file, '--scale', 'smoke', '--out', out, '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, 'report', 'index.html'));
    expect(r.stderr).toMatch(/ran 4 trials \(0 already done, 0 failed\)/);
    expect(r.stderr).toMatch(/\[(holds|does not hold|inconclusive)\] \(smoke: a wiring check, not evidence\) Hutch\+\+/);

    const db = join(out, 'results.sqlite');
    const csv = runCli(['results', 'export', '--db', db, '--csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^key,study,seed,activation,budget,d,m,method,n,noise,reps,target,metric\.exact,.*metric\.rmsRelError,error,version,backend/,
    );
    const json = runCli(['results', 'export', '--db', db, '--json', '--study', 'estimators']);
    const trials = JSON.parse(json.stdout);
    expect(trials).toHaveLength(4);
    expect(trials[0].series.estimate).toHaveLength(3);
    // A study type the database does not hold is refused, listing what it holds.
    const absent = runCli(['results', 'export', '--db', db, '--json', '--study', 'symmetry']);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/study types: estimators/);

    const missing = runCli(['results', 'export', '--db', join(dir, 'nope.sqlite')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--db: results database not found/);
    const badScale = runCli(['reproduce', '--scale', 'huge', '--out', out]);
    expect(badScale.code).toBe(2);
    expect(badScale.stderr).toMatch(/--scale must be one of smoke, default, full/);
    const badWorkers = runCli(['reproduce', '--workers', 'zero', '--out', out]);
    expect(badWorkers.code).toBe(2);
    expect(badWorkers.stderr).toMatch(/workers/);
  });
});
