/** The README's TypeScript library example runs as written (through tsx, importing the package by name). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('the README library example runs and prints what its comments say', () => {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const start = readme.indexOf('```ts\n');
  expect(start).toBeGreaterThan(0);
  const code = readme.slice(start + 6, readme.indexOf('```', start + 6));
  expect(code).toContain("from 'flatlab'");
  // Inside the package folder so that `import … from 'flatlab'` resolves to this package (self-reference).
  const dir = join(process.cwd(), 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'readme-library-example.mts');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  const last = Number(lines[lines.length - 1]);
  const ratio = Number(lines[lines.length - 2]);
  expect(ratio).toBeGreaterThan(1000); // "≈ 5000"
  expect(r.stdout).toMatch(/teacher \{\s*fStar: 14\.53/);
  expect(last).toBeCloseTo(14.53198, 3); // "= the teacher's F*"
}, 60_000);
