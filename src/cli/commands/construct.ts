/**
 * `flatlab construct <teacher|memorizer|random-features> --data D --out M`: build an interpolator of the
 * data set (docs/math.md#interpolators, §5) and write it as a model file.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { memorizer, randomFeatures, teacherInterpolator, type Interpolator } from '../../interpolators/index.js';
import { activationToString, parseActivationString } from '../../model/format.js';
import { type ParamDef, parseParam } from '../../params/table.js';
import { checkOutputPath } from '../../node/safe-write.js';
import { readDatasetFile } from '../dataset-file.js';
import { writeModelFile } from '../model-file.js';
import { addLabelsOption } from '../tensor-options.js';

const KINDS = ['teacher', 'memorizer', 'random-features'] as const;
type Kind = (typeof KINDS)[number];

export const CONSTRUCT_PARAMS = {
  width: { key: 'width', type: 'int', default: undefined, min: 1, max: 1_000_000, help: 'network width m' } as ParamDef<
    number | undefined
  >,
  seed: {
    key: 'seed',
    type: 'int',
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
    help: 'seed of the random directions',
  } as ParamDef<number>,
  tol: {
    key: 'tol',
    type: 'number',
    default: undefined,
    min: 0,
    help: 'interpolation tolerance on max |f(x_i) − y_i|',
  } as ParamDef<number | undefined>,
  balance: {
    key: 'balance',
    type: 'bool',
    default: undefined,
    help: 'write the balanced point of the orbit (raw trace = F*)',
  } as ParamDef<boolean | undefined>,
  maxCond: {
    key: 'maxCond',
    type: 'number',
    default: 1e12,
    min: 1,
    help: 'refuse linear systems with a larger condition number',
  } as ParamDef<number>,
};

interface ConstructFlags {
  data: string;
  labels?: string;
  out: string;
  width?: string;
  activation: string;
  seed?: string;
  tol?: string;
  maxCond?: string;
  balance?: string;
}

function opt<T>(def: ParamDef<T>, raw: string | undefined, flag: string): T {
  return raw === undefined ? def.default : parseParam(def, raw, flag);
}

export function register(program: Command): void {
  const cmd = program
    .command('construct')
    .description(
      'build an interpolator of a data set: teacher (exact f* + memorized noise), memorizer (w_j = x_j/‖x_j‖), random-features (minimum-norm a)',
    )
    .argument('<kind>', `one of ${KINDS.join(', ')}`)
    .requiredOption('--data <file>', 'data set file (flatlab.dataset/1 .json, .npz with x, y, or x .npy with --labels)')
    .requiredOption('--out <file>', 'model file to write (flatlab.model/1 .json, .npz or .safetensors)');
  addLabelsOption(cmd);
  cmd
    .option(
      '--width <m>',
      'width m: memorizer ≥ n (default n), random-features ≥ n (default 2n), teacher pads with dead neurons',
    )
    .option(
      '--activation <name>',
      'student activation: relu, leaky-relu:α, abs, relu-pow:p, abs-pow:p, square, tanh, softplus',
      'relu',
    )
    .option('--seed <s>', 'seed of the random features / extra memorizer directions (default 0)')
    .option('--tol <t>', 'interpolation tolerance on max_i |f(x_i) − y_i| (default 1e-8 · max(1, max|y|))')
    .option(
      '--balance <true|false>',
      'write the network at the balanced point of its rescaling orbit (k A_j = B_j, raw trace = F*); default true for teacher, false otherwise',
    )
    .option('--max-cond <c>', 'refuse linear systems whose estimated condition number exceeds this (default 1e12)')
    .action((kindRaw: string, flags: ConstructFlags) => {
      if (!(KINDS as readonly string[]).includes(kindRaw)) {
        throw new InputError(`construct: unknown kind "${kindRaw}" (allowed: ${KINDS.join(', ')})`);
      }
      const kind = kindRaw as Kind;
      const act = parseActivationString(flags.activation);
      const width = opt(CONSTRUCT_PARAMS.width, flags.width, '--width');
      const seed = opt(CONSTRUCT_PARAMS.seed, flags.seed, '--seed');
      const tol = opt(CONSTRUCT_PARAMS.tol, flags.tol, '--tol');
      const maxCond = opt(CONSTRUCT_PARAMS.maxCond, flags.maxCond, '--max-cond');
      const balance = opt(CONSTRUCT_PARAMS.balance, flags.balance, '--balance');
      checkOutputPath(flags.out, { what: 'model file', inputs: [flags.data, flags.labels] });
      const data = readDatasetFile(flags.data, flags.labels);
      let res: Interpolator;
      if (kind === 'teacher') res = teacherInterpolator(data, act, { width, tol, maxCond, balance });
      else if (kind === 'memorizer') res = memorizer(data, act, { width, seed, tol, maxCond, balance });
      else res = randomFeatures(data, act, width ?? 2 * data.n, seed, { tol, maxCond, balance });
      writeModelFile(
        flags.out,
        res.net,
        { construction: res.construction, ...(res.construction.seed !== undefined ? { seed } : {}) },
        { inputs: [flags.data] },
      );
      const c = res.construction;
      const parts = kind === 'teacher' ? ` (${c.teacherNeurons} teacher + ${c.memorizingNeurons} memorizing)` : '';
      const cond = c.cond === null ? '' : `, condition number ≈ ${c.cond.toExponential(2)}`;
      const bal = c.balanced ? ', balanced (raw trace = F*)' : '';
      process.stdout.write(
        `${kind}: ${activationToString(act)} network with m = ${c.width} neurons${parts}, max residual ${c.maxResidual.toExponential(2)}${cond}${bal}; wrote ${flags.out}\n`,
      );
    });
}
