/**
 * From stored trial results to a report section per study: figures, a table and verdicts. Pure: the
 * rows come in, the section goes out (rendering and files are in render.ts / write-report.ts).
 */
import { makeActivation } from '../activations/registry.js';
import { isExact, resolveTarget, STUDY_ACTIVATIONS, type StudyActivation } from '../studies/fields.js';
import type { StudySpec } from '../studies/spec.js';
import { chart, type Figure, summarize } from './figures.js';
import {
  combine,
  THRESHOLDS,
  type Verdict,
  verdictAlgorithms,
  verdictEstimators,
  verdictH1,
  verdictH2,
  verdictH3,
  verdictH4,
} from './verdicts.js';

export interface Row {
  key: string;
  params: Record<string, unknown>;
  seed: number;
  metrics: Record<string, number | string | boolean | null>;
  series: Record<string, number[]> | null;
  error: string | null;
}

export interface Table {
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

export interface Section {
  spec: StudySpec;
  verdict: Verdict;
  /** Sub-verdicts (per activation / dimension). */
  verdicts: Verdict[];
  figures: Figure[];
  table: Table;
  trials: number;
  failed: { key: string; params: Record<string, unknown>; seed: number; error: string }[];
}

const num = (r: Row, k: string): number => {
  const v = r.metrics[k];
  return typeof v === 'number' ? v : Number.NaN;
};
const str = (r: Row, k: string): string => String(r.params[k]);
/** "k = …" of a study activation, from the registry's degree of homogeneity. */
const kOf = (act: string): string =>
  `k = ${act in STUDY_ACTIVATIONS ? makeActivation(STUDY_ACTIVATIONS[act as StudyActivation].spec).degree : 1}`;

function overall(name: string, parts: Verdict[]): Verdict {
  const status = combine(parts.map((v) => v.status));
  return {
    status,
    text:
      parts.length === 1
        ? parts[0].text
        : `${name} ${status}: ${parts.map((v) => v.text.replace(/^\S+ (holds|does not hold|inconclusive) /, '')).join(' | ')}`,
    details: parts.flatMap((v) => v.details),
  };
}

function rawTable(spec: StudySpec, rows: Row[]): Table {
  const varying = Object.keys(rows[0]?.params ?? {}).filter(
    (k) => new Set(rows.map((r) => JSON.stringify(r.params[k]))).size > 1,
  );
  const columns = [...varying, 'seed', ...spec.outputs];
  return {
    columns,
    rows: rows.map((r) => [
      ...varying.map((k) => r.params[k] as string | number),
      r.seed,
      ...spec.outputs.map((m) => r.metrics[m] ?? null),
    ]),
  };
}

/** The distinct values of a param, in first-seen order. */
const distinct = (rows: Row[], k: string): string[] => [...new Set(rows.map((r) => str(r, k)))];

// ---------------------------------------------------------------- H1

function symmetry(spec: StudySpec, rows: Row[]): Omit<Section, 'spec' | 'trials' | 'failed'> {
  const long: Record<string, unknown>[] = [];
  for (const r of rows) {
    const s = r.series;
    if (!s) continue;
    const run = `${r.params.mode}, ${r.params.activation}, ${r.params.construction}, seed ${r.seed}`;
    s.log10c.forEach((u, i) => {
      const c = 10 ** u;
      long.push({ c, run, mode: r.params.mode, quantity: 'F = Tr ∇²L', value: s.F[i] });
      long.push({ c, run, mode: r.params.mode, quantity: 'F* (invariant)', value: s.fStar[i] });
      long.push({ c, run, mode: r.params.mode, quantity: 'train loss', value: s.trainLoss[i], flat: true });
      long.push({ c, run, mode: r.params.mode, quantity: 'population risk', value: s.risk[i], flat: true });
    });
  }
  const figs: Figure[] = [
    {
      id: 'h1-orbit-flatness',
      title: 'Flatness along a rescaling orbit',
      caption:
        'Exact Hessian trace F and invariant flatness F* at θ_c = (c^{-k} a, c W) (global) or per-neuron factors c_j = c^{ξ_j}; F is U-shaped, F* is constant.',
      spec: chart({
        title: 'F and F* along the orbit',
        data: long.filter((d) => !d.flat && (d.value as number) > 0),
        x: { field: 'c', title: 'rescaling factor c', log: true },
        y: { field: 'value', title: 'flatness', log: true },
        color: { field: 'quantity', title: 'quantity' },
        dash: { field: 'run', title: 'orbit' },
      }),
    },
    {
      id: 'h1-orbit-losses',
      title: 'Losses along the same orbit',
      caption:
        'Train loss and population risk at the same points (log scale; exact zeros are not drawn): constant to rounding error.',
      spec: chart({
        title: 'train loss and risk along the orbit',
        // Log axis: a memorizer's risk can be 10⁶ × another orbit's, which flattens a linear axis.
        data: long.filter((d) => d.flat && (d.value as number) > 0),
        x: { field: 'c', title: 'rescaling factor c', log: true },
        y: { field: 'value', title: 'loss / risk', log: true },
        color: { field: 'quantity', title: 'quantity' },
        dash: { field: 'run', title: 'orbit' },
      }),
    },
  ];
  const v = verdictH1(
    rows.map((r) => ({
      mode: str(r, 'mode'),
      fDecades: num(r, 'fDecades'),
      lossRelSpread: num(r, 'lossSpread'),
      riskRelSpread: num(r, 'riskSpread'),
      fStarRelSpread: num(r, 'fStarRelSpread'),
      uShaped: r.metrics.uShaped === true,
    })),
  );
  return { verdict: v, verdicts: [v], figures: figs, table: rawTable(spec, rows) };
}

// ---------------------------------------------------------------- H2 / H4 helpers

/** F_min per data group: the smallest F* among the interpolators built on the same data. */
function withRatios(rows: Row[]): (Row & { ratio: number })[] {
  const group = (r: Row): string =>
    JSON.stringify(['d', 'n', 'activation', 'target', 'noise'].map((k) => r.params[k]).concat(r.seed));
  const fmin = new Map<string, number>();
  for (const r of rows) {
    if (r.metrics.interpolates !== true) continue;
    const g = group(r);
    fmin.set(g, Math.min(fmin.get(g) ?? Number.POSITIVE_INFINITY, num(r, 'fStar')));
  }
  return rows.map((r) => ({ ...r, ratio: num(r, 'fStar') / (fmin.get(group(r)) ?? Number.NaN) }));
}

function nongeneralizing(_spec: StudySpec, rows: Row[]): Omit<Section, 'spec' | 'trials' | 'failed'> {
  const rr = withRatios(rows);
  const keys = (r: Row) => ({
    construction: str(r, 'construction'),
    n: r.params.n as number,
    d: r.params.d as number,
    k: kOf(str(r, 'activation')),
  });
  const ratio = summarize(rr, keys, (r) => r.ratio);
  const risk = summarize(rr, keys, (r) => num(r, 'risk') / num(r, 'varY'));
  const ds = distinct(rows, 'd');
  const figs: Figure[] = [
    {
      id: 'h2-ratio-vs-n',
      title: 'F*/F_min against n',
      caption: `F_min = the smallest F* among all interpolators found on the same data (teacher construction and the flattest-interpolator search). Mean over seeds; bars: min–max. Rule: ${THRESHOLDS.h2NeverFlattestFactor}× F_min, the "never near-flattest" line of the verdict.`,
      spec: chart({
        title: 'F* / F_min vs n',
        data: ratio,
        x: { field: 'n', title: 'number of samples n', log: true },
        y: { field: 'mean', title: 'F* / F_min', log: true },
        color: { field: 'construction', title: 'interpolator' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'k', title: 'activation degree' },
        dash: ds.length > 1 ? { field: 'd', title: 'd' } : undefined,
        rules: [{ y: THRESHOLDS.h2NeverFlattestFactor, label: `${THRESHOLDS.h2NeverFlattestFactor}× F_min` }],
      }),
    },
    {
      id: 'h2-risk-vs-n',
      title: 'Risk relative to Var(y) against n',
      caption: `Population risk R(θ)/Var(y); 1 is the risk of the best constant predictor; an interpolator is non-generalizing when its risk at the largest n is ≥ ${THRESHOLDS.h2NonGeneralizingRisk} Var(y). Mean over seeds; bars: min–max. Zero risks (exact teacher) are not drawn on the log axis.`,
      spec: chart({
        title: 'R / Var(y) vs n',
        data: risk.filter((r) => (r.min as number) > 0),
        x: { field: 'n', title: 'number of samples n', log: true },
        y: { field: 'mean', title: 'risk / Var(y)', log: true },
        color: { field: 'construction', title: 'interpolator' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'k', title: 'activation degree' },
        rules: [
          { y: 1, label: 'Var(y)' },
          { y: THRESHOLDS.h2NonGeneralizingRisk, label: 'non-generalizing' },
        ],
      }),
    },
  ];
  if (ds.length > 1) {
    figs.push({
      id: 'h2-ratio-vs-d',
      title: 'F*/F_min against d',
      caption: 'The same ratio against the input dimension (largest n). Mean over seeds; bars: min–max.',
      spec: chart({
        title: 'F* / F_min vs d',
        data: ratio.filter((r) => r.n === Math.max(...ratio.map((q) => q.n as number))),
        x: { field: 'd', title: 'input dimension d', log: true },
        y: { field: 'mean', title: 'F* / F_min', log: true },
        color: { field: 'construction', title: 'interpolator' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'k', title: 'activation degree' },
      }),
    });
  }
  const verdicts: Verdict[] = [];
  for (const act of distinct(rows, 'activation')) {
    for (const d of ds) {
      const pts = rr
        .filter((r) => str(r, 'activation') === act && str(r, 'd') === d)
        .map((r) => ({
          construction: str(r, 'construction'),
          n: r.params.n as number,
          ratio: r.ratio,
          riskFraction: num(r, 'risk') / num(r, 'varY'),
        }));
      const present = ['memorizer', 'random-features', 'lazy'].filter((c) => pts.some((p) => p.construction === c));
      verdicts.push(verdictH2(pts, `at d = ${d}, ${act} (${kOf(act)})`, present));
    }
  }
  const table: Table = {
    columns: ['activation', 'd', 'n', 'interpolator', 'F*/F_min (mean)', 'risk/Var(y) (mean)', 'seeds'],
    rows: ratio.map((r) => {
      const rk = risk.find((q) => q.construction === r.construction && q.n === r.n && q.d === r.d && q.k === r.k);
      return [r.k, r.d, r.n, r.construction, r.mean, rk?.mean ?? null, r.count];
    }),
  };
  return { verdict: overall('H2', verdicts), verdicts, figures: figs, table };
}

// ---------------------------------------------------------------- H3

function flattest(_spec: StudySpec, rows: Row[]): Omit<Section, 'spec' | 'trials' | 'failed'> {
  const keys = (r: Row) => ({
    n: r.params.n as number,
    noise: `σ_ε = ${r.params.noise}`,
    link: `${resolveTarget(str(r, 'target'), r.params.activation as StudyActivation)}${isExact(str(r, 'target'), r.params.activation as StudyActivation) ? ' (exact)' : ' (approx. error)'}`,
    student: `${r.params.activation} student`,
  });
  const risk = summarize(rows, keys, (r) => num(r, 'risk') / num(r, 'varF'));
  const figs: Figure[] = [
    {
      id: 'h3-risk-vs-n',
      title: 'Risk of the flattest interpolator against n',
      caption:
        'Population risk R/Var(f*) of the flattest-interpolator search, by label noise σ_ε (colour) and link (dash), one panel per student activation. Mean over seeds; bars: min–max.',
      spec: chart({
        title: 'R / Var(f*) vs n',
        data: risk.map((r) => ({
          ...r,
          mean: Math.max(r.mean as number, 1e-12),
          min: Math.max(r.min as number, 1e-12),
        })),
        x: { field: 'n', title: 'number of samples n', log: true },
        y: { field: 'mean', title: 'risk / Var(f*)', log: true },
        color: { field: 'noise', title: 'label noise' },
        dash: { field: 'link', title: 'target link' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'student', title: 'student' },
      }),
    },
  ];
  const verdicts = distinct(rows, 'activation').map((act) =>
    verdictH3(
      rows
        .filter((r) => str(r, 'activation') === act)
        .map((r) => ({
          n: r.params.n as number,
          noise: r.params.noise as number,
          exact: isExact(str(r, 'target'), act as StudyActivation),
          target: str(r, 'target'),
          risk: num(r, 'risk'),
          varF: num(r, 'varF'),
        })),
      `for a ${act} student (${kOf(act)})`,
    ),
  );
  const table: Table = {
    columns: ['student', 'link', 'noise', 'n', 'risk/Var(f*) (mean)', 'min', 'max', 'seeds'],
    rows: risk.map((r) => [r.student, r.link, r.noise, r.n, r.mean, r.min, r.max, r.count]),
  };
  return { verdict: overall('H3', verdicts), verdicts, figures: figs, table };
}

// ---------------------------------------------------------------- H4

function ordering(spec: StudySpec, rows: Row[]): Omit<Section, 'spec' | 'trials' | 'failed'> {
  const pts = rows
    .filter((r) => r.metrics.interpolates === true)
    .map((r) => ({
      construction: str(r, 'construction'),
      k: kOf(str(r, 'activation')),
      n: r.params.n as number,
      seed: r.seed,
      fStar: num(r, 'fStar'),
      traceRescaled: num(r, 'traceRescaled'),
      traceRescaledPerNeuron: num(r, 'traceRescaledPerNeuron'),
      risk: num(r, 'risk') / num(r, 'varY'),
    }));
  const plot = pts.map((p) => ({ ...p, risk: Math.max(p.risk, 1e-12) }));
  const figs: Figure[] = [
    {
      id: 'h4-fstar-risk',
      title: 'Interpolators in the F*–risk plane',
      caption:
        'Every interpolator of every construction and algorithm (one point per trial); risk relative to Var(y), floored at 1e-12 for the log axis.',
      spec: chart({
        title: 'risk vs F*',
        data: plot,
        mark: 'point',
        x: { field: 'fStar', title: 'invariant flatness F*', log: true },
        y: { field: 'risk', title: 'risk / Var(y)', log: true },
        color: { field: 'construction', title: 'interpolator' },
        column: { field: 'k', title: 'activation degree' },
        tooltip: ['construction', 'n', 'seed'],
      }),
    },
    {
      id: 'h4-rawF-risk',
      title: 'The same interpolators against raw F at a random orbit point',
      caption:
        'Raw Hessian trace after a random global rescaling c = 10^u, u uniform in [−logRange, logRange] (one draw per interpolator); the function, hence the risk, is unchanged.',
      spec: chart({
        title: 'risk vs raw F (random orbit point)',
        data: plot,
        mark: 'point',
        x: { field: 'traceRescaled', title: 'raw trace F at a random orbit point', log: true },
        y: { field: 'risk', title: 'risk / Var(y)', log: true },
        color: { field: 'construction', title: 'interpolator' },
        column: { field: 'k', title: 'activation degree' },
      }),
    },
  ];
  const verdicts = [...new Set(pts.map((p) => p.k))].map((k) =>
    verdictH4(
      pts.filter((p) => p.k === k),
      `(${k})`,
    ),
  );
  return { verdict: overall('H4', verdicts), verdicts, figures: figs, table: rawTable(spec, rows) };
}

// ---------------------------------------------------------------- algorithms, estimators

function algorithms(_spec: StudySpec, rows: Row[]): Omit<Section, 'spec' | 'trials' | 'failed'> {
  const keys = (r: Row) => ({ algorithm: str(r, 'algorithm'), k: kOf(str(r, 'activation')) });
  const fs = summarize(
    rows.filter((r) => r.metrics.interpolates === true),
    keys,
    (r) => num(r, 'fStar'),
  );
  const risk = summarize(rows, keys, (r) => Math.max(num(r, 'risk') / num(r, 'varY'), 1e-12));
  const steps = summarize(rows, keys, (r) => num(r, 'steps'));
  const figs: Figure[] = [
    {
      id: 'alg-fstar',
      title: 'F* of each algorithm',
      caption:
        'Invariant flatness of the interpolator each algorithm reaches (interpolating runs only; mean over seeds, bars min–max).',
      spec: chart({
        title: 'F* by algorithm',
        data: fs,
        mark: 'point',
        x: { field: 'algorithm', title: 'algorithm', type: 'nominal' },
        y: { field: 'mean', title: 'F*', log: true },
        color: { field: 'k', title: 'activation' },
        errorBars: { lo: 'min', hi: 'max' },
      }),
    },
    {
      id: 'alg-risk',
      title: 'Risk of each algorithm',
      caption: 'Population risk relative to Var(y) (mean over seeds, bars min–max; floored at 1e-12).',
      spec: chart({
        title: 'risk by algorithm',
        data: risk,
        mark: 'point',
        x: { field: 'algorithm', title: 'algorithm', type: 'nominal' },
        y: { field: 'mean', title: 'risk / Var(y)', log: true },
        color: { field: 'k', title: 'activation' },
        errorBars: { lo: 'min', hi: 'max' },
      }),
    },
  ];
  const verdicts = distinct(rows, 'activation').map((act) =>
    verdictAlgorithms(
      rows
        .filter((r) => str(r, 'activation') === act)
        .map((r) => ({
          algorithm: str(r, 'algorithm'),
          fStar: num(r, 'fStar'),
          interpolates: r.metrics.interpolates === true,
        })),
      `(${act})`,
    ),
  );
  const table: Table = {
    columns: ['activation', 'algorithm', 'F* (mean)', 'risk/Var(y) (mean)', 'steps (mean)', 'interpolating runs'],
    rows: risk.map((r) => {
      const f = fs.find((q) => q.algorithm === r.algorithm && q.k === r.k);
      const s = steps.find((q) => q.algorithm === r.algorithm && q.k === r.k);
      return [r.k, r.algorithm, f?.mean ?? null, r.mean, s?.mean ?? null, `${f?.count ?? 0}/${r.count}`];
    }),
  };
  return { verdict: overall('Algorithms', verdicts), verdicts, figures: figs, table };
}

function estimators(_spec: StudySpec, rows: Row[]): Omit<Section, 'spec' | 'trials' | 'failed'> {
  const err = summarize(
    rows,
    (r) => ({ method: str(r, 'method'), budget: r.params.budget as number }),
    (r) => num(r, 'rmsRelError'),
  );
  const figs: Figure[] = [
    {
      id: 'est-error-vs-budget',
      title: 'Trace-estimator error against budget',
      caption:
        'Relative RMS error of Hutchinson and Hutch++ against the exact trace, over `reps` probe seeds per trial; mean over trials, bars min–max.',
      spec: chart({
        title: 'relative RMS error vs budget',
        data: err,
        x: { field: 'budget', title: 'budget (matrix-vector products)', log: true },
        y: { field: 'mean', title: 'relative RMS error', log: true },
        color: { field: 'method', title: 'estimator' },
        errorBars: { lo: 'min', hi: 'max' },
      }),
    },
  ];
  const v = verdictEstimators(
    rows.map((r) => ({
      method: str(r, 'method'),
      budget: r.params.budget as number,
      rmsRelError: num(r, 'rmsRelError'),
    })),
    '',
  );
  return {
    verdict: v,
    verdicts: [v],
    figures: figs,
    table: {
      columns: ['method', 'budget', 'relative RMS error (mean)', 'trials'],
      rows: err.map((r) => [r.method, r.budget, r.mean, r.count]),
    },
  };
}

const ANALYSES: Record<string, (spec: StudySpec, rows: Row[]) => Omit<Section, 'spec' | 'trials' | 'failed'>> = {
  symmetry,
  nongeneralizing,
  flattest,
  ordering,
  algorithms,
  estimators,
};

/** Analyse one study's rows (the trials of its current scale; failed trials are listed, not used). */
export function analyse(spec: StudySpec, all: Row[]): Section {
  const ok = all.filter((r) => !r.error);
  const failed = all
    .filter((r) => r.error)
    .map((r) => ({ key: r.key, params: r.params, seed: r.seed, error: r.error as string }));
  const a = ANALYSES[spec.study](spec, ok);
  return { spec, trials: all.length, failed, ...a };
}
