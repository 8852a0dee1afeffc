/**
 * The trainer's state as data: one zod schema of the serializable state record, from which its type
 * is inferred, and the checkpoint = a header (format, configuration, data hash, activation, shape) plus
 * that record. An edited or truncated checkpoint must give one InputError line, never a stack trace or
 * a silent restart, so everything is checked before a run resumes: the shapes and types of every field,
 * θ (and the optimizer moments) as base64 of exactly m(d+1) doubles, generator states (four 32-bit
 * words, not all zero, which xoshiro could never leave), the epoch permutation against the data
 * (validateCheckpointObject), and the record against the command's configuration — width, algorithm,
 * optimizer kind, step counters, rate (checkCheckpointAgainstConfig in resume-check.ts).
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { ActivationSpec } from '../model/activations.js';
import { parseActivationObject } from '../model/model-json.js';
import type { TrainConfig } from './params.js';

const uint32 = z.number().int().min(0).max(0xffffffff);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, {
  error: 'must be base64',
});

const rngState = z.strictObject({
  s: z
    .tuple([uint32, uint32, uint32, uint32])
    .refine((s) => s.some((w) => w !== 0), { error: 'an all-zero xoshiro state is invalid' }),
  // JSON turns a NaN spare into null; a spare is only used when hasSpare is true.
  spare: z.number().nullable(),
  hasSpare: z.boolean(),
});

/** A student's width m; the networks whose θ the checkpoint stores (its own, the search's best) have m ≤ 10⁶. */
const width = z.number().int().min(1);
const networkWidth = width.max(1_000_000);

/** Why a run's training phase ended. */
export const RUN_STOPS = ['converged', 'budget', 'time'] as const;
const runStop = z.enum(RUN_STOPS);

/** One finished run of the flattest search (after its polish and balance). */
const searchRun = z.strictObject({
  restart: count,
  seed: count,
  width,
  steps: count,
  stopped: runStop,
  backoffs: count,
  trainLoss: z.number().min(0),
  // NaN (no F*) is written as null by JSON and read back as NaN.
  fStar: z
    .number()
    .nullable()
    .transform((v) => v ?? Number.NaN),
  interpolates: z.boolean(),
});

/** The λ continuation of the current run of the flattest search. */
const continuation = z.strictObject({
  /** λ of the next step. */
  lambda: z.number().min(0),
  /** L and P at the start of the current window (null before the first window boundary). */
  winLoss: z.number().nullable(),
  winPen: z.number().nullable(),
  /** How many times λ was cut because the objective stalled. */
  backoffs: count,
});

/** The flattest search's part of the state: the current run, its continuation, the runs done and the best θ. */
const searchState = z.strictObject({
  run: count,
  runStep: count,
  width,
  runStopped: runStop,
  continuation,
  runs: z.array(searchRun),
  /** θ of the best run so far (base64), with its width; null before the first run ends. */
  best: z.strictObject({ theta: base64, m: networkWidth }).nullable(),
});

const PHASES = ['train', 'polish', 'done'] as const;

/** The trainer's state record: everything a run needs to continue bit-identically, and nothing else. */
export const TRAINER_STATE_SCHEMA = z.strictObject({
  /** Optimizer steps taken (over every run of the flattest search). */
  step: count,
  phase: z.enum(PHASES),
  polishIter: count,
  gnMu: z.number().positive(),
  // The loss at the start of the Gauss–Newton polish's current stall window (absent in older checkpoints,
  // whose polish then opens a new window where it resumes).
  gnWindowLoss: z.number().nonnegative().nullable().optional(),
  // The base rate after the curvature cap (absent in checkpoints made before the cap: config.lr).
  lr: z.number().nonnegative().finite().optional(),
  lastLoss: z.number().nullable(),
  /** θ = [a, W] as base64 of its IEEE bytes (JSON numbers would lose −0). */
  theta: base64,
  opt: z.strictObject({
    kind: z.enum(['sgd', 'adam']),
    m1: base64.nullable(),
    m2: base64.nullable(),
    t: count,
  }),
  rngBatch: rngState,
  rngNoise: rngState,
  perm: z.array(z.number().int().min(0)).nullable(),
  permPos: count,
  elapsedMs: z.number().min(0),
  /** The flattest search's state (absent for the other algorithms). */
  search: searchState.optional(),
});

