/**
 * The training loop with an incremental API: `createTrainer(data, config)` returns a Trainer whose
 * `advance(k)` takes k iterations (the playground steps it from a Web Worker; the CLI drives it with a
 * progress bar), and `train(...)` runs it to the end. Phases: 'train' (the algorithm) → 'polish'
 * (Gauss–Newton or GD on L alone, so noisy or penalized algorithms end at an interpolator) → 'done'
 * (after an optional balance to the flattest point of the orbit).
 *
 * A run is a state record (checkpoint-schema.ts, live form in run-state.ts) and the step functions over
 * it (steps.ts); the flattest search is a driver over such runs (search-driver.ts).
 *
 * Determinism: the initialization, the batch sampling and the label noise draw from independent
 * sub-streams of the seed; a checkpoint holds θ, the optimizer state, both generator states, the
 * epoch permutation, the step and the search state (run, λ, the best network so far), so resuming
 * gives the same bits as an uninterrupted run.
 */
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../model/network.js';
import type { Checkpoint } from './checkpoint-schema.js';
import type { TrainConfig } from './params.js';
import { type Metrics, setUpRun, type Trainer, type TrainerOptions, trainerView } from './run.js';
import type { SearchReport } from './search.js';
import { createSearchTrainer } from './search-driver.js';
import { advanceRun, enterPolish, type StepInfo } from './steps.js';

export type { Checkpoint, Phase, SearchCheckpoint, TrainerStateRecord } from './checkpoint-schema.js';
export type { Metrics, RiskEstimate, Trainer, TrainerOptions } from './run.js';
export { GD_POLISH_HALVINGS, lambdaAt, type StepInfo } from './steps.js';

/**
 * A trainer for `config` on `data`: one plain run, or the flattest search's driver over runs.
 *
 * @example
 * ```ts
 * import { createTrainer, defaultTrainConfig, makeDataset } from 'flatlab';
 *
 * const data = makeDataset({ d: 3, n: 20, r: 1, links: 'relu', seed: 0 });
 * const t = createTrainer(data, { ...defaultTrainConfig('gd'), width: 8, steps: 50 });
 * t.advance(10);
 * const ck = t.checkpoint(); // resuming from it continues bit for bit
 * while (!t.done) t.advance(25);
 * const resumed = createTrainer(data, { ...defaultTrainConfig('gd'), width: 8, steps: 50 }, { resume: ck });
 * while (!resumed.done) resumed.advance(25);
 * console.log(t.phase, resumed.metrics().trainLoss === t.metrics().trainLoss); // done true
 * ```
 */
export function createTrainer(data: Dataset, config: TrainConfig, opts: TrainerOptions = {}): Trainer {
  const setup = setUpRun(data, config, opts);
  if (config.algo === 'flattest') return createSearchTrainer(setup, opts);
  const { ctx, st } = setup;
  if (!opts.resume && config.steps === 0) enterPolish(ctx, st);
  return trainerView(
    setup,
    opts,
    () => st,
    (k = 1) => advanceRun(ctx, st, k),
    null,
    () => null,
  );
}

/** What `train` returns: the final network, its last metrics and the logged ones, the steps taken, the rate used and the search report. */
export interface TrainResult {
  net: Network;
  final: Metrics;
  log: Metrics[];
  steps: number;
  /** The base learning rate used: config.lr, or lower where the curvature cap bound (step-cap.ts). */
  lr: number;
  /** The flattest search's report (runs, the one kept, the width); null for the other algorithms. */
  search: SearchReport | null;
}

/**
 * Run a trainer to the end. Logging is opt-in: with `onLog`, metrics are computed and passed to it at
 * the start, every `logEvery` steps and at the end (and kept in `log`); without it only the final
 * metrics are computed. `onCheckpoint` is offered a checkpoint every `checkpointEvery` steps.
 *
 * @example
 * ```ts
 * import { defaultTrainConfig, makeDataset, train } from 'flatlab';
 *
 * const data = makeDataset({ d: 3, n: 20, r: 1, links: 'relu', seed: 0 });
 * const r = train(data, { ...defaultTrainConfig('sam'), width: 8, steps: 100 });
 * console.log(r.final.trainLoss <= 1e-8, r.final.fStar !== null); // true true: polished to an interpolator
 * ```
 */
export function train(
  data: Dataset,
  config: TrainConfig,
  o: TrainerOptions & {
    onLog?: (m: Metrics) => void;
    onCheckpoint?: (ck: Checkpoint) => void;
    onStep?: (s: StepInfo) => void;
  } = {},
): TrainResult {
  const t = createTrainer(data, config, o);
  const log: Metrics[] = [];
  const onLog = o.onLog;
  const emit = (m: Metrics): void => {
    log.push(m);
    onLog?.(m);
  };
  if (onLog && !o.resume) emit(t.metrics());
  while (!t.done) {
    const before = t.step;
    const info = t.advance(1);
    o.onStep?.(info);
    if (onLog && t.step !== before && t.step % config.logEvery === 0) emit(t.metrics());
    if (o.onCheckpoint && t.step !== before && t.step % config.checkpointEvery === 0) o.onCheckpoint(t.checkpoint());
  }
  const final = t.metrics();
  emit(final);
  return { net: t.snapshot(), final, log, steps: t.step, lr: t.lr, search: t.search };
}
