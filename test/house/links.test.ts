/**
 * The repository's documents stay self-contained: every relative Markdown link in README and docs/
 * names a file that exists (and, for a `#fragment`, an anchor that exists in it), and every
 * `docs/math.md#…` citation anywhere in the tracked tree names one of math.md's anchors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = normalize(join(import.meta.dirname, '..', '..'));
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f && existsSync(join(root, f)));
const docs = tracked.filter((f) => f === 'README.md' || (f.startsWith('docs/') && f.endsWith('.md')));

/** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Explicit `<a id="…">` / `<a name="…">` anchors and heading slugs of a Markdown file. */
function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  const noCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const m of noCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) out.add(slug(m[1]));
  return out;
}

/** Relative link targets `[text](target)` of a Markdown file, outside code blocks and spans. */
function relativeLinks(markdown: string): string[] {
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const t = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(t)) continue; // https:, mailto: …
    out.push(t);
  }
  return out;
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(rel: string): Set<string> {
  let a = anchorCache.get(rel);
  if (!a) {
    a = anchorsOf(readFileSync(join(root, rel), 'utf8'));
    anchorCache.set(rel, a);
  }
  return a;
}

/** Why `target`, linked from file `from`, does not resolve (null when it does). */
function brokenLink(from: string, target: string): string | null {
  const [pathPart, fragment] = target.split('#', 2);
  const rel = pathPart ? normalize(join(dirname(from), decodeURIComponent(pathPart))) : from;
  if (rel.startsWith('..')) return `${from}: "${target}" leaves the repository`;
  if (!existsSync(join(root, rel))) return `${from}: "${target}" — no file ${rel}`;
  if (fragment !== undefined && rel.endsWith('.md') && statSync(join(root, rel)).isFile()) {
    if (!anchorsOfFile(rel).has(fragment)) return `${from}: "${target}" — no anchor #${fragment} in ${rel}`;
  }
  return null;
}

describe('links in README and docs', () => {
  it('finds the documents to check', () => {
    expect(docs).toContain('README.md');
    expect(docs).toContain('docs/math.md');
  });

  it('resolves every relative Markdown link to an existing file and anchor', () => {
    const broken: string[] = [];
    for (const f of docs) {
      for (const t of relativeLinks(readFileSync(join(root, f), 'utf8'))) {
        const why = brokenLink(f, t);
        if (why) broken.push(why);
      }
    }
    expect(broken).toEqual([]);
  });

  it('resolves every docs/math.md#… citation in the tracked tree to an anchor of docs/math.md', () => {
    const anchors = anchorsOfFile('docs/math.md');
    const broken: string[] = [];
    let cited = 0;
    for (const f of tracked) {
      if (/\.(png|svg|node|db|sqlite|gz|zip|parquet|npz|npy)$/.test(f) || f === 'package-lock.json') continue;
      const text = readFileSync(join(root, f), 'utf8');
      for (const m of text.matchAll(/docs\/math\.md#([A-Za-z0-9_-]+)/g)) {
        cited++;
        if (!anchors.has(m[1])) broken.push(`${f}: docs/math.md#${m[1]}`);
      }
    }
    expect(cited).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  it('gives math.md its section anchors, in order §1–§11', () => {
    const text = readFileSync(join(root, 'docs/math.md'), 'utf8');
    const ids = [...text.matchAll(/<a id="([^"]+)"><\/a>\s*\n+## (\d+)\./g)].map((m) => `${m[2]}:${m[1]}`);
    expect(ids).toEqual([
      '1:data',
      '2:network',
      '3:flatness',
      '4:invariant-flatness',
      '5:interpolators',
      '6:algorithms',
      '7:population-risk',
      '8:estimators',
      '9:hypotheses',
      '10:convex-flattest',
      '11:deep-networks',
    ]);
  });

  it('detects a broken link and a missing anchor (the checker can fail)', () => {
    expect(brokenLink('README.md', 'docs/no-such-file.md')).toMatch(/no file/);
    // Joined at run time so that this file holds no citation of a missing anchor itself.
    expect(brokenLink('README.md', ['docs/math.md', 'no-such-anchor'].join('#'))).toMatch(/no anchor/);
    expect(brokenLink('docs/training.md', '../../outside.md')).toMatch(/leaves the repository/);
    expect(brokenLink('docs/training.md', 'math.md#algorithms')).toBeNull();
    expect(relativeLinks('see [a](x.md) and `[b](y.md)` and [c](https://e.org)')).toEqual(['x.md']);
    expect(anchorsOf('## 3. Loss and flatness\n<a id="z"></a>')).toEqual(new Set(['3-loss-and-flatness', 'z']));
  });
});
