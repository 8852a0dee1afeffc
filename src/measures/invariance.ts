/**
 * Empirical check of each measure's declared behaviour under the rescaling symmetry: evaluate it at
 * random points of the model's orbit (per-neuron factors c_j = 10^{u_j}, u_j ~ U[−logRange, logRange])
 * and report the spread. Declared invariant ⇒ relative spread ≤ 1e-9; declared non-invariant ⇒ > 1%.
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { requireHomogeneous } from '../model/activations.js';
import type { Network } from '../model/network.js';
import type { ParamDef } from '../params/table.js';
import { deriveSeed } from '../rng/xoshiro.js';
import { randomFactors, rescale } from '../symmetry/rescale.js';
import {
  getMeasure,
  MEASURES,
  type MeasureContext,
  type MeasureDef,
  resolveContext,
  unavailableReason,
} from './registry.js';

export const INVARIANT_TOL = 1e-9;
export const NON_INVARIANT_MIN_SPREAD = 0.01;

/** One measure's declared invariance against its observed spread over the orbit points. */
export interface InvarianceRow {
  readonly name: string;
  readonly invariant: boolean;
  readonly min: number | null;
  readonly max: number | null;
  /** (max − min) / max(|min|, |max|); 0 when all values are 0. */
  readonly relSpread: number | null;
  /** Whether the observed spread agrees with the declaration (null when skipped). */
  readonly agrees: boolean | null;
  readonly values: readonly number[];
  readonly skipped?: string;
}

/** How many random orbit points, how far (log₁₀ range of the factors), the seed and which measures. */
export interface InvarianceOptions {
  points?: number;
  logRange?: number;
  seed?: number;
  /** Registered names, or definitions (a definition with a deliberately wrong declaration tests the check). */
  measures?: readonly (string | MeasureDef)[];
  context?: Omit<MeasureContext, 'seed'>;
}

/** The invariance check of every measure asked for, and whether all behave as declared. */
export interface InvarianceReport {
  readonly points: number;
  readonly logRange: number;
  readonly seed: number;
  readonly rows: readonly InvarianceRow[];
  /** Every available measure behaves as declared. */
  readonly allAgree: boolean;
}

export function relativeSpread(values: readonly number[]): number {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const scale = Math.max(Math.abs(min), Math.abs(max));
  return scale === 0 ? 0 : (max - min) / scale;
}

/**
 * Each measure at random points of θ's rescaling orbit, against its declaration: an invariant measure
 * must not move, a non-invariant one should (docs/measures.md).
 *
 * @example
 * ```ts
 * import { invarianceReport, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const rep = invarianceReport(teacher, data, { points: 3, measures: ['trace', 'invariant_flatness'], seed: 0 });
 * console.log(rep.rows.map((r) => [r.name, r.agrees])); // [['trace', true], ['invariant_flatness', true]]
 * ```
 */
export function invarianceReport(net: Network, data: Dataset, opts: InvarianceOptions = {}): InvarianceReport {
  requireHomogeneous(net.act, 'invariance report');
  const points = opts.points ?? 20;
  const logRange = opts.logRange ?? 1;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(points) || points < 2) throw new InputError(`points must be an integer ≥ 2 (got ${points})`);
  const ctx: MeasureContext = { ...opts.context, seed };
  const rc = resolveContext(ctx);
  const defs = opts.measures ? opts.measures.map((m) => (typeof m === 'string' ? getMeasure(m) : m)) : MEASURES;
  const orbit = Array.from({ length: points }, (_, p) =>
    rescale(net, randomFactors(net.m, logRange, deriveSeed(seed, 'orbit', p))),
  );
  const rows = defs.map((def): InvarianceRow => {
    const why = unavailableReason(def, net, ctx);
    if (why)
      return {
        name: def.name,
        invariant: def.invariant,
        min: null,
        max: null,
        relSpread: null,
        agrees: null,
        values: [],
        skipped: why,
      };
    const values = orbit.map((q) => def.compute(q, data, rc));
    const relSpread = relativeSpread(values);
    const agrees = def.invariant ? relSpread <= INVARIANT_TOL : relSpread > NON_INVARIANT_MIN_SPREAD;
    return Object.freeze({
      name: def.name,
      invariant: def.invariant,
      min: Math.min(...values),
      max: Math.max(...values),
      relSpread,
      agrees,
      values,
    });
  });
  return Object.freeze({ points, logRange, seed, rows, allAgree: rows.every((r) => r.agrees !== false) });
}

export const INVARIANCE_PARAMS = {
  points: {
    key: 'orbitPoints',
    type: 'int',
    default: 20,
    min: 2,
    max: 10000,
    help: 'random orbit points for the invariance check',
  } as ParamDef<number>,
  logRange: {
    key: 'orbitLogRange',
    type: 'number',
    default: 1,
    min: 0,
    max: 20,
    help: 'orbit factors c_j = 10^u, u ~ U[−r, r]',
  } as ParamDef<number>,
};
