/** `flatlab worker` child processes, as a user starts them on each machine. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface WorkerProc {
  child: ChildProcess;
  /** Everything printed so far (one line per finished / retried / failed trial). */
  out(): string;
  /** Resolves when the output matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `url` null: the worker reads FLATLAB_REDIS_URL from `env` instead of --redis. */
export function spawnWorker(url: string | null, extra: string[] = [], env: Record<string, string> = {}): WorkerProc {
  const child = spawn(
    process.execPath,
    [
      join(process.cwd(), 'bin', 'flatlab.js'),
      'worker',
      ...(url ? ['--redis', url] : []),
      '--concurrency',
      '1',
      '--lock-duration-ms',
      '4000',
      '--stalled-interval-ms',
      '2000',
      ...extra,
    ],
    { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  return {
    child,
    out: () => text,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const tick = () => {
          if (re.test(text)) return resolve();
          if (child.exitCode !== null)
            return reject(new Error(`worker exited (${child.exitCode}) before ${re}: ${text}`));
          if (Date.now() - t0 > timeoutMs) return reject(new Error(`timed out waiting for ${re}: ${text}`));
          setTimeout(tick, 20);
        };
        tick();
      });
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}
