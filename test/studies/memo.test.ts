/**
 * The per-process memo of study computations (src/studies/memo.ts) and its use by the measure league's
 * trial: a construction repeated by the grid's init-scale axis is built once per process, and the
 * memoized result is bit-identical to building it again from scratch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/node/backend.js';
import { memberMemo, runMeasures } from '../../src/studies/measures/run.js';
import { measuresParams } from '../../src/studies/measures/schema.js';
import { boundedMemo } from '../../src/studies/memo.js';

describe('boundedMemo', () => {
  it('computes a key once, then answers from the store', () => {
    const memo = boundedMemo<number>(4);
    let calls = 0;
    const f = () => ++calls;
    expect(memo.get('a', f)).toBe(1);
    expect(memo.get('a', f)).toBe(1);
    expect(calls).toBe(1);
    expect(memo.hits).toBe(1);
  });

  it('drops the least recently used entry beyond its limit', () => {
    const memo = boundedMemo<string>(2);
    memo.get('a', () => 'a');
    memo.get('b', () => 'b');
    memo.get('a', () => 'never'); // a is now the most recently used
    memo.get('c', () => 'c'); // evicts b
    expect(memo.size).toBe(2);
    expect(memo.get('a', () => 'recomputed')).toBe('a');
    expect(memo.get('b', () => 'recomputed')).toBe('recomputed');
  });

  it('stores nothing when the computation throws', () => {
    const memo = boundedMemo<number>(2);
    expect(() =>
      memo.get('x', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memo.size).toBe(0);
  });

  it('rejects a limit below 1', () => {
    expect(() => boundedMemo(0)).toThrow(/limit/);
  });
});

describe('measure league trial: a construction repeated over init scales', () => {
  beforeAll(async () => {
    await initBackend();
  });
  const params = (initScale: number, interpolator: string) =>
    measuresParams.parse({
      d: 4,
      n: 8,
      m: 16,
      noise: 0.5,
      initScale,
      interpolator,
      steps: 150,
      polishSteps: 300,
      measureBudget: 'smoke',
    });

  it('is built once and gives the bits of a fresh build at the other init scale', () => {
    memberMemo.clear();
    const first = runMeasures(params(1, 'random-features'), 2).metrics;
    const repeat = runMeasures(params(0.1, 'random-features'), 2).metrics;
    expect(memberMemo.hits).toBe(1);
    memberMemo.clear();
    const fresh = runMeasures(params(0.1, 'random-features'), 2).metrics;
    expect(memberMemo.hits).toBe(0);
    expect(Object.keys(repeat)).toEqual(Object.keys(fresh));
    for (const k of Object.keys(fresh)) {
      expect(Object.is(repeat[k as keyof typeof repeat], fresh[k as keyof typeof fresh]), k).toBe(true);
      expect(Object.is(first[k as keyof typeof first], fresh[k as keyof typeof fresh]), k).toBe(true);
    }
  });

  it('does not share a trained member between init scales (they are different models)', () => {
    memberMemo.clear();
    const a = runMeasures(params(1, 'gd'), 0).metrics as Record<string, unknown>;
    const b = runMeasures(params(0.1, 'gd'), 0).metrics as Record<string, unknown>;
    expect(memberMemo.hits).toBe(0);
    expect(a.risk).not.toBe(b.risk);
  });

  it('hands out a copy: changing a result does not change the stored one', () => {
    memberMemo.clear();
    const a = runMeasures(params(1, 'memorizer'), 1).metrics as Record<string, unknown>;
    const risk = a.risk;
    a.risk = -1;
    expect((runMeasures(params(0.1, 'memorizer'), 1).metrics as Record<string, unknown>).risk).toBe(risk);
  });
});
