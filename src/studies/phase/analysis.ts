/**
 * The phase study's report section. (1) Heatmaps of the flattest interpolator's risk/Var(f*) over n/d ×
 * σ_ε, one panel per link (its He₃ share of the variance is the approximation-error axis), with the
 * contour risk = 0.1 Var(f*) drawn through the crossing point of each row. (2) Sample complexity: per
 * degree k, the smallest n reaching that risk (log–log interpolation between grid points) against d,
 * fitted as n* ∝ d^γ with a 95% interval.
 */
import type { z } from 'zod';
import { type Figure, summarize, type VegaLiteSpec } from '../../figures/vega-lite.js';
import { linearFit } from '../../statistics/fits.js';
import { degreeLabel, distinct } from '../analysis-helpers.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { representsExactly, resolveStudyTarget, studyStudent } from '../target.js';
import { ci, combine, f2, overall, THRESHOLDS, type Verdict, type VerdictStatus } from '../verdict.js';
import { type PhaseParams, type phaseMetrics, samplesOf } from './schema.js';

type Row = StudyRow<PhaseParams, z.output<typeof phaseMetrics>>;

const withN = (p: PhaseParams) => ({ ...p, n: samplesOf(p) });

/** The risk level of the contour and of n*: H3's threshold. */
const LEVEL = THRESHOLDS.h3MaxRiskFraction;

/** He₃'s share of Var g for a single Hermite link (coefficients in the orthonormal basis), else null. */
export function he3Share(p: PhaseParams): number | null {
  const t = resolveStudyTarget(withN(p));
  if (typeof t.links === 'string') return null;
  const [l] = t.links;
  if (l.name !== 'hermite' || t.links.some((m) => JSON.stringify(m) !== JSON.stringify(l))) return null;
  let v = 0;
  for (let k = 1; k < l.coeffs.length; k++) v += l.coeffs[k] ** 2;
  return v > 0 ? (l.coeffs[3] ?? 0) ** 2 / v : null;
}

function linkLabel(p: PhaseParams): string {
  const t = resolveStudyTarget(withN(p));
  const share = he3Share(p);
  const exact = representsExactly(t, studyStudent(p.activation));
  return `${t.label}${share === null ? '' : ` (He₃ share ${f2(share)})`}${exact ? ' (exact)' : ''}`;
}

/**
 * First x where y ≤ LEVEL along increasing x, interpolated in log–log between the grid points around
 * it; `below` when already the smallest x reaches it (then x is an upper bound), null when none does.
 */
