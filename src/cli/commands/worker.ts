/**
 * `flatlab worker --redis URL`: take trials from the sweep queue and run them in a local thread pool
 * until stopped (SIGINT/SIGTERM let running trials finish; SIGKILL is survived by the sweep: the
 * trials in flight are re-queued once their locks expire).
 */
import type { Command } from 'commander';
import { startWorker } from '../../sweep/distributed.js';
import { intFlag, redisUrlFlag } from '../../sweep/options.js';
import { defaultWorkers, MAX_WORKERS } from '../../sweep/pool.js';
import { redactRedisUrl } from '../../sweep/redis-url.js';

interface WorkerFlags {
  redis?: string;
  queue?: string;
  concurrency?: string;
  threads?: string;
  lockDurationMs?: string;
  stalledIntervalMs?: string;
  maxStalled?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run sweep trials from a Redis queue (see docs/sweeps.md); stop with Ctrl-C')
    .option('--redis <url>', 'redis:// or rediss:// URL (default: $FLATLAB_REDIS_URL)')
    .option('--queue <name>', 'queue name', 'flatlab-trials')
    .option('--concurrency <n>', 'trials at once, one thread each (default: one per core)')
    .option('--threads <n>', 'BLAS threads per trial (default: cores / concurrency)')
    .option('--lock-duration-ms <ms>', "job lock lifetime; a killed worker's trials restart after about this", '30000')
    .option('--stalled-interval-ms <ms>', 'how often to look for trials of dead workers', '30000')
    .option('--max-stalled <n>', 'times a trial may lose its worker before it is failed', '2')
    .option('--quiet', 'do not print a line per trial')
    .action(async (f: WorkerFlags) => {
      const redis = redisUrlFlag(f.redis);
      const concurrency = intFlag(f.concurrency, '--concurrency', 1, MAX_WORKERS, defaultWorkers());
      const threads = f.threads === undefined ? undefined : intFlag(f.threads, '--threads', 1, 1024, 1);
      const log = f.quiet ? () => {} : (line: string) => process.stdout.write(`${line}\n`);
      const worker = await startWorker(
        { redis, queue: f.queue },
        {
          concurrency,
          threads,
          lockDurationMs: intFlag(f.lockDurationMs, '--lock-duration-ms', 1000, 86_400_000, 30_000),
          stalledIntervalMs: intFlag(f.stalledIntervalMs, '--stalled-interval-ms', 500, 86_400_000, 30_000),
          maxStalledCount: intFlag(f.maxStalled, '--max-stalled', 0, 1000, 2),
          log,
        },
      );
      process.stderr.write(
        `flatlab worker: ${concurrency} concurrent trial(s) from queue "${f.queue}" at ${redactRedisUrl(redis)}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (sig: string) => {
          process.stderr.write(`flatlab worker: ${sig}, finishing running trials\n`);
          worker.close().then(resolve, resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
