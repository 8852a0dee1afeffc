import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  activationToString,
  MODEL_FORMAT,
  modelToNetwork,
  networkToModel,
  parseActivationString,
} from '../../src/model/model-json.js';
import { randomNet } from '../helpers.js';

const good = () => ({
  format: MODEL_FORMAT,
  activation: { name: 'relu' },
  a: [1, -2],
  W: [
    [1, 0, 0],
    [0, 1, 0],
  ],
});

function msg(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('expected an InputError');
}

describe('model file format flatlab.model/1', () => {
  it('round-trips a network bit-exactly, with provenance', () => {
    for (const spec of [
      { name: 'relu' as const },
      { name: 'relu-pow' as const, p: 3 },
      { name: 'leaky-relu' as const, alpha: 0.1 },
    ]) {
      const net = randomNet(spec, 4, 3, 1);
      const json = JSON.parse(JSON.stringify(networkToModel(net, { seed: 7, construction: { kind: 'memorizer' } })));
      expect(json.format).toBe(MODEL_FORMAT);
      expect(json.activation).toEqual(net.act.spec);
      const { net: back, provenance } = modelToNetwork(json);
      expect(Buffer.from(back.W.buffer).equals(Buffer.from(net.W.buffer))).toBe(true);
      expect(Buffer.from(back.a.buffer).equals(Buffer.from(net.a.buffer))).toBe(true);
      expect(back.act.spec).toEqual(net.act.spec);
      expect(provenance).toEqual({ seed: 7, construction: { kind: 'memorizer' } });
    }
  });

  it('rejects bad files with one-line messages naming the problem', () => {
    expect(msg(() => modelToNetwork([1, 2]))).toMatch(/expected a JSON object/);
    expect(msg(() => modelToNetwork({ ...good(), format: 'flatlab.dataset/1' }))).toMatch(
      /"format" must be "flatlab.model\/1" \(got "flatlab.dataset\/1"\)/,
    );
    expect(msg(() => modelToNetwork({ ...good(), activation: { name: 'gelu' } }))).toMatch(/unknown activation "gelu"/);
    expect(msg(() => modelToNetwork({ ...good(), activation: 'relu' }))).toMatch(/activation must be an object/);
    expect(msg(() => modelToNetwork({ ...good(), activation: { name: 'relu-pow', p: 20 } }))).toMatch(
      /p must be in \[1, 8\]/,
    );
    expect(msg(() => modelToNetwork({ ...good(), activation: { name: 'relu', q: 1 } }))).toMatch(/unknown field "q"/);
    expect(msg(() => modelToNetwork({ ...good(), a: [1] }))).toMatch(/"W" has 2 rows but "a" has 1 entries/);
    expect(msg(() => modelToNetwork({ ...good(), a: [], W: [] }))).toMatch(/at least 1/);
    expect(
      msg(() =>
        modelToNetwork({
          ...good(),
          W: [
            [1, 0, 0],
            [0, 1],
          ],
        }),
      ),
    ).toMatch(/W\[1\] has 2 entries but W\[0\] has 3 \(ragged rows\)/);
    expect(
      msg(() =>
        modelToNetwork({
          ...good(),
          W: [
            [1, null, 0],
            [0, 1, 0],
          ],
        }),
      ),
    ).toMatch(/W\[0\]\[1\] must be a finite number \(got null\)/);
    expect(msg(() => modelToNetwork({ ...good(), a: [1, Number.NaN] }))).toMatch(/a\[1\] must be a finite number/);
    expect(msg(() => modelToNetwork({ ...good(), W: [[], []] }))).toMatch(/input dimension d .* at least 1/);
    expect(msg(() => modelToNetwork({ ...good(), a: 'x' }))).toMatch(/"a" must be an array/);
  });

  it('parses CLI activation strings and prints them back', () => {
    for (const s of ['relu', 'relu-pow:2', 'abs-pow:3', 'leaky-relu:0.1', 'abs', 'square', 'tanh']) {
      expect(activationToString(parseActivationString(s))).toBe(s);
    }
    expect(parseActivationString('relu-pow:3')).toEqual({ name: 'relu-pow', p: 3 });
    expect(msg(() => parseActivationString('swish'))).toMatch(/unknown activation "swish"/);
    expect(msg(() => parseActivationString('relu:2'))).toMatch(/relu takes no parameter/);
    expect(msg(() => parseActivationString('relu-pow:x'))).toMatch(/must be a number/);
    expect(msg(() => parseActivationString('relu-pow:0'))).toMatch(/p must be in \[1, 8\]/);
  });
});
