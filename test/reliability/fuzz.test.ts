/**
 * Reliability rule 7: random mutations of valid dataset, model, checkpoint and spec objects fed to the
 * readers' validators. Whatever the mutation, the outcome is a valid object or an InputError with a
 * one-line message — never another exception (TypeError, RangeError, a prototype lookup gone wrong).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readDatasetFile } from '../../src/cli/dataset-file.js';
import { readJsonFile, readTextFile } from '../../src/cli/io.js';
import { readModelFile } from '../../src/cli/model-file.js';
import { datasetToJson } from '../../src/data/dataset-json.js';
import { validateDatasetObject } from '../../src/data/dataset-schema.js';
import { makeDataset } from '../../src/data/generate.js';
import { parseDataParams } from '../../src/data/params.js';
import { DivergenceError, InputError } from '../../src/errors.js';
import { networkToModel } from '../../src/model/model-json.js';
import { validateModelObject } from '../../src/model/model-schema.js';
import { parseSpec, validateSpec } from '../../src/studies/spec.js';
import { validateCheckpointObject } from '../../src/training/checkpoint-schema.js';
import { createTrainer, parseTrainConfig } from '../../src/training/index.js';
import { tempDir } from '../cli-helpers.js';
import '../helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a node of a JSON value (the root is []). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) for (let i = 0; i < Math.min(6, v.length); i++) paths(v[i], [...at, i], out);
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...at, k], out);
  return out;
}

const nasty: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    'constructor',
    '__proto__',
    'toString',
    '',
    -0,
    1e308,
    -1e308,
    5e-324,
    2 ** 53,
    -1,
    0,
    1.5,
    [],
    {},
    null,
    'AAAA',
    '==',
    'relu',
  ),
  fc.double() as fc.Arbitrary<Json>,
  fc.integer() as fc.Arbitrary<Json>,
);

const mutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add', 'wrap'),
  value: nasty,
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'p', 'alpha', 'extra')),
});

function mutate(base: Json, muts: { pick: number; op: string; value: Json; key: string }[]): Json {
  let v = structuredClone(base);
  for (const m of muts) {
    const ps = paths(v);
    const path = ps[m.pick % ps.length];
    if (path.length === 0) {
      v = m.op === 'wrap' ? [v] : m.op === 'replace' ? m.value : v;
      continue;
    }
    let parent = v as Record<string | number, Json>;
    for (const s of path.slice(0, -1))
      parent = (parent as Record<string | number, Json>)[s] as Record<string | number, Json>;
    const last = path[path.length - 1];
    if (m.op === 'replace') parent[last] = m.value;
    else if (m.op === 'wrap') parent[last] = [parent[last]];
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (!Array.isArray(parent))
      Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    else parent.push(m.value);
  }
  // As a reader sees it: through JSON (non-finite numbers become null, -0 becomes 0).
  return JSON.parse(JSON.stringify(v) ?? 'null');
}

function expectInputErrorOrValue(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an InputError: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.message).not.toMatch(/\n/);
  }
}

const runs = { numRuns: 300, seed: 13 };
const data = makeDataset(parseDataParams({ d: 3, n: 5, r: 2, links: 'relu+tanh', seed: 2 }, '--'));
const datasetJson = JSON.parse(JSON.stringify(datasetToJson(data))) as Json;
const config = parseTrainConfig({ algo: 'adam', width: 3, steps: 4, batch: 2 }, '');
const trainer = createTrainer(data, config);
trainer.advance(2);
const checkpointJson = JSON.parse(JSON.stringify(trainer.checkpoint())) as Json;
const modelJson = JSON.parse(JSON.stringify(networkToModel(trainer.net, { seed: 1 }))) as Json;
const specJson = parseYaml(readFileSync('studies/h1-symmetry.yaml', 'utf8')) as Json;

describe('fuzz: mutated parsed files give a valid object or a one-line InputError', () => {
  it('the unmutated objects are valid', () => {
    expect(validateDatasetObject(datasetJson).n).toBe(5);
    expect(validateModelObject(modelJson).net.m).toBe(3);
    expect(validateCheckpointObject(checkpointJson, 'ck', data).step).toBe(2);
    expect(validateSpec(specJson).name).toBeTruthy();
  });

  it('data set files', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) =>
        expectInputErrorOrValue(() => validateDatasetObject(mutate(datasetJson, ms))),
      ),
      runs,
    );
  });

  it('model files', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) =>
        expectInputErrorOrValue(() => validateModelObject(mutate(modelJson, ms))),
      ),
      runs,
    );
  });

  it('checkpoints (validated, then resumed from when valid)', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) =>
        expectInputErrorOrValue(() => {
          const ck = validateCheckpointObject(mutate(checkpointJson, ms), 'ck', data);
          createTrainer(data, config, { resume: ck }).advance(1);
        }),
      ),
      { ...runs, numRuns: 200 },
    );
  });

  it('study specs', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) =>
        expectInputErrorOrValue(() => validateSpec(mutate(specJson, ms))),
      ),
      { ...runs, numRuns: 200 },
    );
  });
});

/**
 * The same four kinds of file, mutated as text (characters replaced, deleted, inserted, the file cut),
 * written to disk and read by the readers the commands use: the JSON and YAML parsing and the regular-
 * file checks are part of what is fuzzed, not only the validators.
 */
