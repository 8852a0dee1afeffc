/**
 * Distributed sweeps over one Redis server with BullMQ. A trial is a job whose id is derived from the
 * trial key, so submitting twice never duplicates work; workers anywhere run jobs in a thread pool (the
 * main thread stays free to renew job locks, so a long trial is never mistaken for a dead worker);
 * a killed worker's job is re-queued by the stalled-job check; a failing trial is retried a bounded
 * number of times with exponential backoff and then stays failed with its message. The collector is
 * the only process that writes the study's SQLite database.
 */
import { type ConnectionOptions, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { InputError } from '../errors.js';
import type { Trial, TrialResult } from '../studies/trial-types.js';
import { decodeResult, encodeResult } from './codec.js';
import { failedResult } from './dispatch.js';
import { checkJob, jobKey } from './job-check.js';
import { TrialPool } from './pool.js';
import { recentFailures, repairQueue } from './raw-jobs.js';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';
import { checkResult } from './trial-schema.js';

export const DEFAULT_QUEUE = 'flatlab-trials';

export interface QueueTarget {
  /** redis:// or rediss:// URL. */
  redis: string;
  /** Queue name (default flatlab-trials); separate sweeps may share one queue, keys never collide. */
  queue?: string;
}

/** The collector's view of the database (the studies' ResultStore satisfies it). */
export interface ResultSink {
  has(key: string): boolean;
  insert(trial: Trial, result: TrialResult): boolean;
}

/**
 * BullMQ refuses integer-looking ids and ids with ':'; trial keys are SHA-256 hex, which is neither
 * (all 64 hex digits being decimal has probability ~1e-13), but any other key is made safe here.
 */
export function jobIdFor(key: string): string {
  return /^\d+$/.test(key) || key.includes(':') ? `trial-${key.replaceAll(':', '_')}` : key;
}

function queueName(t: QueueTarget): string {
  const q = t.queue ?? DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(q))
    throw new InputError(`--queue must be 1–100 letters, digits, "_", "." or "-" (got "${q}")`);
  return q;
}

const FATAL = /WRONGPASS|NOAUTH|certificate|self[- ]signed|ENOTFOUND/i;

/** Connect and check (PING) once, so a wrong host or password is one clear line, not endless retries. */
async function connect(t: QueueTarget): Promise<Redis> {
  let lastError: Error | null = null;
  let giveUp = false;
  let connected = false;
  const opts: RedisOptions = {
    ...parseRedisUrl(t.redis),
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectTimeout: 5000,
    // ioredis keeps a 2 s timer after disconnecting a socket that never opened; a CLI must not wait for it
    disconnectTimeout: 100,
    // First connection: give up after a few attempts (at once when retrying cannot help) instead of
    // hanging. Once connected, a long `collect` rides out Redis restarts and network blips.
    retryStrategy: (times) => {
      if (connected) return Math.min(200 * times, 5000);
      return giveUp || times > 3 || (lastError && FATAL.test(lastError.message)) ? null : 200 * times;
    },
  };
  const client = new Redis(opts);
  client.on('error', (e: Error) => {
    lastError = e;
  });
  try {
    await client.connect();
    await client.ping();
    connected = true;
  } catch (e) {
    giveUp = true; // a reconnection may already be scheduled; it must not keep the process alive
    client.disconnect();
    const why = (lastError ?? (e as Error)).message;
    throw new InputError(`cannot reach Redis at ${redactRedisUrl(t.redis)}: ${why}`);
  }
  return client;
}

async function withQueue<T>(t: QueueTarget, fn: (queue: Queue, client: Redis) => Promise<T>): Promise<T> {
  const name = queueName(t);
  const client = await connect(t);
  const queue = new Queue(name, { connection: client });
  try {
    return await fn(queue, client);
  } finally {
    await queue.close();
    client.disconnect();
  }
}

export interface SubmitOptions {
  /** Attempts per trial before it is failed for good (≥ 1). */
  attempts: number;
  /** First retry delay; doubles at each further attempt. */
  backoffMs: number;
  /** Put trials whose job has failed for good back in the queue (after fixing the cause). */
  retryFailed?: boolean;
}

export interface SubmitReport {
  submitted: number;
  alreadyQueued: number;
  /** Failed jobs put back in the queue (with retryFailed). */
  retried: number;
}

export function checkAttempts(n: unknown, field = '--attempts'): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100)
    throw new InputError(`${field} must be an integer in 1…100 (got ${JSON.stringify(n)})`);
  return n;
}

