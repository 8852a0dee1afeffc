/**
 * Small pieces the study analyses share: the raw per-trial table, distinct values in first-seen order,
 * and the activation's degree label, read from the activation registry (src/model/activations.ts).
 */
import { makeActivation } from '../model/activations.js';
import { activationToString } from '../model/format.js';
import type { StudyRow, Table } from './definition.js';
import { activationSpec, type StudyActivation } from './fields.js';

type Cell = string | number | boolean | null;

/** The degree of homogeneity k of a study activation, as the activation registry states it. */
export function degreeOf(act: StudyActivation): number {
  const k = makeActivation(activationSpec(act)).degree;
  if (k === null) throw new Error(`activation "${act}" is not positively homogeneous`);
  return k;
}

/** A study activation as outputs spell it (kebab-case, e.g. relu-pow:2 for the old alias relu2). */
export const activationLabel = (act: StudyActivation): string => activationToString(activationSpec(act));

export const degreeLabel = (act: StudyActivation): string => `k = ${degreeOf(act)}`;

/** Distinct values in first-seen order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * One line per trial: the parameters that vary across the rows (sorted by name, as trial parameters
 * are stored), the seed, then the requested metrics — `outputs` are names of the module's own metric
 * schema, so `pick` reads them inside the module that owns them.
 */
export function rawTable<P extends object, M extends object>(
  rows: readonly StudyRow<P, M>[],
  outputs: readonly (keyof M & string)[],
): Table {
  const entries = (p: P): [string, unknown][] => Object.entries(p);
  const first = rows[0] ? entries(rows[0].params) : [];
  const varying = first
    .map(([k]) => k)
    .sort()
    .filter((k) => new Set(rows.map((r) => JSON.stringify(Object.fromEntries(entries(r.params))[k]))).size > 1);
  const cell = (v: unknown): Cell =>
    typeof v === 'number'
      ? Number.isFinite(v)
        ? v
        : null
      : typeof v === 'string' || typeof v === 'boolean'
        ? v
        : null;
  return {
    columns: [...varying, 'seed', ...outputs],
    rows: rows.map((r) => {
      const p = Object.fromEntries(entries(r.params));
      return [...varying.map((k) => cell(p[k])), r.seed, ...outputs.map((m) => cell(r.metrics[m]))];
    }),
  };
}

/** The spec's `outputs` that name metrics of this schema (the spec validated them against it). */
export function ownOutputs<S extends Record<string, unknown>>(
  shape: S,
  outputs: readonly string[],
): (keyof S & string)[] {
  return outputs.filter((o): o is keyof S & string => Object.hasOwn(shape, o));
}
