/**
 * Reliability rule 4: cost bounds before work. A spec grid of 10⁹ points is refused from its axis
 * lengths (never expanded), n·d and the per-trial cost are checked at validation, --mc-samples and
 * budget × seeds are capped by estimated multiply-adds, and the data set writer streams its JSON so a
 * set within the n·d limit is writable (30000 × 1000 is ≈ 590 MB, longer than V8's longest string).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetJsonChunks, formatDatasetJson } from '../../src/cli/dataset-file.js';
import { datasetToJson } from '../../src/data/dataset-json.js';
import { makeDataset } from '../../src/data/generate.js';
import { parseDataParams } from '../../src/data/params.js';
import { InputError } from '../../src/errors.js';
import { MAX_TRIALS_PER_SCALE } from '../../src/studies/cost.js';
import { validateSpec } from '../../src/studies/spec.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { expectCleanExit } from './clean-exit.js';
import '../helpers.js';

const spec = (grid: Record<string, unknown>) => ({
  name: 'big',
  study: 'nongeneralizing',
  title: 'big',
  base: { construction: ['memorizer'], activation: 'relu', target: 'relu' },
  scales: {
    smoke: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
    default: { seeds: [0], grid: { d: 3, n: 8, m: 8 } },
    full: { seeds: [0], grid },
  },
});

function refusal(raw: unknown): string {
  try {
    validateSpec(raw, 'spec.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('spec was accepted');
}

describe('spec validation counts and prices the grid before expanding it', () => {
  it('a grid of 10⁹ points is refused quickly, without exhausting the heap', () => {
    const axis = Array.from({ length: 1000 }, (_, i) => i + 2);
    const t0 = Date.now();
    const msg = refusal(spec({ d: axis, n: axis, m: axis }));
    expect(msg).toMatch(
      new RegExp(`scales\\.full: the grid has 1\\.00e\\+9 trials .* limit is ${MAX_TRIALS_PER_SCALE}`),
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  it('d = 10⁵, n = 10⁷ is refused at validation (n·d over the data limit)', () => {
    expect(refusal(spec({ d: 100_000, n: 10_000_000, m: 100_000 }))).toMatch(
      /n·d = 10000000·100000 .* exceeds the limit/,
    );
  });
  it('a trial over the multiply-add limit is refused, naming the estimate', () => {
    expect(refusal(spec({ d: 1000, n: 200_000, m: 100_000 }))).toMatch(/largest trial needs about .* multiply-adds/);
  });
});

describe('CLI: reproduce refuses a spec file over the limits before any work (exit 2, one line)', () => {
  const dir = tempDir('flatlab-cost-spec-');
  const axis = Array.from({ length: 1000 }, (_, i) => i + 2);
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a grid of 10⁹ points', { d: axis, n: axis, m: axis }, /scales\.full: the grid has 1\.00e\+9 trials/],
    ['d = 10⁵, n = 10⁷', { d: 100_000, n: 10_000_000, m: 100_000 }, /n·d = 10000000·100000 .* exceeds the limit/],
  ];
  for (const [name, grid, pattern] of cases) {
    it(name, () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(spec(grid)));
      const out = join(dir, `out-${name.replace(/\W+/g, '-')}`);
      const t0 = Date.now();
      expectCleanExit(['reproduce', '--spec', file, '--scale', 'full', '--out', out], {
        pattern,
        inputs: [file],
        absent: [out],
        timeoutMs: 30_000,
      });
      expect(Date.now() - t0).toBeLessThan(20_000);
    });
  }
});

describe('--mc-samples and budget × seeds are capped by estimated multiply-adds', () => {
  const dir = tempDir('flatlab-cost-');
  const D = join(dir, 'D.json');
  const M = join(dir, 'M.json');
  beforeAll(() => {
    expect(runCli(['data', '--d', '5', '--n', '20', '--seed', '0', '--out', D]).code).toBe(0);
    expect(runCli(['construct', 'memorizer', '--data', D, '--out', M]).code).toBe(0);
  });
  it('measure --mc-samples 1e9 is refused at once with the cost and the largest allowed count', () => {
    const t0 = Date.now();
    const r = expectCleanExit(['measure', '--data', D, '--model', M, '--mc-samples', '1e9'], {
      pattern: /--mc-samples/,
      inputs: [D, M],
      dirs: [dir],
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--mc-samples 1000000000 .* multiply-adds; the limit is 2e\+10 \(at most \d+ samples/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
  it('estimate-trace --budget 1e6 --seeds 1e5 is refused at once', () => {
    const r = expectCleanExit(['estimate-trace', '--data', D, '--model', M, '--budget', '1e6', '--seeds', '1e5'], {
      pattern: /--budget/,
      inputs: [D, M],
      dirs: [dir],
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--budget 1000000 × --seeds 100000 .* multiply-adds; the limit is 2e\+11/);
  });
});

describe('the data set writer streams', () => {
  it('the chunks are byte-identical to the one-string format', () => {
    const data = makeDataset(parseDataParams({ d: 7, n: 33, r: 2, links: 'relu+tanh', seed: 4 }, '--'));
    expect([...datasetJsonChunks(data)].join('')).toBe(formatDatasetJson(datasetToJson(data)));
  });
  it('no chunk is much larger than 1 MB, however large the set (3000 × 1000 here)', () => {
    const data = makeDataset(parseDataParams({ d: 1000, n: 3000, seed: 1 }, '--'));
    let total = 0;
    for (const c of datasetJsonChunks(data)) {
      expect(c.length).toBeLessThan(1.1 * 2 ** 20 + 30 * 1000);
      total += c.length;
    }
    expect(total).toBeGreaterThan(5e7);
  });
  it('a written file reads back as the same data set', () => {
    const dir = tempDir('flatlab-stream-');
    const out = join(dir, 'S.json');
    expect(runCli(['data', '--d', '6', '--n', '50', '--seed', '2', '--out', out]).code).toBe(0);
    const back = runCli(['data', '--check', out, '--json']);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ n: 50, d: 6, seed: 2 });
    expect(JSON.parse(readFileSync(out, 'utf8')).x).toHaveLength(50);
  });
  // Writes about 590 MB and takes long: run with FLATLAB_BIG_TESTS=1.
  it.skipIf(!process.env.FLATLAB_BIG_TESTS)(
    'data --d 1000 --n 30000 writes (no "Invalid string length")',
    () => {
      const out = join(tempDir('flatlab-big-'), 'B.json');
      const r = runCli(['data', '--d', '1000', '--n', '30000', '--seed', '0', '--out', out], { timeoutMs: 300_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/generated n = 30000, d = 1000/);
    },
    300_000,
  );
});
