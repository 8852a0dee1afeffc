/** `flatlab serve`: the built CLI serves web/dist on localhost, prints the URL, and refuses what it should. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin', 'flatlab.js');
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

function startServe(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out} ${err}`)), 20_000);
    proc.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], proc });
      }
    });
    proc.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

describe('flatlab serve', () => {
  it('serves the built app on a free port and prints its URL; 404s and refuses path traversal', async () => {
    const { url, proc } = await startServe(['--port', '0', '--host', '127.0.0.1']);
    const index = await fetch(url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const html = await index.text();
    expect(html).toContain('flatlab playground');
    // Every asset the page references is served with a JavaScript/CSS type.
    const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      const r = await fetch(url + a);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/javascript|css/);
    }
    expect((await fetch(`${url}nope.js`)).status).toBe(404);
    expect((await fetch(`${url}..%2f..%2fpackage.json`)).status).toBe(403);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    proc.kill('SIGTERM');
    const code = await new Promise((r) => proc.on('exit', r));
    expect(code).toBe(0);
  });

  it('says how to build the app when it is missing, and rejects a bad port (exit 2)', () => {
    const missing = spawnSync(process.execPath, [BIN, 'serve', '--dir', '/nonexistent-flatlab-dist'], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('run npm run build:web');
    expect(missing.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const bad = spawnSync(process.execPath, [BIN, 'serve', '--port', '70000'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port must be an integer in [0, 65535]');
  });
});
