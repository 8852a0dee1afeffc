/**
 * How a decided hypothesis reads in the report: one verdict line per hypothesis with one detail line per
 * line (status, reason, each part's mean with its interval and p-values, the minimum detectable effect,
 * the non-interpolating count), the per-line table, and the secondary endpoints with their q-values.
 */
import type { Table } from '../definition.js';
import { f2, type Verdict, type VerdictStatus } from '../verdict.js';
import type { LineDecision, SecondaryResult } from './lines.js';

const p3 = (p: number): string => (Number.isFinite(p) ? (p < 1e-4 ? '< 1e-4' : p.toFixed(4)) : 'n/a');

/** One detail line of a decided line. */
export function lineDetail(l: LineDecision): string {
  const parts = l.parts
    .map(
      (p) =>
        `${p.name}: mean ${f2(p.test.mean)} (95% CI [${f2(p.test.ci[0])}, ${f2(p.test.ci[1])}], ${p.test.seeds} seeds, p_hold ${p3(p.test.pHold)}, MDE ${f2(p.test.mde)})`,
    )
    .join('; ');
  const interp = l.trials ? `; ${l.nonInterpolating} of ${l.trials} trials do not interpolate` : '';
  const holm = Number.isFinite(l.pFailHolm) ? `; p_fail (Holm) ${p3(l.pFailHolm)}` : '';
  return `${l.label}: ${l.status} — ${l.reason}${parts ? `; ${parts}` : ''}${holm}${interp}`;
}

/** The verdict of one hypothesis from its decided lines (and its secondary endpoints, reported only). */
export function hypothesisVerdict(
  name: string,
  status: VerdictStatus,
  lines: readonly LineDecision[],
  secondary: readonly SecondaryResult[] = [],
  extra: readonly string[] = [],
): Verdict {
  const counted = lines.filter((l) => l.status !== 'outside');
  const tally = (s: string) => counted.filter((l) => l.status === s).length;
  const summary = counted.length
    ? `${tally('holds')} of ${counted.length} lines hold, ${tally('does not hold')} do not, ${tally('inconclusive')} inconclusive${lines.length > counted.length ? ` (${lines.length - counted.length} outside the claim)` : ''}`
    : 'no line in the claim';
  const sec = secondary.map(
    (s) =>
      `secondary — ${s.label}: effect ${f2(s.test.mean)} (95% CI [${f2(s.test.ci[0])}, ${f2(s.test.ci[1])}], ${s.test.seeds} seeds), BH q ${p3(s.q)}${s.discovered ? ' (discovery at q = 0.1)' : ''}`,
  );
  return { status, text: `${name} ${status}: ${summary}`, details: [...lines.map(lineDetail), ...sec, ...extra] };
}

/** The per-line table: status, reason, each part's mean and interval, p-values, MDE, interpolation. */
export function linesTable(lines: readonly LineDecision[]): Table {
  const width = Math.max(0, ...lines.map((l) => l.parts.length));
  const partCols = Array.from({ length: width }, (_, i) => [
    `part ${i + 1}`,
    `mean ${i + 1}`,
    `CI low ${i + 1}`,
    `CI high ${i + 1}`,
  ]).flat();
  return {
    columns: ['line', 'status', 'reason', 'seeds', ...partCols, 'p_hold', 'p_fail (Holm)', 'MDE', 'not interpolating'],
    rows: lines.map((l) => [
      l.label,
      l.status,
      l.reason,
      l.parts.length ? Math.min(...l.parts.map((p) => p.test.seeds)) : 0,
      ...Array.from({ length: width }, (_, i) => {
        const p = l.parts[i];
        return p ? [p.name, fin(p.test.mean), fin(p.test.ci[0]), fin(p.test.ci[1])] : [null, null, null, null];
      }).flat(),
      fin(l.pHold),
      fin(l.pFailHolm),
      fin(l.mde),
      `${l.nonInterpolating} of ${l.trials}`,
    ]),
  };
}

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
