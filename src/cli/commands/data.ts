/**
 * `flatlab data`: generate a multi-index data set (docs/math.md#data, §1) or import a CSV table, and write it as a
 * flatlab.dataset/1 file. The generation flags come from the data parameter table (src/data/params.ts).
 */
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { makeDataset } from '../../data/generate.js';
import { DATA_PARAMS, parseDataParams } from '../../data/params.js';
import { linksLabel, targetMoments } from '../../data/targets.js';
import { InputError } from '../../errors.js';
import { checkOutputPath } from '../../node/safe-write.js';
import { flagName } from '../../params/table.js';
import { readCsvDatasetFile, readDatasetFile, writeDatasetFile } from '../dataset-file.js';
import { requireFinite, requireFiniteArray } from '../finite.js';
import { addParamOptions } from '../param-options.js';

function describeData(data: Dataset, out: string | null): Record<string, unknown> {
  const mo = data.target ? targetMoments(data.target) : null;
  return {
    ...(out ? { out } : {}),
    n: data.n,
    d: data.d,
    seed: data.seed ?? null,
    target: data.target ? linksLabel(data.target) : null,
    r: data.target?.r ?? null,
    input: data.target?.input.law ?? null,
    noise: data.target?.noise ?? null,
    targetVariance: mo?.variance ?? null,
    labelVariance: mo && data.target ? mo.variance + data.target.noise ** 2 : null,
    varianceMethod: mo?.method ?? null,
  };
}

function summary(data: Dataset, out: string | null): string {
  const wrote = out ? `; wrote ${out}` : '';
  if (!data.target)
    return `${out ? 'imported' : 'valid data set:'} ${data.n} samples of dimension d = ${data.d} (no target: population risk unavailable)${wrote}`;
  const t = data.target;
  const mo = targetMoments(t);
  const v = `Var f* = ${mo.variance.toPrecision(4)}${mo.method === 'montecarlo' ? ` (Monte Carlo, ± ${mo.stderr?.toPrecision(2)})` : ''}`;
  return `${out ? 'generated' : 'valid data set:'} n = ${data.n}, d = ${data.d}, r = ${t.r}, links ${linksLabel(t)}, input ${t.input.law}, noise σ_ε = ${t.noise}; ${v}, Var y = ${(mo.variance + t.noise ** 2).toPrecision(4)}${wrote}`;
}

export function register(program: Command): void {
  const cmd = program
    .command('data')
    .description(
      'generate a Gaussian multi-index data set y = f*(x) + σ_ε ε (or import a CSV table) and write it as JSON',
    );
  addParamOptions(cmd, DATA_PARAMS);
  cmd
    .option(
      '--from-csv <file>',
      'import a CSV table instead (feature columns, then y; header optional); no other data flag applies',
    )
    .option('--check <file>', 'validate an existing data set file and print its summary (nothing is written)')
    .option(
      '--out <file>',
      'data set file to write (flatlab.dataset/1 .json, or .npz with x, y for numpy); required unless --check',
    )
    .option('--json', 'print a JSON summary instead of a sentence')
    .addHelpText(
      'after',
      '\nExamples:\n  flatlab data --d 50 --n 200 --r 2 --links relu+relu --noise 0 --seed 0 --out D.json\n  flatlab data --d 20 --r 3 --links product --input sphere --out P.json\n  flatlab data --from-csv table.csv --out D.json\n  flatlab data --check D.json\n',
    )
    .action((flags: DataFlags) => {
      if (flags.check !== undefined) return checkDataFile(flags);
      if (flags.out === undefined) throw new InputError('--out <file> is required (the data set file to write)');
      const out = flags.out as string;
      // Refuse a bad --out before generating (a large set can take a while).
      checkOutputPath(out, { what: 'data set file', inputs: [flags.fromCsv as string | undefined] });
      const data = flags.fromCsv !== undefined ? importCsv(flags) : generate(flags);
      // Huge link coefficients overflow the labels or their variance: refuse rather than write null.
      const hint = 'the target overflows the double range (smaller coefficients or a lower-degree link)';
      requireFiniteArray('label y', data.y, hint);
      if (data.target) requireFinite('Var f*', targetMoments(data.target).variance, hint);
      writeDatasetFile(out, data, { inputs: [flags.fromCsv as string | undefined] });
      process.stdout.write(flags.json ? `${JSON.stringify(describeData(data, out))}\n` : `${summary(data, out)}\n`);
    });
}

type DataFlags = Record<string, string | boolean | undefined>;

/** `data --check FILE`: validate the file and print its summary; any generating flag is refused. */
function checkDataFile(flags: DataFlags): void {
  const other = [...DATA_PARAMS.map((def) => def.key), 'fromCsv', 'out'].filter((k) => flags[k] !== undefined);
  if (other.length > 0) throw new InputError(`--check only validates a file; drop ${other.map(flagName).join(', ')}`);
  const data = readDatasetFile(flags.check as string);
  process.stdout.write(flags.json ? `${JSON.stringify(describeData(data, null))}\n` : `${summary(data, null)}\n`);
}

/** `data --from-csv FILE`: the table as a data set; the generator's flags are refused. */
function importCsv(flags: DataFlags): Dataset {
  const given = DATA_PARAMS.filter((def) => flags[def.key] !== undefined).map((def) => flagName(def.key));
  if (given.length > 0) throw new InputError(`--from-csv imports a table; ${given.join(', ')} cannot be used with it`);
  return readCsvDatasetFile(flags.fromCsv as string);
}

/** A generated data set from the generator's flags (the table's defaults for the rest). */
function generate(flags: DataFlags): Dataset {
  const raw: Record<string, unknown> = {};
  for (const def of DATA_PARAMS) {
    const v = flags[def.key];
    if (v !== undefined) raw[def.key] = v;
  }
  return makeDataset(parseDataParams(raw, '--'));
}
