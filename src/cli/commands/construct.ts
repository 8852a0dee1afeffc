/**
 * `flatlab construct <teacher|memorizer|random-features> --data D --out M`: build an interpolator of the
 * data set (docs/math.md#interpolators, §5) and write it as a model file.
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { InputError } from '../../errors.js';
import {
  checkFlattestLimits,
  type FlattestInterpolator,
  flattestConvex,
  type Interpolator,
  memorizer,
  randomFeatures,
  requireConvexActivation,
  teacherInterpolator,
} from '../../interpolators/index.js';
import { makeActivation } from '../../model/activations.js';
import { activationToString, parseActivationString } from '../../model/model-json.js';
import type { Network } from '../../model/network.js';
import { checkOutputPath } from '../../node/safe-write.js';
import { type ParamDef, parseParam, seedParam } from '../../params/table.js';
import { readDatasetFile } from '../dataset-file.js';
import { readModelFile, writeModelFile } from '../model-file.js';
import { addLabelsOption } from '../tensor-options.js';

const KINDS = ['teacher', 'memorizer', 'random-features', 'flattest'] as const;
type Kind = (typeof KINDS)[number];

export const CONSTRUCT_PARAMS = {
  width: { key: 'width', type: 'int', default: undefined, min: 1, max: 1_000_000, help: 'network width m' } as ParamDef<
    number | undefined
  >,
  seed: seedParam('seed of the random directions'),
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
  gap: {
    key: 'gap',
    type: 'number',
    default: 1e-3,
    max: 0.5,
    help: 'flattest: target relative duality gap 1 − lower/upper',
  } as ParamDef<number>,
  maxRounds: {
    key: 'maxRounds',
    type: 'int',
    default: 400,
    min: 1,
    max: 100000,
    help: 'flattest: column-generation rounds at most',
  } as ParamDef<number>,
  timeBudget: {
    key: 'timeBudget',
    type: 'number',
    default: 110,
    min: 0,
    max: 1e7,
    help: 'flattest: stop column generation after this many seconds and report the gap reached (0 = no limit)',
  } as ParamDef<number>,
  teacherStart: {
    key: 'teacherStart',
    type: 'bool',
    default: true,
    help: 'flattest: when the data file records its target, the teacher interpolator joins the first dictionary',
  } as ParamDef<boolean>,
  searchStart: {
    key: 'searchStart',
    type: 'bool',
    default: true,
    help: 'flattest (d ≥ 4): a cold gradient search (train --algo flattest, width 64) seeds the first dictionary',
  } as ParamDef<boolean>,
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
  gap?: string;
  maxRounds?: string;
  timeBudget?: string;
  warmStart?: string;
  teacherStart?: string;
  searchStart?: string;
  json?: boolean;
}

function opt<T>(def: ParamDef<T>, raw: string | undefined, flag: string): T {
  return raw === undefined ? def.default : parseParam(def, raw, flag);
}

export function register(program: Command): void {
  const cmd = program
    .command('construct')
    .description(
      'build an interpolator of a data set: teacher (exact f* + memorized noise), memorizer (w_j = x_j/‖x_j‖), random-features (minimum-norm a), flattest (the flattest interpolator for k = 1 by convex column generation, with a certified bracket; docs/math.md#convex-flattest)',
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
    .option('--gap <g>', 'flattest: target relative duality gap 1 − lower/upper, in (0, 0.5] (default 1e-3)')
    .option('--max-rounds <r>', 'flattest: column-generation rounds at most (default 400)')
    .option(
      '--time-budget <s>',
      'flattest: stop after this many seconds with the gap reached so far, recorded in the certificate (default 110; 0 = none)',
    )
    .option(
      '--warm-start <models>',
      'flattest: comma-separated model files whose neuron directions join the initial dictionary (the result is then at most as sharp as each)',
    )
    .option(
      '--teacher-start <true|false>',
      'flattest: when the data file records its target (flatlab data), start the dictionary from the teacher interpolator too, so the result is at most as sharp as it (default true)',
    )
    .option(
      '--search-start <true|false>',
      'flattest (d ≥ 4): a cold gradient search (train --algo flattest at width 64, from a seeded random start; no teacher) seeds the first dictionary (default true)',
    )
    .option('--json', 'flattest: print the certificate as JSON on stdout')
    .action(async (kindRaw: string, flags: ConstructFlags) => {
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
      if (kind === 'flattest') {
        await constructFlattest(flags, act, seed, tol);
        return;
      }
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

/** `construct flattest`: convex column generation with a progress bar; the certificate goes to the model file. */
async function constructFlattest(
  flags: ConstructFlags,
  spec: ReturnType<typeof parseActivationString>,
  seed: number,
  tol: number | undefined,
): Promise<void> {
  // Refuse what the convex form does not cover before reading (possibly large) data.
  requireConvexActivation(makeActivation(spec));
  const gap = opt(CONSTRUCT_PARAMS.gap, flags.gap, '--gap');
  if (!(gap > 0)) throw new InputError(`--gap must be a number in (0, 0.5] (got ${JSON.stringify(flags.gap)})`);
  const maxRounds = opt(CONSTRUCT_PARAMS.maxRounds, flags.maxRounds, '--max-rounds');
  const timeBudget = opt(CONSTRUCT_PARAMS.timeBudget, flags.timeBudget, '--time-budget');
  const warmFiles = (flags.warmStart ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  checkOutputPath(flags.out, { what: 'model file', inputs: [flags.data, flags.labels, ...warmFiles] });
  const data = readDatasetFile(flags.data, flags.labels);
  checkFlattestLimits(data);
  const warmStart = warmFiles.map((f) => readModelFile(f).net);
  // A known interpolator bounds F_min from above. Without it a cold solve that stops on time can end far
  // above the teacher (at d = 50, n = 1000 a time-limited cold solve ends near 6× the teacher's F*).
  const teacherStart = opt(CONSTRUCT_PARAMS.teacherStart, flags.teacherStart, '--teacher-start');
  if (teacherStart && data.target) warmStart.push(...teacherWarmStart(data, spec));
  const bar = new SingleBar({
    format: 'flattest [{bar}] round {value}/{total} | F_min ∈ [{lower}, {lp}] | gap {gap} | atoms {atoms}',
    stream: process.stderr,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 2000,
    hideCursor: true,
  });
  bar.start(maxRounds, 0, { lower: '-', lp: '-', gap: '-', atoms: 0 });
  let res: FlattestInterpolator;
  try {
    res = await flattestConvex(data, spec, {
      gap,
      seed,
      tol,
      maxRounds,
      timeBudget,
      warmStart,
      searchStart: opt(CONSTRUCT_PARAMS.searchStart, flags.searchStart, '--search-start'),
      // The bracket so far: the LP value (an upper bound) and λᵀy/ρ at the best λ (an estimate for d > 3).
      onRound: (r) =>
        bar.update(r.round + 1, {
          lower: (r.lpValue * (1 - r.gap)).toPrecision(6),
          lp: r.lpValue.toPrecision(6),
          gap: r.gap.toExponential(2),
          atoms: r.atoms,
        }),
    });
  } finally {
    bar.stop();
  }
  const c = res.certificate;
  writeModelFile(
    flags.out,
    res.net,
    { construction: res.construction, seed },
    { inputs: [flags.data, flags.labels, ...warmFiles] },
  );
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
    return;
  }
  process.stdout.write(flattestSummary(res, spec, flags.out));
}

