/**
 * Code and tests state the present: no comment cites an issue number of a tracker that is not in the
 * repository, and no comment records how long one run took (timings live in docs/performance.md and
 * the changelog, measured by `npm run bench`). Comments are read with the TypeScript parser, so strings
 * (CSS colours, messages) are not comments.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const ISSUE = /\b[Ii]ssues? #?\d+|(?<![\w&#/])#\d{1,3}\b/;
/** A duration of one run: "took N s", "after N s", "N s vs M s", "N s at n = …", "N minutes on 2 cores", "N s of CPU". */
const TIMING =
  /\b(took|after)\s+[~≈]?\s*\d+(\.\d+)?\s*(s|ms|min|seconds|minutes)\b|\d+(\.\d+)?\s*(s|ms) vs \d|\d+(\.\d+)?\s*(s|min|minutes|seconds) (at n|on \d|of CPU)/;
/** Files of the studies, the report and the measure league that still do; entries only leave. */
const PENDING = new Set(['src/studies/checks.ts', 'test/studies/measures-study.test.ts']);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(join(root, rel)).isDirectory()) out.push(...walk(rel));
    else if (/\.(ts|tsx|mts|mjs)$/.test(name)) out.push(rel);
  }
  return out;
}

function comments(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, kind);
  const seen = new Map<number, string>();
  const add = (ranges: ts.CommentRange[] | undefined): void => {
    for (const r of ranges ?? []) seen.set(r.pos, text.slice(r.pos, r.end));
  };
  const visit = (node: ts.Node): void => {
    add(ts.getLeadingCommentRanges(text, node.getFullStart()));
    add(ts.getTrailingCommentRanges(text, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  add(ts.getLeadingCommentRanges(text, sf.endOfFileToken.getFullStart()));
  return [...seen.values()];
}

describe('comments state the present', () => {
  const files = ['src', 'test', 'web/src', 'web/e2e', 'scripts', 'bench'].flatMap(walk);
  const hits = (re: RegExp): string[] =>
    files.flatMap((f) =>
      comments(f)
        .flatMap((c) => c.split('\n'))
        .filter((line) => re.test(line))
        .map((line) => `${f}: ${line.trim()}`),
    );

  it('no comment cites an issue number', () => {
    expect(hits(ISSUE).filter((h) => !PENDING.has(h.slice(0, h.indexOf(':'))))).toEqual([]);
  });

  it('no comment records the duration of one run', () => {
    expect(hits(TIMING).filter((h) => !PENDING.has(h.slice(0, h.indexOf(':'))))).toEqual([]);
  });

  it('every pending file still needs its entry (the list only shrinks)', () => {
    const all = [...hits(ISSUE), ...hits(TIMING)].map((h) => h.slice(0, h.indexOf(':')));
    expect([...PENDING].filter((f) => !all.includes(f))).toEqual([]);
  });
});