export function crossing(pts: readonly { x: number; y: number }[]): { x: number; below: boolean } | null {
  const s = [...pts].filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  for (let i = 0; i < s.length; i++) {
    if (s[i].y > LEVEL) continue;
    if (i === 0) return { x: s[0].x, below: true };
    const [a, b] = [s[i - 1], s[i]];
    // log y is linear in log x between the two points; y = 0 (exact recovery) is floored.
    const ly = (y: number) => Math.log(Math.max(y, 1e-300));
    const t = (ly(a.y) - Math.log(LEVEL)) / (ly(a.y) - ly(b.y));
    return { x: Math.exp(Math.log(a.x) + t * (Math.log(b.x) - Math.log(a.x))), below: false };
  }
  return null;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const CONFIG = {
  font: 'DejaVu Sans',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
  title: { fontSize: 13 },
};

/** Cell bounds on a log axis: geometric midpoints between neighbouring grid values. */
function logCells(xs: number[]): Map<number, [number, number]> {
  const s = [...new Set(xs)].sort((a, b) => a - b);
  const out = new Map<number, [number, number]>();
  s.forEach((x, i) => {
    const lo = i > 0 ? Math.sqrt(s[i - 1] * x) : x / Math.sqrt(s[1] ? s[1] / x : 2);
    const hi = i < s.length - 1 ? Math.sqrt(x * s[i + 1]) : x * Math.sqrt(i > 0 ? x / s[i - 1] : 2);
    out.set(x, [lo, hi]);
  });
  return out;
}

function heatmap(rows: Row[], title: string): VegaLiteSpec {
  const g = summarize(
    rows,
    (r) => ({ link: linkLabel(r.params), noise: r.params.noise, nPerD: r.params.nPerD }),
    (r) => r.metrics.risk / r.metrics.varF,
  );
  const cells = logCells(g.map((c) => c.nPerD as number));
  const cross = new Map<string, number | null>();
  for (const key of distinct(g.map((c) => JSON.stringify([c.link, c.noise])))) {
    const pts = g.filter((c) => JSON.stringify([c.link, c.noise]) === key);
    cross.set(key, crossing(pts.map((c) => ({ x: c.nPerD as number, y: c.mean as number })))?.x ?? null);
  }
  const values = g.map((c) => {
    const [x0, x1] = cells.get(c.nPerD as number) ?? [Number.NaN, Number.NaN];
    return {
      ...c,
      x0,
      x1,
      log10risk: Math.log10(Math.max(c.mean as number, 1e-12)),
      crossing: cross.get(JSON.stringify([c.link, c.noise])) ?? null,
    };
  });
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    config: CONFIG,
    facet: { column: { field: 'link', type: 'nominal', title: 'target link (approximation error: He₃ share)' } },
    spec: {
      width: 220,
      height: 150,
      layer: [
        {
          mark: 'rect',
          encoding: {
            x: { field: 'x0', type: 'quantitative', scale: { type: 'log' }, title: 'samples per dimension n/d (log)' },
            x2: { field: 'x1' },
            y: { field: 'noise', type: 'ordinal', sort: 'descending', title: 'label noise σ_ε' },
            color: {
              field: 'log10risk',
              type: 'quantitative',
              title: 'log₁₀ risk/Var(f*)',
              scale: { scheme: 'viridis', domainMid: Math.log10(LEVEL) },
            },
            tooltip: [
              { field: 'link' },
              { field: 'noise', title: 'σ_ε' },
              { field: 'nPerD', title: 'n/d' },
              { field: 'mean', title: 'risk/Var(f*)', format: '.3g' },
              { field: 'count', title: 'seeds' },
            ],
          },
        },
        {
          transform: [{ filter: 'datum.crossing != null' }],
          mark: { type: 'line', point: { filled: true, color: 'white' }, color: 'white', strokeWidth: 2 },
          encoding: {
            x: { field: 'crossing', type: 'quantitative' },
            y: { field: 'noise', type: 'ordinal', sort: 'descending' },
          },
        },
      ],
    },
    resolve: { scale: { color: 'shared' } },
  };
}

interface NStar {
  k: string;
  d: number;
  seed: number;
  nStar: number | null;
}

function sampleComplexity(rows: Row[]): NStar[] {
  const clean = rows.filter(
    (r) =>
      r.params.noise === 0 && representsExactly(resolveStudyTarget(withN(r.params)), studyStudent(r.params.activation)),
  );
  const out: NStar[] = [];
  for (const act of distinct(clean.map((r) => r.params.activation)))
    for (const d of distinct(clean.map((r) => r.params.d)))
      for (const seed of distinct(clean.map((r) => r.seed))) {
        const pts = clean.filter((r) => r.params.activation === act && r.params.d === d && r.seed === seed);
        if (!pts.length) continue;
        const c = crossing(pts.map((r) => ({ x: r.params.nPerD, y: r.metrics.risk / r.metrics.varF })));
        out.push({ k: `${degreeLabel(act)} (${act})`, d, seed, nStar: c ? c.x * d : null });
      }
  return out;
}

