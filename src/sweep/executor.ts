/**
 * Choosing an executor for `runStudies`: in this thread (1 worker), a local thread pool (N workers),
 * or Redis (`redis` set): trials go to the queue, `flatlab worker` processes anywhere run them, and
 * this process receives the results and remains the single writer of the database.
 */
import { InputError } from '../errors.js';
import { inProcessExecutor } from '../studies/executors.js';
import type { Trial, TrialExecutor, TrialResult } from '../studies/trial-types.js';
import { collectResults, type QueueTarget, submitTrials } from './distributed.js';
import { checkWorkers, defaultWorkers, PoolExecutor } from './pool.js';
import { redactRedisUrl } from './redis-url.js';

export interface ExecutorOptions {
  /** Local worker threads (default: one per core); 1 runs trials in this thread. */
  workers?: number;
  /** Run through this Redis queue instead of locally. */
  redis?: string;
  queue?: string;
  attempts?: number;
  backoffMs?: number;
  pollMs?: number;
}

export function createExecutor(opts: ExecutorOptions = {}): TrialExecutor {
  if (opts.redis) return redisExecutor({ redis: opts.redis, queue: opts.queue }, opts);
  const workers = checkWorkers(opts.workers ?? defaultWorkers());
  return workers === 1 ? inProcessExecutor() : new PoolExecutor({ workers });
}

function redisExecutor(target: QueueTarget, opts: ExecutorOptions): TrialExecutor {
  return {
    name: `redis queue "${target.queue ?? 'flatlab-trials'}" at ${redactRedisUrl(target.redis)}`,
    async run(trials: readonly Trial[], onResult: (trial: Trial, result: TrialResult) => void) {
      await submitTrials(target, trials, { attempts: opts.attempts ?? 3, backoffMs: opts.backoffMs ?? 1000 });
      const delivered = new Set<string>();
      const sink = {
        has: (key: string) => delivered.has(key),
        insert: (trial: Trial, result: TrialResult) => {
          delivered.add(trial.key);
          onResult(trial, result);
          return true;
        },
      };
      const p = await collectResults(target, trials, sink, { pollMs: opts.pollMs ?? 1000 });
      if (p.missing > 0)
        throw new InputError(
          `${p.missing} trial(s) disappeared from the Redis queue before finishing (was the queue cleared?); run again to resubmit them`,
        );
    },
    async close() {},
  };
}
