/**
 * `flatlab train --data D --algo A --width M --seed S [hyperparameters] --out DIR`: train a network
 * with a live progress bar, writing DIR/model.json, DIR/summary.json, DIR/log.jsonl and
 * DIR/checkpoint.json (atomically). A DIR that holds a checkpoint of the same configuration is resumed,
 * and the resumed run ends bit-identical to an uninterrupted one.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { DivergenceError, InputError } from '../../errors.js';
import { getBackend } from '../../linalg/backend.js';
import { type ActivationSpec, makeActivation } from '../../model/activations.js';
import { parseActivationString } from '../../model/model-json.js';
import { LOSS_CONVENTION, type Network } from '../../model/network.js';
import { lockOutFolder } from '../../node/out-lock.js';
import {
  appendFileChecked,
  checkOutputPath,
  type SafeWriteOptions,
  writeFileAtomic,
  writeJsonAtomic,
} from '../../node/safe-write.js';
import { formatNumber } from '../../number-format.js';
import { populationRisk } from '../../risk/index.js';
import { validateCheckpointObject } from '../../training/checkpoint-schema.js';
import {
  ALGORITHMS,
  type Checkpoint,
  createTrainer,
  describeAlgoDefaults,
  type Metrics,
  PER_ALGO_PARAMS,
  resolveTrainConfig,
  TRAIN_PARAMS,
  type TrainConfig,
  type Trainer,
} from '../../training/index.js';
import { checkCheckpointAgainstConfig } from '../../training/resume-check.js';
import { VERSION } from '../../version.js';
import { readDatasetFile } from '../dataset-file.js';
import { firstNonFinite } from '../finite.js';
import { readJsonFile, readTextFile } from '../io.js';
import { writeModelFile } from '../model-file.js';
import { addParamOptions } from '../param-options.js';
import { addLabelsOption } from '../tensor-options.js';

interface TrainFlags {
  data?: string;
  labels?: string;
  out?: string;
  activation: string;
  quiet?: boolean;
  [key: string]: unknown;
}

/** The first metric that is not finite, as "trace = Infinity" (null: every metric is finite or unavailable). */
function nonFiniteMetric(m: Metrics): string | null {
  const bad = firstNonFinite(m);
  return bad ? `${bad.path} = ${bad.value}` : null;
}

/** Always exponential, 4 significant digits: losses and F* span many decades during training. */
const fmt = (v: number | null | undefined): string =>
  formatNumber(v, { missing: '–', fixedRange: [0, 0], expDigits: 3 });

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description(
      'train a 2-layer network on a data set with one of the algorithms (gd, sgd, adam, sam, 1sam, asam, label-noise, trace-penalty, invariant-penalty, flattest); resumes from DIR/checkpoint.json',
    );
  cmd
    .option('--data <file>', 'data set file (flatlab.dataset/1 .json, .npz with x, y, or x .npy with --labels)')
    .option('--out <dir>', 'output folder: model.json, summary.json, log.jsonl, checkpoint.json')
    .option(
      '--activation <name>',
      'student activation: relu, leaky-relu:α, abs, relu-pow:p, abs-pow:p, square, tanh, softplus',
      'relu',
    )
    .option('--quiet', 'no progress bar');
  addLabelsOption(cmd);
  addParamOptions(cmd, TRAIN_PARAMS, (def) => {
    const column = PER_ALGO_PARAMS.find((d) => d.key === def.key)?.perAlgo ?? {};
    const listed = ALGORITHMS.filter((a) => column[a] !== undefined).length;
    if (listed === ALGORITHMS.length) return '; default per algorithm, see below';
    return `; default ${String(def.default)}${listed > 0 ? ' (per algorithm where listed below)' : ''}`;
  });
  cmd.addHelpText('after', `\n${describeAlgoDefaults()}`);
  cmd.action((flags: TrainFlags) => run(flags));
}

/** A train command ready to step: its inputs, configuration, output paths and trainer. */
interface TrainRun {
  flags: TrainFlags & { data: string; out: string };
  act: ActivationSpec;
  data: Dataset;
  config: TrainConfig;
  dir: string;
  ckPath: string;
  logPath: string;
  /** Every file written is refused if it is the data file (e.g. --data DIR/model.json). */
  w: SafeWriteOptions;
  resume: Checkpoint | undefined;
  trainer: Trainer;
}