function nStarVerdict(pts: NStar[], k: string): { verdict: Verdict; fit: { d: number; n: number }[] } {
  const found = pts.filter((p): p is NStar & { nStar: number } => p.nStar !== null);
  const ds = distinct(pts.map((p) => p.d)).sort((a, b) => a - b);
  const missing = distinct(pts.filter((p) => p.nStar === null).map((p) => p.d));
  if (distinct(found.map((p) => p.d)).length < 2) {
    return {
      verdict: {
        status: 'inconclusive',
        text: `H3 sample complexity inconclusive (${k}): risk ≤ ${LEVEL} Var(f*) reached at fewer than 2 dimensions`,
        details: [`d without n* on the grid: ${missing.join(', ') || 'none'}`],
      },
      fit: [],
    };
  }
  const fit = linearFit(
    found.map((p) => Math.log(p.d)),
    found.map((p) => Math.log(p.nStar)),
  );
  const status: VerdictStatus = missing.length || !Number.isFinite(fit.ci[0]) ? 'inconclusive' : 'holds';
  const byD = ds.map((d) => {
    const v = found.filter((p) => p.d === d).map((p) => p.nStar);
    return v.length ? `${f2(v.reduce((s, x) => s + x, 0) / v.length)} at d = ${d}` : `not reached at d = ${d}`;
  });
  return {
    verdict: {
      status,
      text: `H3 sample complexity ${status} (${k}): n* ∝ d^γ, γ = ${f2(fit.slope)} (${ci(fit.ci)}); n* = ${byD.join(', ')}`,
      details: [
        `n* = the smallest n with risk ≤ ${LEVEL} Var(f*) (noiseless, exact link), interpolated log–log between grid points, per seed; least squares on log n* = γ log d + c over ${found.length} (d, seed) pairs`,
        ...(missing.length ? [`not reached on the n/d grid at d = ${missing.join(', ')} — extend the grid`] : []),
      ],
    },
    fit: ds.map((d) => ({ d, n: Math.exp(fit.intercept + fit.slope * Math.log(d)) })),
  };
}

/** Whether each value is at least the one before. */
const nondecreasing = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || x >= xs[i - 1]);

/** Crossing points as the verdict lists them ("never" where the risk level is not reached). */
const crossingsText = (xs: readonly number[]): string =>
  xs.map((x) => (Number.isFinite(x) ? f2(x) : 'never')).join(', ');

/** Per link: the crossing n/d at each noise level, and (with several levels) whether it moves right with σ_ε. */
function noiseChecks(
  links: readonly string[],
  noises: readonly number[],
  at: (link: string, noise: number) => number,
): { parts: VerdictStatus[]; details: string[] } {
  const parts: VerdictStatus[] = [];
  const details: string[] = [];
  for (const link of links) {
    const xs = noises.map((s) => at(link, s));
    const ok = nondecreasing(xs);
    if (noises.length > 1) parts.push(ok ? 'holds' : 'does not hold');
    const trend = noises.length > 1 ? ` — ${ok ? 'later with more noise' : 'not monotone in the noise'}` : '';
    details.push(
      `${link}: risk ≤ ${LEVEL} Var(f*) from n/d = ${crossingsText(xs)} for σ_ε = ${noises.join(', ')}${trend}`,
    );
  }
  return { parts, details };
}

/** The crossing n/d moves right (or disappears) as σ_ε and the He₃ share grow. */
function phaseVerdict(rows: Row[], label: string): Verdict {
  const g = summarize(
    rows,
    (r) => ({
      link: linkLabel(r.params),
      share: he3Share(r.params) ?? -1,
      noise: r.params.noise,
      nPerD: r.params.nPerD,
    }),
    (r) => r.metrics.risk / r.metrics.varF,
  );
  const at = (link: string, noise: number): number => {
    const c = crossing(
      g.filter((q) => q.link === link && q.noise === noise).map((q) => ({ x: q.nPerD as number, y: q.mean as number })),
    );
    return c ? c.x : Number.POSITIVE_INFINITY;
  };
  const links = distinct(g.map((q) => q.link as string));
  const noises = distinct(g.map((q) => q.noise as number)).sort((a, b) => a - b);
  const { parts, details } = noiseChecks(links, noises, at);
  const byShare = links
    .map((l) => ({ l, share: (g.find((q) => q.link === l)?.share as number) ?? -1 }))
    .filter((x) => x.share >= 0)
    .sort((a, b) => a.share - b.share);
  if (byShare.length > 1) {
    const xs = byShare.map((x) => at(x.l, noises[0]));
    const ok = nondecreasing(xs);
    parts.push(ok ? 'holds' : 'does not hold');
    details.push(
      `σ_ε = ${noises[0]}: the crossing n/d for He₃ shares ${byShare.map((x) => f2(x.share)).join(', ')} is ${crossingsText(xs)} — ${ok ? 'later (or never) with more approximation error' : 'not monotone in the approximation error'}`,
    );
  }
  const status = combine(parts);
  return {
    status,
    text: `H3 phase ${status}${label ? ` ${label}` : ''}: the region risk ≤ ${LEVEL} Var(f*) starts at n/d = ${f2(at(links[0], noises[0]))} (${links[0]}, σ_ε = ${noises[0]}) and recedes with noise and He₃ share`,
    details,
  };
}

