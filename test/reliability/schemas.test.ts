/**
 * Reliability rule 3: every file read is validated against its schema. An edited checkpoint, a model
 * with an activation field it does not take, a bogus backend name and a file that is not JSON of the
 * right shape each give exit 2 with one line, never a stack trace or a silent restart.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';
import { expectCleanExit } from './clean-exit.js';

const dir = tempDir('flatlab-schemas-');
const p = (f: string) => join(dir, f);
const trainArgs = (out: string) => [
  'train',
  '--data',
  p('D.json'),
  '--algo',
  'sgd',
  '--width',
  '4',
  '--steps',
  '6',
  '--checkpoint-every',
  '3',
  '--batch',
  '5',
  '--quiet',
  '--out',
  out,
];

/** Exit 2, one line, no stack trace, no temp file, and the command's input files byte-identical. */
function expectExit2(args: string[], pattern: RegExp, env?: Record<string, string>): void {
  const inputs = args.filter((a) => existsSync(a) && statSync(a).isFile());
  expectCleanExit(args, { pattern, env, inputs, dirs: [dir] });
}

let checkpoint: Record<string, unknown>;

beforeAll(() => {
  expect(runCli(['data', '--d', '3', '--n', '20', '--seed', '5', '--out', p('D.json')]).code).toBe(0);
  expect(runCli(['construct', 'memorizer', '--data', p('D.json'), '--out', p('M.json')]).code).toBe(0);
  const r = runCli(trainArgs(p('run')));
  expect(r.code, r.stderr).toBe(0);
  checkpoint = JSON.parse(readFileSync(p('run/checkpoint.json'), 'utf8'));
});

/** A copy of the finished run whose checkpoint is `edit(checkpoint)`; the command resumes from it. */
function editedRun(name: string, edit: (ck: Record<string, unknown>) => unknown): string {
  const out = p(name);
  mkdirSync(out);
  copyFileSync(p('run/log.jsonl'), join(out, 'log.jsonl'));
  writeFileSync(join(out, 'checkpoint.json'), JSON.stringify(edit(structuredClone(checkpoint))));
  return out;
}

describe('an edited checkpoint.json is refused with one line (no stack trace, no silent restart)', () => {
  const cases: [string, (ck: Record<string, unknown>) => unknown, RegExp][] = [
    ['theta not base64', (ck) => ({ ...ck, theta: 'not base64!' }), /theta: must be base64/],
    [
      'theta of the wrong length',
      (ck) => ({ ...ck, theta: 'AAAAAAAAAAA=' }),
      /theta holds .* numbers, expected m\(d\+1\) = 16/,
    ],
    ['wrong m', (ck) => ({ ...ck, m: 5 }), /expected m\(d\+1\) = 20/],
    [
      'bad RNG state',
      (ck) => ({ ...ck, rngBatch: { s: [0, 0, 0, 0], spare: 0, hasSpare: false } }),
      /rngBatch\.s: an all-zero xoshiro state/,
    ],
    [
      'RNG word out of range',
      (ck) => ({ ...ck, rngNoise: { s: [1, 2, 3, 2 ** 40], spare: 0, hasSpare: false } }),
      /rngNoise\.s/,
    ],
    ['null checkpoint', () => null, /checkpoint .*: \(top level\)/],
    ['bad phase', (ck) => ({ ...ck, phase: 'warmup' }), /phase/],
    ['negative step', (ck) => ({ ...ck, step: -1 }), /step/],
    ['bad data hash', (ck) => ({ ...ck, dataHash: 'zz' }), /dataHash/],
    ['perm not a permutation', (ck) => ({ ...ck, perm: Array(20).fill(0) }), /perm is not a permutation|perm/],
  ];
  for (const [name, edit, pattern] of cases) {
    it(name, () => {
      const out = editedRun(name.replace(/\W+/g, '-'), edit);
      const before = readFileSync(join(out, 'checkpoint.json'));
      const logBefore = readFileSync(join(out, 'log.jsonl'));
      expectExit2(trainArgs(out), pattern);
      expect(readFileSync(join(out, 'checkpoint.json'))).toEqual(before);
      expect(readFileSync(join(out, 'log.jsonl'))).toEqual(logBefore);
      expect(existsSync(join(out, 'model.json'))).toBe(false);
    });
  }
});

describe('model files: an activation field the activation does not take is refused', () => {
  it('{"name":"relu","p":2}', () => {
    const m = JSON.parse(readFileSync(p('M.json'), 'utf8'));
    writeFileSync(p('relu-p.json'), JSON.stringify({ ...m, activation: { name: 'relu', p: 2 } }));
    expectExit2(['measure', '--data', p('D.json'), '--model', p('relu-p.json')], /relu takes no parameter \(got "p"\)/);
    writeFileSync(p('leaky-p.json'), JSON.stringify({ ...m, activation: { name: 'leaky_relu', p: 2 } }));
    expectExit2(['measure', '--data', p('D.json'), '--model', p('leaky-p.json')], /leaky-relu takes only "alpha"/);
    writeFileSync(p('ctor.json'), JSON.stringify({ ...m, activation: { name: 'constructor' } }));
    expectExit2(['measure', '--data', p('D.json'), '--model', p('ctor.json')], /unknown activation "constructor"/);
  });
});

describe('other inputs', () => {
  it('FLATLAB_BACKEND=bogus is one line, exit 2', () => {
    expectExit2(['data', '--check', p('D.json')], /FLATLAB_BACKEND must be "native" or "js" \(got "bogus"\)/, {
      FLATLAB_BACKEND: 'bogus',
    });
  });
  it('a spec with a YAML warning (an unresolved tag) is refused with one line, not run with a second line printed', () => {
    const spec = readFileSync('studies/h1-symmetry.yaml', 'utf8').replace('noise: 0', 'noise: !t4ll 0');
    writeFileSync(p('tag.yaml'), spec);
    expectExit2(
      ['reproduce', '--spec', p('tag.yaml'), '--out', p('tag-out')],
      /tag\.yaml: not valid YAML\/JSON \(.*tag/,
    );
    expect(existsSync(p('tag-out'))).toBe(false);
  });
  it('a data set file that is JSON null, or a FIFO-like non-file, is refused', () => {
    writeFileSync(p('null.json'), 'null');
    expectExit2(['data', '--check', p('null.json')], /expected a JSON object/);
    expectExit2(['data', '--check', dir], /is a directory/);
  });
});
