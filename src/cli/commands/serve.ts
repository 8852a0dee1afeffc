/**
 * `flatlab serve`: serve the built playground (web/dist) on localhost with a tiny static server.
 * Read-only, GET/HEAD only, no directory listings, paths confined to the app folder.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { sendFile } from '../static-file.js';

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

/**
 * Headers on every response. The built app loads only its own scripts, styles, worker and assets
 * (Vite emits no inline script); 'wasm-unsafe-eval' lets the worker compile WebAssembly (the LP solver)
 * without allowing eval; inline style attributes are set by the UI; figures and downloads use data:
 * and blob: URLs. frame-ancestors 'none' (and X-Frame-Options for old browsers) forbids framing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Whether a bind address is loopback only (no other machine can connect). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The Host header must name this server: localhost, the bound address, or (on a wildcard bind) any IP
 * literal. A DNS name that resolves here is refused: that is how DNS rebinding reaches a local server.
 */
export function hostAllowed(header: string | undefined, bound: string): boolean {
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim());
  if (!m) return false;
  const name = m[1].replace(/^\[|\]$/g, '').toLowerCase();
  const b = bound.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name === b || isLoopback(name)) return true;
  return (b === '0.0.0.0' || b === '::') && isIP(name) !== 0;
}

/** A response that serves no file: the status, its headers and body. */
interface Refusal {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

const TEXT_HEADERS = { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' };
const NOT_FOUND: Refusal = { status: 404, headers: TEXT_HEADERS, body: 'not found\n' };

/** The request's decoded URL path; null when it does not decode. */
function urlPath(url: string | undefined): string | null {
  try {
    return decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
  } catch {
    return null;
  }
}

/** The real path of a file, null when it does not exist. */
function realPath(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}

/** Whether `file` is `dir` or lies inside it. */
const inside = (file: string, dir: string): boolean => file === dir || file.startsWith(dir + sep);

/** What a request asks for: a file that really lies inside the folder (and its path as asked), or the refusal to send. */
function requestedFile(
  req: IncomingMessage,
  root: string,
  realRoot: string,
  host: string,
): { file: string; real: string } | Refusal {
  if (!hostAllowed(req.headers.host, host)) return { status: 421, headers: TEXT_HEADERS, body: 'wrong host\n' };
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return { status: 405, headers: { ...SECURITY_HEADERS, allow: 'GET, HEAD' } };
  const path = urlPath(req.url);
  if (path === null || path.includes('\0')) return { status: 400, headers: SECURITY_HEADERS };
  const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
  if (!inside(file, root)) return { status: 403, headers: SECURITY_HEADERS };
  // No dotfiles or dot-folders (.env, .git, editor backups): they are never part of the built app.
  if (
    file
      .slice(root.length)
      .split(sep)
      .some((seg) => seg.startsWith('.'))
  )
    return NOT_FOUND;
  const real = realPath(file);
  if (real === null) return NOT_FOUND;
  // A symlink inside the folder may point anywhere: serve only what really lies inside it.
  if (!inside(real, realRoot)) return { status: 403, headers: SECURITY_HEADERS };
  return { file, real };
}

/** Serve `dir` on host:port (port 0 = a free port). Resolves once listening. */
export function startStaticServer(dir: string, port = 0, host = '127.0.0.1'): Promise<StaticServer> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new InputError(`the playground is not built (no ${join(root, 'index.html')}); run npm run build:web`);
  }
  const realRoot = realpathSync(root);
  const server: Server = createServer((req, res) => {
    const r = requestedFile(req, root, realRoot, host);
    if ('status' in r) {
      res.writeHead(r.status, r.headers).end(r.body);
      return;
    }
    sendFile(req, res, r.real, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(r.file)] ?? 'application/octet-stream',
      // Hashed asset names change with every build; the HTML must not be cached.
      'cache-control': r.file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600',
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new InputError(`port ${port} on ${host} is already in use (choose another with --port)`)
          : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EACCES'
            ? new InputError(`cannot listen on ${host}:${port} (${e.code})`)
            : e,
      );
    });
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolvePromise({
        url: `http://${shownHost}:${actual}/`,
        port: actual,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Keep-alive connections would hold close() open for seconds: a stop is immediate.
            server.closeAllConnections();
          }),
      });
    });
  });
}

function parsePort(raw: string): number {
  // Decimal digits only: Number() would read 0x50 as 80 and 1e3 as 1000.
  const p = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
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
      if (!isLoopback(opts.host))
        process.stderr.write(
          `flatlab: warning: --host ${opts.host} is not a loopback address; other machines on the network can reach the playground\n`,
        );
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
