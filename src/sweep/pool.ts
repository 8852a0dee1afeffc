/**
 * Local parallelism: a piscina pool of worker threads, one per core by default, each running whole
 * trials. Results come back to the calling (main) thread, which is the only one that writes the
 * database. Threads run the compiled code in dist/, also when this module is loaded from src/ (tests).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { InputError } from '../errors.js';
import { getBackend } from '../linalg/backend.js';
import type { Trial, TrialExecutor, TrialResult } from '../studies/trial-types.js';
import { VERSION } from '../version.js';
import { failedResult } from './dispatch.js';

export const MAX_WORKERS = 256;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function checkWorkers(n: unknown, field = '--workers'): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new InputError(`${field} must be an integer in 1…${MAX_WORKERS} (got ${JSON.stringify(n)})`);
  }
  return n;
}

/**
 * BLAS threads per worker: FLATLAB_THREADS when set, else the cores shared out among the workers
 * (at least 1), so workers × threads ≤ cores.
 */
export function threadsPerWorker(workers: number): number {
  const env = process.env.FLATLAB_THREADS;
  if (env !== undefined && env !== '') {
    const t = Number(env);
    if (!Number.isInteger(t) || t < 1 || t > 1024)
      throw new InputError(`FLATLAB_THREADS must be an integer in 1…1024 (got "${env}")`);
    return t;
  }
  return Math.max(1, Math.floor(defaultWorkers() / workers));
}

/** The compiled thread entry: next to this module when it runs from dist/, else the repository's dist/. */
export function workerScript(): string {
  const sibling = fileURLToPath(new URL('./worker-thread.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  const built = fileURLToPath(new URL('../../dist/src/sweep/worker-thread.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`the sweep worker thread is not built (${built}); run \`npm run build\``);
}

/** A pool that runs single trials; `run` rejects when the trial throws. */
export class TrialPool {
  readonly workers: number;
  readonly threads: number;
  private readonly pool: Piscina<Trial, TrialResult>;

  constructor(opts: { workers?: number; threads?: number } = {}) {
    this.workers = checkWorkers(opts.workers ?? defaultWorkers());
    this.threads = opts.threads ?? threadsPerWorker(this.workers);
    this.pool = new Piscina<Trial, TrialResult>({
      filename: workerScript(),
      minThreads: this.workers,
      maxThreads: this.workers,
      // idle threads stay: starting one re-loads the backend
      idleTimeout: Number.POSITIVE_INFINITY,
      // OpenBLAS's thread count is process-wide; each thread sets it (to the same value) on start.
      workerData: { threads: this.threads },
    });
  }

  run(trial: Trial): Promise<TrialResult> {
    return this.pool.run(trial);
  }

  async close(): Promise<void> {
    await this.pool.close({ force: true });
  }
}

/** The studies' executor interface over a TrialPool; a trial that throws is recorded as failed. */
export class PoolExecutor implements TrialExecutor {
  readonly name: string;
  private readonly pool: TrialPool;

  constructor(opts: { workers?: number; threads?: number } = {}) {
    this.pool = new TrialPool(opts);
    this.name = `pool(${this.pool.workers} workers × ${this.pool.threads} BLAS threads)`;
  }

  async run(trials: readonly Trial[], onResult: (trial: Trial, result: TrialResult) => void): Promise<void> {
    let firstError: unknown = null;
    await Promise.all(
      trials.map(async (trial) => {
        const t0 = performance.now();
        let result: TrialResult;
        try {
          result = await this.pool.run(trial);
        } catch (e) {
          result = failedResult(trial, e, getBackend().name, VERSION, performance.now() - t0);
        }
        // A failing onResult (e.g. the database) must not stop the other trials' results from arriving.
        try {
          onResult(trial, result);
        } catch (e) {
          firstError ??= e;
        }
      }),
    );
    if (firstError) throw firstError;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
