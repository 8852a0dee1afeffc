/**
 * One case style for enum values (kebab-case), with the snake_case spellings of flatlab 0.1 still read
 * wherever they are part of a file format or a command line — and never written.
 */
import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../src/activations/registry.js';
import { datasetFromJson, datasetToJson } from '../../src/data/dataset-json.js';
import { makeDataset } from '../../src/data/generate.js';
import { makeLink } from '../../src/data/links.js';
import { parseLinkSyntax } from '../../src/data/targets.js';
import { curvatureOperator } from '../../src/measures/operators.js';
import { modelToNetwork, networkToModel, parseActivationString } from '../../src/model/model-json.js';
import { type ParamDef, parseParam } from '../../src/params/table.js';
import { currentSpelling, DEPRECATED_SPELLINGS } from '../../src/spellings.js';
import { randomData, randomNet } from '../helpers.js';

describe('enum spellings', () => {
  it('maps exactly the four deprecated snake_case values, and leaves everything else alone', () => {
    expect(Object.entries(DEPRECATED_SPELLINGS)).toEqual([
      ['leaky_relu', 'leaky-relu'],
      ['relu_pow', 'relu-pow'],
      ['abs_pow', 'abs-pow'],
      ['gauss_newton', 'gauss-newton'],
    ]);
    for (const v of ['relu', 'label-noise', 'gauss_newton_trace', 'top_hessian_eigenvalue', 'toString', 3]) {
      expect(currentSpelling(v)).toBe(v);
    }
  });

  it('reads the old activation names in specs, model files and on the command line, and writes the new ones', () => {
    expect(makeActivation({ name: 'relu_pow' as never, p: 3 }).spec).toEqual({ name: 'relu-pow', p: 3 });
    expect(parseActivationString('leaky_relu:0.2')).toEqual({ name: 'leaky-relu', alpha: 0.2 });
    expect(parseActivationString('abs_pow:3')).toEqual({ name: 'abs-pow', p: 3 });
    const net = randomNet({ name: 'relu-pow', p: 2 }, 3, 4, 1);
    const file = networkToModel(net) as { activation: { name: string } };
    expect(file.activation.name).toBe('relu-pow');
    const old = JSON.parse(JSON.stringify(file).replace('"relu-pow"', '"relu_pow"'));
    expect(modelToNetwork(old).net.act.spec).toEqual({ name: 'relu-pow', p: 2 });
  });

  it('reads the old link name in link syntax and data files', () => {
    expect(parseLinkSyntax('relu_pow:2')).toEqual({ name: 'relu-pow', p: 2 });
    expect(makeLink({ name: 'relu_pow' as never, p: 2 }).spec).toEqual({ name: 'relu-pow', p: 2 });
    const data = makeDataset({ d: 3, n: 5, r: 1, links: 'relu-pow:2', seed: 1 });
    const text = JSON.stringify(datasetToJson(data));
    expect(text).toContain('"relu-pow"');
    const back = datasetFromJson(JSON.parse(text.replace('"relu-pow"', '"relu_pow"')));
    expect(back.target?.kind === 'sum' && back.target.links[0]).toEqual({ name: 'relu-pow', p: 2 });
  });

  it('reads the old operator name and enum values of the parameter tables', () => {
    const data = randomData(12, 3, 2);
    const net = randomNet('relu', 4, 3, 3);
    const oldOp = curvatureOperator(net, data, 'gauss_newton' as never);
    expect(oldOp.exactTrace?.()).toBe(curvatureOperator(net, data, 'gauss-newton').exactTrace?.());
    const def: ParamDef<string> = {
      key: 'act',
      type: 'enum',
      choices: ['relu', 'leaky-relu'],
      default: 'relu',
      help: '',
    };
    expect(parseParam(def, 'leaky_relu')).toBe('leaky-relu');
    expect(() => parseParam(def, 'leaky relu')).toThrow(/act must be one of relu, leaky-relu/);
  });
});