/** Enqueue trials (the caller passes only those not yet in the database); existing jobs are left alone. */
export async function submitTrials(
  t: QueueTarget,
  trials: readonly Trial[],
  opts: SubmitOptions,
): Promise<SubmitReport> {
  checkAttempts(opts.attempts);
  return withQueue(t, async (queue, client) => {
    let submitted = 0;
    let alreadyQueued = 0;
    let retried = 0;
    for (let i = 0; i < trials.length; i += 500) {
      const chunk = trials.slice(i, i + 500);
      const exists = await Promise.all(chunk.map((tr) => client.exists(queue.toKey(jobIdFor(tr.key)))));
      const fresh = chunk.filter((_, j) => exists[j] === 0);
      alreadyQueued += chunk.length - fresh.length;
      if (opts.retryFailed) {
        for (const tr of chunk.filter((_, j) => exists[j] !== 0)) {
          const job = await queue.getJob(jobIdFor(tr.key));
          if (job && (await job.isFailed())) {
            await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
            retried++;
          }
        }
      }
      // addBulk is atomic per chunk and also ignores ids that appeared since the check (another submitter).
      await queue.addBulk(
        fresh.map((tr) => ({
          name: tr.study,
          data: tr,
          opts: {
            jobId: jobIdFor(tr.key),
            attempts: opts.attempts,
            backoff: { type: 'exponential', delay: opts.backoffMs },
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      );
      submitted += fresh.length;
    }
    return { submitted, alreadyQueued, retried };
  });
}

export interface CollectProgress {
  total: number;
  /** In the database (before or by this collector), failed ones included. */
  stored: number;
  /** Of `stored`, recorded as failed. */
  failed: number;
  /** Queued, running or waiting for a retry. */
  pending: number;
  /** Neither in the database nor in the queue: never submitted (or removed from Redis). */
  missing: number;
}

export interface CollectOptions {
  /** Keep polling until nothing is pending (default true); false collects what is finished and returns. */
  follow?: boolean;
  pollMs?: number;
  onProgress?: (p: CollectProgress) => void;
  /** One line per refused (forged or corrupted) result; such trials count as failed and are not stored. */
  onRefused?: (key: string, reason: string) => void;
  signal?: AbortSignal;
}

/**
 * The database record of a job that has finished for good, null while it is still pending, or the
 * reason a forged or corrupted return value is refused (it is logged and left out of the database).
 */
function finishedRecord(job: Job, trial: Trial): TrialResult | null | { refused: string } {
  if (!job.finishedOn) return null;
  if (typeof job.returnvalue === 'string') {
    let raw: unknown;
    try {
      raw = decodeResult(job.returnvalue);
    } catch {
      return { refused: 'return value is not JSON' };
    }
    const r = checkResult(raw);
    return 'result' in r ? r.result : { refused: r.reason };
  }
  if (job.returnvalue !== null && job.returnvalue !== undefined) return { refused: 'return value is not a string' };
  // Failed after its last attempt: keep the message (the worker's version/backend are not known here).
  return failedResult(trial, new Error(job.failedReason || 'failed without a message'), 'unknown', 'unknown');
}

/** Copy finished trials from Redis into the database, idempotently, until none is pending. */
export async function collectResults(
  t: QueueTarget,
  trials: readonly Trial[],
  sink: ResultSink,
  opts: CollectOptions = {},
): Promise<CollectProgress> {
  const pollMs = opts.pollMs ?? 1000;
  return withQueue(t, async (queue, client) => {
    let failed = 0;
    let refused = 0;
    let open = trials.filter((tr) => !sink.has(tr.key));
    for (;;) {
      const next: Trial[] = [];
      let missing = 0;
      for (let i = 0; i < open.length; i += 500) {
        const r = await collectChunk(queue, client, open.slice(i, i + 500), sink, opts);
        next.push(...r.next);
        missing += r.missing;
        failed += r.failed;
        refused += r.refused;
      }
      open = next;
      const progress: CollectProgress = {
        total: trials.length,
        stored: trials.length - open.length - refused,
        failed: failed + refused,
        pending: open.length - missing,
        missing,
      };
      opts.onProgress?.(progress);
      if (progress.pending === 0 || opts.follow === false || opts.signal?.aborted) return progress;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  });
}

/**
 * One round over a chunk of open trials: store the finished ones; returns those still open (unfinished,
 * or changed between the two reads), how many jobs are missing, failed or refused.
 */
async function collectChunk(
  queue: Queue,
  client: Redis,
  chunk: readonly Trial[],
  sink: ResultSink,
  opts: CollectOptions,
): Promise<{ next: Trial[]; missing: number; failed: number; refused: number }> {
  const out = { next: [] as Trial[], missing: 0, failed: 0, refused: 0 };
  // Two small fields per job first (every job has a timestamp); whole jobs only once finished.
  const heads = await Promise.all(
    chunk.map((tr) => client.hmget(queue.toKey(jobIdFor(tr.key)), 'timestamp', 'finishedOn')),
  );
  const finished: Trial[] = [];
  chunk.forEach((tr, j) => {
    const [timestamp, finishedOn] = heads[j];
    if (timestamp === null) out.missing++;
    if (finishedOn === null) out.next.push(tr);
    else finished.push(tr);
  });
  const jobs = await Promise.all(finished.map((tr) => queue.getJob(jobIdFor(tr.key))));
  finished.forEach((tr, j) => {
    const job = jobs[j];
    const rec = job ? finishedRecord(job, tr) : null;
    if (!rec) {
      out.next.push(tr); // removed or retried between the two reads: look again next round
      return;
    }
    if ('refused' in rec) {
      opts.onRefused?.(tr.key, rec.refused);
      out.refused++;
      return;
    }
    sink.insert(tr, rec.key === tr.key ? rec : { ...rec, key: tr.key });
    if (rec.error !== undefined) out.failed++;
  });
  return out;
}

export interface QueueStatus {
  queued: number;
  retrying: number;
  active: number;
  done: number;
  failed: number;
  workers: number;
  recentFailures: { key: string; reason: string; attempts: number }[];
}

export async function queueStatus(t: QueueTarget, failures = 10): Promise<QueueStatus> {
  return withQueue(t, async (queue, client) => {
    const c = await queue.getJobCounts(
      'wait',
      'prioritized',
      'waiting-children',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    // CLIENT LIST may be forbidden by the server's ACL; the counts matter more than the worker count.
    const workers = await queue.getWorkersCount().catch(() => -1);
    const failedJobs = await recentFailures(client, queue, failures);
    return {
      queued: (c.wait ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
      retrying: c.delayed ?? 0,
      active: c.active ?? 0,
      done: c.completed ?? 0,
      failed: c.failed ?? 0,
      workers,
      recentFailures: failedJobs,
    };
  });
}

export interface WorkerOptions {
  /** Trials run at once (one pool thread each). */
  concurrency: number;
  /** How long a job's lock lives without renewal; a dead worker's job is re-queued after about this. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired. */
  stalledIntervalMs?: number;
  /** Times a job may be found stalled before it is failed (a crash loop must not run forever). */
  maxStalledCount?: number;
  /** BLAS threads per pool thread (default: cores / concurrency). */
  threads?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Stop taking jobs, let running trials finish, shut the pool. */
  close(): Promise<void>;
}

/**
 * A job whose payload is not JSON makes BullMQ's Job.fromJSON throw inside the worker loop: the job
 * stays active, stalls, is re-queued and throws again. Here such a payload becomes a marker object that
 * fails the trial schema, so the job fails for good with a reason (UnrecoverableError: no retries).
 */
class GuardedWorker extends Worker {
  override createJob(data: Parameters<Worker['createJob']>[0], jobId: string): ReturnType<Worker['createJob']> {
    try {
      return super.createJob(data, jobId);
    } catch {
      return super.createJob({ ...data, data: JSON.stringify({ unparsablePayload: true }) }, jobId);
    }
  }
}

export async function startWorker(t: QueueTarget, opts: WorkerOptions): Promise<RunningWorker> {
  const name = queueName(t);
  const repairer = await connect(t); // fail fast on a bad URL or password; kept for repairs below
  const log = opts.log ?? (() => {});
  const pool = new TrialPool({ workers: opts.concurrency, threads: opts.threads });
  // BullMQ's structural option type differs from ioredis's in detail only (retryStrategy's return type).
  const connection = { ...parseRedisUrl(t.redis), maxRetriesPerRequest: null } as ConnectionOptions;
  const worker = new GuardedWorker(
    name,
    async (job: Job) => {
      // Validated here too: anyone who can write to Redis can enqueue a job.
      const checked = checkJob(job.data);
      if ('reason' in checked) throw new UnrecoverableError(checked.reason);
      const trial = checked.trial;
      const result = await pool.run(trial);
      // runTrial reports deterministic failures as results; as a job failure they get the bounded retries.
      if (result.error !== undefined) throw new Error(result.error);
      return encodeResult(result);
    },
    {
      connection,
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 2,
    },
  );
  worker.on('completed', (job: Job) => log(`done ${jobKey(job)}`));
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (!job) return;
    const max = job.opts?.attempts ?? 1;
    const final = job.attemptsMade >= max;
    log(`${final ? 'failed' : 'retry'} ${jobKey(job)} (attempt ${job.attemptsMade}/${max}): ${err.message}`);
  });
  // A job whose options do not parse throws on every fetch and would stay active forever: repair it
  // (raw-jobs.ts) so that its next fetch fails it for good; at most one scan a second.
  let lastRepair = 0;
  worker.on('error', (e: Error) => {
    log(`worker error: ${e.message}`);
    if (!(e instanceof SyntaxError) || Date.now() - lastRepair < 1000) return;
    lastRepair = Date.now();
    repairQueue(repairer, worker)
      .then((ids) => {
        for (const id of ids) log(`job ${id}: corrupted options; it will fail as corrupted`);
      })
      .catch((err: Error) => log(`worker error: cannot repair corrupted jobs: ${err.message}`));
  });
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      repairer.disconnect();
      await pool.close();
    },
  };
}

/**
 * Remove finished (completed and failed) jobs from Redis, e.g. after collecting a large sweep. The
 * database stays the record: resubmitting skips what it holds (with --db).
 */
export async function cleanFinished(t: QueueTarget): Promise<{ removed: number }> {
  return withQueue(t, async (queue) => {
    let removed = 0;
    for (const type of ['completed', 'failed'] as const) {
      for (;;) {
        const ids = await queue.clean(0, 1000, type);
        removed += ids.length;
        if (ids.length === 0) break;
      }
    }
    return { removed };
  });
}
