/**
 * Acceptance (issue 17): `flatlab reproduce --study z3-measures --scale smoke` produces the league table
 * with every registered measure (≥ 15), each with τ, its 95% interval and its invariance flag, a verdict
 * line and a figure; tables.json carries the `league` array under the study's entry. The study runs one
 * league member per trial through the runner and store, and its league equals the league library's own
 * smoke run (`runLeague('smoke', 0)`), which builds the same members in one process.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEASURE_NAMES, MEASURES } from '../../src/measures/registry.js';
import { initBackend } from '../../src/node/backend.js';
import type { StoredRow } from '../../src/studies/definition.js';
import { measuresStudy } from '../../src/studies/measures/index.js';
import { computeLeague } from '../../src/studies/measures/league.js';
import { leagueTableEntries } from '../../src/studies/measures/league-records.js';
import { type LeagueRun, runLeague } from '../../src/studies/measures/league-run.js';
import { LEAGUE_MIN_MEMBERS, verdictLeague } from '../../src/studies/measures/verdict.js';
import { ResultStore } from '../../src/studies/store.js';
import { runCli, tempDir } from '../cli-helpers.js';

type LeagueEntry = ReturnType<typeof leagueTableEntries>[number];

interface StudyEntry {
  study: string;
  verdict: { status: string; text: string; details: string[] };
  table: { columns: string[]; rows: unknown[][] };
  trials: number;
  failed: unknown[];
  league: LeagueEntry[];
}

describe('flatlab reproduce --study z3-measures --scale smoke', () => {
  let out: string;
  let entry: StudyEntry;
  let rows: StoredRow[];
  let library: LeagueRun;

  beforeAll(async () => {
    out = tempDir();
    const r = runCli(['reproduce', '--study', 'z3-measures', '--scale', 'smoke', '--out', out, '--workers', '1'], {
      timeoutMs: 240_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const tables = JSON.parse(readFileSync(join(out, 'report', 'tables.json'), 'utf8')) as { studies: StudyEntry[] };
    expect(tables.studies.map((s) => s.study)).toEqual(['z3-measures']);
    entry = tables.studies[0];
    const store = new ResultStore(join(out, 'results.sqlite'));
    try {
      rows = store.all('measures').map((t) => ({
        key: t.key,
        params: t.params,
        seed: t.seed,
        metrics: t.metrics,
        series: t.series,
      }));
    } finally {
      store.close();
    }
    // The same backend as the CLI (FLATLAB_BACKEND, else native when available), so numbers compare bit for bit.
    await initBackend();
    library = runLeague('smoke', 0);
  }, 300_000);

  it('gives every registered measure (≥ 15) a finite τ, an interval containing it and its declared invariance', () => {
    expect(MEASURES.length).toBeGreaterThanOrEqual(15);
    expect(entry.league.map((l) => l.measure).sort()).toEqual([...MEASURE_NAMES].sort());
    for (const l of entry.league) {
      const def = MEASURES.find((m) => m.name === l.measure);
      expect(l.invariant, l.measure).toBe(def?.invariant);
      expect(Number.isFinite(l.kendallTau), l.measure).toBe(true);
      expect(Number.isFinite(l.kendallTauOrbit), l.measure).toBe(true);
      expect(Number.isFinite(l.psi), l.measure).toBe(true);
      const [lo, hi] = l.kendallCI ?? [Number.NaN, Number.NaN];
      expect(lo, l.measure).toBeLessThanOrEqual(l.kendallTau as number);
      expect(hi, l.measure).toBeGreaterThanOrEqual(l.kendallTau as number);
      expect(lo, l.measure).toBeGreaterThanOrEqual(-1);
      expect(hi, l.measure).toBeLessThanOrEqual(1);
    }
    // The report table: one row per measure, sorted by τ, the same τ and interval as the league array.
    const col = (name: string) => entry.table.columns.indexOf(name);
    expect(entry.table.rows.map((r) => r[col('measure')])).toEqual(entry.league.map((l) => l.measure));
    expect(entry.table.rows.map((r) => r[col('τ')])).toEqual(entry.league.map((l) => l.kendallTau));
    expect(entry.table.rows.map((r) => [r[col('τ CI low')], r[col('τ CI high')]])).toEqual(
      entry.league.map((l) => l.kendallCI),
    );
    expect(entry.table.rows.map((r) => r[col('declared invariant')])).toEqual(entry.league.map((l) => l.invariant));
    const taus = entry.league.map((l) => l.kendallTau as number);
    expect([...taus].sort((a, b) => b - a)).toEqual(taus);
  });

  it('runs one trial per member of the library population and reports the failures (none at smoke)', () => {
    expect(entry.trials).toBe(library.evaluations.length + library.excluded.length);
    expect(entry.failed).toEqual([]);
  });

  it("equals the league library's own smoke run (runLeague('smoke', 0))", () => {
    expect(entry.league).toEqual(leagueTableEntries(library.league));
    expect(entry.verdict.details[0]).toContain(library.league.verdict.line);
  });

  it('is descriptive: the within-data-set rank of F* as its headline, the pooled τ and orbit drop as details, and the figure', () => {
    const v = library.league.verdict;
    expect(entry.verdict.status).toBe('inconclusive');
    expect(entry.verdict.text).toMatch(
      /^Measure league \(descriptive, no verdict\): within a data set F\* ranks \d+ of 16/,
    );
    expect(entry.verdict.text).toContain(`leader: ${v.leaderWithinData}`);
    expect(entry.verdict.details[0]).toMatch(/\|τ\|'?s? drops? at the orbit point/);
    const png = join(out, 'report', 'figures', 'z3-measures--league-tau-orbit.png');
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(5000);
    const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
    expect(html).toContain('data-study="measures"');
    expect(html).toContain('data-figure="z3-measures--league-tau-orbit"');
    expect(JSON.stringify(entry)).not.toMatch(/NaN|Infinity/);
  });

  it('counts a construction once when the grid repeats it over init scales or the teacher over seeds', () => {
    const base = measuresStudy.analyse(rows, { outputs: [] });
    const constructions = rows.filter((r) =>
      ['teacher', 'memorizer', 'random-features'].includes(String(r.params.interpolator)),
    );
    expect(constructions.length).toBeGreaterThan(0);
    const repeats = constructions.map((r) => ({
      ...r,
      key: `${r.key}-repeat`,
      params: { ...r.params, initScale: 2 },
    }));
    const withRepeats = measuresStudy.analyse([...rows, ...repeats], { outputs: [] });
    expect(withRepeats.unreadable).toEqual([]);
    expect(withRepeats.extra).toEqual(base.extra);
    // Without the de-duplication the repeats would count: the same rows as trained members change τ.
    const trainedLooking = constructions.map((r) => ({ ...r, key: `${r.key}-other`, seed: r.seed + 7 }));
    const changed = measuresStudy.analyse(
      [...rows, ...trainedLooking.filter((r) => r.params.interpolator !== 'teacher')],
      {
        outputs: [],
      },
    );
    expect(changed.extra).not.toEqual(base.extra);
  });

  it('lists a stored row without one of the measures as unreadable instead of reading it as NaN', () => {
    const { trace: _dropped, ...metrics } = rows[0].metrics;
    const a = measuresStudy.analyse([{ ...rows[0], metrics }, ...rows.slice(1)], { outputs: [] });
    expect(a.unreadable).toHaveLength(1);
    expect(a.unreadable[0].error).toMatch(/trace/);
  });

  it('never decides: whatever F*’s rank, the summary is descriptive, and says when τ has no interval', () => {
    const few = computeLeague(library.evaluations.slice(0, LEAGUE_MIN_MEMBERS - 1));
    expect(verdictLeague(few, 0).text).toMatch(/fewer than 5 interpolators/);
    const league = library.league;
    for (const fStarFirst of [true, false]) {
      const v = verdictLeague({ ...league, verdict: { ...league.verdict, fStarFirst } }, 0);
      expect(v).toMatchObject({ status: 'inconclusive', descriptive: true });
    }
  });
});
