/** H3's report section: risk/Var(f*) of the flattest interpolator against n, one verdict per student. */
import type { z } from 'zod';
import { chart, type Figure, summarize } from '../../figures/vega-lite.js';
import { degreeLabel, distinct } from '../analysis-helpers.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { representsExactly, resolveStudyTarget, studyStudent } from '../target.js';
import { overall } from '../verdict.js';
import type { FlattestParams, flattestMetrics } from './schema.js';
import { verdictH3 } from './verdict.js';

type Row = StudyRow<FlattestParams, z.output<typeof flattestMetrics>>;

/** The target's label and whether the student represents it exactly (the teacher construction's rule). */
function linkOf(p: FlattestParams): { label: string; exact: boolean } {
  const t = resolveStudyTarget(p);
  return { label: t.label, exact: representsExactly(t, studyStudent(p.activation)) };
}

/** The input law a row was drawn from (Gaussian unless the spec names one). */
const inputOf = (p: FlattestParams): string => p.input ?? 'gaussian';

export function analyseFlattest(rows: Row[]): Analysis {
  // Input laws appear in the labels only when a spec varies them, so older reports read as before.
  const byInput = rows.some((r) => r.params.input !== undefined);
  const keys = (r: Row) => {
    const l = linkOf(r.params);
    return {
      n: r.params.n,
      noise: `σ_ε = ${r.params.noise}`,
      link: `${l.label}${l.exact ? ' (exact)' : ' (approx. error)'}`,
      student: `${r.params.activation} student`,
      ...(byInput ? { input: `${inputOf(r.params)} inputs` } : {}),
    };
  };
  const risk = summarize(rows, keys, (r) => r.metrics.risk / r.metrics.varF);
  // Monte Carlo risks (no closed form: non-Gaussian inputs, multi-index links, k > 2) carry a standard error.
  const anyMc = rows.some((r) => r.metrics.riskMethod === 'montecarlo');
  const se = summarize(rows, keys, (r) => r.metrics.riskStderr / r.metrics.varF);
  const method = summarize(rows, keys, (r) => (r.metrics.riskMethod === 'montecarlo' ? 1 : 0));
  const sameGroup = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    ['n', 'noise', 'link', 'student', 'input'].every((k) => a[k] === b[k]);
  const figures: Figure[] = [
    {
      id: 'h3-risk-vs-n',
      title: 'Risk of the flattest interpolator against n',
      caption: `Population risk R/Var(f*) of the flattest-interpolator search (Var(f*): the best constant predictor's risk), one colour per (target link, label noise σ_ε), one panel per student activation${byInput ? ' (columns) and input law (rows)' : ''}. Mean over seeds; bars: min–max.${anyMc ? ' Where no closed form applies (non-Gaussian inputs, multi-index links, k > 2) the risk is a Monte Carlo estimate (2^15 fresh samples); its standard error is in the table.' : ''}`,
      spec: chart({
        title: 'R / Var(f*) vs n',
        data: risk.map((r) => ({
          ...r,
          series: `${r.link}, ${r.noise}`,
          mean: Math.max(r.mean as number, 1e-12),
          min: Math.max(r.min as number, 1e-12),
        })),
        x: { field: 'n', title: 'number of samples n', log: true },
        y: { field: 'mean', title: 'risk / Var(f*) (log)', log: true },
        color: { field: 'series', title: 'target link, label noise' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'student', title: 'student' },
        ...(byInput ? { row: { field: 'input', title: 'input law' }, width: 190, height: 130 } : {}),
      }),
    },
  ];
  const cells = distinct(rows.map((r) => JSON.stringify([r.params.activation, byInput ? inputOf(r.params) : null])));
  const verdicts = cells.map((cell) => {
    const inCell = rows.filter(
      (r) => JSON.stringify([r.params.activation, byInput ? inputOf(r.params) : null]) === cell,
    );
    const p0 = inCell[0].params;
    return verdictH3(
      inCell.map((r) => {
        const l = linkOf(r.params);
        return {
          n: r.params.n,
          noise: r.params.noise,
          exact: l.exact,
          target: l.label,
          risk: r.metrics.risk,
          riskStderr: r.metrics.riskStderr,
          varF: r.metrics.varF,
        };
      }),
      `for ${/^[aeiou]/.test(p0.activation) ? 'an' : 'a'} ${p0.activation} student (${degreeLabel(p0.activation)})${byInput ? `, ${inputOf(p0)} inputs` : ''}`,
    );
  });
  const table: Table = anyMc
    ? {
        columns: [
          'student',
          ...(byInput ? ['input'] : []),
          'link',
          'noise',
          'n',
          'risk/Var(f*) (mean)',
          'min',
          'max',
          'risk method',
          'MC s.e./Var(f*) (mean)',
          'seeds',
        ],
        rows: risk.map((r) => {
          const m = method.find((q) => sameGroup(q, r))?.mean ?? 0;
          return [
            r.student,
            ...(byInput ? [r.input] : []),
            r.link,
            r.noise,
            r.n,
            r.mean,
            r.min,
            r.max,
            m === 0 ? 'exact' : m === 1 ? 'Monte Carlo' : 'mixed',
            se.find((q) => sameGroup(q, r))?.mean ?? null,
            r.count,
          ];
        }),
      }
    : {
        columns: ['student', 'link', 'noise', 'n', 'risk/Var(f*) (mean)', 'min', 'max', 'seeds'],
        rows: risk.map((r) => [r.student, r.link, r.noise, r.n, r.mean, r.min, r.max, r.count]),
      };
  return { verdict: overall('H3', verdicts), verdicts, figures, table };
}
