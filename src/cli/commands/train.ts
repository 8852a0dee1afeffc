/**
 * `flatlab train --data D --algo A --width M --seed S [hyperparameters] --out DIR`: train a network
 * with a live progress bar, writing DIR/model.json, DIR/summary.json, DIR/log.jsonl and
 * DIR/checkpoint.json (atomically). A DIR that holds a checkpoint of the same configuration is resumed,
 * and the resumed run ends bit-identical to an uninterrupted one.
 */
import { existsSync, statSync } from 'node:fs';
import { formatNumber } from '../../format.js';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DivergenceError, InputError } from '../../errors.js';
import { getBackend } from '../../linalg/backend.js';
import { makeActivation } from '../../model/activations.js';
import { parseActivationString } from '../../model/format.js';
import { LOSS_CONVENTION } from '../../model/network.js';
import { populationRisk } from '../../risk/index.js';
import {
  type Checkpoint,
  createTrainer,
  describeAlgoDefaults,
  type Metrics,
  TRAIN_PARAMS,
  trainConfigWithDefaults,
} from '../../training/index.js';
import { VERSION } from '../../version.js';
import { lockOutFolder } from '../../node/out-lock.js';
import { readDatasetFile } from '../dataset-file.js';
import {
  appendFileChecked,
  checkOutputPath,
  type SafeWriteOptions,
  writeFileAtomic,
  writeJsonAtomic,
} from '../../node/safe-write.js';
import { validateCheckpointObject } from '../../training/checkpoint-schema.js';
import { firstNonFinite } from '../finite.js';
import { readJsonFile, readTextFile } from '../io.js';
import { writeModelFile } from '../model-file.js';
import { addLabelsOption } from '../tensor-options.js';
import { addParamOptions } from '../param-options.js';

interface TrainFlags {
  data?: string;
  labels?: string;
  out?: string;
  activation: string;
  quiet?: boolean;
  [key: string]: unknown;
}

/** Keys whose default comes from the per-algorithm table (src/training/params.ts, ALGO_DEFAULTS). */
const PER_ALGO_KEYS = new Set([
  'lr',
  'batch',
  'optimizer',
  'rho',
  'microBatch',
  'asamEta',
  'noiseSigma',
  'lambda',
  'lambdaFinal',
  'restarts',
  'maxWidth',
]);

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
  addParamOptions(cmd, TRAIN_PARAMS, (def) =>
    PER_ALGO_KEYS.has(def.key) ? '; default: per algorithm, see below' : `; default ${String(def.default)}`,
  );
  cmd.addHelpText('after', `\n${describeAlgoDefaults()}`);
  cmd.action((flags: TrainFlags) => run(flags));
}