/** Read and check everything before any file is written: flags, data, output folder, checkpoint. */
function prepare(flags: TrainFlags): TrainRun {
  const { data: dataFile, out: dir } = flags;
  if (!dataFile) throw new InputError('train: --data <file> is required');
  if (!dir) throw new InputError('train: --out <dir> is required');
  const raw: Record<string, unknown> = {};
  for (const def of TRAIN_PARAMS) if (flags[def.key] !== undefined) raw[def.key] = flags[def.key];
  const act = parseActivationString(flags.activation);
  const data = readDatasetFile(dataFile, flags.labels);
  if (raw.tol !== undefined) process.stderr.write('flatlab: note: --tol is deprecated; use --loss-tol\n');
  const activation = makeActivation(act);
  // The algorithm's own defaults (per k and n) sit under the flags the user passed.
  const config = resolveTrainConfig(raw, { k: activation.degree ?? 1, n: data.n }, '--');
  const outStat = statSync(dir, { throwIfNoEntry: false });
  if (outStat && !outStat.isDirectory()) throw new InputError(`train: --out ${dir} exists and is not a folder`);
  const ckPath = join(dir, 'checkpoint.json');
  const w: SafeWriteOptions = { inputs: [dataFile] };
  for (const f of ['model.json', 'summary.json', 'log.jsonl', 'checkpoint.json']) checkOutputPath(join(dir, f), w);
  lockOutFolder(dir); // before the checkpoint is read: two runs must not both resume from it
  const resume: Checkpoint | undefined = existsSync(ckPath)
    ? validateCheckpointObject(readJsonFile(ckPath, 'checkpoint'), `checkpoint ${ckPath}`, data)
    : undefined;
  if (resume) checkCheckpointAgainstConfig(resume, config, config.width, `checkpoint ${ckPath}`);
  if (resume && JSON.stringify(resume.activation) !== JSON.stringify(activation.spec)) {
    throw new InputError(
      `checkpoint: ${ckPath} was made with activation ${JSON.stringify(resume.activation)}; use a new --out folder or the same --activation`,
    );
  }
  const target = data.target;
  const riskFn = target ? (net: Network) => populationRisk(net, target) : undefined;
  const trainer = createTrainer(data, config, { activation, resume, riskFn });
  const logPath = join(dir, 'log.jsonl');
  return { flags: { ...flags, data: dataFile, out: dir }, act, data, config, dir, ckPath, logPath, w, resume, trainer };
}

/** Metrics that overflow (JSON would write them as null) end the run as a divergence (exit 3). */
class MetricsOverflow extends Error {}

/**
 * The training log: it keeps exactly the entries written up to the checkpoint, so a resumed run's log
 * matches. `log` appends a metrics line and remembers its iterate as the last good one.
 */
function openLog(r: TrainRun): { log: (m: Metrics) => void; good: () => { net: Network; step: number } } {
  const { resume, logPath, w, trainer } = r;
  let logLines: string[] = [];
  if (resume && existsSync(logPath)) {
    logLines = readTextFile(logPath, 'training log')
      .split('\n')
      .filter((l) => {
        if (l.trim() === '') return false;
        try {
          const m = JSON.parse(l) as Metrics;
          return m.step <= resume.step && m.phase !== 'done';
        } catch {
          return false;
        }
      })
      .map((l) => `${l}\n`);
  }
  writeFileAtomic(logPath, logLines.join(''), { ...w, what: 'training log' });
  /** The last iterate whose every logged metric was finite: what a run whose metrics overflow keeps. */
  let good = { net: trainer.snapshot(), step: trainer.step };
  const log = (m: Metrics): void => {
    const bad = nonFiniteMetric(m);
    if (bad) throw new MetricsOverflow(bad);
    appendFileChecked(logPath, `${JSON.stringify(m)}\n`, { ...w, what: 'training log' });
    good = { net: trainer.snapshot(), step: m.step };
  };
  return { log, good: () => good };
}

function run(flags: TrainFlags): void {
  const r = prepare(flags);
  const { trainer, config, resume, ckPath } = r;
  // Finite or fail (docs/architecture.md, "Errors"): a start whose metrics already overflow is bad input,
  // found before anything is written.
  const first = trainer.metrics();
  const atStart = nonFiniteMetric(first);
  if (atStart) {
    throw new InputError(
      resume
        ? `checkpoint ${ckPath}: its parameters give ${atStart} (not finite); use a new --out folder`
        : `train: the initial network gives ${atStart} (not finite); lower --init-scale or rescale the data`,
    );
  }
  const { log, good } = openLog(r);
  if (!resume) log(first);
  if (!flags.quiet && trainer.lr !== config.lr)
    process.stderr.write(
      `flatlab: note: lr ${config.lr} is above lrCap/λ_max(∇²L) at the initialization; the steps use ${fmt(trainer.lr)} (--lr-cap 0 keeps the rate as given)\n`,
    );
  const final = drive(r, first, log, good);
  writeResult(r, final);
}

function summaryBase(r: TrainRun): Record<string, unknown> {
  const { config, trainer, data } = r;
  return {
    format: 'flatlab.train-summary/1',
    algo: config.algo,
    seed: config.seed,
    hyperparameters: config,
    // The base rate the steps used: config.lr, or lrCap/λ_max(θ₀) where the curvature cap bound it.
    lr: trainer.lr,
    activation: r.act,
    data: r.flags.data,
    n: data.n,
    d: data.d,
    lossConvention: LOSS_CONVENTION,
    version: VERSION,
    backend: getBackend().name,
  };
}

