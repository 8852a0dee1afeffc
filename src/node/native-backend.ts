/**
 * Loader for the native backend: the N-API addon in native/ (the addon's built-in blocked GEMM, also
 * OpenBLAS's dgemm when libopenblas-dev was present at install, + fused C++ kernels), built by
 * scripts/postinstall.mjs. With both GEMMs each product goes to the faster one for its shape class
 * (src/node/gemm-choice.ts; FLATLAB_GEMM=builtin|openblas forces one). Returns null (with a one-line
 * reason) when the addon is not built or does not load, so flatlab falls back to the portable backend.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActKernel, Backend, BlockPassOut } from '../linalg/backend.js';
import { GEMM_KERNELS, type GemmKernel, gemmClass } from '../linalg/gemm-rule.js';
import { GemmChooser, type GemmMode, type GemmWith, gemmModeFromEnv } from './gemm-choice.js';

/** C ← alpha op(A) op(B) + beta C, row-major: the same call as Backend.gemm. */
type GemmFn = Backend['gemm'];

/** The Backend's fused kernels: each takes the activation first. */
const KERNELS = ['forwardRows', 'gradPass', 'traceSums', 'hvpPass', 'penaltyPass', 'activate'] as const;
type KernelName = (typeof KERNELS)[number];

/** A fused kernel as the addon exports it: the Backend's signature with the activation passed as (code, param). */
type AddonKernel<F> = F extends (act: ActKernel, ...rest: infer R) => void
  ? (code: number, param: number, ...rest: R) => void
  : never;

/** The addon's exports (native/src/addon.cc). */
type Addon = { [K in KernelName]: AddonKernel<Backend[K]> } & {
  /** gemm on kernel 0 (built-in) or 1 (OpenBLAS, when built with it). */
  gemmWith: GemmWith;
  /** gemm on the built-in GEMM. */
  builtinGemm: GemmFn;
  /** Backend.blockPass with its products on kernel 0 (built-in) or 1 (OpenBLAS); `out`'s parts positional. */
  blockPass(kernel: number, code: number, param: number, ...rest: [...BlockHead, ...BlockParts, number]): void;
  threads(): number;
  setThreads(n: number): void;
  config(): AddonConfig;
  peakGflops(threads: number, iters: number, reps: number): number;
};

/** Backend.blockPass's arguments between the activation and `out`. */
type BlockHead = Parameters<Backend['blockPass']> extends [ActKernel, ...infer H, BlockPassOut] ? H : never;
/** `out` as the addon takes it: Z, q, A, B, C, ga, gW (null when not asked for), then gradScale. */
type BlockParts = (Float64Array | null)[];

/** The addon's description of its GEMMs (native/src/addon.cc). */
interface AddonConfig {
  kernels: GemmKernel[];
  /** The built-in GEMM's micro-kernel and vector width. */
  builtin: string;
  /** OpenBLAS's build configuration and the core type it picked (builds with OpenBLAS only). */
  openblas?: string;
  core?: string;
}

/** How the loaded addon multiplies matrices. */
export interface NativeConfig {
  /** The GEMM kernels the addon has. */
  kernels: GemmKernel[];
  /** FLATLAB_GEMM as applied: one kernel forced, or auto (per shape class, measured). */
  mode: GemmMode;
  /** 'builtin' or 'openblas' when one kernel runs every product, else 'auto'. */
  gemm: GemmMode;
  builtin: string;
  openblas?: string;
  core?: string;
}

export const NATIVE_HINT = 'a C++ compiler and make, then npm rebuild';
const ADDON = 'native/build/Release/flatlab_native.node';

let reason = `native backend not built (${NATIVE_HINT})`;
let loaded: Backend | null | undefined;
let addonInfo: (NativeConfig & { path: string }) | null = null;
let addon: Addon | null = null;
let chooser: GemmChooser | null = null;

/** The package root: the nearest folder above this file holding native/binding.gyp (src/ or dist/src/ layout). */
function findAddon(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    if (existsSync(resolve(dir, 'native', 'binding.gyp'))) {
      const p = resolve(dir, ADDON);
      return existsSync(p) ? p : null;
    }
    dir = dirname(dir);
  }
  return null;
}

/**
 * FLATLAB_THREADS: a positive integer (threads of the GEMM and of the fused passes), or unset for
 * OpenBLAS's default (one per core). A bad value is ignored with a
 * one-line warning (throwing here would be read by the caller as "addon missing" and switch backends).
 */
function threadsFromEnv(): number | null {
  const raw = process.env.FLATLAB_THREADS;
  if (raw === undefined || raw === '') return null;
  const t = Number(raw);
  if (!Number.isInteger(t) || t < 1 || t > 1024) {
    process.stderr.write(`flatlab: ignoring FLATLAB_THREADS="${raw}" (must be an integer in [1, 1024])\n`);
    return null;
  }
  return t;
}

