/**
 * Reliability rule 2: no NaN, Infinity or null leaves the program as a result. Overflow is an error
 * naming the quantity (exit 2); divergence keeps the last finite iterate (exit 3). Path norm and F* are
 * computed in a scaled form, so weights ×1e-200 give the right 1e-200-scale numbers (oracle: the same
 * model at scale 1, times 1e-200 by homogeneity).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetFromJson } from '../../src/data/dataset-json.js';
import { DivergenceError } from '../../src/errors.js';
import { traceParts } from '../../src/flatness/trace.js';
import { modelToNetwork } from '../../src/model/model-json.js';
import { readResultsReadOnly } from '../../src/studies/results-db.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { pathNorm } from '../../src/symmetry/rescale.js';
import { createTrainer, parseTrainConfig } from '../../src/training/index.js';
import { decodeF64, encodeF64 } from '../../src/training/serialize.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { expectCleanExit, writeEstimatorsSpec } from './clean-exit.js';
import '../helpers.js';

const dir = tempDir('flatlab-finite-');
const p = (f: string) => join(dir, f);
const json = (f: string) => JSON.parse(readFileSync(p(f), 'utf8'));

function scaled(src: string, dst: string, fa: number, fw: number): void {
  const m = json(src);
  m.a = m.a.map((v: number) => v * fa);
  m.W = m.W.map((r: number[]) => r.map((v) => v * fw));
  writeFileSync(p(dst), JSON.stringify(m));
}

/** The files among a command's arguments: its inputs, which must stay byte-identical. */
const inputsOf = (args: string[]) => args.filter((a) => existsSync(a) && statSync(a).isFile());

function expectExit2(args: string[], pattern: RegExp, out?: string): void {
  expectCleanExit(args, { pattern, inputs: inputsOf(args), dirs: [dir], absent: out ? [out] : [] });
}

beforeAll(() => {
  expect(
    runCli(['data', '--d', '4', '--n', '30', '--r', '2', '--links', 'relu+relu', '--seed', '3', '--out', p('D.json')])
      .code,
  ).toBe(0);
  expect(runCli(['construct', 'memorizer', '--data', p('D.json'), '--out', p('M.json')]).code).toBe(0);
});

describe('data generation: overflowing targets are refused, nothing is written', () => {
  it('--links hermite:1e308,1e308', () => {
    expectExit2(
      ['data', '--d', '3', '--n', '10', '--links', 'hermite:1e308,1e308', '--out', p('h.json')],
      /label y\[\d+\] is not finite|Var f\* is not finite/,
      p('h.json'),
    );
  });
  it('--coeffs 1e308 --links relu_pow:5', () => {
    expectExit2(
      ['data', '--d', '3', '--n', '10', '--coeffs', '1e308', '--links', 'relu_pow:5', '--out', p('h2.json')],
      /is not finite/,
      p('h2.json'),
    );
  });
});

