/**
 * `flatlab results export --parquet`: the trials of a results database as a typed Parquet table, read
 * back here with hyparquet (an independent reader) — same rows and values as the JSON export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { ResultStore } from '../../src/studies/store.js';
import { runCli, tempDir } from '../cli-helpers.js';

describe('results export --parquet', () => {
  it('writes typed columns that hyparquet reads back equal to the JSON export', async () => {
    const dir = tempDir('flatlab-parquet-');
    const db = join(dir, 'results.sqlite');
    const store = new ResultStore(db);
    const trials = [
      { key: 'k1', study: 'symmetry', params: { d: 5, act: 'relu', balanced: true }, seed: 0 },
      { key: 'k2', study: 'symmetry', params: { d: 7, act: 'relu_pow:2', balanced: false }, seed: 1 },
      { key: 'k3', study: 'estimators', params: { method: 'hutchpp' }, seed: 2 },
    ];
    store.insert(trials[0], {
      key: 'k1',
      metrics: { fStar: 1.25, trace: 1 / 3 },
      version: 'v',
      backend: 'js',
      elapsedMs: 3,
    });
    store.insert(trials[1], {
      key: 'k2',
      metrics: { fStar: 2.5, trace: null, note: 'x' },
      series: { f: [1, 2, 3] },
      version: 'v',
      backend: 'native',
      elapsedMs: 4.5,
    });
    store.insert(trials[2], { key: 'k3', metrics: {}, error: 'bad budget', version: 'v', backend: 'js', elapsedMs: 0 });
    store.close();

    const out = join(dir, 'r.parquet');
    const r = runCli(['results', 'export', '--db', db, '--parquet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const bytes = readFileSync(out);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const types = Object.fromEntries(
      parquetMetadata(file)
        .schema.slice(1)
        .map((s) => [s.name, s.type]),
    );
    expect(types).toMatchObject({ d: 'DOUBLE', balanced: 'BOOLEAN', act: 'BYTE_ARRAY', 'metric.trace': 'DOUBLE' });
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    const json = JSON.parse(runCli(['results', 'export', '--db', db, '--json']).stdout) as {
      key: string;
      params: Record<string, unknown>;
      metrics: Record<string, unknown>;
      series: unknown;
      error: string | null;
      elapsedMs: number;
    }[];
    expect(rows.map((row) => row.key)).toEqual(json.map((t) => t.key));
    json.forEach((t, i) => {
      const row = rows[i];
      for (const k of ['d', 'act', 'balanced', 'method']) expect(row[k] ?? undefined).toEqual(t.params[k]);
      for (const k of ['fStar', 'trace', 'note']) expect(row[`metric.${k}`]).toEqual(t.metrics[k] ?? null);
      expect(row.series === null ? null : JSON.parse(row.series as string)).toEqual(t.series);
      expect(row.error).toEqual(t.error);
      expect(row.elapsed_ms).toBe(t.elapsedMs);
    });

    const noOut = runCli(['results', 'export', '--db', db, '--parquet']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--parquet writes a binary file/);
  });
});
