/**
 * The package entry exports its public API by name: no blanket re-export, no internals, every name the
 * README's library example imports, and exactly the reviewed list in public-api.snapshot.json (an
 * addition or removal fails until the snapshot is updated with it, so it shows in review:
 * FLATLAB_UPDATE_API_SNAPSHOT=1 rewrites the file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { apiExports } from './api-exports.js';

const root = join(import.meta.dirname, '..', '..');

describe('src/index.ts', () => {
  it('has no blanket export *', () => {
    expect(readFileSync(join(root, 'src/index.ts'), 'utf8')).not.toMatch(/export\s*\*/);
  });

  it('keeps internals out (row slicing, SAM steps, factorizations, kernel plumbing)', () => {
    for (const name of [
      'sliceRows',
      'samEpsilon',
      'asamScale',
      'luFactor',
      'qrFactor',
      'registerBackend',
      'blockRows',
    ]) {
      expect(Object.keys(api)).not.toContain(name);
    }
  });

  it('exports every name the README library example imports', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = readme.match(/import \{([^}]+)\} from 'flatlab'/);
    expect(block).not.toBeNull();
    const names = (block as RegExpMatchArray)[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    expect(names.length).toBeGreaterThan(5);
    for (const n of names) expect(typeof (api as Record<string, unknown>)[n]).toBe('function');
  });

  it('exports exactly the reviewed list (test/house/public-api.snapshot.json)', () => {
    const file = join(root, 'test', 'house', 'public-api.snapshot.json');
    const now = apiExports().map((e) => `${e.name}: ${e.kind}`);
    if (process.env.FLATLAB_UPDATE_API_SNAPSHOT) writeFileSync(file, `${JSON.stringify(now, null, 2)}\n`);
    const reviewed = JSON.parse(readFileSync(file, 'utf8')) as string[];
    expect({
      added: now.filter((e) => !reviewed.includes(e)),
      removed: reviewed.filter((e) => !now.includes(e)),
    }).toEqual({ added: [], removed: [] });
  });

  it('every runtime export is in the list (nothing exported around the compiler)', () => {
    const listed = new Set(apiExports().map((e) => e.name));
    expect(Object.keys(api).filter((n) => !listed.has(n))).toEqual([]);
  });
});