export function analysePhase(rows: Row[]): Analysis {
  const figures: Figure[] = [];
  const verdicts: Verdict[] = [];
  const panels = distinct(rows.map((r) => JSON.stringify([r.params.activation, r.params.d])));
  for (const panel of panels) {
    const inPanel = rows.filter((r) => JSON.stringify([r.params.activation, r.params.d]) === panel);
    const { activation, d } = inPanel[0].params;
    const varies =
      distinct(inPanel.map((r) => r.params.noise)).length > 1 ||
      distinct(inPanel.map((r) => linkLabel(r.params))).length > 1;
    if (!varies) continue;
    const label = `(${activation} student, ${degreeLabel(activation)}, d = ${d})`;
    figures.push({
      id: `h3-phase-${activation.replace(/[^a-z0-9]+/gi, '_')}-d${d}`,
      title: `Risk phase diagram ${label}`,
      caption: `Mean risk/Var(f*) of the flattest interpolator (colour, log scale; Var(f*) is the best constant's risk) over samples per dimension n/d and label noise σ_ε, one panel per target link; the He₃ share of the link's variance is the approximation error a ${activation} student cannot represent. White line: the contour risk = ${LEVEL} Var(f*) (log–log interpolation along n/d).`,
      spec: heatmap(inPanel, `risk / Var(f*) ${label}`),
    });
    verdicts.push(phaseVerdict(inPanel, label));
  }
  const ns = sampleComplexity(rows);
  const ks = distinct(ns.map((p) => p.k));
  const fits: { k: string; d: number; n: number }[] = [];
  if (distinct(ns.map((p) => p.d)).length > 1) {
    for (const k of ks) {
      const v = nStarVerdict(
        ns.filter((p) => p.k === k),
        k,
      );
      verdicts.push(v.verdict);
      fits.push(...v.fit.map((f) => ({ k, ...f })));
    }
    figures.push({
      id: 'h3-sample-complexity',
      title: 'Sample complexity of the flattest interpolator',
      caption: `n* = the smallest n with risk ≤ ${LEVEL} Var(f*) (noiseless, exact link; one point per seed) against the input dimension d, log–log; lines: the least-squares fits n* ∝ d^γ of the verdicts.`,
      spec: {
        $schema: SCHEMA,
        title: 'n* vs d',
        config: CONFIG,
        width: 320,
        height: 220,
        layer: [
          {
            data: { values: ns.filter((p) => p.nStar !== null) },
            mark: { type: 'point', filled: true, size: 60 },
            encoding: {
              x: { field: 'd', type: 'quantitative', scale: { type: 'log' }, title: 'input dimension d (log)' },
              y: { field: 'nStar', type: 'quantitative', scale: { type: 'log' }, title: 'n* (samples, log)' },
              color: { field: 'k', type: 'nominal', title: 'student' },
              tooltip: [{ field: 'k' }, { field: 'd' }, { field: 'seed' }, { field: 'nStar', format: '.3g' }],
            },
          },
          {
            data: { values: fits },
            mark: { type: 'line', strokeDash: [4, 3] },
            encoding: {
              x: { field: 'd', type: 'quantitative' },
              y: { field: 'n', type: 'quantitative' },
              color: { field: 'k', type: 'nominal' },
            },
          },
        ],
      },
    });
  }
  const g = summarize(
    rows,
    (r) => ({
      student: r.params.activation,
      d: r.params.d,
      link: linkLabel(r.params),
      noise: r.params.noise,
      nPerD: r.params.nPerD,
      n: r.metrics.n,
    }),
    (r) => r.metrics.risk / r.metrics.varF,
  );
  const table: Table = {
    columns: ['student', 'd', 'link', 'noise', 'n/d', 'n', 'risk/Var(f*) (mean)', 'min', 'max', 'seeds'],
    rows: g.map((r) => [r.student, r.d, r.link, r.noise, r.nPerD, r.n, r.mean, r.min, r.max, r.count]),
  };
  if (!verdicts.length)
    verdicts.push({
      status: 'inconclusive',
      text: 'H3 phase inconclusive: no axis of the phase diagram varies',
      details: [],
    });
  return { verdict: overall('H3 phase', verdicts), verdicts, figures, table };
}
