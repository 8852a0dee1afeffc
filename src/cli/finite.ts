/**
 * Finite-or-fail where numbers leave the program (docs/architecture.md, "Errors"): JSON would write a
 * non-finite number as null and a sentence would print NaN or Infinity as if it were a result. Each
 * check names the quantity, so the message says what overflowed.
 */
import { InputError } from '../errors.js';

/** Throw naming `what` unless v is a finite number (null passes: it means "unavailable"). */
export function requireFinite(what: string, v: number | null | undefined, hint = ''): void {
  if (v === null || v === undefined || Number.isFinite(v)) return;
  throw new InputError(`${what} is not finite (${v})${hint ? `; ${hint}` : ''}`);
}

/** Throw at the first non-finite entry of `v`, naming the array and the index. */
export function requireFiniteArray(what: string, v: ArrayLike<number>, hint = ''): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new InputError(`${what}[${i}] is not finite (${v[i]})${hint ? `; ${hint}` : ''}`);
  }
}

/** Every number field of a (nested) report object, finite or null; throws naming the first bad path. */
export function requireFiniteReport(where: string, value: unknown, hint = '', path = ''): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new InputError(`${where}: ${path || 'value'} is not finite (${value})${hint ? `; ${hint}` : ''}`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    requireFiniteArray(`${where}: ${path}`, value as unknown as ArrayLike<number>, hint);
    return;
  }
  for (const [k, v] of Object.entries(value)) requireFiniteReport(where, v, hint, path ? `${path}.${k}` : k);
}
