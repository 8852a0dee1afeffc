/**
 * Reliability rule 6: `flatlab serve` serves only what lies inside the app folder (by real path: no
 * symlink escape), no dotfiles, only to a Host naming this server (DNS rebinding), with nosniff, a CSP
 * and frame-ancestors 'none'; it warns on a non-loopback bind and stops at once on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed, isLoopback, type StaticServer, startStaticServer } from '../../src/cli/commands/serve.js';
import { tempDir } from '../cli-helpers.js';

const app = tempDir('flatlab-serve-');
const outside = tempDir('flatlab-outside-');
let server: StaticServer;

function get(path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, headers: host === undefined ? {} : { host } },
      (res) => {
        let body = '';
        res.on('data', (b: Buffer) => {
          body += b.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title>');
  mkdirSync(join(app, 'assets'));
  writeFileSync(join(app, 'assets', 'a.js'), 'export {};');
  writeFileSync(join(app, '.env'), 'SECRET=1');
  mkdirSync(join(app, '.git'));
  writeFileSync(join(app, '.git', 'config'), 'secret');
  writeFileSync(join(outside, 'secret.txt'), 'outside secret');
  symlinkSync(join(outside, 'secret.txt'), join(app, 'leak.txt'));
  symlinkSync(outside, join(app, 'outdir'));
  symlinkSync(join(app, 'assets', 'a.js'), join(app, 'inside-link.js'));
  server = await startStaticServer(app, 0, '127.0.0.1');
});

afterAll(async () => {
  await server?.close();
});

describe('serve: containment', () => {
  it('serves the app with nosniff, a CSP with frame-ancestors none', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(String(r.headers['content-security-policy'])).toMatch(/default-src 'self'/);
    expect(String(r.headers['content-security-policy'])).toMatch(/frame-ancestors 'none'/);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect((await get('/assets/a.js')).status).toBe(200);
  });

  it('a symlink out of the folder is not followed (file or folder); one inside it is', async () => {
    const leak = await get('/leak.txt');
    expect(leak.status).toBe(403);
    expect(leak.body).not.toContain('outside secret');
    expect((await get('/outdir/secret.txt')).status).toBe(403);
    expect((await get('/inside-link.js')).status).toBe(200);
  });

  it('dotfiles and dot-folders are not served', async () => {
    for (const p of ['/.env', '/.git/config', '/assets/.hidden', '/%2eenv']) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('SECRET');
    }
  });

  it('traversal stays refused', async () => {
    expect((await get('/..%2f..%2fetc%2fpasswd')).status).toBe(403);
  });
});

describe('serve: Host header (DNS rebinding)', () => {
  it('accepts localhost and the bound address, refuses other names', async () => {
    expect((await get('/', `127.0.0.1:${server.port}`)).status).toBe(200);
    expect((await get('/', `localhost:${server.port}`)).status).toBe(200);
    expect((await get('/', `evil.example:${server.port}`)).status).toBe(421);
    expect((await get('/', 'attacker.test')).status).toBe(421);
  });
  it('hostAllowed / isLoopback (unit)', () => {
    expect(hostAllowed('[::1]:80', '::1')).toBe(true);
    expect(hostAllowed('192.168.1.5:8080', '0.0.0.0')).toBe(true);
    expect(hostAllowed('rebind.example:8080', '0.0.0.0')).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
  });
});

describe('serve CLI: bind warning and SIGTERM', () => {
  it('warns on a non-loopback bind and exits promptly on SIGTERM with a keep-alive connection open', async () => {
    const proc = spawn(
      process.execPath,
      ['bin/flatlab.js', 'serve', '--dir', app, '--port', '0', '--host', '0.0.0.0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    proc.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL: ${out} ${err}`)), 20_000);
      proc.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /:(\d+)\//.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });
    expect(err).toMatch(/warning: --host 0\.0\.0\.0 is not a loopback address/);
    // A keep-alive connection that stays open must not delay the shutdown.
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent: new Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.end();
    });
    const t0 = Date.now();
    proc.kill('SIGTERM');
    const code = await new Promise((r) => proc.on('exit', r));
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
