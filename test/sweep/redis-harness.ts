/**
 * A throw-away redis-server per test file: Debian's binary on 127.0.0.1 and a free port, no
 * persistence, killed (by its own pid) at the end. Without redis-server the Redis tests are skipped
 * with a visible warning, except under FLATLAB_REQUIRE_REDIS=1 (CI), where that is a failure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

/** FLATLAB_REDIS_SERVER picks the binary ("none" pretends it is missing, to check the skip path). */
export function findRedisServer(): string | null {
  const forced = process.env.FLATLAB_REDIS_SERVER;
  if (forced) return forced === 'none' ? null : forced;
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const d of dirs) if (d && existsSync(join(d, 'redis-server'))) return join(d, 'redis-server');
  return null;
}

/** The redis-server binary, or null after warning (throws when CI requires Redis). */
export function redisOrSkip(file: string): string | null {
  const bin = findRedisServer();
  if (bin) return bin;
  if (process.env.FLATLAB_REQUIRE_REDIS === '1') {
    throw new Error(
      `${file}: redis-server not found, and FLATLAB_REQUIRE_REDIS=1 makes the distributed-sweep tests mandatory (apt-get install redis-server)`,
    );
  }
  console.warn(
    `\n*** ${file}: redis-server not found, SKIPPING the distributed-sweep tests (apt-get install redis-server) ***\n`,
  );
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

/** PEM files of a throw-away CA and a server certificate for localhost / 127.0.0.1. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

async function waitReady(
  port: number,
  password: string | undefined,
  child: ChildProcess,
  tls?: TlsFiles,
): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const tlsOpts = tls ? { tls: { ca: readFileSync(tls.ca, 'utf8'), servername: 'localhost' } } : {};
    const c = new Redis({
      host: '127.0.0.1',
      port,
      password,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      ...tlsOpts,
    });
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

/** Make a CA and a localhost server certificate with openssl; null (after a warning) without openssl. */
export function makeTlsFiles(dir: string): TlsFiles | null {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  try {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=flatlab-test-ca',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    ]);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    run([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]);
  } catch (e) {
    console.warn(
      `\n*** openssl failed (${(e as Error).message.split('\n')[0]}): SKIPPING the TLS (rediss://) test ***\n`,
    );
    return null;
  }
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

export async function startRedis(bin: string, opts: { password?: string; tls?: TlsFiles } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'flatlab-redis-'));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const listen = opts.tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          opts.tls.cert,
          '--tls-key-file',
          opts.tls.key,
          '--tls-ca-cert-file',
          opts.tls.ca,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(port)];
    const args = [
      '--bind',
      '127.0.0.1',
      ...listen,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      join(dir, 'redis.log'),
    ];
    if (opts.password) args.push('--requirepass', opts.password);
    const child = spawn(bin, args, { stdio: 'ignore' });
    if (await waitReady(port, opts.password, child, opts.tls)) {
      const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
      return {
        url: opts.tls ? `rediss://${auth}localhost:${port}` : `redis://${auth}127.0.0.1:${port}`,
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
