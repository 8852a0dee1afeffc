import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultTrainConfig } from '../../src/training/index.js';
import { runCli, tempDir } from '../cli-helpers.js';

let dir: string;
let dataFile: string;

beforeAll(() => {
  dir = tempDir('flatlab-train-');
  dataFile = join(dir, 'data.json');
  const r = runCli([
    'data',
    '--d',
    '8',
    '--n',
    '60',
    '--r',
    '2',
    '--links',
    'relu+abs',
    '--seed',
    '3',
    '--out',
    dataFile,
  ]);
  expect(r.code).toBe(0);
});

function model(out: string): { a: number[]; W: number[][] } {
  return JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
}

describe('flatlab train', () => {
  it('writes model.json, summary.json, log.jsonl and checkpoint.json; summary has final metrics, seed, hyperparameters, backend', () => {
    const out = join(dir, 'sam');
    const r = runCli([
      'train',
      '--data',
      dataFile,
      '--algo',
      'sam',
      '--width',
      '20',
      '--seed',
      '4',
      '--lr',
      '0.05',
      '--rho',
      '0.02',
      '--steps',
      '300',
      '--log-every',
      '50',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sam: \d+ steps, train loss/);
    for (const f of ['model.json', 'summary.json', 'log.jsonl', 'checkpoint.json'])
      expect(existsSync(join(out, f))).toBe(true);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.seed).toBe(4);
    expect(s.hyperparameters.rho).toBe(0.02);
    expect(['js', 'native']).toContain(s.backend);
    expect(s.final.trainLoss).toBeLessThanOrEqual(1e-8);
    expect(s.final.riskMethod).toBe('exact');
    expect(model(out).a).toHaveLength(20);
    const log = readFileSync(join(out, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log[0].step).toBe(0);
    expect(log.at(-1).phase).toBe('done');
  });

  it('bad hyperparameters: one line on stderr, exit code 2', () => {
    const cases: [string[], RegExp][] = [
      [['--rho', '-1'], /--rho must be a number in \[0, /],
      [['--noise-sigma', '-0.5'], /--noiseSigma must be a number in \[0, /],
      [['--lambda', '-2'], /--lambda must be a number in \[0, /],
      [['--lr', '-0.1'], /--lr must be a number in \[0, /],
      [['--algo', 'rmsprop'], /--algo must be one of gd, sgd/],
      [['--batch', '61'], /batch must be an integer in \[0, n = 60\]/],
    ];
    for (const [args, re] of cases) {
      const r = runCli(['train', '--data', dataFile, '--out', join(dir, 'bad'), ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a huge learning rate: exit code 3, a message naming the step, the last good model written', () => {
    const out = join(dir, 'div');
    const r = runCli([
      'train',
      '--data',
      dataFile,
      '--algo',
      'gd',
      '--width',
      '10',
      '--lr',
      '1e6',
      '--lr-cap',
      '0',
      '--steps',
      '100',
      '--quiet',
      '--out',
      out,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/training diverged at step \d+/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.status).toBe('diverged');
    expect(model(out).a.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('flattest on a too-narrow student: the width is raised and recorded in model.json; with --max-width at the width: exit 3 and why', () => {
    const base = ['train', '--data', dataFile, '--algo', 'flattest', '--width', '1', '--restarts', '1'];
    const raised = join(dir, 'raised');
    const r = runCli([...base, '--steps', '600', '--quiet', '--out', raised]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no run interpolated at width 1; the width was raised to \d+ \(recorded in model.json\)/);
    const m = JSON.parse(readFileSync(join(raised, 'model.json'), 'utf8'));
    expect(m.training.search.widthRaised).toBe(true);
    expect(m.training.search.interpolates).toBe(true);
    expect(m.a).toHaveLength(m.training.search.width);
    const capped = join(dir, 'capped');
    const c = runCli([...base, '--steps', '200', '--max-width', '1', '--quiet', '--out', capped]);
    expect(c.code).toBe(3);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
    expect(c.stderr).toMatch(/flattest search: no run reached train loss ≤ lossTol = 1e-8 .*maxWidth = 1/);
    expect(JSON.parse(readFileSync(join(capped, 'summary.json'), 'utf8')).status).toBe('not-interpolating');
    expect(model(capped).a).toHaveLength(1);
  });

  it('SIGKILL mid-run, rerun with the same flags: the final model equals an uninterrupted run bit for bit', async () => {
    const args = [
      'train',
      '--data',
      dataFile,
      '--algo',
      'label-noise',
      '--width',
      '200',
      '--batch',
      '16',
      '--momentum',
      '0.9',
      '--lr',
      '0.005',
      '--noise-sigma',
      '0.05',
      '--steps',
      '4000',
      '--checkpoint-every',
      '50',
      '--log-every',
      '200',
      '--quiet',
    ];
    const ref = join(dir, 'ref');
    expect(runCli([...args, '--out', ref]).code).toBe(0);
    const out = join(dir, 'killed');
    const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'flatlab.js'), ...args, '--out', out], {
      stdio: 'ignore',
    });
    const ck = join(out, 'checkpoint.json');
    const started = Date.now();
    while (!existsSync(ck) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(ck)).toBe(true);
    const at = JSON.parse(readFileSync(ck, 'utf8'));
    expect(at.phase).toBe('train'); // killed mid-training, not after it finished
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
    const r = runCli([...args, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(model(out).a).toEqual(model(ref).a);
    expect(model(out).W).toEqual(model(ref).W);
    const logA = readFileSync(join(ref, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).trainLoss);
    const logB = readFileSync(join(out, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).trainLoss);
    expect(logB).toEqual(logA);
  });

  it('a checkpoint edited to a step beyond --steps is refused in one line naming it (exit 2), nothing rewritten', () => {
    const out = join(dir, 'edited');
    const args = ['train', '--data', dataFile, '--algo', 'gd', '--width', '6', '--steps', '20', '--quiet'];
    expect(runCli([...args, '--out', out]).code).toBe(0);
    const ck = join(out, 'checkpoint.json');
    writeFileSync(ck, JSON.stringify({ ...JSON.parse(readFileSync(ck, 'utf8')), step: 1e15 }));
    const before = readFileSync(join(out, 'model.json'), 'utf8');
    const r = runCli([...args, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/checkpoint .*checkpoint\.json: step 1000000000000000 exceeds steps = 20/);
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toBe(before);
  });

  it('--algo flattest with a non-homogeneous activation is refused (exit 2)', () => {
    const r = runCli([
      'train',
      '--data',
      dataFile,
      '--algo',
      'flattest',
      '--activation',
      'softplus',
      '--out',
      join(dir, 'sp'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /algo flattest needs a positively homogeneous activation \(F\* is undefined for softplus\)/,
    );
  });

  it("flatlab train's configuration is the library's defaultTrainConfig(algo) for the data's n", () => {
    for (const algo of ['sgd', 'flattest'] as const) {
      const out = join(dir, `defaults-${algo}`);
      const r = runCli(['train', '--data', dataFile, '--algo', algo, '--steps', '0', '--quiet', '--out', out]);
      // steps 0: the flattest search may end without an interpolator (exit 3), after writing its summary.
      expect(algo === 'flattest' ? [0, 3] : [0], r.stderr).toContain(r.code);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.hyperparameters).toEqual({ ...defaultTrainConfig(algo, { n: 60 }), steps: 0 });
    }
  });
});
