import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';
import { fails, ok } from './expect-cli.js';

const MEASURE_KEYS = [
  'trace',
  'traceGaussNewton',
  'traceResidual',
  'fStar',
  'invariantFlatness',
  'pathNorm',
  'trainLoss',
  'maxResidual',
  'populationRisk',
  'lossConvention',
  'version',
  'backend',
].sort();

let dir = '';
const p = (f: string) => join(dir, f);

beforeAll(async () => {
  dir = tempDir();
  await ok([
    'data',
    '--d',
    '6',
    '--n',
    '30',
    '--r',
    '1',
    '--links',
    'relu',
    '--noise',
    '0.05',
    '--seed',
    '3',
    '--out',
    p('noisy.json'),
  ]);
  await ok(['data', '--d', '6', '--n', '30', '--r', '1', '--links', 'relu', '--seed', '3', '--out', p('clean.json')]);
  await ok(['construct', 'teacher', '--data', p('clean.json'), '--out', p('teacher.json')]);
  await ok(['construct', 'memorizer', '--data', p('clean.json'), '--out', p('mem.json')]);
  // an imported data set: no target
  let u = 12345;
  const next = () => {
    u = (u * 1103515245 + 12345) % 2147483648;
    return u / 2147483648 - 0.5;
  };
  const rows = Array.from({ length: 12 }, () => Array.from({ length: 7 }, next).join(','));
  writeFileSync(p('table.csv'), `${rows.join('\n')}\n`);
  await ok(['data', '--from-csv', p('table.csv'), '--out', p('imported.json')]);
});

