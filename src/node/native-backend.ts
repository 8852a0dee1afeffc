// Loader for the native OpenBLAS backend (filled in by the performance work).
import type { Backend } from '../linalg/backend.js';

export function loadNativeBackend(): Backend | null {
  return null;
}

export function nativeUnavailableReason(): string {
  return 'native backend not built (apt-get install libopenblas-dev, then npm rebuild)';
}
