/**
 * Which GEMM kernel the native backend uses for each shape class (src/linalg/gemm-rule.ts), when the
 * addon has both OpenBLAS and its built-in one. FLATLAB_GEMM=builtin|openblas forces one; otherwise
 * (FLATLAB_GEMM unset or auto) the first product of a class is timed on both kernels and the faster
 * one is kept for that class. Choices are cached in a small JSON file (FLATLAB_GEMM_CACHE, else
 * $XDG_CACHE_HOME/flatlab/gemm-rule.json, else ~/.cache/…, else the temp folder) under a key naming
 * the CPU, the thread count and the addon build, so that every later process on this machine makes the
 * same choice, which keeps results bit-identical from run to run (the kernels differ in rounding).
 * Timing and recording a class happen under a lock file beside the cache, so processes (or worker
 * threads) that start together time each class once and all use that choice. The cache is a
 * convenience: any failure to read or write it is ignored.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Backend } from '../linalg/backend.js';
import { fasterKernel, GEMM_CLASSES, GEMM_KERNELS, type GemmKernel, gemmClassName } from '../linalg/gemm-rule.js';
import { ensureFolder, writeJsonAtomic } from './safe-write.js';

/** The addon's GEMM entry: gemmWith(kernel index, transA, transB, m, n, k, alpha, A, B, beta, C). */
export type GemmWith = (kernel: number, ...product: Parameters<Backend['gemm']>) => void;

export type GemmMode = 'auto' | GemmKernel;

const FORMAT = 'flatlab.gemm-rule/1';
const cacheSchema = z.object({
  format: z.literal(FORMAT),
  machines: z.record(z.string(), z.record(z.string(), z.enum(GEMM_KERNELS))),
});
type Cache = z.infer<typeof cacheSchema>;

/** FLATLAB_GEMM, read once; a bad value is ignored with a one-line warning (like FLATLAB_THREADS). */
export function gemmModeFromEnv(available: readonly GemmKernel[]): GemmMode {
  const raw = process.env.FLATLAB_GEMM;
  if (raw === undefined || raw === '' || raw === 'auto') return available.length > 1 ? 'auto' : available[0];
  if (raw === 'builtin' || raw === 'openblas') {
    if (available.includes(raw)) return raw;
    process.stderr.write(`flatlab: FLATLAB_GEMM=${raw} but the addon was built without it; using builtin\n`);
    return 'builtin';
  }
  process.stderr.write(`flatlab: ignoring FLATLAB_GEMM="${raw}" (must be auto, builtin or openblas)\n`);
  return available.length > 1 ? 'auto' : available[0];
}

export function gemmCachePath(): string {
  const env = process.env.FLATLAB_GEMM_CACHE;
  if (env) return env;
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? join(os.homedir(), '.cache') : os.tmpdir());
  return join(base, 'flatlab', 'gemm-rule.json');
}

function readCache(path: string): Cache {
  try {
    const parsed = cacheSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // absent or unreadable: start afresh
  }
  return { format: FORMAT, machines: {} };
}

/**
 * Runs fn holding an exclusive lock file beside the cache. A lock older than ten seconds is taken as left by
 * a killed process and removed; after waiting five seconds, or when the folder cannot be made, fn runs
 * without the lock (the choice is then only as consistent as the re-read in fn makes it).
 */
function withLock<T>(path: string, fn: () => T): T {
  const lock = `${path}.lock`;
  try {
    ensureFolder(dirname(path), 'GEMM kernel cache folder', path);
  } catch {
    return fn();
  }
  const fd = acquireLock(lock);
  try {
    return fn();
  } finally {
    if (fd !== null) {
      closeSync(fd);
      try {
        unlinkSync(lock);
      } catch {
        // already gone
      }
    }
  }
}

/** Opens the lock file exclusively, waiting up to 5 s (removing a lock older than 10 s); null when not acquired. */
function acquireLock(lock: string): number | null {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 5000; waited += 5) {
    try {
      return openSync(lock, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
      removeStaleLock(lock);
      Atomics.wait(nap, 0, 0, 5);
    }
  }
  return null;
}

/** A lock older than 10 s was left by a killed process. */
function removeStaleLock(lock: string): void {
  try {
    if (Date.now() - statSync(lock).mtimeMs > 10000) unlinkSync(lock);
  } catch {
    // released meanwhile
  }
}

