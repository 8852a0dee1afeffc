/** H3's report section: risk/Var(f*) of the flattest interpolator against n, one verdict per student. */
import type { z } from 'zod';
import { chart, type Figure, summarize } from '../../figures/vega-lite.js';
import { activationLabel } from '../analysis-helpers.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { decideLines, secondary } from '../inference/index.js';
import { hypothesisVerdict, linesTable } from '../inference/present.js';
import { representsExactly, resolveStudyTarget, studyStudent } from '../target.js';
import type { FlattestParams, flattestMetrics } from './schema.js';
import { type H3Point, h3Lines, h3Secondary } from './verdict.js';

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
      student: `${activationLabel(r.params.activation)} student`,
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
  const points: H3Point[] = rows.map((r) => {
    const l = linkOf(r.params);
    const p = r.params;
    const family = `${activationLabel(p.activation)} student, d = ${p.d}${byInput ? `, ${inputOf(p)} inputs` : ''}`;
    return {
      cell: JSON.stringify([p.activation, p.d, l.label, inputOf(p)]),
      label: `${family}, target ${l.label}${l.exact ? '' : ' (approx. error)'}`,
      family,
      n: p.n,
      d: p.d,
      noise: p.noise,
      exact: l.exact,
      seed: r.seed,
      risk: r.metrics.risk,
      varF: r.metrics.varF,
      interpolates: r.metrics.interpolates,
    };
  });
  const { primary, outsidePremise } = h3Lines(points);
  const main = decideLines(primary);
  const sec = h3Secondary(points);
  const head = hypothesisVerdict(
    'H3',
    primary.length ? main.status : 'inconclusive',
    main.lines,
    secondary(sec.endpoints),
    [
      ...(primary.length ? [] : ['no line meets the premise (an exact link and σ_ε = 0): H3 is not tested']),
      ...(anyMc
        ? [
            `population risk by Monte Carlo (no closed form: non-Gaussian inputs, a multi-index link or k > 2) for ${rows.filter((r) => r.metrics.riskMethod === 'montecarlo').length} of ${rows.length} trials, 2^15 samples each; its standard error is in the table`,
          ]
        : []),
      ...sec.notes,
    ],
  );
  const verdicts = [head];
  const other = decideLines(outsidePremise);
  if (outsidePremise.length)
    verdicts.push(
      hypothesisVerdict(
        'H3 outside its premise (σ_ε > 0 or an inexact link; not part of the verdict):',
        other.status,
        other.lines,
      ),
    );
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
  return { verdict: head, verdicts, figures, table, extra: { lines: linesTable([...main.lines, ...other.lines]) } };
}
