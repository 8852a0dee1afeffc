/** Assertions shared by the CLI tests: a command that succeeds, and one that fails as bad input must. */
import { expect } from 'vitest';
import { runInProcess } from './in-process.js';

export async function ok(args: string[]): Promise<string> {
  const r = await runInProcess(args);
  if (r.code !== 0) throw new Error(`flatlab ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A usage/input error: exit 2, a message naming the problem, no stack trace. */
export async function fails(args: string[], pattern: RegExp): Promise<void> {
  const r = await runInProcess(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('internal error');
  // InputErrors are one line; commander usage errors add a "(add --help for usage)" hint line.
  expect(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('(add --help')).length,
  ).toBe(1);
}