/** The addon as a Backend, each product (and blockPass's Z = X Wᵀ) on the kernel `pick` names for its shape. */
function wrap(
  x: Addon,
  ch: GemmChooser,
  pick: (tA: boolean, tB: boolean, m: number, n: number, k: number) => number,
): Backend {
  return {
    name: 'native',
    gemm: (tA, tB, m, n, k, alpha, A, B, beta, C) =>
      x.gemmWith(pick(tA, tB, m, n, k), tA, tB, m, n, k, alpha, A, B, beta, C),
    blockPass: (act, X, W, rows, m, d, a, y, r, out) => {
      const t = out.trace;
      x.blockPass(
        pick(false, true, rows, m, d),
        act.code,
        act.param,
        X,
        W,
        rows,
        m,
        d,
        a,
        y,
        r,
        out.Z ?? null,
        t?.q ?? null,
        t?.A ?? null,
        t?.B ?? null,
        t?.C ?? null,
        out.ga ?? null,
        out.gW ?? null,
        out.gradScale ?? 1,
      );
    },
    forwardRows: (act: ActKernel, Z, rows, m, a, f) => x.forwardRows(act.code, act.param, Z, rows, m, a, f),
    gradPass: (act, Z, rows, m, a, r, ga) => x.gradPass(act.code, act.param, Z, rows, m, a, r, ga),
    traceSums: (act, Z, rows, m, r, q, A, B, C) => x.traceSums(act.code, act.param, Z, rows, m, r, q, A, B, C),
    hvpPass: (act, Z, T, rows, m, a, va, r, u, ha) => x.hvpPass(act.code, act.param, Z, T, rows, m, a, va, r, u, ha),
    penaltyPass: (act, Z, rows, m, a, r, q, wA, wB, ga, A, B) =>
      x.penaltyPass(act.code, act.param, Z, rows, m, a, r, q, wA, wB, ga, A, B),
    activate: (act, Z, len, order, out) => x.activate(act.code, act.param, Z, len, order, out),
    threads: () => x.threads(),
    setThreads: (n) => {
      if (!Number.isInteger(n) || n < 1) throw new Error(`threads must be a positive integer (got ${n})`);
      if (n !== x.threads()) {
        x.setThreads(n);
        ch.reset();
      }
    },
  };
}

/** The native backend, or null when the addon is not built / does not load (see nativeUnavailableReason). */
export function loadNativeBackend(): Backend | null {
  if (loaded !== undefined) return loaded;
  const threads = threadsFromEnv();
  const path = findAddon();
  if (!path) {
    loaded = null;
    return null;
  }
  try {
    const x = createRequire(import.meta.url)(path) as Addon;
    // An addon built by an older flatlab lacks newer kernels: say so instead of failing mid-run.
    const missing = KERNELS.filter((k) => typeof x[k] !== 'function');
    if (missing.length) throw new Error(`the addon is out of date (no ${missing.join(', ')})`);
    for (const f of ['gemmWith', 'blockPass'] as const) {
      if (typeof x[f] !== 'function') throw new Error(`the addon is out of date (no ${f})`);
    }
    if (threads !== null) x.setThreads(threads);
    const cfg = x.config();
    const mode = gemmModeFromEnv(cfg.kernels);
    const ch = new GemmChooser(mode, x.gemmWith, path, `${cfg.openblas ?? ''} ${cfg.core ?? ''}`, () => x.threads());
    addonInfo = { ...cfg, mode, gemm: mode, path };
    addon = x;
    chooser = ch;
    loaded = wrap(x, ch, (tA, tB, m, n, k) => ch.kernel(gemmClass(tA, tB, m, n, k), tA, tB, m, n, k));
  } catch (e) {
    reason = `native backend failed to load (${(e as Error).message.split('\n')[0]}; ${NATIVE_HINT})`;
    loaded = null;
  }
  return loaded;
}

export function nativeUnavailableReason(): string {
  return reason;
}

/** The addon's GEMM kernels, the mode FLATLAB_GEMM set, and the addon's path (for bench and diagnostics). */
export function nativeInfo(): (NativeConfig & { path: string }) | null {
  return addonInfo;
}

/** What `--version` and `measure --json` report about the GEMM: the mode and, in auto, each shape class's kernel so far. */
export interface KernelInfo {
  backend: 'native';
  /** auto (each shape class on its faster kernel), builtin or openblas. */
  gemm: GemmMode;
  kernels: GemmKernel[];
  /** OpenBLAS's core type, when the addon has OpenBLAS. */
  openblasCore?: string;
  /** Shape class → kernel, for the classes this process has multiplied (auto mode). */
  chosen: Record<string, GemmKernel>;
}

/** The native backend's GEMM choice (null when the addon is not loaded). */
export function kernelInfo(): KernelInfo | null {
  if (!addonInfo || !chooser) return null;
  return {
    backend: 'native',
    gemm: addonInfo.mode,
    kernels: addonInfo.kernels,
    ...(addonInfo.core ? { openblasCore: addonInfo.core } : {}),
    chosen: chooser.chosen(),
  };
}

/** The addon's OpenBLAS GEMM (on the addon's thread pool), or null when it has none or is not loaded. */
export function openblasGemm(): Backend['gemm'] | null {
  const x = addon;
  return x && addonInfo?.kernels.includes('openblas')
    ? (tA, tB, m, n, k, alpha, A, B, beta, C) => x.gemmWith(1, tA, tB, m, n, k, alpha, A, B, beta, C)
    : null;
}

/**
 * The native backend with every product, blockPass's included, forced onto one GEMM kernel (null when
 * the addon is not loaded or has no such kernel): how tests and the kernel table compare kernels.
 */
export function nativeOnKernel(kernel: GemmKernel): Backend | null {
  const x = addon;
  const ch = chooser;
  if (!x || !ch || !addonInfo?.kernels.includes(kernel)) return null;
  const k = GEMM_KERNELS.indexOf(kernel);
  return wrap(x, ch, () => k);
}

/** The addon's built-in GEMM, whichever GEMM the backend uses (null until the addon is loaded). */
export function builtinGemm(): Backend['gemm'] | null {
  const x = addon;
  return x ? (tA, tB, m, n, k, alpha, A, B, beta, C) => x.builtinGemm(tA, tB, m, n, k, alpha, A, B, beta, C) : null;
}

/**
 * The machine's register-only FMA rate on `threads` threads (GFLOP/s, best of a few ~10 ms runs):
 * the peak the bench measures its kernels against (native/src/peak.h). Null without the addon.
 */
export function peakGflops(threads: number): number | null {
  return addon ? addon.peakGflops(threads, 5e6, 7) : null;
}
