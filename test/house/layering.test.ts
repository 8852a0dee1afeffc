/**
 * The layering of docs/architecture.md ("Layers"), enforced: every relative import between files of
 * src/ goes down the layer order (or stays inside one folder), the import graph of src/ has no cycle,
 * and the browser-safe core has no `node:` import. The order is read from docs/architecture.md itself,
 * so the document and the check cannot drift apart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = normalize(join(import.meta.dirname, '..', '..'));
const src = join(root, 'src');

/**
 * Known violations being removed by open work (empty now: the layering holds). A cycle is allowed when
 * it contains every file of an entry and stays inside src/studies; an upward import is a "from -> to"
 * pair of files relative to src/.
 */
const ALLOWED_CYCLES: readonly string[][] = [];
const ALLOWED_UPWARD: readonly string[] = [];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Module specifiers of static imports, re-exports and dynamic imports (comments stripped first). */
function importsOf(code: string): string[] {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/(?:^|[;\s])import\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

/** src-relative file → src-relative files it imports. */
function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of walk(src)) {
    const from = relative(src, file);
    const deps: string[] = [];
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      deps.push(relative(src, join(dirname(file), spec)).replace(/\.js$/, '.ts'));
    }
    g.set(from, deps);
  }
  return g;
}

/** The unit a file belongs to for layering: its top folder under src/, or the file itself at top level. */
const unitOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : file.replace(/\.ts$/, ''));

/** Layers from the numbered list under "## Layers" in docs/architecture.md: unit → rank (0 = bottom). */
function layersFromDocs(): Map<string, number> {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const section = doc.split(/^## Layers\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  const rank = new Map<string, number>();
  for (const m of section.matchAll(/^(\d+)\.\s+(.+)$/gm)) {
    const level = Number(m[1]);
    for (const u of m[2].split(':')[0].matchAll(/`src\/([a-z-]+)(?:\/|\.ts)?`/g)) rank.set(u[1], level);
  }
  return rank;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Upward or sideways imports between units, as "from -> to" file pairs. */
function layerViolations(g: Map<string, string[]>, rank: Map<string, number>): string[] {
  const bad: string[] = [];
  for (const [from, deps] of g) {
    const a = unitOf(from);
    for (const to of deps) {
      const b = unitOf(to);
      if (a === b) continue;
      const ra = rank.get(a);
      const rb = rank.get(b);
      if (ra === undefined || rb === undefined || rb >= ra) bad.push(`${from} -> ${to}`);
    }
  }
  return bad.sort();
}

const graph = importGraph();

describe('layering of src/ (docs/architecture.md, Layers)', () => {
  it('reads a layer for every folder and top-level file of src/ from docs/architecture.md', () => {
    const rank = layersFromDocs();
    const units = [...new Set([...graph.keys()].map(unitOf))].sort();
    expect(units.filter((u) => !rank.has(u))).toEqual([]);
  });

  it('has no upward or sideways import between layers (beyond the allow-list of open issues)', () => {
    const bad = layerViolations(graph, layersFromDocs()).filter((v) => !ALLOWED_UPWARD.includes(v));
    expect(bad).toEqual([]);
  });

  it('has no import cycle (beyond the allow-list of open issues)', () => {
    const found = cycles(graph).filter(
      (c) =>
        !ALLOWED_CYCLES.some((pair) => pair.every((f) => c.includes(f)) && c.every((f) => f.startsWith('studies/'))),
    );
    expect(found).toEqual([]);
  });

  it('lists only violations that still exist (empty the allow-lists once the issues are merged)', () => {
    const upward = layerViolations(graph, layersFromDocs());
    expect(ALLOWED_UPWARD.filter((v) => !upward.includes(v))).toEqual([]);
    const found = cycles(graph);
    expect(ALLOWED_CYCLES.filter((pair) => !found.some((c) => pair.every((f) => c.includes(f))))).toEqual([]);
  });

  it('keeps linalg free of the model layer', () => {
    const bad = [...graph].filter(([f, deps]) => f.startsWith('linalg/') && deps.some((d) => d.startsWith('model/')));
    expect(bad).toEqual([]);
  });

  it('keeps the core browser-safe: no node: import outside cli, node, sweep, the store/runner/progress/results-db and render*', () => {
    const shell = /^(cli|node|sweep)\/|^studies\/(store|runner|progress|results-db)\.ts$|^report\/render[^/]*\.ts$/;
    const bad: string[] = [];
    for (const file of walk(src)) {
      const rel = relative(src, file);
      if (shell.test(rel)) continue;
      if (importsOf(readFileSync(file, 'utf8')).some((s) => s.startsWith('node:'))) bad.push(rel);
    }
    expect(bad).toEqual([]);
  });

  it('detects a cycle and an upward import (the checks can fail)', () => {
    const g = new Map([
      ['a/x.ts', ['b/y.ts']],
      ['b/y.ts', ['a/x.ts']],
      ['b/z.ts', []],
    ]);
    expect(cycles(g)).toEqual([['a/x.ts', 'b/y.ts']]);
    const rank = new Map([
      ['a', 1],
      ['b', 0],
    ]);
    expect(layerViolations(g, rank)).toEqual(['b/y.ts -> a/x.ts']);
    expect(
      importsOf("import { x } from './a.js';\nexport * from '../b.js';\n// import './c.js'\nawait import('./d.js');"),
    ).toEqual(['./a.js', '../b.js', './d.js']);
  });
});