function run(flags: TrainFlags): void {
  if (!flags.data) throw new InputError('train: --data <file> is required');
  if (!flags.out) throw new InputError('train: --out <dir> is required');
  const raw: Record<string, unknown> = {};
  for (const def of TRAIN_PARAMS) if (flags[def.key] !== undefined) raw[def.key] = flags[def.key];
  const act = parseActivationString(flags.activation);
  const data = readDatasetFile(flags.data, flags.labels);
  // The algorithm's own defaults (per k and n) sit under the flags the user passed.
  const config = trainConfigWithDefaults(raw, makeActivation(act).degree ?? 1, data.n, '--');
  const dir = flags.out;
  const outStat = statSync(dir, { throwIfNoEntry: false });
  if (outStat && !outStat.isDirectory()) throw new InputError(`train: --out ${dir} exists and is not a folder`);
  const ckPath = join(dir, 'checkpoint.json');
  const logPath = join(dir, 'log.jsonl');
  // Every file written below is refused if it is the data file (e.g. --data DIR/model.json).
  const w: SafeWriteOptions = { inputs: [flags.data] };
  for (const f of ['model.json', 'summary.json', 'log.jsonl', 'checkpoint.json']) checkOutputPath(join(dir, f), w);
  lockOutFolder(dir); // before the checkpoint is read: two runs must not both resume from it
  const resume: Checkpoint | undefined = existsSync(ckPath)
    ? validateCheckpointObject(readJsonFile(ckPath, 'checkpoint'), `checkpoint ${ckPath}`, data)
    : undefined;
  const activation = makeActivation(act);
  if (resume && JSON.stringify(resume.activation) !== JSON.stringify(activation.spec)) {
    throw new InputError(
      `checkpoint: ${ckPath} was made with activation ${JSON.stringify(resume.activation)}; use a new --out folder or the same --activation`,
    );
  }
  const target = data.target;
  const riskFn = target ? (net: Parameters<typeof populationRisk>[0]) => populationRisk(net, target) : undefined;
  const trainer = createTrainer(data, config, { activation, resume, riskFn });
  // Finite or fail (docs/architecture.md, "Errors"): a start whose metrics already overflow is bad input,
  // found before anything is written.
  let last = trainer.metrics();
  const atStart = nonFiniteMetric(last);
  if (atStart) {
    throw new InputError(
      resume
        ? `checkpoint ${ckPath}: its parameters give ${atStart} (not finite); use a new --out folder`
        : `train: the initial network gives ${atStart} (not finite); lower --init-scale or rescale the data`,
    );
  }
  /** The last iterate whose every logged metric was finite: what a run whose metrics overflow keeps. */
  let good = { net: trainer.snapshot(), step: trainer.step };

  // The log keeps exactly the entries written up to the checkpoint, so a resumed run's log matches.
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
  /** Metrics that overflow (JSON would write them as null) end the run as a divergence (exit 3). */
  class MetricsOverflow extends Error {}
  const log = (m: Metrics): void => {
    const bad = nonFiniteMetric(m);
    if (bad) throw new MetricsOverflow(bad);
    appendFileChecked(logPath, `${JSON.stringify(m)}\n`, { ...w, what: 'training log' });
    good = { net: trainer.snapshot(), step: m.step };
  };

  const bar = flags.quiet
    ? null
    : new SingleBar({
        format: 'train {algo} [{bar}] {value}/{total} | {sps} steps/s | {phase} | loss {loss} | F* {fStar}',
        stream: process.stderr,
        noTTYOutput: !process.stderr.isTTY,
        notTTYSchedule: 2000,
        hideCursor: true,
      });
  if (!resume) log(last);
  if (!flags.quiet && trainer.lr !== config.lr)
    process.stderr.write(
      `flatlab: note: lr ${config.lr} is above lrCap/λ_max(∇²L) at the initialization; the steps use ${fmt(trainer.lr)} (--lr-cap 0 keeps the rate as given)\n`,
    );
  const t0 = Date.now();
  const s0 = trainer.step;
  bar?.start(config.algo === 'flattest' ? config.steps * config.restarts : config.steps, trainer.step, {
    algo: config.algo,
    sps: '–',
    phase: trainer.phase,
    loss: fmt(last.trainLoss),
    fStar: fmt(last.fStar),
  });
  const summaryBase = {
    format: 'flatlab.train-summary/1',
    algo: config.algo,
    seed: config.seed,
    hyperparameters: config,
    // The base rate the steps used: config.lr, or lrCap/λ_max(θ₀) where the curvature cap bound it.
    lr: trainer.lr,
    activation: act,
    data: flags.data,
    n: data.n,
    d: data.d,
    lossConvention: LOSS_CONVENTION,
    version: VERSION,
    backend: getBackend().name,
  };
  let final: Metrics;
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
    final = trainer.metrics();
    log(final);
  } catch (caught) {
    bar?.stop();
    let e = caught;
    let kept = trainer.net;
    if (e instanceof MetricsOverflow) {
      // The iterate is finite but a quantity measured on it is not: the run has left Float64.
      kept = good.net;
      e = new DivergenceError(
        `training diverged at step ${trainer.step} (${e.message} in the metrics); the last finite parameters, of step ${good.step}, are kept — lower the learning rate (lr = ${trainer.lr})`,
        good.step,
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
        { ...summaryBase, status: 'diverged', divergedAtStep: e.step, error: e.message },
        w,
      );
    }
    throw e;
  }
  bar?.update(trainer.step, { phase: 'done', loss: fmt(final.trainLoss), fStar: fmt(final.fStar) });
  bar?.stop();
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
    { ...summaryBase, status, steps: trainer.step, final, ...(search ? { search } : {}) },
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
  if (config.polish !== 'none' && final.trainLoss > config.tol) {
    process.stderr.write(
      `flatlab: warning: the polish stopped at train loss ${fmt(final.trainLoss)} > tol = ${config.tol} (train longer or with a larger learning rate, or raise --polish-steps)\n`,
    );
  }
  process.stdout.write(
    `${config.algo}: ${trainer.step} steps, train loss ${fmt(final.trainLoss)}, F* ${fmt(final.fStar)}, path norm ${fmt(final.pathNorm)}` +
      `${final.risk !== null ? `, risk ${fmt(final.risk)} (${final.riskMethod})` : ''}; wrote ${dir}\n`,
  );
}
