/**
 * The activation registry lives below linalg (src/activations/registry.ts) so that the portable kernels
 * can look σ up by its kernel code without importing the model layer; the model layer re-exports it
 * under its historical path.
 */
export * from '../activations/registry.js';
