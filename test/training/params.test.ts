/**
 * The training parameter table: the config type is the table's, the per-algorithm column gives the
 * defaults the former ALGO_DEFAULTS table listed (written out here as the oracle), one resolver applies
 * it, the batch default is one number per algorithm, and the deprecated key tol is read as lossTol.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  ALGORITHMS,
  algoDefaults,
  defaultTrainConfig,
  describeAlgoDefaults,
  effectiveBatch,
  parseTrainConfig,
  resolveTrainConfig,
  searchPlanDefaults,
  TRAIN_PARAMS,
} from '../../src/training/index.js';

/** The per-algorithm values before they became a column of the table (k = 1; batch and microBatch caps of n). */
const FORMER = {
  gd: { lr: 0.2 },
  sgd: { lr: 0.3, batch: 50 },
  adam: { lr: 0.01, lrK2: 0.01 },
  sam: { lr: 0.2, rho: 0.05 },
  '1sam': { lr: 0.05, rho: 0.02, batch: 32, microBatch: 4 },
  asam: { lr: 0.2, rho: 0.5, asamEta: 0.01 },
  'label-noise': { lr: 0.05, batch: 32, noiseSigma: 0.1 },
  'trace-penalty': { lr: 0.2, lambda: 1e-4 },
  'invariant-penalty': { lr: 0.2, lambda: 1e-4 },
  flattest: { optimizer: 'adam', lr: 0.02, lrK2: 0.02, lambda: 3e-3, lambdaFinal: 1e-6 },
} as const;

describe('the per-algorithm column', () => {
  it('gives the former per-algorithm values, for k = 1 and k = 2, with caps of n', () => {
    for (const algo of ALGORITHMS) {
      const { lrK2, ...want } = { lrK2: undefined, ...FORMER[algo] };
      const n = 200;
      expect(algoDefaults(algo, { k: 1, n, searchPlan: false })).toEqual(want);
      expect(algoDefaults(algo, { k: 2, n, searchPlan: false }).lr).toBe(lrK2 ?? want.lr / 4);
      const small = algoDefaults(algo, { k: 1, n: 3, searchPlan: false });
      if ('batch' in want) expect(small.batch).toBe(3);
      if ('microBatch' in want) expect(small.microBatch).toBe(3);
    }
  });

  it('the search plan (restarts, max(64, 2n) width cap) only where asked for', () => {
    expect(searchPlanDefaults('flattest', 200)).toEqual({ restarts: 3, maxWidth: 400 });
    expect(searchPlanDefaults('flattest', 10)).toEqual({ restarts: 3, maxWidth: 64 });
    expect(searchPlanDefaults('gd', 200)).toEqual({});
    expect(resolveTrainConfig({ algo: 'flattest' }, { n: 200, searchPlan: false }).restarts).toBe(1);
    expect(resolveTrainConfig({ algo: 'flattest' }, { n: 200 }).restarts).toBe(3);
  });

  it('what the caller sets wins; undefined counts as not set', () => {
    const c = resolveTrainConfig({ algo: 'sgd', lr: 0.01, batch: undefined }, { n: 40 });
    expect(c.lr).toBe(0.01);
    expect(c.batch).toBe(40);
  });

  it('defaultTrainConfig(algo) is the resolved config of that algorithm (the CLI test compares it with flatlab train)', () => {
    expect(defaultTrainConfig('gd').lr).toBe(0.2);
    expect(defaultTrainConfig()).toEqual(resolveTrainConfig({ algo: 'gd' }));
    expect(defaultTrainConfig('sam', { k: 2, n: 100 })).toEqual(resolveTrainConfig({ algo: 'sam' }, { k: 2, n: 100 }));
  });

  it('batch 0 means the algorithm default batch: one number per algorithm', () => {
    const bare = parseTrainConfig({ algo: 'sgd' });
    expect(bare.batch).toBe(0);
    expect(effectiveBatch(bare, 200)).toBe(resolveTrainConfig({ algo: 'sgd' }, { n: 200 }).batch);
    expect(effectiveBatch(parseTrainConfig({ algo: 'sam' }), 200)).toBe(200);
    expect(effectiveBatch(parseTrainConfig({ algo: 'gd', batch: 5 }), 200)).toBe(200);
  });

  it('--help lists every algorithm with its rate', () => {
    const text = describeAlgoDefaults();
    for (const algo of ALGORITHMS) expect(text).toMatch(new RegExp(`\\n  ${algo} +lr ${FORMER[algo].lr}`));
    expect(text).toMatch(/sgd +lr 0\.3 \(k ≥ 2: 0\.075\), batch min\(50, n\)/);
  });
});

describe('lossTol, with tol its deprecated name', () => {
  it('tol is read as lossTol and is no key of the config', () => {
    const c = parseTrainConfig({ tol: 1e-6 });
    expect(c.lossTol).toBe(1e-6);
    expect(Object.keys(c)).not.toContain('tol');
    expect(parseTrainConfig({ tol: 1e-6, lossTol: 1e-6 }).lossTol).toBe(1e-6);
  });

  it('both given and different: one InputError line', () => {
    expect(() => parseTrainConfig({ tol: 1e-6, lossTol: 1e-5 })).toThrow(InputError);
    expect(() => parseTrainConfig({ tol: 1e-6, lossTol: 1e-5 })).toThrow(/^tol is the deprecated name of lossTol/);
    expect(() => parseTrainConfig({ tol: -1 })).toThrow(/^lossTol must be a number in \[0, /);
  });

  it('the table keeps a tol row (CLI flag --tol, spec field) with the range of lossTol', () => {
    const rows = TRAIN_PARAMS.filter((d) => d.key === 'tol' || d.key === 'lossTol');
    expect(rows.map((d) => [d.min, d.max, d.default])).toEqual([
      [0, 1e6, 1e-8],
      [0, 1e6, 1e-8],
    ]);
  });
});
