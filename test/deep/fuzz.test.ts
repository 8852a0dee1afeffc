/**
 * The deep model readers are schemas: any edit of a valid flatlab.model/2 object or state_dict either reads
 * back as a network or is refused as bad input (InputError, one line) — never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { anyModelFromTensorBytes } from '../../src/io/mlp-state-dict.js';
import { writeSafetensors } from '../../src/io/safetensors.js';
import { mlpToModel, modelToMlp } from '../../src/model/mlp-json.js';
import { randomMlp } from './fixtures.js';

const VALUES = fc.oneof(
  fc.constant(null),
  fc.constant('x'),
  fc.constant([]),
  fc.constant({}),
  fc.double(),
  fc.constant(Number.NaN),
  fc.array(fc.double(), { maxLength: 4 }),
);

function onlyInputErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).not.toContain('\n');
  }
}

describe('deep model readers refuse edited files as bad input only', () => {
  const net = randomMlp([3, 4, 2, 2], { name: 'relu' }, true, 1);

  it('flatlab.model/2 objects with a field replaced', () => {
    const base = JSON.parse(JSON.stringify(mlpToModel(net)));
    const paths: string[][] = [
      ['format'],
      ['activation'],
      ['layers'],
      ['layers', '0'],
      ['layers', '1', 'W'],
      ['layers', '1', 'b'],
      ['layers', '0', 'W', '2'],
      ['layers', '2', 'W', '0', '1'],
      ['layers', '1', 'extra'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), VALUES, (path, value) => {
        const obj = JSON.parse(JSON.stringify(base));
        let o = obj;
        for (const k of path.slice(0, -1)) o = o[k];
        o[path[path.length - 1]] = value;
        onlyInputErrors(() => modelToMlp(obj, 'm'));
      }),
      { numRuns: 300 },
    );
  });

  it('state_dicts with random keys and shapes', () => {
    const key = fc.constantFrom(
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
      '4.weight',
      '3.weight',
      'net.2.weight',
      'W',
      'a',
      'x.y',
    );
    const shape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });
    fc.assert(
      fc.property(fc.dictionary(key, shape, { minKeys: 1, maxKeys: 6 }), (dict) => {
        const t: Record<string, { shape: number[]; data: Float64Array }> = {};
        for (const [k, s] of Object.entries(dict))
          t[k] = { shape: s, data: new Float64Array(s.reduce((p, x) => p * x, 1)).fill(0.5) };
        onlyInputErrors(() => anyModelFromTensorBytes(writeSafetensors(t), 'safetensors', { activation: 'relu' }, 'm'));
      }),
      { numRuns: 300 },
    );
  });
});
