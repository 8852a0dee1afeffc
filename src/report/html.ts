/**
 * The report page: provenance, then one section per study with its verdict line, figures (inline SVG,
 * with a link to the PNG copy) and, beside it, an interactive version (vega-embed with tooltips), its
 * table and any failed trials. No external resources: the vega scripts are copied next to the page
 * (render-vendor.ts), and the page reads without them (the static SVG is always there).
 */

import type { VegaLiteSpec } from '../figures/vega-lite.js';
import { formatNumber } from '../number-format.js';
import type { Section, Table } from './analyses.js';

/** The label of a smoke-scale report, on every page, every verdict and the summary. */
export const SMOKE_BANNER = 'smoke: a wiring check, not evidence';

export interface Provenance {
  version: string;
  /** The git commit of the flatlab that wrote the report, when known. */
  commit: string | null;
  backend: string;
  scale: string;
  date: string;
  seeds: string;
  trials: number;
  failed: number;
  seconds: number | null;
  command: string;
  lossConvention: string;
  /** Trials the specs ask for at this scale (trials < expected: the run was interrupted). */
  expected: number;
  /** flatlab versions that produced the stored results. */
  storedVersions: string[];
  /** One line per study type whose database mixes computation versions (empty: none). */
  studyVersions: string[];
}

export interface RenderedFigure {
  id: string;
  title: string;
  caption: string;
  svg: string;
  png: string;
  svgFile: string;
  /** The vega-lite spec, drawn interactively in the page. */
  spec: VegaLiteSpec;
}

/** The report-relative paths of the vega scripts, in load order (vega-lite and vega-embed need vega). */
export const VENDOR_SCRIPTS = ['vendor/vega.min.js', 'vendor/vega-lite.min.js', 'vendor/vega-embed.min.js'] as const;

/** JSON inside a <script> element: `<` escaped so no string in the data can close the element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** Draw every figure's interactive copy when its <details> is first opened (vega-embed, tooltips on). */
const EMBED = `for (const d of document.querySelectorAll('details.interactive')) {
  d.addEventListener('toggle', () => {
    if (!d.open || d.dataset.drawn) return;
    d.dataset.drawn = '1';
    const spec = JSON.parse(d.querySelector('script[type="application/json"]').textContent);
    vegaEmbed(d.querySelector('.vis'), spec, { actions: false, tooltip: true, renderer: 'svg' });
  });
}`;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') {
    return formatNumber(v, { integersBelow: 1e7, digits: 4, expDigits: 3, fixedRange: [1e-3, 1e5] });
  }
  return escapeHtml(String(v));
}

