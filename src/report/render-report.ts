/**
 * Write the report (Node): analyse each study's trials at the run's scale, render every figure to SVG
 * and PNG, and write DIR/index.html, DIR/figures/*, and DIR/tables.json (the tables and verdicts as
 * data, which is what a resumed run must reproduce exactly).
 */
import { join } from 'node:path';
import { LOSS_CONVENTION } from '../model/network.js';
import { writeFileAtomic } from '../node/safe-write.js';
import { expandStudy } from '../studies/expand.js';
import { studyType } from '../studies/registry.js';
import type { Scale, StudySpec } from '../studies/spec.js';
import type { ResultStore } from '../studies/store.js';
import { analyse, type Row, type Section } from './analyses.js';
import { checkReportText, type Provenance, type RenderedFigure, reportHtml, SMOKE_BANNER } from './html.js';
import { svgToPng, toSvg } from './render.js';
import { copyVendorScripts } from './render-vendor.js';

export interface ReportOptions {
  store: ResultStore;
  specs: readonly StudySpec[];
  scale: Scale;
  /** The report folder (index.html goes here). */
  dir: string;
  backend: string;
  version: string;
  seconds: number | null;
  command: string;
  /** The git commit of the flatlab that writes the report, when known. */
  commit?: string | null;
}

/** The rows of one study at a scale, in trial order; trials not (yet) run are absent. */
export function studyRows(store: ResultStore, spec: StudySpec, scale: Scale): Row[] {
  const rows: Row[] = [];
  for (const t of expandStudy(spec, scale)) {
    const s = store.get(t.key);
    if (s)
      rows.push({ key: s.key, params: s.params, seed: s.seed, metrics: s.metrics, series: s.series, error: s.error });
  }
  return rows;
}

/**
 * One line per study type of the run whose database also holds rows of another computation version
 * (or of none: written before versions existed). Those rows have other keys, so they are never used;
 * the line says they are there, so a reader of a mixed database knows.
 */
export function studyVersionNotes(store: ResultStore, specs: readonly StudySpec[]): string[] {
  const notes: string[] = [];
  const counts = store.studyVersions();
  for (const name of [...new Set(specs.map((s) => s.study))]) {
    const current = studyType(name)?.version;
    const others = counts.filter((c) => c.study === name && c.version !== current);
    if (!others.length) continue;
    const listed = others
      .map((c) => `${c.count} of ${c.version === null ? 'no version (before versioning)' : `version ${c.version}`}`)
      .join(', ');
    notes.push(`${name}: the database mixes versions — current version ${current}; also holds ${listed}, not used`);
  }
  return notes;
}

export interface ReportResult {
  path: string;
  sections: Section[];
}

export async function writeReport(o: ReportOptions): Promise<ReportResult> {
  const rendered: { section: Section; figures: RenderedFigure[] }[] = [];
  let trials = 0;
  let failed = 0;
  let expected = 0;
  const seeds = new Set<number>();
  for (const spec of o.specs) {
    expected += expandStudy(spec, o.scale).length;
    const section = analyse(spec, studyRows(o.store, spec, o.scale));
    trials += section.trials;
    failed += section.failed.length;
    for (const s of spec.scales[o.scale].seeds) seeds.add(s);
    const figures: RenderedFigure[] = [];
    for (const f of section.figures) {
      // A figure without data (a study with no finished trials yet) has no axes to draw.
      const values = (f.spec as { data?: { values?: unknown[] } }).data?.values;
      if (Array.isArray(values) && values.length === 0) continue;
      const svg = await toSvg(f.spec);
      const stem = `${spec.name}--${f.id}`;
      writeFileAtomic(join(o.dir, 'figures', `${stem}.svg`), svg);
      writeFileAtomic(join(o.dir, 'figures', `${stem}.png`), svgToPng(svg));
      writeFileAtomic(join(o.dir, 'figures', `${stem}.vl.json`), JSON.stringify(f.spec));
      figures.push({
        id: stem,
        title: f.title,
        caption: f.caption,
        svg,
        png: `figures/${stem}.png`,
        svgFile: `figures/${stem}.svg`,
        spec: f.spec,
      });
    }
    rendered.push({ section, figures });
  }
  const prov: Provenance = {
    version: o.version,
    commit: o.commit ?? null,
    backend: o.backend,
    scale: o.scale,
    date: new Date().toISOString(),
    seeds: [...seeds].sort((a, b) => a - b).join(', '),
    trials,
    failed,
    seconds: o.seconds,
    command: o.command,
    lossConvention: LOSS_CONVENTION,
    expected,
    // Keys include each study's computation version, not flatlab's: results of an older flatlab whose
    // study computed the same way are reused, and said so here.
    storedVersions: [...new Set(o.store.all().map((t) => t.version))].sort(),
    studyVersions: studyVersionNotes(o.store, o.specs),
  };
  copyVendorScripts(o.dir);
  // A copy of every spec that produced the report, as it was read (or as validated, when given as data).
  for (const spec of o.specs) {
    const { text, ...data } = spec;
    writeFileAtomic(join(o.dir, 'specs', `${spec.name}.yaml`), text ?? `${JSON.stringify(data, null, 1)}\n`);
  }
  const path = join(o.dir, 'index.html');
  const html = reportHtml(prov, rendered);
  checkReportText(html);
  writeFileAtomic(path, html);
  const tables = rendered.map(({ section: s }) => ({
    study: s.spec.name,
    verdict: s.verdict,
    verdicts: s.verdicts,
    table: s.table,
    trials: s.trials,
    failed: s.failed,
    ...s.extra,
  }));
  writeFileAtomic(
    join(o.dir, 'tables.json'),
    `${JSON.stringify({ scale: o.scale, ...(o.scale === 'smoke' ? { banner: SMOKE_BANNER } : {}), version: o.version, commit: prov.commit, backend: o.backend, studyVersions: prov.studyVersions, studies: tables }, null, 1)}\n`,
  );
  return { path, sections: rendered.map((r) => r.section) };
}