/** The teacher as a warm start, or none (with a note) when it cannot interpolate the data. */
function teacherWarmStart(data: Dataset, spec: ReturnType<typeof parseActivationString>): Network[] {
  try {
    return [teacherInterpolator(data, makeActivation(spec)).net];
  } catch (e) {
    // The teacher is only a head start: a data set it cannot interpolate is solved cold.
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`flatlab: note: no teacher start (${e.message}); solving from the data alone\n`);
    return [];
  }
}

/** The one-line summary of a flattest construction: F*, its bracket, how it is certified, why it stopped. */
function flattestSummary(
  res: FlattestInterpolator,
  spec: ReturnType<typeof parseActivationString>,
  out: string,
): string {
  const c = res.certificate;
  const how = c.certified
    ? `certified (${c.method})`
    : `lower bound estimated, not certified: ρ(λ) is the largest ratio over the cells the pricing visited; ${
        c.cells > c.cellLimit
          ? `the arrangement has ${c.cells.toPrecision(3)} cells, above the enumeration limit ${c.cellLimit}`
          : 'the cell enumeration could not certify it (data not in general position)'
      }`;
  const stop =
    c.stopped === 'gap'
      ? ''
      : `, stopped: ${c.stopped === 'time' ? 'time budget' : c.stopped === 'stalled' ? 'LP stalled' : 'round limit'} before the target gap ${c.targetGap}`;
  return `flattest: ${activationToString(spec)} network with ${c.atoms} live neurons, F* = ${c.upper.toPrecision(7)} ∈ [${c.lower.toPrecision(7)}, ${c.upper.toPrecision(7)}] (gap ${c.gap.toExponential(2)}, ${how}${stop}); ${c.lpSolves} LP solves, ${c.seconds.toFixed(1)} s, max residual ${res.construction.maxResidual.toExponential(2)}; wrote ${out}\n`;
}
