/**
 * What a failing command must do, in one assertion: the exit code (2 for bad input,
 * 3 for divergence), a one-line message and no stack trace, no NaN/Infinity/null printed as a result,
 * no temp file left under the given folders, and every input byte-identical afterwards.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliResult, runCli } from '../cli-helpers.js';

export const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Every temp file the safe writer could have left under `dir` (names end in .tmp); `skip` folders are not entered. */
export function tempFiles(dir: string, skip: readonly string[] = []): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return skip.includes(p) ? [] : tempFiles(p, skip);
    return e.name.endsWith('.tmp') ? [p] : [];
  });
}

export interface CleanExit {
  /** Expected exit code (default 2). */
  code?: 2 | 3;
  pattern: RegExp;
  /** Files that must be byte-identical afterwards. */
  inputs?: readonly string[];
  /** Folders that must hold no temp file afterwards. */
  dirs?: readonly string[];
  /** Paths that must not exist afterwards (nothing written). */
  absent?: readonly string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function expectCleanExit(args: string[], o: CleanExit): CliResult {
  const before = (o.inputs ?? []).map(sha256);
  const r = runCli(args, { env: o.env, timeoutMs: o.timeoutMs });
  expect(r.code, r.stderr).toBe(o.code ?? 2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(o.pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stdout).not.toMatch(/NaN|Infinity|null/);
  for (const d of o.dirs ?? []) expect(tempFiles(d)).toEqual([]);
  for (const p of o.absent ?? []) expect(existsSync(p), p).toBe(false);
  expect((o.inputs ?? []).map(sha256)).toEqual(before);
  return r;
}

/** A one-trial-per-grid-point estimators spec (tiny Hutchinson runs), same grid at every scale, written to `path`. */
export function writeEstimatorsSpec(path: string, name: string, extraBase = ''): void {
  writeFileSync(
    path,
    [
      `name: ${name}`,
      'study: estimators',
      `title: ${name}`,
      `base: { method: hutchinson, budget: 6, d: 3, n: 10, m: 4, reps: 2${extraBase} }`,
      'scales:',
      '  smoke: { seeds: [0] }',
      '  default: { seeds: [0] }',
      '  full: { seeds: [0] }',
      '',
    ].join('\n'),
  );
}
