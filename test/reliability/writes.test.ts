/**
 * Reliability rule 1: every output goes through one safe writer (src/node/safe-write.ts). Each bad
 * target gives exit 2 with one line, leaves no temp file and leaves every input byte-identical. No test
 * writes to a real device or system path: a FIFO, a symlink to /dev/null (a buggy rename would replace
 * the link, not the device), a path under a regular file, a read-only tmpfs mounted in the temp folder,
 * and /proc paths that can never be created.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkNotAnInput, fsReason, writeFileAtomic } from '../../src/node/safe-write.js';
import { ResultStore } from '../../src/studies/store.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { writeEstimatorsSpec } from './clean-exit.js';

const dir = tempDir('flatlab-writes-');
const data = join(dir, 'D.json');
const model = join(dir, 'M.json');
const fifo = join(dir, 'fifo');
const regular = join(dir, 'regular');
const folder = join(dir, 'folder');
const nullLink = join(dir, 'null-link');
const ro = join(dir, 'ro');
const db = join(dir, 'results.sqlite');
const foreign = join(dir, 'foreign.sqlite');
let mounted = false;

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
/** Every temp file the writer could have left anywhere under dir. */
const temps = (d = dir): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'ro' ? [] : temps(join(d, e.name))) : e.name.endsWith('.tmp') ? [e.name] : [],
  );

beforeAll(() => {
  expect(runCli(['data', '--d', '4', '--n', '12', '--seed', '1', '--out', data]).code).toBe(0);
  expect(runCli(['construct', 'memorizer', '--data', data, '--out', model]).code).toBe(0);
  execFileSync('mkfifo', [fifo]);
  writeFileSync(regular, 'keep me\n');
  mkdirSync(folder);
  symlinkSync('/dev/null', nullLink);
  mkdirSync(ro);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
  const store = new ResultStore(db);
  store.insert(
    { key: 'k1', study: 'symmetry', params: { d: 4 }, seed: 0 },
    { key: 'k1', metrics: { F: 1.5 }, version: '0', backend: 'js', elapsedMs: 3 },
  );
  store.close();
  execFileSync(process.execPath, [
    '-e',
    `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(foreign)}); d.exec('CREATE TABLE users (id INTEGER, name TEXT)'); d.close();`,
  ]);
});

afterAll(() => {
  if (mounted) execFileSync('umount', [ro]);
});

function expectRefused(args: string[], pattern: RegExp, inputs: string[] = [data, model]): void {
  const before = inputs.map(sha);
  const r = runCli(args, { timeoutMs: 20_000 });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(temps()).toEqual([]);
  expect(inputs.map(sha)).toEqual(before);
}

