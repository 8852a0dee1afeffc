/**
 * From stored trial results to a report section per study: the study's own module (found in the
 * registry) decodes its rows and returns figures, a table and verdicts. Pure: the rows come in, the
 * section goes out (rendering and files are in render.ts / render-report.ts).
 */
import type { Analysis, StoredRow, Table } from '../studies/definition.js';
import { studyType } from '../studies/registry.js';
import type { StudySpec } from '../studies/spec.js';

export type { Table };

export interface Row extends StoredRow {
  error: string | null;
}

export interface Section extends Analysis {
  spec: StudySpec;
  trials: number;
  /** Failed trials, and stored rows the study module could not read (listed, not used). */
  failed: { key: string; params: Record<string, unknown>; seed: number; error: string }[];
}

/** Analyse one study's rows (the trials of its current scale; failed trials are listed, not used). */
export function analyse(spec: StudySpec, all: Row[]): Section {
  const type = studyType(spec.study);
  if (!type) throw new Error(`analyse: unknown study type "${spec.study}"`);
  const ok = all.filter((r) => !r.error);
  const failed = all
    .filter((r) => r.error)
    .map((r) => ({ key: r.key, params: r.params, seed: r.seed, error: r.error ?? '' }));
  const { unreadable, ...a } = ok.length ? type.analyse(ok, { outputs: spec.outputs }) : nothingYet(all.length);
  return { spec, trials: all.length, failed: [...failed, ...unreadable], ...a };
}

/** The section of a study with no finished trial at this scale: nothing to analyse, said so. */
function nothingYet(stored: number): Analysis & { unreadable: [] } {
  const verdict = {
    status: 'inconclusive' as const,
    text: stored ? 'inconclusive: every stored trial failed' : 'inconclusive: no trial of this study has run at this scale',
    details: [],
  };
  return { verdict, verdicts: [verdict], figures: [], table: { columns: [], rows: [] }, unreadable: [] };
}