/** Step the trainer to the end with a progress bar, logging and checkpointing; on divergence keep the last good iterate. */
function drive(
  r: TrainRun,
  first: Metrics,
  log: (m: Metrics) => void,
  good: () => { net: Network; step: number },
): Metrics {
  const { trainer, config, flags, dir, ckPath, w } = r;
  let last = first;
  const bar = flags.quiet
    ? null
    : new SingleBar({
        format: 'train {algo} [{bar}] {value}/{total} | {sps} steps/s | {phase} | loss {loss} | F* {fStar}',
        stream: process.stderr,
        noTTYOutput: !process.stderr.isTTY,
        notTTYSchedule: 2000,
        hideCursor: true,
      });
  const t0 = Date.now();
  const s0 = trainer.step;
  bar?.start(config.algo === 'flattest' ? config.steps * config.restarts : config.steps, trainer.step, {
    algo: config.algo,
    sps: '–',
    phase: trainer.phase,
    loss: fmt(last.trainLoss),
    fStar: fmt(last.fStar),
  });
  try {
    while (!trainer.done) {
      const before = trainer.step;
      const info = trainer.advance(1);
      const stepped = trainer.step !== before;
      if (stepped && trainer.step % config.logEvery === 0) {
        last = trainer.metrics();
        log(last);
      }
      if (stepped && trainer.step % config.checkpointEvery === 0) writeJsonAtomic(ckPath, trainer.checkpoint(), w);
      const sps = (trainer.step - s0) / Math.max(1e-3, (Date.now() - t0) / 1000);
      bar?.update(trainer.step, {
        sps: sps.toFixed(1),
        phase: trainer.phase,
        loss: fmt(info.loss),
        fStar: fmt(last.fStar),
      });
    }
    const final = trainer.metrics();
    log(final);
    bar?.update(trainer.step, { phase: 'done', loss: fmt(final.trainLoss), fStar: fmt(final.fStar) });
    bar?.stop();
    return final;
  } catch (caught) {
    bar?.stop();
    let e = caught;
    let kept = trainer.net;
    if (e instanceof MetricsOverflow) {
      // The iterate is finite but a quantity measured on it is not: the run has left Float64.
      kept = good().net;
      e = new DivergenceError(
        `training diverged at step ${trainer.step} (${e.message} in the metrics); the last finite parameters, of step ${good().step}, are kept — lower the learning rate (lr = ${trainer.lr})`,
        good().step,
      );
    }
    if (e instanceof DivergenceError) {
      // Keep the last good parameters and say where it broke.
      writeModelFile(
        join(dir, 'model.json'),
        kept,
        { seed: config.seed, training: { algo: config.algo, status: 'diverged', step: e.step } },
        w,
      );
      writeJsonAtomic(
        join(dir, 'summary.json'),
        { ...summaryBase(r), status: 'diverged', divergedAtStep: e.step, error: e.message },
        w,
      );
    }
    throw e;
  }
}

/** Write the model, the summary and the final checkpoint, and say how the run ended. */
function writeResult(r: TrainRun, final: Metrics): void {
  const { trainer, config, dir, ckPath, w } = r;
  // The flattest search's runs, the one kept and its width (raised when no run interpolated) are recorded.
  const search = trainer.search;
  writeModelFile(
    join(dir, 'model.json'),
    trainer.net,
    { seed: config.seed, training: { algo: config.algo, steps: trainer.step, ...(search ? { search } : {}) } },
    w,
  );
  const status = search && !search.interpolates ? 'not-interpolating' : 'done';
  writeJsonAtomic(
    join(dir, 'summary.json'),
    { ...summaryBase(r), status, steps: trainer.step, final, ...(search ? { search } : {}) },
    w,
  );
  writeJsonAtomic(ckPath, trainer.checkpoint(), w);
  if (search?.widthRaised) {
    process.stderr.write(
      `flatlab: note: no run interpolated at width ${search.requestedWidth}; the width was raised to ${search.width} (recorded in model.json)\n`,
    );
  }
  if (search && !search.interpolates) {
    // The search's goal is an interpolator: not reaching one is a failed run (exit 3, like a divergence).
    throw new DivergenceError(
      `flattest search: ${search.reason ?? 'no interpolator found'}; the best network is in ${dir}/model.json (raise --max-width, --steps or --width)`,
      trainer.step,
    );
  }
  if (config.polish !== 'none' && final.trainLoss > config.lossTol) {
    process.stderr.write(
      `flatlab: warning: the polish stopped at train loss ${fmt(final.trainLoss)} > lossTol = ${config.lossTol} (train longer or with a larger learning rate, or raise --polish-steps)\n`,
    );
  }
  process.stdout.write(
    `${config.algo}: ${trainer.step} steps, train loss ${fmt(final.trainLoss)}, F* ${fmt(final.fStar)}, path norm ${fmt(final.pathNorm)}` +
      `${final.risk !== null ? `, risk ${fmt(final.risk)} (${final.riskMethod})` : ''}; wrote ${dir}\n`,
  );
}
