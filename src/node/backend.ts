/**
 * Node-side backend selection: registers the native backend (OpenBLAS or built-in GEMM) when its addon is built, then
 * honours FLATLAB_BACKEND=native|js (default: native when available, else js).
 */
import { InputError } from '../errors.js';
import '../linalg/index.js';
import { availableBackends, type Backend, getBackend, useBackend } from '../linalg/backend.js';
import type { KernelInfo } from './native-backend.js';

let initialized = false;
let nativeNote: string | null = null;
let nativeKernelInfo: (() => KernelInfo | null) | null = null;

/** Try to load the native backend; returns a one-line note when it is unavailable. */
async function tryNative(): Promise<string | null> {
  try {
    const mod = (await import('./native-backend.js')) as {
      loadNativeBackend?: () => Backend | null;
      nativeUnavailableReason?: () => string;
      kernelInfo?: () => KernelInfo | null;
    };
    const b = mod.loadNativeBackend?.() ?? null;
    if (b) {
      nativeKernelInfo = mod.kernelInfo ?? null;
      const { registerBackend } = await import('../linalg/backend.js');
      registerBackend(b);
      return null;
    }
    return mod.nativeUnavailableReason?.() ?? 'native backend not built';
  } catch {
    return 'native backend not built (a C++ compiler and make, then npm rebuild)';
  }
}

export async function initBackend(): Promise<Backend> {
  if (initialized) return getBackend();
  initialized = true;
  const want = process.env.FLATLAB_BACKEND;
  if (want && want !== 'native' && want !== 'js') {
    throw new InputError(`FLATLAB_BACKEND must be "native" or "js" (got "${want}")`);
  }
  if (want !== 'js') nativeNote = await tryNative();
  if (want === 'native' && !availableBackends().includes('native')) {
    throw new InputError(`FLATLAB_BACKEND=native but ${nativeNote ?? 'the native backend is unavailable'}`);
  }
  return useBackend(availableBackends().includes('native') && want !== 'js' ? 'native' : 'js');
}

/** Why the native backend is not in use (null when it is, or when js was forced). */
export function backendNote(): string | null {
  return nativeNote;
}

/** The GEMM kernels behind the backend in use and each shape class's kernel so far (null on the portable backend). */
export function gemmKernelInfo(): KernelInfo | null {
  return getBackend().name === 'native' && nativeKernelInfo ? nativeKernelInfo() : null;
}

/** `flatlab --version`: the version, then the backend and its GEMM kernels. */
export function versionText(version: string): string {
  const k = gemmKernelInfo();
  if (!k) return `${version}\nbackend: ${getBackend().name}${nativeNote ? ` (${nativeNote})` : ''}\n`;
  const kernels = k.kernels.map((x) => (x === 'openblas' && k.openblasCore ? `openblas (${k.openblasCore})` : x));
  const how = k.gemm === 'auto' ? 'each shape class on the faster of' : 'forced by FLATLAB_GEMM; has';
  return `${version}\nbackend: native, GEMM ${k.gemm} (${how} ${kernels.join(', ')})\n`;
}
