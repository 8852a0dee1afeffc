/**
 * The package entry exports its public API by name: no blanket re-export, no internals, and every name
 * the README's library example imports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

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
});