describe('flatlab construct / measure / rescale', () => {
  it('constructs all three interpolators, each interpolating, and records the construction', async () => {
    const t = await ok(['construct', 'teacher', '--data', p('noisy.json'), '--out', p('t.json')]);
    expect(t).toMatch(/teacher: relu network with m = 31 neurons \(1 teacher \+ 30 memorizing\)/);
    await ok(['construct', 'memorizer', '--data', p('noisy.json'), '--out', p('m.json'), '--activation', 'relu-pow:2']);
    await ok([
      'construct',
      'random-features',
      '--data',
      p('noisy.json'),
      '--out',
      p('r.json'),
      '--width',
      '50',
      '--seed',
      '4',
    ]);
    for (const f of ['t.json', 'm.json', 'r.json']) {
      const model = JSON.parse(readFileSync(p(f), 'utf8'));
      expect(model.format).toBe('flatlab.model/1');
      expect(model.version).toBeDefined();
      expect(model.backend).toMatch(/^(js|native)$/);
      expect(model.construction.maxResidual).toBeLessThanOrEqual(1e-8);
      const rep = JSON.parse(await ok(['measure', '--data', p('noisy.json'), '--model', p(f), '--json']));
      expect(rep.maxResidual).toBeLessThanOrEqual(1e-8);
    }
    expect(JSON.parse(readFileSync(p('m.json'), 'utf8')).activation).toEqual({ name: 'relu-pow', p: 2 });
    expect(JSON.parse(readFileSync(p('r.json'), 'utf8')).a).toHaveLength(50);
    // same seed ⇒ same bytes of weights
    await ok([
      'construct',
      'random-features',
      '--data',
      p('noisy.json'),
      '--out',
      p('r2.json'),
      '--width',
      '50',
      '--seed',
      '4',
    ]);
    const w1 = JSON.parse(readFileSync(p('r.json'), 'utf8'));
    const w2 = JSON.parse(readFileSync(p('r2.json'), 'utf8'));
    expect(w2.W).toEqual(w1.W);
    expect(w2.a).toEqual(w1.a);
  });

  it('measure --json prints exactly the documented keys; the table is readable', async () => {
    const rep = JSON.parse(await ok(['measure', '--data', p('clean.json'), '--model', p('teacher.json'), '--json']));
    expect(Object.keys(rep).sort()).toEqual(MEASURE_KEYS);
    expect(Object.keys(rep.populationRisk).sort()).toEqual(['method', 'stderr', 'value']);
    expect(rep.populationRisk.method).toBe('exact');
    expect(rep.populationRisk.value).toBeLessThan(1e-12);
    expect(rep.lossConvention).toContain('1/(2n)');
    // the balanced teacher: raw trace = F* (up to rounding)
    expect(Math.abs(rep.trace - rep.fStar) / rep.trace).toBeLessThan(1e-10);
    expect(rep.invariantFlatness).toBe(rep.fStar); // the deprecated alias, still written
    const table = await ok(['measure', '--data', p('clean.json'), '--model', p('teacher.json')]);
    expect(table).toMatch(/invariant flatness\s+F\*\s+\d/);
    expect(table).toMatch(/population risk\s+\S+ \(exact\)/);
    expect(table).toMatch(/loss convention: L = \(1\/\(2n\)\)/);
  });

  it('reports the population risk as unavailable for imported data (no target)', async () => {
    await ok(['construct', 'memorizer', '--data', p('imported.json'), '--out', p('mi.json')]);
    const rep = JSON.parse(await ok(['measure', '--data', p('imported.json'), '--model', p('mi.json'), '--json']));
    expect(rep.populationRisk).toEqual({ value: null, stderr: null, method: 'unavailable' });
    expect(await ok(['measure', '--data', p('imported.json'), '--model', p('mi.json')])).toMatch(
      /population risk\s+unavailable/,
    );
    await fails(['construct', 'teacher', '--data', p('imported.json'), '--out', p('x.json')], /has no "target"/);
  });

  it('uses Monte Carlo with a standard error when no exact formula applies, seeded', async () => {
    await ok([
      'construct',
      'memorizer',
      '--data',
      p('clean.json'),
      '--out',
      p('m3.json'),
      '--activation',
      'relu-pow:3',
    ]);
    const a = JSON.parse(
      await ok([
        'measure',
        '--data',
        p('clean.json'),
        '--model',
        p('m3.json'),
        '--json',
        '--mc-samples',
        '2000',
        '--seed',
        '1',
      ]),
    );
    expect(a.populationRisk.method).toBe('montecarlo');
    expect(a.populationRisk.stderr).toBeGreaterThan(0);
    const b = JSON.parse(
      await ok([
        'measure',
        '--data',
        p('clean.json'),
        '--model',
        p('m3.json'),
        '--json',
        '--mc-samples',
        '2000',
        '--seed',
        '1',
      ]),
    );
    expect(b.populationRisk).toEqual(a.populationRisk);
  });

  it('rescale: factor, random orbit points and balance keep f, the loss and F*', async () => {
    const base = JSON.parse(await ok(['measure', '--data', p('clean.json'), '--model', p('mem.json'), '--json']));
    await ok(['rescale', '--model', p('mem.json'), '--out', p('mem-f.json'), '--factor', '0.01']);
    await ok(['rescale', '--model', p('mem.json'), '--out', p('mem-r.json'), '--random-log-range', '2', '--seed', '9']);
    await ok(['rescale', '--model', p('mem-r.json'), '--out', p('mem-b.json'), '--balance', '--data', p('clean.json')]);
    const reps = [];
    for (const f of ['mem-f.json', 'mem-r.json', 'mem-b.json']) {
      reps.push(JSON.parse(await ok(['measure', '--data', p('clean.json'), '--model', p(f), '--json'])));
    }
    for (const r of reps) {
      expect(Math.abs(r.invariantFlatness - base.invariantFlatness) / base.invariantFlatness).toBeLessThan(1e-9);
      expect(Math.abs(r.pathNorm - base.pathNorm) / base.pathNorm).toBeLessThan(1e-12);
      expect(r.maxResidual).toBeLessThan(1e-8);
      expect(Math.abs(r.populationRisk.value - base.populationRisk.value)).toBeLessThan(
        1e-9 * Math.max(1, base.populationRisk.value),
      );
    }
    expect(reps[0].trace / base.trace).toBeGreaterThan(100);
    // balanced: raw trace equals F*, and F ≥ F* elsewhere on the orbit
    expect(Math.abs(reps[2].trace - reps[2].invariantFlatness) / reps[2].trace).toBeLessThan(1e-9);
    expect(reps[1].trace).toBeGreaterThanOrEqual(reps[2].trace);
    const hist = JSON.parse(readFileSync(p('mem-b.json'), 'utf8')).rescale;
    expect(hist.map((h: { mode: string }) => h.mode)).toEqual(['random', 'balance']);
  });
});

