/**
 * Cost bounds checked before any work (docs/architecture.md, "Errors"): a spec whose grid would expand to
 * millions of trials, or whose largest trial cannot fit in memory or time, is refused at validation,
 * not after the heap is exhausted or the first trial fails. The grid is counted from the axis lengths,
 * never expanded.
 */

import { MAX_ENTRIES } from '../data/generate.js';
import { InputError } from '../errors.js';

/** Most trials one scale of a spec may expand to (grid points × seeds). */
export const MAX_TRIALS_PER_SCALE = 100_000;
/**
 * Most multiply-adds one trial may be estimated to need: n·d·m per data pass × passes (training steps,
 * orbit points, estimator products, plus a few exact passes). 1e13 is hours on one core.
 */
export const MAX_TRIAL_MULTIPLY_ADDS = 1e13;

interface SpecShape {
  readonly study: string;
  readonly base: Readonly<Record<string, readonly unknown[]>>;
  readonly scales: Readonly<
    Record<string, { readonly seeds: readonly number[]; readonly grid: Readonly<Record<string, readonly unknown[]>> }>
  >;
}

function largest(values: readonly unknown[] | undefined, fallback: unknown): number {
  const nums = (values ?? [fallback]).filter((v): v is number => typeof v === 'number');
  return nums.length ? Math.max(...nums) : 0;
}

/**
 * Refuse a spec whose grid or largest trial is over the limits above; `where` prefixes the message.
 * `type` is the study module's defaults (passed in, so this file needs no registry import).
 */
export function checkSpecCost(
  spec: SpecShape,
  where: string,
  type: { readonly defaults: Readonly<Record<string, unknown>> },
): void {
  for (const [scale, s] of Object.entries(spec.scales)) {
    const axes: Record<string, readonly unknown[]> = {};
    for (const [f, v] of Object.entries(type.defaults)) axes[f] = [v];
    Object.assign(axes, spec.base, s.grid);
    let count = s.seeds.length;
    for (const a of Object.values(axes)) count *= a.length;
    if (count > MAX_TRIALS_PER_SCALE)
      throw new InputError(
        `${where}scales.${scale}: the grid has ${count.toExponential(2)} trials (axis lengths × seeds); the limit is ${MAX_TRIALS_PER_SCALE}`,
      );
    const max = (f: string) => largest(axes[f], (type.defaults as Record<string, unknown>)[f]);
    const n = max('n');
    const d = max('d');
    if (n * d > MAX_ENTRIES)
      throw new InputError(
        `${where}scales.${scale}: n·d = ${n}·${d} = ${(n * d).toExponential(2)} exceeds the limit of ${MAX_ENTRIES} data entries`,
      );
    const m = Math.max(1, max('m'), max('searchWidth'));
    const passes = 10 + max('steps') + max('points') + max('budget') * Math.max(1, max('reps'));
    const cost = n * d * m * passes;
    if (cost > MAX_TRIAL_MULTIPLY_ADDS)
      throw new InputError(
        `${where}scales.${scale}: the largest trial needs about ${cost.toExponential(2)} multiply-adds (n·d·m × ${passes} passes); the limit is ${MAX_TRIAL_MULTIPLY_ADDS.toExponential(0)}`,
      );
  }
}