function tableHtml(t: Table, id: string): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((v) => `<td>${fmt(v)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

const CSS = `
body{font-family:'DejaVu Sans',system-ui,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.prov{font-size:.9em;color:#444} .prov td{padding:0 1em 0 0}
.verdict{padding:.5em .8em;border-radius:4px;margin:.6em 0;font-weight:600}
.holds{background:#e6f4ea;border-left:5px solid #1e8e3e} .does-not-hold{background:#fce8e6;border-left:5px solid #d93025}
.inconclusive{background:#fef7e0;border-left:5px solid #f9ab00}
.descriptive{background:#f1f3f4;border-left:5px solid #80868b;font-weight:500} .smoke .verdict{background:#eee;border-left:5px solid #999;color:#555} .banner{background:#eee;border:2px dashed #999;padding:.5em .8em;font-weight:600;margin:.6em 0}
.details{font-size:.9em;color:#333;margin:.2em 0 1em 1.2em}
figure{display:inline-block;margin:.5em 1em 1em 0;vertical-align:top;max-width:100%}
figure svg{max-width:100%;height:auto} figcaption{font-size:.85em;color:#555;max-width:720px}
.table-wrap{max-height:420px;overflow:auto;border:1px solid #ddd;margin:.5em 0}
table{border-collapse:collapse;font-size:.82em} th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th{position:sticky;top:0;background:#f6f6f6} .failed{color:#a50e0e;font-size:.85em}
`;

/** Words that mean a number or field went missing on its way to the page. */
const BAD_TOKENS = /\b(undefined|NaN)\b|-?\bInfinity\b/;

/**
 * Refuse a page that shows "undefined", "NaN" or "Infinity" outside the spec's own words (its title and
 * description), the quoted reasons of failed trials and the embedded figure data: one of them there
 * means a missing value reached the page, which is a bug, so the report is not written.
 */
export function checkReportText(html: string): void {
  const generated = html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]*data-spec-text[^>]*>[\s\S]*?<\/(p|h2|a)>/g, '')
    // A failed trial's reason is quoted as the trial reported it ("metric x = Infinity" names the overflow).
    .replace(/<li data-error-text>[\s\S]*?<\/li>/g, '');
  const m = BAD_TOKENS.exec(generated);
  if (m) {
    const at = Math.max(0, m.index - 80);
    throw new Error(`report: "${m[0]}" would reach the page: …${generated.slice(at, m.index + 40)}…`);
  }
}

export function reportHtml(prov: Provenance, sections: { section: Section; figures: RenderedFigure[] }[]): string {
  const smoke = prov.scale === 'smoke';
  const banner = smoke ? `<div class="banner" data-banner="smoke">${escapeHtml(SMOKE_BANNER)}</div>` : '';
  const summary = sections
    .map(({ section: s }) => {
      const cls = s.verdict.status.replace(/ /g, '-');
      return `<li><a href="#${s.spec.name}" data-spec-text>${escapeHtml(s.spec.hypothesis)} — ${escapeHtml(s.spec.title)}</a>: <span class="${cls}-text">${escapeHtml(s.verdict.descriptive ? 'descriptive (no verdict)' : s.verdict.status)}${smoke ? ` (${escapeHtml(SMOKE_BANNER)})` : ''}</span></li>`;
    })
    .join('\n');
  const body = sections
    .map(({ section: s, figures }) => {
      const verdicts = s.verdicts
        .map(
          (
            v,
          ) => `<div class="verdict ${v.descriptive ? 'descriptive' : v.status.replace(/ /g, '-')}" data-status="${v.status}"${v.descriptive ? ' data-descriptive="true"' : ''}>${escapeHtml(v.text)}</div>
<ul class="details">${v.details.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>`,
        )
        .join('\n');
      const figs = figures
        .map(
          (f) => `<figure id="fig-${f.id}" data-figure="${f.id}">${f.svg}
<figcaption><b>${escapeHtml(f.title)}.</b> ${escapeHtml(f.caption)} <a href="${f.png}">PNG</a> · <a href="${f.svgFile}">SVG</a></figcaption>
<details class="interactive" data-interactive="${f.id}"><summary>interactive version (zoom, tooltips)</summary><div class="vis"></div><script type="application/json">${scriptJson(f.spec)}</script></details></figure>`,
        )
        .join('\n');
      const failed = s.failed.length
        ? `<details class="failed"><summary>${s.failed.length} failed trial(s)</summary><ul>${s.failed
            .slice(0, 50)
            .map(
              (f) =>
                `<li data-error-text>${escapeHtml(JSON.stringify(f.params))}, seed ${f.seed}: ${escapeHtml(f.error)}</li>`,
            )
            .join('')}</ul></details>`
        : '';
      return `<section id="${s.spec.name}" data-study="${s.spec.study}"${smoke ? ' class="smoke"' : ''}>
<h2 data-spec-text>${escapeHtml(s.spec.hypothesis)} — ${escapeHtml(s.spec.title)}</h2>
${banner}
${s.spec.description ? `<p data-spec-text>${escapeHtml(s.spec.description)}</p>` : ''}
<p class="spec-copy">Spec: <a href="specs/${encodeURIComponent(s.spec.name)}.yaml">specs/${escapeHtml(s.spec.name)}.yaml</a></p>
${verdicts}
${figs}
<h3>Table (${s.trials} trials)</h3>
${tableHtml(s.table, `table-${s.spec.name}`)}
${failed}
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flatlab report — ${escapeHtml(prov.scale)} scale</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>flatlab: flatness and generalization — reproduction report</h1>
${banner}
<table class="prov">
<tr><td>scale</td><td>${escapeHtml(prov.scale)}</td><td>date</td><td>${escapeHtml(prov.date)}</td></tr>
<tr><td>flatlab version</td><td>${escapeHtml(prov.version)}${prov.commit ? ` (commit ${escapeHtml(prov.commit)})` : ' (commit unknown)'}</td><td>backend</td><td>${escapeHtml(prov.backend)}</td></tr>
<tr><td>trials</td><td>${prov.trials} of ${prov.expected}${prov.trials < prov.expected ? ' (incomplete: run reproduce again to finish)' : ''} (${prov.failed} failed)</td><td>seeds</td><td>${escapeHtml(prov.seeds)}</td></tr>
<tr><td>run time</td><td>${prov.seconds === null ? '—' : `${prov.seconds.toFixed(0)} s`}</td><td>command</td><td><code>${escapeHtml(prov.command)}</code></td></tr>
<tr><td>loss convention</td><td>${escapeHtml(prov.lossConvention)}</td><td>results computed by</td><td>flatlab ${escapeHtml(prov.storedVersions.join(', ') || prov.version)}</td></tr>
</table>
${prov.studyVersions.length ? `<div class="mixed-versions inconclusive" data-mixed-versions="true">Stored results of other study versions: ${prov.studyVersions.map(escapeHtml).join('; ')}.</div>` : ''}
<h2>Summary</h2>
${banner}
<ul>${summary}</ul>
${body}
${VENDOR_SCRIPTS.map((src) => `<script src="${src}"></script>`).join('\n')}
<script>${EMBED}</script>
</body></html>
`;
}