describe('bad input: exit 2, one line naming the problem, no stack trace', () => {
  it('missing files', async () => {
    await fails(
      ['measure', '--data', p('nope.json'), '--model', p('teacher.json')],
      /data set file not found: .*nope\.json/,
    );
    await fails(['measure', '--data', p('clean.json'), '--model', p('nope.json')], /model file not found/);
    await fails(['construct', 'teacher', '--data', p('nope.json'), '--out', p('x.json')], /not found/);
    await fails(['rescale', '--model', p('nope.json'), '--out', p('x.json'), '--factor', '2'], /model file not found/);
  });

  it('malformed and truncated JSON', async () => {
    writeFileSync(p('bad.json'), '{"format": "flatlab.model/1", "a": [1, 2,');
    await fails(
      ['measure', '--data', p('clean.json'), '--model', p('bad.json')],
      /model file .*bad\.json is not valid JSON/,
    );
    const full = readFileSync(p('teacher.json'), 'utf8');
    writeFileSync(p('trunc.json'), full.slice(0, Math.floor(full.length / 2)));
    await fails(['rescale', '--model', p('trunc.json'), '--out', p('x.json'), '--factor', '2'], /not valid JSON/);
    const data = readFileSync(p('clean.json'), 'utf8');
    writeFileSync(p('trunc-data.json'), data.slice(0, Math.floor(data.length / 3)));
    await fails(['measure', '--data', p('trunc-data.json'), '--model', p('teacher.json')], /not valid JSON/);
    writeFileSync(p('nan.json'), full.replace(/"a": \[\s*[-0-9.e+]+/, '"a": [NaN'));
    await fails(['measure', '--data', p('clean.json'), '--model', p('nan.json')], /not valid JSON/);
  });

  it('wrong format, mismatched dimensions, ragged rows, null (NaN) entries', async () => {
    const model = JSON.parse(readFileSync(p('mem.json'), 'utf8'));
    const write = (name: string, v: unknown) => writeFileSync(p(name), JSON.stringify(v));
    write('wrongfmt.json', { ...model, format: 'flatlab.model/2' }); // the deep format, without its layers
    await fails(
      ['measure', '--data', p('clean.json'), '--model', p('wrongfmt.json')],
      /"layers" must be an array of at least 2 layers \("a" and "W" are the fields of flatlab\.model\/1\)/,
    );
    await fails(['measure', '--data', p('teacher.json'), '--model', p('teacher.json')], /wrong format|format/);
    write('rows.json', { ...model, a: [...model.a, 1] });
    await fails(
      ['measure', '--data', p('clean.json'), '--model', p('rows.json')],
      /"W" has \d+ rows but "a" has \d+ entries/,
    );
    write('ragged.json', { ...model, W: [model.W[0].slice(1), ...model.W.slice(1)] });
    await fails(['measure', '--data', p('clean.json'), '--model', p('ragged.json')], /ragged rows|W\[1\] has/);
    write('null.json', { ...model, W: [[null, ...model.W[0].slice(1)], ...model.W.slice(1)] });
    await fails(
      ['measure', '--data', p('clean.json'), '--model', p('null.json')],
      /W\[0\]\[0\] must be a finite number \(got null\)/,
    );
    write('wide.json', { ...model, W: model.W.map((r: number[]) => [...r, 0, 0]) });
    await fails(
      ['measure', '--data', p('clean.json'), '--model', p('wide.json')],
      /dimension mismatch: the model has input dimension d = 8 but the data have d = 6/,
    );
    await fails(
      ['rescale', '--model', p('wide.json'), '--out', p('x.json'), '--balance', '--data', p('clean.json')],
      /dimension mismatch/,
    );
    const data = JSON.parse(readFileSync(p('clean.json'), 'utf8'));
    data.x[2][1] = null;
    write('nandata.json', data);
    await fails(['measure', '--data', p('nandata.json'), '--model', p('teacher.json')], /x|finite|number/);
  });

  it('unknown activation or kind', async () => {
    await fails(
      ['construct', 'memorizer', '--data', p('clean.json'), '--out', p('x.json'), '--activation', 'gelu'],
      /unknown activation "gelu"/,
    );
    await fails(
      ['construct', 'memorizer', '--data', p('clean.json'), '--out', p('x.json'), '--activation', 'relu-pow:0'],
      /p must be in \[1, 8\]/,
    );
    await fails(['construct', 'lazy', '--data', p('clean.json'), '--out', p('x.json')], /unknown kind "lazy"/);
    const model = JSON.parse(readFileSync(p('teacher.json'), 'utf8'));
    writeFileSync(p('act.json'), JSON.stringify({ ...model, activation: { name: 'swish' } }));
    await fails(['measure', '--data', p('clean.json'), '--model', p('act.json')], /unknown activation "swish"/);
    await fails(
      ['construct', 'teacher', '--data', p('clean.json'), '--out', p('x.json'), '--activation', 'abs'],
      /not representable exactly by a \|t\| network/,
    );
  });

  it('negative or zero sizes and bad numbers', async () => {
    await fails(
      ['construct', 'memorizer', '--data', p('clean.json'), '--out', p('x.json'), '--width', '0'],
      /--width must be an integer in \[1, 1000000\] \(got "0"\)/,
    );
    await fails(
      ['construct', 'memorizer', '--data', p('clean.json'), '--out', p('x.json'), '--width', '-5'],
      /--width must be an integer/,
    );
    await fails(
      ['construct', 'memorizer', '--data', p('clean.json'), '--out', p('x.json'), '--width', '10'],
      /needs width m ≥ n = 30/,
    );
    await fails(
      ['construct', 'random-features', '--data', p('clean.json'), '--out', p('x.json'), '--width', '20'],
      /needs width m ≥ n = 30/,
    );
    await fails(
      ['construct', 'memorizer', '--data', p('clean.json'), '--out', p('x.json'), '--seed', '-1'],
      /--seed must be an integer/,
    );
    await fails(
      ['measure', '--data', p('clean.json'), '--model', p('teacher.json'), '--mc-samples', '0'],
      /--mc-samples must be an integer/,
    );
    await fails(
      ['rescale', '--model', p('teacher.json'), '--out', p('x.json'), '--factor', '0'],
      /--factor must be a finite number > 0 \(got "0"\)/,
    );
    await fails(
      ['rescale', '--model', p('teacher.json'), '--out', p('x.json'), '--factor', '-2'],
      /--factor must be a finite number > 0/,
    );
    await fails(
      ['rescale', '--model', p('teacher.json'), '--out', p('x.json'), '--random-log-range', '-1'],
      /--random-log-range must be a number in \[0, 100\]/,
    );
  });

  it('usage errors: missing flags, conflicting modes', async () => {
    await fails(['construct', 'teacher', '--data', p('clean.json')], /required option '--out <file>' not specified/);
    await fails(['measure', '--model', p('teacher.json')], /required option '--data <file>'/);
    await fails(
      ['rescale', '--model', p('teacher.json'), '--out', p('x.json')],
      /exactly one of --factor c, --random-log-range r, --balance/,
    );
    await fails(
      ['rescale', '--model', p('teacher.json'), '--out', p('x.json'), '--factor', '2', '--balance'],
      /exactly one of/,
    );
    await fails(['rescale', '--model', p('teacher.json'), '--out', p('x.json'), '--balance'], /--balance needs --data/);
    await fails(
      ['rescale', '--model', p('teacher.json'), '--out', p('x.json'), '--factor', '2', '--seed', '3'],
      /--seed only applies with --random-log-range/,
    );
    await ok(['construct', 'memorizer', '--data', p('clean.json'), '--out', p('tanh.json'), '--activation', 'tanh']);
    await fails(['rescale', '--model', p('tanh.json'), '--out', p('x.json'), '--factor', '2'], /not homogeneous/);
  });

  it('the real binary: --help exits 0, an input error exits 2 with one line', () => {
    for (const c of ['construct', 'measure', 'rescale']) {
      const r = runCli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: flatlab ${c}`));
    }
    const r = runCli(['measure', '--data', p('clean.json'), '--model', p('nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
