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

/** A typed array of numbers (not a DataView, not a BigInt array). */
function isNumberArray(v: ArrayBufferView): v is ArrayBufferView & ArrayLike<number> {
  return !(v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array);
}

/** The first entry of a typed array that is not finite, with its path; null when all are (or it holds no numbers). */
function firstNonFiniteInView(view: ArrayBufferView, path: string): { path: string; value: number } | null {
  if (!isNumberArray(view)) return null;
  for (let i = 0; i < view.length; i++) if (!Number.isFinite(view[i])) return { path: `${path}[${i}]`, value: view[i] };
  return null;
}

/** The first number of a (nested) object or array that is not finite, with its path; null when all are. */
export function firstNonFinite(value: unknown, path = ''): { path: string; value: number } | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path: path || 'value', value };
  if (value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value)) return firstNonFiniteInView(value, path);
  for (const [k, v] of Object.entries(value)) {
    const bad = firstNonFinite(v, path ? `${path}.${k}` : k);
    if (bad) return bad;
  }
  return null;
}

/** Every number field of a (nested) report object, finite or null; throws naming the first bad path. */
export function requireFiniteReport(where: string, value: unknown, hint = '', path = ''): void {
  const bad = firstNonFinite(value, path);
  if (bad) throw new InputError(`${where}: ${bad.path} is not finite (${bad.value})${hint ? `; ${hint}` : ''}`);
}
