/** Plain-text rendering of the registry measures and the invariance report (used by `flatlab measure`). */
import { formatNumber } from '../number-format.js';
import type { InvarianceReport } from './invariance.js';
import { type AllMeasures, getMeasure } from './registry.js';

const num = (v: number | null): string => formatNumber(v, { integersBelow: 1e15 });

/** Table rows (label, value) for every computed measure; invariant ones are marked. */
export function measureRows(all: AllMeasures): [string, string][] {
  return Object.entries(all.values).map(([name, v]) => {
    const def = getMeasure(name);
    const label = `${name}${def.invariant ? ' (invariant)' : ''}`;
    return [label, v === null ? `n/a (${all.skipped[name] ?? 'unavailable'})` : num(v)];
  });
}

export function formatInvarianceReport(rep: InvarianceReport): string {
  const head = `rescaling-orbit check: ${rep.points} random points, factors 10^U[−${rep.logRange}, ${rep.logRange}], seed ${rep.seed}`;
  const w = Math.max(...rep.rows.map((r) => r.name.length), 7);
  const lines = [head, `${'measure'.padEnd(w)}  declared       min           max           rel. spread   agrees`];
  for (const r of rep.rows) {
    const decl = (r.invariant ? 'invariant' : 'not invariant').padEnd(13);
    if (r.skipped) {
      lines.push(`${r.name.padEnd(w)}  ${decl}  skipped: ${r.skipped}`);
      continue;
    }
    lines.push(
      `${r.name.padEnd(w)}  ${decl}  ${num(r.min).padEnd(12)}  ${num(r.max).padEnd(12)}  ${(r.relSpread as number).toExponential(2).padEnd(12)}  ${r.agrees ? 'yes' : 'NO'}`,
    );
  }
  lines.push(
    rep.allAgree
      ? 'every measure behaves as declared (invariant: spread ≤ 1e-9; not invariant: spread > 1%)'
      : 'SOME MEASURES DO NOT BEHAVE AS DECLARED',
  );
  return `${lines.join('\n')}\n`;
}
