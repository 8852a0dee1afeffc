/**
 * Every export of the package entry is documented, every exported function and class carries an
 * `@example`, and every example runs — the TSDoc ones and those of docs/api.md — against the sources
 * (`from 'flatlab'` is src/index.ts). FLATLAB_SHOW_EXAMPLES=1 prints what each example logs, to compare
 * with the `// …` comments it carries.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { apiExports, root } from './api-exports.js';

const dir = mkdtempSync(join(tmpdir(), 'flatlab-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = pathToFileURL(join(root, 'src', 'index.ts')).href;
let count = 0;

/** Run one example as an ES module, with `flatlab` resolved to the sources; returns what it logged. */
async function run(code: string): Promise<string[]> {
  const file = join(dir, `example-${count++}.ts`);
  writeFileSync(file, `${code.replaceAll(`from 'flatlab'`, `from '${entry}'`)}\nexport {};\n`);
  const logged: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    spy.mockRestore();
  }
  if (process.env.FLATLAB_SHOW_EXAMPLES) console.log(`${code}\n→ ${logged.join('\n→ ')}\n`);
  return logged;
}

const docBlocks = (): string[] =>
  [...readFileSync(join(root, 'docs', 'api.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

describe('the public API documents itself', () => {
  it('every export has a TSDoc comment', () => {
    expect(
      apiExports()
        .filter((e) => !e.documented)
        .map((e) => `${e.file}: ${e.name}`),
    ).toEqual([]);
  });

  it('every exported function and class has an @example importing from flatlab', () => {
    const missing = apiExports().filter(
      (e) => e.kind === 'function' && !e.examples.some((c) => c.includes(`from 'flatlab'`)),
    );
    expect(missing.map((e) => `${e.file}: ${e.name}`)).toEqual([]);
  });

  it('every TSDoc @example runs', async () => {
    const withExamples = apiExports().filter((e) => e.examples.length > 0);
    expect(withExamples.length).toBeGreaterThan(50);
    for (const e of withExamples) {
      for (const code of e.examples) {
        await expect(run(code), `${e.file}: ${e.name}`).resolves.toBeDefined();
      }
    }
  });

  it('every example of docs/api.md runs', async () => {
    const blocks = docBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const code of blocks) await expect(run(code), code.split('\n')[0]).resolves.toBeDefined();
  });
});