const textEdit = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'insert', 'cut'),
  text: fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.constantFrom(
      '"',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '-',
      'e',
      '9',
      '.',
      'null',
      '\u0000',
      '\n',
      ' - ',
      '1e999',
      '&a',
    ),
  ),
});

function editText(base: string, edits: { at: number; op: string; text: string }[]): string {
  let s = base;
  for (const e of edits) {
    const i = s.length === 0 ? 0 : e.at % s.length;
    if (e.op === 'replace') s = s.slice(0, i) + e.text + s.slice(i + e.text.length);
    else if (e.op === 'delete') s = s.slice(0, i) + s.slice(i + 1 + (e.at % 7));
    else if (e.op === 'insert') s = s.slice(0, i) + e.text + s.slice(i);
    else s = s.slice(0, i);
  }
  return s;
}

describe('fuzz: mutated file text through the file readers gives a valid object or a one-line InputError', () => {
  const dir = tempDir('flatlab-fuzz-');
  const files: [string, string, (path: string) => unknown][] = [
    ['data set', `${JSON.stringify(datasetJson)}\n`, (f) => readDatasetFile(f)],
    ['model', `${JSON.stringify(modelJson, null, 2)}\n`, (f) => readModelFile(f)],
    [
      'checkpoint',
      `${JSON.stringify(checkpointJson, null, 2)}\n`,
      (f) => {
        const resume = validateCheckpointObject(readJsonFile(f, 'checkpoint'), f, data);
        // An edit can turn the parameters into other finite doubles (a base64 character changed) that the
        // schema must accept; training from them may then diverge, which is the documented outcome of a
        // valid checkpoint (exit 3), not a reader failure.
        try {
          createTrainer(data, config, { resume }).advance(1);
        } catch (e) {
          if (!(e instanceof DivergenceError)) throw e;
        }
      },
    ],
    ['spec', readFileSync('studies/h1-symmetry.yaml', 'utf8'), (f) => parseSpec(readTextFile(f, 'study spec'), f)],
  ];
  for (const [kind, text, read] of files) {
    it(kind, () => {
      const path = join(dir, `${kind.replace(/\W+/g, '-')}.txt`);
      expect(() => {
        writeFileSync(path, text);
        read(path);
      }).not.toThrow();
      fc.assert(
        fc.property(fc.array(textEdit, { minLength: 1, maxLength: 4 }), (edits) => {
          writeFileSync(path, editText(text, edits));
          expectInputErrorOrValue(() => read(path));
        }),
        { ...runs, numRuns: 150 },
      );
    });
  }
});
