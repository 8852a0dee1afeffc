/**
 * No stale results: a study's computation version is part of every trial key, so rows stored under
 * another version are never reused, and the report says when a database mixes versions.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/linalg/index.js';
import { studyVersionNotes } from '../../src/report/render-report.js';
import { expandStudy } from '../../src/studies/expand.js';
import { trialKey } from '../../src/studies/hash.js';
import { studyType } from '../../src/studies/registry.js';
import { runTrial } from '../../src/studies/run-trial.js';
import { runStudies } from '../../src/studies/runner.js';
import { validateSpec } from '../../src/studies/spec.js';
import { ResultStore } from '../../src/studies/store.js';
import { tempDir } from '../cli-helpers.js';

const spec = validateSpec({
  name: 'tiny-est',
  study: 'estimators',
  title: 'tiny',
  base: { method: 'hutchinson', budget: 6, d: 3, n: 10, m: 4, reps: 2 },
  scales: { smoke: { seeds: [0] }, default: { seeds: [0] }, full: { seeds: [0] } },
});

describe('study versions in trial keys', () => {
  it('a trial key includes the module version, and another version gives another key', () => {
    const [t] = expandStudy(spec, 'smoke');
    const v = studyType('estimators')?.version;
    expect(t.studyVersion).toBe(v);
    expect(t.key).toBe(trialKey('estimators', t.params, t.seed, v));
    expect(t.key).not.toBe(trialKey('estimators', t.params, t.seed, (v ?? 0) + 1));
  });

  it('rows of an older version are not reused, and the report notes the mixed database', async () => {
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    try {
      const [t] = expandStudy(spec, 'smoke');
      // A row as an older flatlab wrote it: same study, params and seed, key without a version.
      const old = { ...t, key: trialKey(t.study, t.params, t.seed), studyVersion: undefined };
      store.insert(old, runTrial(old));
      expect(studyVersionNotes(store, [spec])).toEqual([
        `estimators: the database mixes versions — current version ${t.studyVersion}; also holds 1 of no version (before versioning), not used`,
      ]);
      const summary = await runStudies([spec], { store, scale: 'smoke' });
      expect(summary).toMatchObject({ total: 1, resumed: 0, ran: 1 });
      expect(store.get(t.key)?.studyVersion).toBe(t.studyVersion);
      expect(store.get(old.key)?.studyVersion).toBeNull();
    } finally {
      store.close();
    }
  });

  it('a database of one version has no note', async () => {
    const store = new ResultStore(join(tempDir(), 'r.sqlite'));
    try {
      await runStudies([spec], { store, scale: 'smoke' });
      expect(studyVersionNotes(store, [spec])).toEqual([]);
    } finally {
      store.close();
    }
  });
});
