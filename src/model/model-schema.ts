/**
 * The model file's schema, as one function any reader applies to the object it parsed (JSON today;
 * npz or safetensors readers build the same object): format, activation (strict: a parameter the
 * activation does not take is refused), a and W finite with one row of d numbers per neuron. The checks
 * themselves live in modelToNetwork (src/model/model-json.ts), which this names for readers.
 */
import { modelToNetwork } from './model-json.js';
import type { Network } from './network.js';

export function validateModelObject(
  raw: unknown,
  where = 'model',
): { net: Network; provenance: Record<string, unknown> } {
  return modelToNetwork(raw, where);
}