const isRecord = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a checkpoint says it belongs to: the run's configuration, data, activation and shape. */
const CHECKPOINT_HEADER = z.strictObject({
  format: z.literal('flatlab-checkpoint'),
  version: z.literal(1),
  // Compared with the command's configuration as a whole before the run resumes (checkCheckpointAgainstConfig).
  config: z.custom<TrainConfig>(isRecord, { error: 'must be an object' }),
  dataHash: z.string().regex(/^[0-9a-f]{8}$/, { error: 'must be 8 hex digits' }),
  // Checked by the model format's activation parser after the schema (validateCheckpointObject).
  activation: z.custom<ActivationSpec>(isRecord, { error: 'must be an activation object' }),
  m: networkWidth,
  d: z
    .number()
    .int()
    .min(1)
    .max(2 ** 28),
});

const CHECKPOINT_SCHEMA = CHECKPOINT_HEADER.extend(TRAINER_STATE_SCHEMA.shape);

/** Where a trainer is: training, the Gauss–Newton polish, or done. */
export type Phase = (typeof PHASES)[number];
export type RunStop = z.infer<typeof runStop>;
/** One finished run of the flattest search: its restart and seed, width, steps, why it stopped, train loss and F*. */
export type SearchRun = z.infer<typeof searchRun>;
export type Continuation = z.infer<typeof continuation>;
export type SearchCheckpoint = z.infer<typeof searchState>;
export type TrainerStateRecord = z.infer<typeof TRAINER_STATE_SCHEMA>;
export type CheckpointHeader = z.infer<typeof CHECKPOINT_HEADER>;
/** A checkpoint file: the header and the trainer's state record. */
export type Checkpoint = z.infer<typeof CHECKPOINT_SCHEMA>;

/** The number of bytes a (valid) base64 string decodes to. */
function decodedBytes(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - pad;
}

/**
 * Validate a parsed checkpoint. `where` names the file in messages; `data` (the run's data set shape)
 * also checks the dimension and the epoch permutation against it.
 */
export function validateCheckpointObject(raw: unknown, where: string, data?: { n: number; d: number }): Checkpoint {
  const r = CHECKPOINT_SCHEMA.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InputError(`${where}: ${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`);
  }
  const ck = r.data;
  parseActivationObject(ck.activation, `${where}: activation`);
  const p = ck.m * (ck.d + 1);
  const fields: [string, string | null][] = [
    ['theta', ck.theta],
    ['opt.m1', ck.opt.m1],
    ['opt.m2', ck.opt.m2],
  ];
  for (const [name, v] of fields) {
    if (v !== null && decodedBytes(v) !== 8 * p)
      throw new InputError(
        `${where}: ${name} holds ${decodedBytes(v) / 8} numbers, expected m(d+1) = ${p} (m = ${ck.m}, d = ${ck.d})`,
      );
  }
  const best = ck.search?.best;
  if (best && decodedBytes(best.theta) !== 8 * best.m * (ck.d + 1))
    throw new InputError(
      `${where}: search.best.theta holds ${decodedBytes(best.theta) / 8} numbers, expected m(d+1) = ${best.m * (ck.d + 1)}`,
    );
  if (ck.search && ck.search.width !== ck.m)
    throw new InputError(`${where}: search.width = ${ck.search.width} but m = ${ck.m}`);
  if (ck.opt.kind === 'adam' && (ck.opt.m1 === null || ck.opt.m2 === null))
    throw new InputError(`${where}: opt: an adam state needs both moments m1 and m2`);
  if (data) checkAgainstData(ck, where, data);
  return ck;
}

function checkAgainstData(ck: Checkpoint, where: string, data: { n: number; d: number }): void {
  if (ck.d !== data.d) throw new InputError(`${where}: d = ${ck.d} but the data have d = ${data.d}`);
  if (ck.perm !== null) {
    const seen = new Uint8Array(data.n);
    if (ck.perm.length !== data.n)
      throw new InputError(`${where}: perm has ${ck.perm.length} entries but the data have n = ${data.n}`);
    for (const v of ck.perm) {
      if (v >= data.n || seen[v]) throw new InputError(`${where}: perm is not a permutation of 0…${data.n - 1}`);
      seen[v] = 1;
    }
  }
  if (ck.permPos > data.n) throw new InputError(`${where}: permPos = ${ck.permPos} exceeds n = ${data.n}`);
}
