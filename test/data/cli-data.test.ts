import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetFromJson } from '../../src/data/dataset-json.js';
import { runCli, tempDir } from '../cli-helpers.js';

/** A user error: exit 2, one line on stderr naming the problem, no stack trace. */
function expectUserError(args: string[], re: RegExp): void {
  const r = runCli(args);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines.length, r.stderr).toBe(1);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('flatlab data', () => {
  const dir = tempDir();
  const good = {
    format: 'flatlab.dataset/1',
    d: 2,
    n: 2,
    x: [
      [1, 2],
      [3, 4],
    ],
    y: [1, 2],
  };
  const write = (name: string, content: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };

  it('generates the README data set reproducibly (same bytes for the same seed)', () => {
    const args = [
      'data',
      '--d',
      '50',
      '--n',
      '200',
      '--r',
      '2',
      '--links',
      'relu+relu',
      '--noise',
      '0',
      '--input',
      'gaussian',
      '--index',
      'random',
      '--seed',
      '0',
    ];
    const a = runCli([...args, '--out', join(dir, 'A.json')]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/n = 200, d = 50, r = 2/);
    const b = runCli([...args, '--out', join(dir, 'B.json')]);
    expect(b.code).toBe(0);
    const ta = readFileSync(join(dir, 'A.json'), 'utf8');
    expect(readFileSync(join(dir, 'B.json'), 'utf8')).toBe(ta);
    const D = datasetFromJson(JSON.parse(ta));
    expect(D.n).toBe(200);
    expect(D.target?.kind).toBe('sum');
    expect(D.seed).toBe(0);
    const c = runCli(['data', '--check', join(dir, 'A.json'), '--json']);
    expect(c.code).toBe(0);
    // relu+relu with unit weights: Var f* = 2 (1/2 − 1/(2π))
    expect(JSON.parse(c.stdout).targetVariance).toBeCloseTo(2 * (0.5 - 1 / (2 * Math.PI)), 12);
  });

  it('imports a CSV table (no target)', () => {
    const csv = write('t.csv', 'x1,x2,x3,y\n1,2,3,4\n5,6,7,8\n');
    const r = runCli(['data', '--from-csv', csv, '--out', join(dir, 'C.json')]);
    expect(r.code, r.stderr).toBe(0);
    const D = datasetFromJson(JSON.parse(readFileSync(join(dir, 'C.json'), 'utf8')));
    expect(D.d).toBe(3);
    expect(D.target).toBeUndefined();
  });

  it('bad flags exit 2 with one line', () => {
    const out = join(dir, 'X.json');
    expectUserError(['data', '--n', '0', '--out', out], /--n must be an integer in \[1, 10000000\] \(got "0"\)/);
    expectUserError(['data', '--d', '-5', '--out', out], /--d must be an integer/);
    expectUserError(['data', '--links', 'softsign', '--out', out], /unknown link "softsign"/);
    expectUserError(['data', '--input', 'cauchy', '--out', out], /unknown input law "cauchy"/);
    expectUserError(['data', '--noise', 'NaN', '--out', out], /--noise must be a number/);
    expectUserError(['data', '--d', '3'], /--out <file> is required/);
    expectUserError(['data', '--from-csv', join(dir, 'missing.csv'), '--out', out], /CSV file not found/);
    expectUserError(
      ['data', '--from-csv', write('rag.csv', '1,2,3\n4,5\n'), '--out', out],
      /line 2 has 2 columns, expected 3/,
    );
    expectUserError(['data', '--from-csv', write('nan.csv', '1,2\n3,x\n'), '--out', out], /"x" is not a finite number/);
  });

  it('bad data set files exit 2 with one line (--check)', () => {
    const check = (name: string, content: unknown, re: RegExp) =>
      expectUserError(['data', '--check', write(name, content)], re);
    check('trunc.json', '{"format":"flatlab.dataset/1","d":2,', /is not valid JSON/);
    check('fmt.json', { ...good, format: 'flatlab.dataset/0' }, /wrong format "flatlab.dataset\/0"/);
    check('rows.json', { ...good, n: 3 }, /"x" has 2 rows but n = 3/);
    check('cols.json', { ...good, x: [[1, 2], [3]] }, /x\[1\] has 1 entries but d = 2/);
    check('ylen.json', { ...good, y: [1] }, /"y" has 1 values but n = 2/);
    check('nan.json', { ...good, y: [1, 'NaN'] }, /y\[1\] is not a finite number/);
    check('zero.json', { ...good, n: 0 }, /"n" must be a positive integer/);
    check('neg.json', { ...good, d: -1 }, /"d" must be a positive integer/);
    const target = {
      kind: 'sum',
      d: 2,
      r: 1,
      U: [[1, 0]],
      links: [{ name: 'relu' }],
      coeffs: [1],
      noise: 0,
      input: { law: 'gaussian' },
    };
    check('link.json', { ...good, target: { ...target, links: [{ name: 'swish' }] } }, /unknown link "swish"/);
    check('law.json', { ...good, target: { ...target, input: { law: 'laplace' } } }, /unknown input law "laplace"/);
    expectUserError(['data', '--check', join(dir, 'absent.json')], /data set file not found/);
  });
});