describe('--out targets that are not a writable regular file are refused with one line', () => {
  const construct = (out: string) => ['construct', 'memorizer', '--data', data, '--out', out];

  it('an existing folder, "", "." and a trailing slash', () => {
    expectRefused(construct(folder), /model file .*folder: it exists and is a folder/);
    expectRefused(construct(''), /the output path is empty/);
    expectRefused(construct('.'), /names a folder/);
    expectRefused(construct(`${folder}/`), /names a folder/);
  });

  it('a FIFO is refused (and not opened: the command does not block)', () => {
    expectRefused(construct(fifo), /it exists and is a FIFO/);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('a symlink to /dev/null is refused; the link and the device stay as they were', () => {
    expectRefused(construct(nullLink), /it exists and is a character device/);
    expect(statSync(nullLink).isCharacterDevice()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a path under a regular file', () => {
    expectRefused(construct(join(regular, 'x.json')), /a parent of .* is not a folder/);
    expectRefused(construct(join(regular, 'a', 'b', 'x.json')), /not a folder/);
    expect(readFileSync(regular, 'utf8')).toBe('keep me\n');
  });

  it('a path under /proc fails at once (no recursive mkdir spinning there)', () => {
    const t0 = Date.now();
    expectRefused(construct('/proc/flatlab-no-such/deeper/x.json'), /cannot create folders under \/proc/);
    expectRefused(construct('/proc/flatlab-x.json'), /cannot write model file \/proc\/flatlab-x\.json: /);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it.skipIf(process.platform !== 'linux')(
    'a read-only file system (tmpfs mounted read-only in the temp folder)',
    () => {
      if (!mounted) return; // mount is not permitted here: the EROFS mapping is covered by the unit test below
      expectRefused(construct(join(ro, 'm.json')), /read-only file system \(EROFS\)/);
      expectRefused(construct(join(ro, 'sub', 'm.json')), /cannot create folder .*read-only file system/);
    },
  );
});

describe('an output equal to one of the command inputs is refused before anything is written', () => {
  it('construct --data D --out D', () => {
    expectRefused(['construct', 'memorizer', '--data', data, '--out', data], /is also an input/);
  });

  it('rescale --model M --out M, also through another spelling of the same path', () => {
    expectRefused(['rescale', '--model', model, '--factor', '2', '--out', model], /is also an input/);
    expectRefused(
      ['rescale', '--model', model, '--factor', '2', '--out', join(dir, 'folder', '..', 'M.json')],
      /is also an input/,
    );
  });

  it('data --from-csv t.csv --out t.csv', () => {
    const csv = join(dir, 't.csv');
    writeFileSync(csv, '1,2,3\n4,5,6\n');
    expectRefused(['data', '--from-csv', csv, '--out', csv], /is also an input/, [csv]);
  });

  it('train --data DIR/model.json --out DIR', () => {
    const tdir = join(dir, 'train-out');
    mkdirSync(tdir);
    const inside = join(tdir, 'model.json');
    writeFileSync(inside, readFileSync(data));
    expectRefused(['train', '--data', inside, '--out', tdir, '--steps', '2', '--quiet'], /is also an input/, [inside]);
  });

  it('results export --db R --out R leaves the database intact', () => {
    expectRefused(['results', 'export', '--db', db, '--out', db], /is also an input/, [db]);
    const ok = runCli(['results', 'export', '--db', db]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^key,study,seed/);
    expect(ok.stdout).toContain('k1,symmetry,0');
  });
});

describe('results export trusts no database', () => {
  it('a foreign SQLite file is refused and left byte-identical (no flatlab tables added)', () => {
    expectRefused(['results', 'export', '--db', foreign], /not a flatlab results database/, [foreign]);
  });

  it('a file that is not SQLite, and a FIFO, are refused', () => {
    expectRefused(['results', 'export', '--db', data], /is not an SQLite database/);
    expectRefused(['results', 'export', '--db', fifo], /is not a regular file/);
  });

  it('export opens the database read-only: the file and its folder are unchanged afterwards', () => {
    const before = sha(db);
    const names = readdirSync(dir).sort();
    expect(runCli(['results', 'export', '--db', db, '--json']).code).toBe(0);
    expect(sha(db)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(names);
  });
});

describe('the results database and the report go through the same rules', () => {
  const tinySpec = join(dir, 'tiny.yaml');
  beforeAll(() => {
    writeEstimatorsSpec(tinySpec, 'tiny-est');
  });
  const reproduce = (out: string, extra: string[] = []) => [
    'reproduce',
    '--spec',
    tinySpec,
    '--scale',
    'smoke',
    '--workers',
    '1',
    '--out',
    out,
    ...extra,
  ];

  it('reproduce --out under /proc fails at once (the store makes no recursive folder there)', () => {
    const t0 = Date.now();
    expectRefused(reproduce('/proc/flatlab-no-such/out'), /results database .*cannot create folders under \/proc/, [
      tinySpec,
    ]);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it.skipIf(process.platform !== 'linux')('reproduce --out on a read-only file system is one line', () => {
    if (!mounted) return;
    expectRefused(reproduce(join(ro, 'out')), /results database .*read-only file system \(EROFS\)/, [tinySpec]);
  });

  it('a report file that exists as a FIFO is refused with one line; the database keeps its trials', () => {
    const out = join(dir, 'rep');
    const first = runCli(reproduce(out));
    expect(first.code, first.stderr).toBe(0);
    execFileSync('rm', ['-f', join(out, 'report', 'index.html')]);
    execFileSync('mkfifo', [join(out, 'report', 'index.html')]);
    const before = sha(join(out, 'results.sqlite'));
    expectRefused(reproduce(out, ['--report-only']), /index\.html: it exists and is a FIFO/, [tinySpec]);
    expect(statSync(join(out, 'report', 'index.html')).isFIFO()).toBe(true);
    expect(sha(join(out, 'results.sqlite'))).toBe(before);
    expect(existsSync(join(out, 'report', 'vendor', 'vega.min.js'))).toBe(true);
  });
});

describe('the writer itself (unit)', () => {
  it('maps file-system error codes to one-line reasons (EROFS where no read-only mount can be made)', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: something\n  at x`), { code });
    expect(fsReason(err('EROFS'))).toBe('read-only file system (EROFS)');
    expect(fsReason(err('EACCES'))).toBe('permission denied (EACCES)');
    expect(fsReason(err('ENOSPC'))).toBe('no space left on the device (ENOSPC)');
    expect(fsReason(err('EWEIRD'))).toBe('file-system error (EWEIRD)');
    expect(fsReason(new Error('two\nlines'))).toBe('two lines');
  });

  it('writes atomically, replaces a regular file, and leaves no temp file', () => {
    const p = join(dir, 'unit', 'a', 'b.txt');
    writeFileAtomic(p, 'one');
    writeFileAtomic(p, ['t', 'w', new Uint8Array([0x6f])]);
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(temps(join(dir, 'unit'))).toEqual([]);
  });

  it('a producer that throws mid-write removes the temp file and the folders it created', () => {
    const p = join(dir, 'unit2', 'deep', 'x.txt');
    function* chunks() {
      yield 'partial';
      throw new RangeError('producer failed');
    }
    expect(() => writeFileAtomic(p, chunks())).toThrow(RangeError);
    expect(() => statSync(join(dir, 'unit2'))).toThrow();
  });

  it('checkNotAnInput compares real paths and inodes', () => {
    const link = join(dir, 'data-link.json');
    symlinkSync(data, link);
    expect(() => checkNotAnInput(link, [data])).toThrow(InputError);
    expect(() => checkNotAnInput(join(dir, 'other.json'), [data])).not.toThrow();
  });
});
