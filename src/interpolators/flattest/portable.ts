/**
 * Run a computation on the portable backend (one fixed summation order, the same bits from its
 * WebAssembly and TypeScript kernels): the flattest solver's branching steps — a crash basis's signs,
 * a seed search's network, a sliding step's acceptance — must not depend on which GEMM is loaded.
 */
import { getBackend, jsBackend, useBackend } from '../../linalg/index.js';

export function onPortableBackend<T>(fn: () => T): T {
  const prev = getBackend();
  if (prev === jsBackend) return fn();
  useBackend('js');
  try {
    return fn();
  } finally {
    useBackend(prev.name);
  }
}
