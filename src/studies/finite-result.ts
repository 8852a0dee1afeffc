/**
 * Finite or fail for trial results (docs/architecture.md, "Errors"). JSON has no NaN or ±Infinity, and a
 * stored null means "unavailable" (risk on imported data, a measure a construction does not have), so a
 * metric that overflowed or is undefined must not be stored as null: it would sit in the results as if
 * it were a missing-but-valid value. Such a trial becomes a failed trial whose error names the first
 * non-finite number; the report lists it with the failures and no analysis computes over it.
 */
import type { TrialResult } from './trial-types.js';

/** The first NaN or ±Infinity of a result's metrics, then of its series, as "metric fStar = Infinity". */
export function nonFiniteInResult(r: Pick<TrialResult, 'metrics' | 'series'>): string | null {
  for (const [k, v] of Object.entries(r.metrics)) {
    if (typeof v === 'number' && !Number.isFinite(v)) return `metric ${k} = ${v}`;
  }
  for (const [k, values] of Object.entries(r.series ?? {})) {
    const i = values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) return `series ${k}[${i}] = ${values[i]}`;
  }
  return null;
}

/**
 * The result itself when every number is finite; otherwise a failed result (no metrics, no series) with
 * the reason. An already failed result keeps its own error.
 */
export function finiteOrFailed(r: TrialResult): TrialResult {
  const bad = nonFiniteInResult(r);
  if (bad === null) return r;
  const { series: _series, ...rest } = r;
  return {
    ...rest,
    metrics: {},
    error: r.error ?? `non-finite result: ${bad} (the quantity overflowed or is undefined; not stored as a value)`,
  };
}
