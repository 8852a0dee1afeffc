/**
 * A throw-away redis-server per test file: Debian's binary on 127.0.0.1 and a free port, no
 * persistence, killed (by its own pid) at the end. Without redis-server the Redis tests are skipped
 * with a visible warning, except under FLATLAB_REQUIRE_REDIS=1 (CI), where that is a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

export function findRedisServer(): string | null {
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const d of dirs) if (d && existsSync(join(d, 'redis-server'))) return join(d, 'redis-server');
  return null;
}

/** The redis-server binary, or null after warning (throws when CI requires Redis). */
export function redisOrSkip(file: string): string | null {
  const bin = findRedisServer();
  if (bin) return bin;
  const msg = `${file}: redis-server not found, SKIPPING the distributed-sweep tests (apt-get install redis-server)`;
  if (process.env.FLATLAB_REQUIRE_REDIS === '1') throw new Error(`${msg} — FLATLAB_REQUIRE_REDIS=1 makes them mandatory`);
  console.warn(`\n*** ${msg} ***\n`);
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function waitReady(port: number, password: string | undefined, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const c = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      return true;
    } catch {
      c.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

export async function startRedis(bin: string, opts: { password?: string } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'flatlab-redis-'));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log')];
    if (opts.password) args.push('--requirepass', opts.password);
    const child = spawn(bin, args, { stdio: 'ignore' });
    if (await waitReady(port, opts.password, child)) {
      const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
      return {
        url: `redis://${auth}127.0.0.1:${port}`,
        port,
        async stop() {
          if (child.exitCode === null) {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGKILL');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    // the port was taken between the probe and the start: try another
    child.kill('SIGKILL');
  }
  throw new Error(`could not start redis-server (log in ${dir})`);
}
