/**
 * One case style for enum values (kebab-case), with the snake_case spellings of flatlab 0.1 still read
 * wherever they are part of a file format or a command line — and never written.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
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
import { gridPoints, parseSpec } from '../../src/studies/spec.js';
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

  it('reads the old study alias relu2 in specs and stores every student and preset in the new spelling', () => {
    const spec = parseSpec(
      [
        'name: old-spelling',
        'study: flattest',
        'title: t',
        'base: { activation: [relu2, leaky_relu:0.2], target: [relu2+relu2] }',
        'scales: { smoke: { seeds: [0] }, default: { seeds: [0] }, full: { seeds: [0] } }',
      ].join('\n'),
    );
    const points = gridPoints(spec, 'smoke');
    expect(points.map((p) => [p.activation, p.target])).toEqual([
      ['relu-pow:2', 'relu-pow:2+relu-pow:2'],
      ['leaky-relu:0.2', 'relu-pow:2+relu-pow:2'],
    ]);
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

const root = join(import.meta.dirname, '..', '..');
/**
 * The deprecated values, as whole words (`gauss_newton_trace` is a measure name, a key, and does not
 * match), and the second spellings of Monte Carlo (the one value is `montecarlo`, as in RiskMethod).
 */
const OLD = /\b(relu_pow|relu2|relu3|leaky_relu|abs_pow|gauss_newton|monte[-_]carlo)\b/i;
/**
 * Files that still print an old spelling (none now). An entry is removed when its file is fixed (the
 * test fails on an entry that no longer matches), so the list only shrinks.
 */
const PENDING = new Set<string>([]);

function walk(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) out.push(...walk(rel, keep));
    else if (keep(rel)) out.push(rel);
  }
  return out;
}

/** The texts a source file can print: its string literals, template parts and JSX text (not comments, not object keys). */
function printedTexts(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, kind);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    const isKey = node.parent !== undefined && ts.isPropertyAssignment(node.parent) && node.parent.name === node;
    if (
      !isKey &&
      (ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateLiteralToken(node) ||
        ts.isJsxText(node))
    ) {
      out.push(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('no deprecated spelling in what flatlab prints', () => {
  const sources = [
    ...walk('src', (f) => f.endsWith('.ts') && f !== 'src/spellings.ts'),
    ...walk('web/src', (f) => /\.tsx?$/.test(f)),
  ];
  const docs = ['README.md', ...walk('docs', (f) => f.endsWith('.md')), ...walk('studies', (f) => f.endsWith('.yaml'))];

  it('no string literal, template or JSX text in src/ or web/src spells relu_pow, relu2, leaky_relu, …', () => {
    const found = sources
      .filter((f) => !PENDING.has(f))
      .flatMap((f) =>
        printedTexts(f)
          .filter((s) => OLD.test(s))
          .map((s) => `${relative('.', f)}: ${s}`),
      );
    expect(found).toEqual([]);
  });

  it('README, docs and study specs use the new spelling, except where they say the old one is deprecated', () => {
    const found = docs
      .filter((f) => !PENDING.has(f))
      .flatMap((f) =>
        readFileSync(join(root, f), 'utf8')
          .split('\n')
          .filter((line) => OLD.test(line) && !/deprecated/.test(line))
          .map((line) => `${f}: ${line}`),
      );
    expect(found).toEqual([]);
  });

  it('every pending file still needs its entry (fixed files leave the list)', () => {
    for (const f of PENDING) {
      const hit = f.endsWith('.ts')
        ? printedTexts(f).some((s) => OLD.test(s))
        : readFileSync(join(root, f), 'utf8')
            .split('\n')
            .some((l) => OLD.test(l) && !/deprecated/.test(l));
      expect(hit, f).toBe(true);
    }
  });
});
