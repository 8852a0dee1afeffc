/**
 * The trainer runs whose bits the restructure-trainer baseline pins: every algorithm (with its
 * per-algorithm settings and the curvature cap), both polishes, momentum, schedules, label noise,
 * sampling with replacement, a divergence, steps = 0, and the flattest search with restarts and width
 * raising. `digestOf` hashes everything a run exposes — every step's info, the logged metrics, the final
 * θ, the search report and the checkpoint's state — except wall-clock times.
 */
import { createHash } from 'node:crypto';
import type { Dataset } from '../../src/data/dataset.js';
import { makeActivation } from '../../src/model/activations.js';
import { forward, packParams } from '../../src/model/network.js';
import { createTrainer, parseTrainConfig, type Trainer } from '../../src/training/index.js';
import { encodeF64 } from '../../src/training/serialize.js';
import { randomData, randomNet } from '../helpers.js';

export interface TrainerCase {
  name: string;
  raw: Record<string, unknown>;
  activation?: string;
  data: 'teacher' | 'small';
  /** Where the test resumes from a checkpoint (default 0, 3, 17). */
  resumeAt?: number[];
}

const ALGOS = ['gd', 'sgd', 'adam', 'sam', '1sam', 'asam', 'label-noise', 'trace-penalty', 'invariant-penalty'];
const PER_ALGO: Record<string, Record<string, unknown>> = {
  sgd: { batch: 8 },
  '1sam': { batch: 8, microBatch: 2, rho: 0.02 },
  'label-noise': { batch: 8, noiseSigma: 0.1 },
  asam: { rho: 0.5 },
  'trace-penalty': { lambda: 1e-3 },
  'invariant-penalty': { lambda: 1e-3 },
};

const FLATTEST = { algo: 'flattest', optimizer: 'adam', lr: 0.02, lambda: 3e-3 };

export const CASES: TrainerCase[] = [
  ...ALGOS.map((algo) => ({
    name: algo,
    raw: { algo, width: 8, seed: 3, lr: algo === 'adam' ? 0.01 : 0.2, steps: 40, ...PER_ALGO[algo] },
    data: 'teacher' as const,
  })),
  ...ALGOS.map((algo) => ({
    name: `${algo} relu-pow:2`,
    raw: { algo, width: 8, seed: 5, lr: algo === 'adam' ? 0.01 : 0.05, steps: 30, polish: 'gd', ...PER_ALGO[algo] },
    activation: 'relu-pow:2',
    data: 'teacher' as const,
  })),
  {
    name: 'sgd momentum nesterov replacement cosine',
    data: 'teacher',
    raw: {
      algo: 'sgd',
      width: 6,
      batch: 5,
      replacement: true,
      momentum: 0.9,
      nesterov: true,
      schedule: 'cosine',
      lrMin: 0.01,
      lr: 0.1,
      steps: 30,
    },
  },
  {
    name: 'label-noise gaussian step schedule',
    data: 'teacher',
    raw: {
      algo: 'label-noise',
      width: 6,
      batch: 7,
      noiseKind: 'gaussian',
      schedule: 'step',
      stepEvery: 7,
      stepGamma: 0.5,
      lr: 0.1,
      steps: 30,
    },
  },
  {
    name: 'gd balance, polish none',
    data: 'teacher',
    raw: { algo: 'gd', width: 6, lr: 0.1, steps: 25, balance: true, polish: 'none' },
  },
  { name: 'gd steps 0', data: 'teacher', raw: { algo: 'gd', width: 6, steps: 0 } },
  {
    name: 'gd diverges',
    data: 'teacher',
    // The last finite iterate a divergence falls back to is not checkpointed: resume before it.
    resumeAt: [0, 1],
    raw: { algo: 'gd', width: 6, lr: 1e6, lrCap: 0, steps: 50, polish: 'none' },
  },
  {
    name: 'adam optimizer on sam, lr cap 0.5',
    data: 'teacher',
    raw: { algo: 'sam', optimizer: 'adam', width: 6, lr: 0.01, steps: 20 },
  },
  { name: 'gd lr cap 0.5', data: 'teacher', raw: { algo: 'gd', width: 10, lr: 5, lrCap: 0.5, steps: 20 } },
  {
    name: 'flattest interpolating, 3 restarts',
    data: 'teacher',
    raw: {
      ...FLATTEST,
      width: 12,
      lambdaFinal: 1e-6,
      restarts: 3,
      steps: 80,
      stopWindow: 10,
      seed: 2,
    },
  },
  {
    name: 'flattest early stop',
    data: 'teacher',
    raw: {
      ...FLATTEST,
      width: 12,
      lambdaFinal: 1e-4,
      steps: 600,
      stopWindow: 20,
      stopRel: 0.05,
      seed: 4,
    },
  },
  {
    name: 'flattest fixed schedule, sgd optimizer (capped)',
    data: 'teacher',
    raw: {
      algo: 'flattest',
      optimizer: 'sgd',
      width: 8,
      lr: 0.1,
      lambda: 1e-2,
      lambdaFinal: 1e-5,
      stopWindow: 0,
      steps: 40,
      polish: 'gd',
    },
  },
  {
    name: 'flattest width raising, not interpolating',
    data: 'small',
    raw: {
      algo: 'flattest',
      optimizer: 'adam',
      width: 1,
      maxWidth: 4,
      lr: 0.02,
      lambda: 3e-3,
      lambdaFinal: 1e-6,
      restarts: 2,
      steps: 30,
      stopWindow: 10,
      polishSteps: 5,
    },
  },
  {
    name: 'flattest steps 0, polish none',
    data: 'teacher',
    raw: { algo: 'flattest', optimizer: 'adam', width: 4, maxWidth: 8, restarts: 2, steps: 0, polish: 'none' },
  },
];