describe('rescale: overflow and underflow of the weights are errors naming the weight', () => {
  it('a factor that overflows a (c^{-k} with c = 1e-320)', () => {
    expectExit2(
      ['rescale', '--model', p('M.json'), '--factor', '1e-320', '--out', p('r1.json')],
      /rescaled a\[0\] is not finite/,
      p('r1.json'),
    );
  });
  it('a factor that underflows W to 0', () => {
    expectExit2(
      ['rescale', '--model', p('M.json'), '--factor', '1e-310', '--out', p('r2.json')],
      /rescaled (a|W)\[\d+\] (is not finite|underflows to 0)/,
      p('r2.json'),
    );
  });
  it('an ordinary factor still works and writes only finite numbers', () => {
    const r = runCli(['rescale', '--model', p('M.json'), '--factor', '1e-3', '--out', p('r3.json')]);
    expect(r.code, r.stderr).toBe(0);
    const m = json('r3.json');
    expect([...m.a, ...m.W.flat()].every((v: unknown) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });
});

describe('measure and estimate-trace on weights ×1e200: an error naming the quantity, exit 2', () => {
  beforeAll(() => scaled('M.json', 'big.json', 1e200, 1e200));
  it('measure (text and --json)', () => {
    expectExit2(['measure', '--data', p('D.json'), '--model', p('big.json')], /measure: \S+ is not finite/);
    expectExit2(['measure', '--data', p('D.json'), '--model', p('big.json'), '--json'], /measure: \S+ is not finite/);
  });
  it('estimate-trace', () => {
    expectExit2(
      ['estimate-trace', '--data', p('D.json'), '--model', p('big.json'), '--json'],
      /exact trace is not finite/,
    );
  });
});

describe('path norm and F* in scaled form: W ×1e-200 gives 1e-200 × the unscaled values', () => {
  it('library: pathNorm and invariantFlatness against the homogeneity oracle (k = 1)', () => {
    scaled('M.json', 'small.json', 1, 1e-200);
    const data = datasetFromJson(json('D.json'));
    const net = modelToNetwork(json('M.json')).net;
    const small = modelToNetwork(json('small.json')).net;
    const P = pathNorm(net);
    const F = invariantFlatness(net, data).value;
    expect(P).toBeGreaterThan(0);
    expect(pathNorm(small) / 1e-200).toBeCloseTo(P, 10);
    expect(invariantFlatness(small, data).value / 1e-200 / F).toBeCloseTo(1, 10);
  });
  it('the balanced orbit point of a 1e-200 model is finite and has the same F*', () => {
    const data = datasetFromJson(json('D.json'));
    const small = modelToNetwork(json('small.json')).net;
    const inv = invariantFlatness(small, data);
    for (const c of inv.factors) expect(Number.isFinite(c) && c > 0).toBe(true);
  });
  it('measure prints the 1e-200-scale numbers, not 0', () => {
    const r = runCli(['measure', '--data', p('D.json'), '--model', p('small.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const small = JSON.parse(r.stdout);
    const base = JSON.parse(runCli(['measure', '--data', p('D.json'), '--model', p('M.json'), '--json']).stdout);
    expect(small.pathNorm / 1e-200 / base.pathNorm).toBeCloseTo(1, 10);
    expect(small.invariantFlatness / 1e-200 / base.invariantFlatness).toBeCloseTo(1, 10);
  });
});

/** `flatlab train` of a width-8 ReLU network by GD on D.json into `out`. */
const trainArgs = (out: string, extra: string[]) => [
  'train',
  '--data',
  p('D.json'),
  '--algo',
  'gd',
  '--width',
  '8',
  '--quiet',
  '--out',
  out,
  ...extra,
];

describe('divergence keeps the last finite iterate', () => {
  it('library: after DivergenceError the kept θ has a finite loss and the step of that θ', () => {
    const data = datasetFromJson(json('D.json'));
    const c = parseTrainConfig({ algo: 'gd', width: 8, lr: 1e6, lrCap: 0, steps: 1000, polish: 'none' }, '');
    const t = createTrainer(data, c);
    let err: unknown = null;
    try {
      t.advance(1000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect(t.step).toBe((err as DivergenceError).step);
    expect(Number.isFinite(traceParts(t.net, data).loss)).toBe(true);
  });
  it('CLI: exit 3, model.json has a finite loss on the data (not the first bad iterate)', () => {
    const out = p('train');
    const r = runCli(trainArgs(out, ['--lr', '1e6', '--lr-cap', '0', '--steps', '100']));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/last finite parameters, of step \d+/);
    const m = runCli(['measure', '--data', p('D.json'), '--model', join(out, 'model.json'), '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(m.stdout).trainLoss)).toBe(true);
  });
});

/** Every number of a parsed JSON value is finite, and the named fields are numbers (not null). */
function expectFiniteNumbers(v: Record<string, unknown>, fields: readonly string[]): void {
  for (const f of fields) expect(typeof v[f], `${f} in ${JSON.stringify(v)}`).toBe('number');
  expect(JSON.stringify(v)).not.toMatch(/NaN|Infinity/);
}

const LOGGED = ['step', 'trainLoss', 'maxResidual', 'trace', 'traceGaussNewton', 'fStar', 'pathNorm', 'gradNorm'];

describe('train: the log and the summary hold only finite numbers', () => {
  it('a metric that overflows at a logged step ends the run as a divergence: exit 3, no null in the log', () => {
    const out = p('train-log');
    const r = expectCleanExit(trainArgs(out, ['--lr', '1e6', '--lr-cap', '0', '--steps', '100', '--log-every', '1']), {
      code: 3,
      pattern: /training diverged at step \d+ .*the last finite parameters, of step \d+, are kept/,
      inputs: [p('D.json')],
      dirs: [out],
    });
    const lines = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expectFiniteNumbers(JSON.parse(l), LOGGED);
    // The kept model is the last logged iterate, whose every metric was finite.
    const keptStep = Number(/of step (\d+)/.exec(r.stderr)?.[1]);
    expect(JSON.parse(lines.at(-1) as string).step).toBe(keptStep);
    const summary = json('train-log/summary.json');
    expect(summary).toMatchObject({ status: 'diverged', divergedAtStep: keptStep });
    // The error message names the quantity ("gradNorm = Infinity"); no value is non-finite or null.
    expect(JSON.stringify({ ...summary, error: '' })).not.toMatch(/NaN|Infinity|null/);
    const m = runCli(['measure', '--data', p('D.json'), '--model', join(out, 'model.json'), '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(m.stdout).trainLoss)).toBe(true);
  });

  it('a finished run: every log line, the summary and the printed line are finite', () => {
    const out = p('train-ok');
    const r = runCli(trainArgs(out, ['--steps', '20', '--log-every', '5']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|Infinity|null/);
    for (const l of readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n'))
      expectFiniteNumbers(JSON.parse(l), LOGGED);
    const summary = json('train-ok/summary.json');
    expect(summary.status).toBe('done');
    expectFiniteNumbers(summary.final, LOGGED);
  });

  it('a data set on which the initial network overflows is refused before anything is written (exit 2)', () => {
    const d = json('D.json');
    d.x = d.x.map((row: number[]) => row.map((v) => v * 1e200));
    writeFileSync(p('huge-x.json'), JSON.stringify(d));
    const out = p('train-huge');
    expectCleanExit(['train', '--data', p('huge-x.json'), '--algo', 'gd', '--width', '8', '--quiet', '--out', out], {
      pattern: /train: the initial network gives \w+ = (Infinity|NaN) \(not finite\)/,
      inputs: [p('huge-x.json')],
      absent: [out],
    });
  });

  it('a checkpoint whose parameters overflow the metrics is refused on resume (exit 2), files unchanged', () => {
    const out = p('train-ck');
    expect(runCli(trainArgs(out, ['--steps', '4', '--checkpoint-every', '2'])).code).toBe(0);
    const ckPath = join(out, 'checkpoint.json');
    const ck = JSON.parse(readFileSync(ckPath, 'utf8'));
    const theta = decodeF64(ck.theta).map((v) => v * 1e160);
    writeFileSync(ckPath, JSON.stringify({ ...ck, theta: encodeF64(theta) }));
    expectCleanExit(trainArgs(out, ['--steps', '4', '--checkpoint-every', '2']), {
      pattern: /checkpoint .*checkpoint\.json: its parameters give \w+ = (Infinity|NaN) \(not finite\)/,
      inputs: [p('D.json'), ckPath, join(out, 'log.jsonl'), join(out, 'model.json'), join(out, 'summary.json')],
      dirs: [out],
    });
  });
});

describe('study results: a trial whose metric is not finite is a failed trial, never a stored null', () => {
  const spec = p('overflow.yaml');
  beforeAll(() => {
    // coeffs 1e200 makes the labels ~1e200, so the trace estimators' errors overflow (a real trial, not a mock).
    writeEstimatorsSpec(spec, 'overflow-est', ', links: relu, coeffs: [1, 1e200]');
  });
  for (const workers of ['1', '2']) {
    it(`reproduce --workers ${workers}: the trial fails naming the metric, the report lists it and computes nothing over it`, () => {
      const out = p(`study-${workers}`);
      const r = runCli(['reproduce', '--spec', spec, '--scale', 'smoke', '--workers', workers, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/ran 2 trials \(0 already done, 1 failed\)/);
      const rows = readResultsReadOnly(join(out, 'results.sqlite'));
      expect(rows).toHaveLength(2);
      const bad = rows.find((t) => t.params.coeffs === 1e200);
      const ok = rows.find((t) => t.params.coeffs === 1);
      expect(bad?.error).toMatch(/^non-finite result: metric \w+ = (-?Infinity|NaN) /);
      expect(bad?.metrics).toEqual({});
      expect(ok?.error).toBeNull();
      expect(Object.values(ok?.metrics ?? {}).every((v) => typeof v !== 'number' || Number.isFinite(v))).toBe(true);
      const tables = JSON.parse(readFileSync(join(out, 'report', 'tables.json'), 'utf8'));
      const study = tables.studies[0];
      // Only the failure's reason may say "Infinity"; no table value, verdict or statistic does.
      expect(JSON.stringify({ ...tables, studies: [{ ...study, failed: [] }] })).not.toMatch(/NaN|Infinity/);
      expect(study.trials).toBe(2);
      expect(study.failed).toHaveLength(1);
      expect(study.failed[0].error).toBe(bad?.error);
      // The one readable row is all the table holds.
      expect(study.table.rows).toHaveLength(1);
    });
  }

  it('a database written before this rule (an overflow stored as null, no error) stays readable', () => {
    const out = p('study-1');
    const db = new Database(join(out, 'results.sqlite'));
    const row = db.prepare('SELECT key, metrics FROM trials WHERE error IS NULL').get() as {
      key: string;
      metrics: string;
    };
    const legacy = Object.fromEntries(Object.keys(JSON.parse(row.metrics)).map((k) => [k, null]));
    db.prepare("UPDATE trials SET error = NULL, metrics = ? WHERE error LIKE 'non-finite result:%'").run(
      JSON.stringify(legacy),
    );
    db.close();
    const r = runCli(['reproduce', '--spec', spec, '--scale', 'smoke', '--out', out, '--report-only']);
    expect(r.code, r.stderr).toBe(0);
    const study = JSON.parse(readFileSync(join(out, 'report', 'tables.json'), 'utf8')).studies[0];
    expect(study).toMatchObject({ trials: 2, failed: [] });
    const exported = runCli(['results', 'export', '--db', join(out, 'results.sqlite'), '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toHaveLength(2);
  });
});
