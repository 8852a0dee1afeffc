/**
 * A report that can be trusted: its provenance is the command that reproduces it (with version, commit
 * and backend) and a copy of every spec; a smoke report says on every page that it is a wiring check;
 * report-only without a database is refused; foreign rows (metrics that are not JSON) are listed, never
 * a stack trace; exports select by spec name or study type, refuse an unknown name listing the known
 * ones, and quote names with commas.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkReportText, escapeHtml } from '../../src/report/html.js';
import { runCli, tempDir } from '../cli-helpers.js';

const SPEC = `name: tiny-orbit
study: symmetry
title: A tiny orbit
description: NaN and undefined in a spec's own words are the author's, not a missing value.
base: { activation: relu, target: relu }
scales:
  smoke: { seeds: [0], grid: { d: 3, n: 6, m: 4, points: 5 } }
  default: { seeds: [0], grid: { d: 3, n: 6, m: 4, points: 5 } }
  full: { seeds: [0], grid: { d: 3, n: 6, m: 4, points: 5 } }
`;

function run(out: string, extra: string[] = []) {
  const spec = join(out, 'tiny orbit.yaml');
  writeFileSync(spec, SPEC);
  return runCli(['reproduce', '--scale', 'smoke', '--out', out, '--workers', '1', '--spec', spec, ...extra]);
}

describe('report provenance and labels', () => {
  it('states the exact command, version, backend and commit, copies the spec, and banners a smoke run', () => {
    const out = tempDir();
    const r = run(out);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
    const tables = JSON.parse(readFileSync(join(out, 'report', 'tables.json'), 'utf8'));
    expect(tables.command).toBe(
      `flatlab reproduce --scale smoke --out ${out} --workers 1 --spec '${join(out, 'tiny orbit.yaml')}'`,
    );
    expect(html).toContain(escapeHtml(tables.command));
    expect(tables.banner).toBe('smoke: a wiring check, not evidence');
    expect(html.match(/data-banner="smoke"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(r.stderr).toMatch(/\[holds\] \(smoke: a wiring check, not evidence\)/);
    expect(readFileSync(join(out, 'report', 'specs', 'tiny-orbit.yaml'), 'utf8')).toBe(SPEC);
    expect(html).toMatch(/flatlab version<\/td><td>[^<]+\((commit [0-9a-f]{40}|commit unknown)\)/);
    // The page holds no missing value, while the spec's own words may say anything.
    expect(() => checkReportText(html)).not.toThrow();
    expect(html).toContain('NaN and undefined in a spec');
  });

  it('refuses --report-only on a folder without a results database (exit 2, nothing created)', () => {
    const out = join(tempDir(), 'typo');
    const r = runCli(['reproduce', '--scale', 'smoke', '--report-only', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--report-only: no results database in/);
  });

  it('the page check refuses undefined, NaN and ±Infinity outside the spec text and figure data', () => {
    for (const bad of ['undefined', 'NaN', '-Infinity', 'Infinity'])
      expect(() => checkReportText(`<td>${bad}</td>`)).toThrow(/would reach the page/);
    expect(() => checkReportText('<p data-spec-text>NaN</p><script>var x = NaN</script><td>1.5</td>')).not.toThrow();
  });
});

describe('foreign rows and exports', () => {
  it('a row whose metrics are "not json" is listed by report-only and export, never thrown', () => {
    const out = tempDir();
    expect(run(out).code).toBe(0);
    const db = new Database(join(out, 'results.sqlite'));
    db.prepare("UPDATE trials SET metrics = 'not json'").run();
    db.close();
    const r = runCli([
      'reproduce',
      '--scale',
      'smoke',
      '--report-only',
      '--out',
      out,
      '--spec',
      join(out, 'tiny orbit.yaml'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const tables = JSON.parse(readFileSync(join(out, 'report', 'tables.json'), 'utf8'));
    expect(tables.studies[0].failed[0].error).toMatch(/unreadable stored row: metrics is not JSON/);
    const e = runCli(['results', 'export', '--db', join(out, 'results.sqlite'), '--csv']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/unreadable stored row: metrics: not JSON/);
  });

  it('--study takes spec names and study types, refuses an unknown one listing the names; CSV quotes names', () => {
    const out = tempDir();
    expect(run(out).code).toBe(0);
    const dbPath = join(out, 'results.sqlite');
    const bySpec = runCli(['results', 'export', '--db', dbPath, '--csv', '--study', 'tiny-orbit']);
    const byType = runCli(['results', 'export', '--db', dbPath, '--csv', '--study', 'symmetry']);
    expect(bySpec.code, bySpec.stderr).toBe(0);
    expect(bySpec.stdout.trim().split('\n').length).toBeGreaterThan(1);
    expect(byType.stdout).toBe(bySpec.stdout);
    const bad = runCli(['results', 'export', '--db', dbPath, '--csv', '--study', 'h3-klass']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(
      /"h3-klass" is neither a spec nor a study type .*specs: tiny-orbit; study types: symmetry/,
    );
    // A metric named a,b keeps the CSV's row width.
    const db = new Database(dbPath);
    db.prepare(`UPDATE trials SET metrics = '{"a,b": 1, "c": 2}'`).run();
    db.close();
    const csv = runCli(['results', 'export', '--db', dbPath, '--csv']).stdout.trim().split('\n');
    expect(csv[0]).toContain('"metric.a,b"');
    const width = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.length ?? 0;
    for (const line of csv) expect(width(line)).toBe(width(csv[0]));
  });
});
