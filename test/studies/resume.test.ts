/**
 * Acceptance: `flatlab reproduce --scale smoke` killed with SIGKILL at a random point and run again
 * completes, has each trial exactly once, and gives the same tables as an uninterrupted run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli-helpers.js';

const cli = join(process.cwd(), 'bin', 'flatlab.js');
const env = { ...process.env, NO_COLOR: '1' };
const args = (out: string) => [cli, 'reproduce', '--scale', 'smoke', '--workers', '1', '--out', out];

function count(db: string): number {
  try {
    const h = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (h.prepare('SELECT COUNT(*) AS c FROM trials').get() as { c: number }).c;
    } finally {
      h.close();
    }
  } catch {
    return 0;
  }
}

function rows(
  db: string,
): { key: string; params: string; seed: number; metrics: string; series: string | null; error: string | null }[] {
  const h = new Database(db, { readonly: true });
  try {
    return h.prepare('SELECT key, params, seed, metrics, series, error FROM trials ORDER BY key').all() as never;
  } finally {
    h.close();
  }
}

/** tables.json without the parts that legitimately differ between runs (none: it holds no times or dates). */
const tables = (out: string) => JSON.parse(readFileSync(join(out, 'report', 'tables.json'), 'utf8'));

describe('reproduce resumes after SIGKILL', () => {
  it('completes, stores each trial once, and reproduces the uninterrupted tables', async () => {
    const ref = tempDir();
    const t0 = Date.now();
    const r0 = spawnSync(process.execPath, args(ref), { env, encoding: 'utf8', timeout: 300_000 });
    expect(r0.status, r0.stderr).toBe(0);
    // The smoke scale is meant to run every study in under a minute; reported, not asserted (timings
    // belong to benchmarks, not unit tests).
    console.log(`smoke reproduce: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const total = count(join(ref, 'results.sqlite'));
    expect(total).toBeGreaterThan(20);

    const out = tempDir();
    const db = join(out, 'results.sqlite');
    // Kill once a random number of trials (between 1 and total − 5) are stored.
    const target = 1 + Math.floor(Math.random() * (total - 5));
    const child = spawn(process.execPath, args(out), { env, stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    let killedAt = -1;
    while (child.exitCode === null) {
      const c = count(db);
      if (c >= target) {
        child.kill('SIGKILL');
        killedAt = c;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await exited;
    expect(killedAt, 'the run finished before it could be killed').toBeGreaterThan(0);
    expect(count(db)).toBeLessThan(total);

    const r1 = spawnSync(process.execPath, args(out), { env, encoding: 'utf8', timeout: 300_000 });
    expect(r1.status, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/already done/);
    expect(r1.stdout.trim()).toBe(join(out, 'report', 'index.html'));
    const a = rows(db);
    expect(a).toHaveLength(total);
    expect(new Set(a.map((r) => r.key)).size).toBe(total);
    expect(a).toEqual(rows(join(ref, 'results.sqlite')));
    expect(tables(out)).toEqual(tables(ref));
  }, 180_000);
});
