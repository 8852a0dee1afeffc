/**
 * The GEMM shape classes and the per-class kernel choice of the native backend: classes partition
 * the shapes as documented, the faster-kernel rule prefers the built-in kernel on a near-tie, and a
 * choice recorded in the cache file is what a later process uses (which keeps results bit-identical
 * across runs on one machine). No timings are asserted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fasterKernel, GEMM_CLASSES, gemmClass, gemmClassName } from '../../src/linalg/gemm-rule.js';
import { loadNativeBackend, nativeInfo } from '../../src/node/native-backend.js';

describe('GEMM shape classes', () => {
  it('every class has its own name, and a shape lands in the class its name describes', () => {
    const names = new Set(Array.from({ length: GEMM_CLASSES }, (_, c) => gemmClassName(c)));
    expect(names.size).toBe(GEMM_CLASSES);
    expect(gemmClassName(gemmClass(false, true, 512, 1000, 200))).toBe('nt k<=256 flops>=1e8');
    expect(gemmClassName(gemmClass(true, false, 1000, 200, 512))).toBe('tn k>256 flops>=1e8');
    expect(gemmClassName(gemmClass(false, false, 10, 10, 64))).toBe('nn k<=64 flops<1e6');
    expect(gemmClassName(gemmClass(true, true, 100, 100, 65))).toBe('tt k<=256 flops<1e8');
  });

  it('the built-in kernel is kept unless OpenBLAS is faster by more than the margin', () => {
    expect(fasterKernel(10, 9.8)).toBe('builtin');
    expect(fasterKernel(10, 9)).toBe('openblas');
    expect(fasterKernel(9, 10)).toBe('builtin');
  });
});

const both = loadNativeBackend() !== null && (nativeInfo()?.kernels.length ?? 0) > 1;

describe.skipIf(!both)('GEMM kernel cache (addon built with OpenBLAS)', () => {
  const code = [
    "const b = await import('./src/node/native-backend.ts');",
    'const be = b.loadNativeBackend();',
    'const A = new Float64Array(512 * 200).fill(0.5), B = new Float64Array(1000 * 200).fill(0.25);',
    'be.gemm(false, true, 512, 1000, 200, 1, A, B, 0, new Float64Array(512 * 1000));',
    'console.log(JSON.stringify(b.kernelInfo().chosen));',
  ].join('\n');
  const env = (cache: string) => ({
    ...process.env,
    FLATLAB_GEMM: '',
    FLATLAB_THREADS: '1',
    FLATLAB_GEMM_CACHE: cache,
  });
  const args = ['--import', 'tsx', '--input-type=module', '-e', code];
  const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, string>;
  const run = (cache: string) => parse(spawnSync(process.execPath, args, { encoding: 'utf8', env: env(cache) }).stdout);
  const runAsync = (cache: string) =>
    new Promise<Record<string, string>>((done, fail) => {
      const p = spawn(process.execPath, args, { env: env(cache) });
      let out = '';
      p.stdout.on('data', (b) => {
        out += b;
      });
      p.on('error', fail);
      p.on('close', () => done(parse(out)));
    });

  it('processes started together on a fresh cache make one choice; a stale lock is cleared; no lock is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatlab-gemm-lock-'));
    const cache = join(dir, 'sub', 'rule.json');
    try {
      const outs = await Promise.all([runAsync(cache), runAsync(cache), runAsync(cache)]);
      expect(outs[1]).toEqual(outs[0]);
      expect(outs[2]).toEqual(outs[0]);
      expect(existsSync(`${cache}.lock`)).toBe(false);
      // A lock left by a killed process (older than 10 s) does not block the next one.
      rmSync(cache);
      writeFileSync(`${cache}.lock`, '');
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${cache}.lock`, old, old);
      expect(Object.keys(run(cache))).toHaveLength(1);
      expect(existsSync(`${cache}.lock`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a first product records its class in the cache; a later process takes the recorded kernel, whichever it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatlab-gemm-cache-'));
    const cache = join(dir, 'rule.json');
    try {
      const first = run(cache);
      const cls = 'nt k<=256 flops>=1e8';
      expect(Object.keys(first)).toEqual([cls]);
      const file = JSON.parse(readFileSync(cache, 'utf8'));
      const [key] = Object.keys(file.machines);
      expect(file.machines[key][cls]).toBe(first[cls]);
      // Flip the recorded choice: the next process must follow the file, not time again.
      const other = first[cls] === 'builtin' ? 'openblas' : 'builtin';
      file.machines[key][cls] = other;
      writeFileSync(cache, JSON.stringify(file));
      expect(run(cache)[cls]).toBe(other);
      // A corrupt cache file is ignored (the class is timed again), never an error.
      writeFileSync(cache, '{"format": "something else"');
      expect(Object.keys(run(cache))).toEqual([cls]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(loadNativeBackend() === null)('flatlab --version names the GEMM kernels', () => {
  it('prints the version, then the native backend with the mode FLATLAB_GEMM sets and the kernels built', () => {
    const code = "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(['--version']);";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
      env: { ...process.env, FLATLAB_GEMM: 'builtin', FLATLAB_BACKEND: '' },
    });
    expect(r.status).toBe(0);
    const [version, backend] = r.stdout.trim().split('\n');
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(backend).toMatch(/^backend: native, GEMM builtin \(forced by FLATLAB_GEMM; has builtin/);
  });
});
