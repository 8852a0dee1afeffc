/**
 * `flatlab data`: generate a multi-index data set (MATH.md §1) or import a CSV table, and write it as a
 * flatlab.dataset/1 file. The generation flags come from the data parameter table (src/data/params.ts).
 */
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { makeDataset } from '../../data/generate.js';
import { DATA_PARAMS, parseDataParams } from '../../data/params.js';
import { linksLabel, targetMoments } from '../../data/targets.js';
import { InputError } from '../../errors.js';
import { flagName } from '../../params/table.js';
import { readCsvDatasetFile, writeDatasetFile } from '../dataset-file.js';

function optionKey(key: string): string {
  // commander camel-cases --foo-bar to fooBar, which is the table's key already.
  return key;
}

function summary(data: Dataset, out: string): string {
  if (!data.target) return `imported ${data.n} samples of dimension d = ${data.d} (no target: population risk unavailable); wrote ${out}`;
  const t = data.target;
  const mo = targetMoments(t);
  const v = `Var f* = ${mo.variance.toPrecision(4)}${mo.method === 'montecarlo' ? ` (Monte Carlo, ± ${mo.stderr?.toPrecision(2)})` : ''}`;
  return `generated n = ${data.n}, d = ${data.d}, r = ${t.r}, links ${linksLabel(t)}, input ${t.input.law}, noise σ_ε = ${t.noise}; ${v}, Var y = ${(mo.variance + t.noise ** 2).toPrecision(4)}; wrote ${out}`;
}

export function register(program: Command): void {
  const cmd = program
    .command('data')
    .description('generate a Gaussian multi-index data set y = f*(x) + σ_ε ε (or import a CSV table) and write it as JSON');
  for (const def of DATA_PARAMS) {
    const range = def.type === 'enum' ? ` (${def.choices?.join(' | ')})` : def.min !== undefined ? ` (${def.min}${def.max !== undefined ? `–${def.max}` : '+'})` : '';
    const dflt = def.default === '' ? '' : `; default ${String(def.default)}`;
    cmd.option(`${flagName(def.key)} <value>`, `${def.help}${range}${dflt}`);
  }
  cmd
    .option('--from-csv <file>', 'import a CSV table instead (feature columns, then y; header optional); no other data flag applies')
    .requiredOption('--out <file>', 'data set file to write (flatlab.dataset/1)')
    .option('--json', 'print a JSON summary instead of a sentence')
    .addHelpText('after', '\nExamples:\n  flatlab data --d 50 --n 200 --r 2 --links relu+relu --noise 0 --seed 0 --out D.json\n  flatlab data --d 20 --r 3 --links product --input sphere --out P.json\n  flatlab data --from-csv table.csv --out D.json\n')
    .action((flags: Record<string, string | boolean | undefined>) => {
      const out = flags.out as string;
      let data: Dataset;
      if (flags.fromCsv !== undefined) {
        const given = DATA_PARAMS.filter((def) => flags[optionKey(def.key)] !== undefined).map((def) => flagName(def.key));
        if (given.length > 0) throw new InputError(`--from-csv imports a table; ${given.join(', ')} cannot be used with it`);
        data = readCsvDatasetFile(flags.fromCsv as string);
      } else {
        const raw: Record<string, unknown> = {};
        for (const def of DATA_PARAMS) {
          const v = flags[optionKey(def.key)];
          if (v !== undefined) raw[def.key] = v;
        }
        data = makeDataset(parseDataParams(raw, '--'));
      }
      writeDatasetFile(out, data);
      if (flags.json) {
        const mo = data.target ? targetMoments(data.target) : null;
        process.stdout.write(`${JSON.stringify({
          out, n: data.n, d: data.d, seed: data.seed ?? null, target: data.target ? linksLabel(data.target) : null,
          targetVariance: mo?.variance ?? null, labelVariance: mo && data.target ? mo.variance + data.target.noise ** 2 : null,
        })}\n`);
      } else {
        process.stdout.write(`${summary(data, out)}\n`);
      }
    });
}