export function caseData(c: TrainerCase): Dataset {
  if (c.data === 'small') return randomData(30, 4, 11);
  const base = randomData(24, 5, 9);
  const teacher = randomNet('relu', 3, 5, 10);
  return { ...base, y: forward(teacher, base.X, 24) };
}

function activationOf(c: TrainerCase) {
  const s = c.activation ?? 'relu';
  return makeActivation(s === 'relu-pow:2' ? { name: 'relu-pow', p: 2 } : { name: 'relu' });
}

export function trainerOf(c: TrainerCase, data: Dataset): Trainer {
  return createTrainer(data, parseTrainConfig({ logEvery: 1000, ...c.raw }), { activation: activationOf(c) });
}

/** Everything a run exposes, without wall-clock times; `resumeAt` checkpoints there and resumes from the JSON. */
export function runCase(c: TrainerCase, resumeAt?: number): Record<string, unknown> {
  const data = caseData(c);
  const config = parseTrainConfig({ logEvery: 1000, ...c.raw });
  const act = activationOf(c);
  let t = createTrainer(data, config, { activation: act });
  const infos: unknown[] = [];
  const metrics: unknown[] = [];
  const strip = (m: Record<string, unknown>) => {
    const { elapsedMs: _e, ...rest } = m;
    return rest;
  };
  metrics.push(strip({ ...t.metrics() }));
  let error: string | null = null;
  let i = 0;
  try {
    while (!t.done && i < 5000) {
      if (resumeAt !== undefined && i === resumeAt) {
        const ck = JSON.parse(JSON.stringify(t.checkpoint()));
        t = createTrainer(data, config, { activation: act, resume: ck });
      }
      infos.push(t.advance(1));
      if (i % 7 === 0) metrics.push(strip({ ...t.metrics() }));
      i++;
    }
  } catch (e) {
    error = `${(e as Error).name}: ${(e as Error).message} @${(e as { step?: number }).step}`;
  }
  metrics.push(strip({ ...t.metrics() }));
  const { elapsedMs: _e, config: _c, ...state } = t.checkpoint();
  return {
    infos,
    metrics,
    theta: encodeF64(packParams(t.net)),
    step: t.step,
    lr: t.lr,
    // The message's name of the loss tolerance changed from tol to lossTol; nothing else in it did.
    search: t.search && { ...t.search, reason: t.search.reason?.replace('≤ lossTol =', '≤ tol =') ?? null },
    state,
    error,
  };
}

export function digestOf(run: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(run)).digest('hex').slice(0, 16);
}