/** Deterministic operands for a timing (the values do not matter, only that they are finite and dense). */
function filled(len: number, seed: number): Float64Array {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = ((i * 7919 + seed * 104729) % 2003) / 1001 - 1;
  return a;
}

/**
 * Best-of-runs time (ms) of each kernel on a product of this shape: the kernels alternate so that a
 * burst of load from elsewhere hits both; at least 3 timed runs each, more (up to 39) while under
 * 60 ms in all. A product larger than 1e9 flops is timed with fewer rows (its class is already
 * "large").
 */
export function timeKernels(
  gemm: GemmWith,
  tA: boolean,
  tB: boolean,
  m: number,
  n: number,
  k: number,
): [number, number] {
  const rows = Math.max(1, Math.min(m, Math.floor(1e9 / (2 * n * k))));
  const A = filled(rows * k, 1);
  const B = filled(k * n, 2);
  const C = new Float64Array(rows * n);
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  let spent = 0;
  for (let run = 0; run < 40 && (run < 4 || spent < 60); run++) {
    for (let kern = 0; kern < 2; kern++) {
      const t = performance.now();
      gemm(kern, tA, tB, rows, n, k, 1, A, B, 0, C);
      const dt = performance.now() - t;
      spent += dt;
      if (run > 0) best[kern] = Math.min(best[kern], dt); // run 0 warms caches and pages
    }
  }
  return [best[0], best[1]];
}

/** The per-class chooser of one loaded addon. */
export class GemmChooser {
  /** Kernel index per class, −1 until chosen. */
  private readonly table = new Int8Array(GEMM_CLASSES).fill(-1);
  private readonly keyBase: string;

  constructor(
    readonly mode: GemmMode,
    private readonly gemm: GemmWith,
    addonPath: string,
    addonConfig: string,
    private readonly threads: () => number,
  ) {
    const forced = mode === 'auto' ? -1 : GEMM_KERNELS.indexOf(mode);
    if (forced >= 0) this.table.fill(forced);
    let stamp = '';
    try {
      const st = statSync(addonPath);
      stamp = `${st.size}@${Math.round(st.mtimeMs)}`;
    } catch {
      // no stamp: the key still names the CPU and the build configuration
    }
    this.keyBase = `${os.cpus()[0]?.model ?? 'cpu'} | ${addonConfig} | ${stamp}`;
  }

  private cacheKey(): string {
    return `${this.keyBase} | ${this.threads()} threads`;
  }

  /** Kernel index for class c of a product (tA, tB, m, n, k), choosing it on first use. */
  kernel(c: number, tA: boolean, tB: boolean, m: number, n: number, k: number): number {
    const t = this.table[c];
    return t >= 0 ? t : this.choose(c, tA, tB, m, n, k);
  }

  private choose(c: number, tA: boolean, tB: boolean, m: number, n: number, k: number): number {
    const name = gemmClassName(c);
    const path = gemmCachePath();
    const key = this.cacheKey();
    const recorded = () => readCache(path).machines[key]?.[name];
    const kern =
      recorded() ??
      withLock(path, () => {
        const known = recorded(); // another process chose while this one waited: keep its choice
        if (known) return known;
        // A product under 1e6 flops takes microseconds, mostly call overhead: time a square one of
        // the class's k and about 2.5e5 flops instead, which the kernels' speed decides.
        const small = 2 * m * n * k < 1e6;
        const side = Math.max(8, Math.round(Math.sqrt(1.25e5 / k)));
        const [bi, ob] = timeKernels(this.gemm, tA, tB, small ? side : m, small ? side : n, k);
        const chosen = fasterKernel(bi, ob);
        const cache = readCache(path);
        cache.machines[key] = { ...cache.machines[key], [name]: chosen };
        try {
          writeJsonAtomic(path, cache, { what: 'GEMM kernel cache' });
        } catch {
          // the cache is a convenience only
        }
        return chosen;
      });
    const idx = GEMM_KERNELS.indexOf(kern);
    this.table[c] = idx;
    return idx;
  }

  /** Forgets the choices (the thread count changed: the cache key names it). */
  reset(): void {
    if (this.mode === 'auto') this.table.fill(-1);
  }

  /** The classes chosen so far in this process, by name. */
  chosen(): Record<string, GemmKernel> {
    const out: Record<string, GemmKernel> = {};
    if (this.mode !== 'auto') return out;
    for (let c = 0; c < GEMM_CLASSES; c++) if (this.table[c] >= 0) out[gemmClassName(c)] = GEMM_KERNELS[this.table[c]];
    return out;
  }
}
