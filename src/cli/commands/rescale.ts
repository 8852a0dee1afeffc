/**
 * `flatlab rescale --model M --out M2 (--factor c | --random-log-range r | --balance --data D)`: move a
 * model along its rescaling orbit (a_j, w_j) ↦ (c_j^{-k} a_j, c_j w_j) (docs/math.md#network, §2, §4). The function,
 * losses and F* are unchanged; the raw trace is not.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { Network } from '../../model/network.js';
import { checkOutputPath } from '../../node/safe-write.js';
import { type ParamDef, parseParam, seedParam } from '../../params/table.js';
import { balance } from '../../symmetry/invariant.js';
import { pathNorm, randomFactors, rescale } from '../../symmetry/rescale.js';
import { readDatasetFile } from '../dataset-file.js';
import { requireFiniteArray } from '../finite.js';
import { rescaleDeep } from '../mlp-commands.js';
import { readAnyModelFile } from '../mlp-files.js';
import { writeModelFile } from '../model-file.js';
import {
  addLabelsOption,
  addModelReadOptions,
  MODEL_FILE_HELP,
  type ModelReadFlags,
  modelReadOptions,
} from '../tensor-options.js';

const LOG_RANGE: ParamDef<number> = {
  key: 'randomLogRange',
  type: 'number',
  default: 1,
  min: 0,
  max: 100,
  help: 'c_j = 10^u, u ~ U[−r, r]',
};
const SEED = seedParam('seed of the random factors');

/**
 * The rescaled weights must be finite, and a non-zero weight must stay non-zero: an overflow would be
 * written as null and an underflow to 0 silently changes the function.
 */
function checkRescaled(before: Network, after: Network): void {
  const hint = 'the factor moves the weights out of the double range';
  requireFiniteArray('rescaled a', after.a, hint);
  requireFiniteArray('rescaled W', after.W, hint);
  for (const [name, x, y] of [['a', before.a, after.a] as const, ['W', before.W, after.W] as const]) {
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== 0 && y[i] === 0) throw new InputError(`rescaled ${name}[${i}] underflows to 0; ${hint}`);
    }
  }
}

interface RescaleFlags extends ModelReadFlags {
  labels?: string;
  model: string;
  out: string;
  factor?: string;
  randomLogRange?: string;
  seed?: string;
  balance?: boolean;
  data?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('rescale')
    .description(
      'apply the rescaling symmetry (a_j, w_j) ↦ (c_j^{-k} a_j, c_j w_j): same function, same F*, different raw trace',
    )
    .requiredOption('--model <file>', MODEL_FILE_HELP)
    .requiredOption('--out <file>', 'rescaled model file to write (.json, .npz or .safetensors)');
  addModelReadOptions(addLabelsOption(cmd));
  cmd
    .option('--factor <c>', 'one factor c > 0 for every neuron')
    .option('--random-log-range <r>', 'per-neuron random factors c_j = 10^u, u uniform in [−r, r]')
    .option('--seed <s>', 'seed of the random factors (with --random-log-range; default 0)')
    .option('--balance', 'move to the flattest point of the orbit, c_j* = (B_j/(k A_j))^{1/(2k+2)} (needs --data)')
    .option('--data <file>', 'data set (for --balance)')
    .action((flags: RescaleFlags) => {
      checkRescaleFlags(flags);
      checkOutputPath(flags.out, { what: 'model file', inputs: [flags.model, flags.data, flags.labels] });
      const model = readAnyModelFile(flags.model, modelReadOptions(flags));
      if (model.kind === 'deep') {
        rescaleDeep(model.net, model.provenance, flags, { logRange: LOG_RANGE, seed: SEED });
        return;
      }
      const { net, provenance } = model;
      const { out, op } = rescaled(net, flags);
      checkRescaled(net, out);
      const history = Array.isArray(provenance.rescale) ? provenance.rescale : [];
      writeModelFile(
        flags.out,
        out,
        { ...provenance, rescale: [...history, op] },
        { inputs: [flags.model, flags.data] },
      );
      process.stdout.write(
        `rescaled (${op.mode}) m = ${out.m} neurons; path norm ${pathNorm(out).toPrecision(6)} (unchanged from ${pathNorm(net).toPrecision(6)}); wrote ${flags.out}\n`,
      );
    });
}

/** Exactly one mode, and --seed and --data only with the mode they belong to. */
function checkRescaleFlags(flags: RescaleFlags): void {
  const modes = [flags.factor !== undefined, flags.randomLogRange !== undefined, flags.balance === true].filter(
    Boolean,
  ).length;
  if (modes !== 1) {
    throw new InputError('rescale: give exactly one of --factor c, --random-log-range r, --balance');
  }
  if (flags.seed !== undefined && flags.randomLogRange === undefined) {
    throw new InputError('rescale: --seed only applies with --random-log-range');
  }
  if (flags.data !== undefined && !flags.balance) throw new InputError('rescale: --data only applies with --balance');
}

/** The rescaled network of the chosen mode and the operation as the provenance records it. */
function rescaled(net: Network, flags: RescaleFlags): { out: Network; op: Record<string, unknown> } {
  if (flags.factor !== undefined) {
    const c = flags.factor.trim() === '' ? Number.NaN : Number(flags.factor);
    if (!(c > 0) || !Number.isFinite(c))
      throw new InputError(`--factor must be a finite number > 0 (got ${JSON.stringify(flags.factor)})`);
    return { out: rescale(net, c), op: { mode: 'factor', factor: c } };
  }
  if (flags.randomLogRange !== undefined) {
    const r = parseParam(LOG_RANGE, flags.randomLogRange, '--random-log-range');
    const seed = flags.seed === undefined ? SEED.default : parseParam(SEED, flags.seed, '--seed');
    return { out: rescale(net, randomFactors(net.m, r, seed)), op: { mode: 'random', logRange: r, seed } };
  }
  if (flags.data === undefined)
    throw new InputError('rescale: --balance needs --data <file> (the balanced point depends on the data)');
  const data = readDatasetFile(flags.data, flags.labels);
  return { out: balance(net, data), op: { mode: 'balance', data: flags.data } };
}
