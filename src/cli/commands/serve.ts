/**
 * `flatlab serve`: serve the built playground (web/dist) on localhost with a tiny static server.
 * Read-only, GET/HEAD only, no directory listings, paths confined to the app folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The package root: the nearest folder above this file holding package.json (src/ or dist/src/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('flatlab serve: cannot find the package root');
    dir = up;
  }
}

export function defaultAppDir(): string {
  return join(packageRoot(), 'web', 'dist');
}

export interface StaticServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serve `dir` on host:port (port 0 = a free port). Resolves once listening. */
export function startStaticServer(dir: string, port = 0, host = '127.0.0.1'): Promise<StaticServer> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new InputError(`the playground is not built (no ${join(root, 'index.html')}); run npm run build:web`);
  }
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      // Hashed asset names change with every build; the HTML must not be cached.
      'cache-control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new InputError(`port ${port} on ${host} is already in use (choose another with --port)`)
          : e,
      );
    });
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolvePromise({
        url: `http://${shownHost}:${actual}/`,
        port: actual,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function parsePort(raw: string): number {
  const p = Number(raw);
  if (!Number.isInteger(p) || p < 0 || p > 65535)
    throw new InputError(`--port must be an integer in [0, 65535] (got "${raw}")`);
  return p;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the browser playground (built by npm run build:web) on localhost and print its URL')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--dir <dir>', 'folder of the built app (default: web/dist in the flatlab folder)')
    .action(async (opts: { port: string; host: string; dir?: string }) => {
      const port = parsePort(opts.port);
      const s = await startStaticServer(opts.dir ?? defaultAppDir(), port, opts.host);
      process.stdout.write(`flatlab playground: ${s.url}\n(press Ctrl+C to stop)\n`);
      // Keep running until interrupted; close cleanly so the port is released.
      await new Promise<void>((done) => {
        const stop = () => {
          s.close().then(done, done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
