/**
 * docs/python.md, run as written: its `sh` blocks line by line (npx flatlab → the built CLI) and its
 * named `python FILE` blocks saved as FILE, in a temporary folder. The numpy part needs python3 with
 * numpy (FLATLAB_PYTHON picks another interpreter); the PyTorch part is skipped, with a message, when
 * torch is missing. The scripts themselves assert that flatlab's numbers match numpy's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';

const PY = process.env.FLATLAB_PYTHON ?? 'python3';
const can = (mod: string): boolean => spawnSync(PY, ['-c', `import ${mod}`], { encoding: 'utf8' }).status === 0;
const hasNumpy = can('numpy');
const hasTorch = hasNumpy && can('torch');
if (!hasNumpy) console.warn(`python-doc: ${PY} with numpy not found — docs/python.md is not run`);
else if (!hasTorch)
  console.warn(`python-doc: torch not found for ${PY} — the PyTorch part of docs/python.md is skipped`);

interface Block {
  lang: string;
  file: string | null;
  body: string;
}

function blocks(): Block[] {
  // The deep-network section has its own runner (test/deep/python-doc-deep.test.ts).
  const text = readFileSync(join(process.cwd(), 'docs', 'python.md'), 'utf8').split('<a id="deep-networks"></a>')[0];
  return [...text.matchAll(/^```(\w+)(?: (\S+))?\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1],
    file: m[2] ?? null,
    body: m[3],
  }));
}

/** Run one shell line of the doc: `npx flatlab … [> file]` or `python3 script.py …`. */
function run(line: string, cwd: string): string {
  const [cmd, out] = line.split(/\s+>\s+/);
  const words = cmd.trim().split(/\s+/);
  let code: number;
  let stdout: string;
  let stderr: string;
  if (words[0] === 'npx' && words[1] === 'flatlab') {
    ({ code, stdout, stderr } = runCli(words.slice(2), { cwd }));
  } else {
    expect(words[0]).toBe('python3');
    const r = spawnSync(PY, words.slice(1), { cwd, encoding: 'utf8', timeout: 300_000 });
    [code, stdout, stderr] = [r.status ?? -1, r.stdout, r.stderr];
  }
  if (code !== 0) throw new Error(`docs/python.md: "${line}" failed (exit ${code})\n${stderr}`);
  if (out) writeFileSync(join(cwd, out.trim()), stdout);
  return stdout;
}

describe('docs/python.md walk-through', () => {
  it.skipIf(!hasNumpy)(
    'trains in numpy (and PyTorch when present); flatlab measure equals the numpy computation',
    () => {
      const cwd = tempDir('flatlab-python-doc-');
      const all = blocks();
      const scripts = all.filter((b) => b.lang === 'python' && b.file !== null);
      expect(scripts.map((b) => b.file)).toEqual(['train_numpy.py', 'check.py', 'check_balanced.py', 'train_torch.py']);
      for (const b of scripts) writeFileSync(join(cwd, b.file as string), b.body);
      const shell = all.filter((b) => b.lang === 'sh');
      expect(shell).toHaveLength(4);
      let out = '';
      for (const b of shell) {
        if (b.body.includes('train_torch.py') && !hasTorch) continue;
        for (const line of b.body.split('\n').filter((l) => l.trim() !== '')) out += run(line, cwd);
      }
      // The checks printed their comparisons (each asserted inside the script).
      expect(out.match(/relative difference/g)?.length).toBe(hasTorch ? 6 : 3);
      expect(out).toMatch(/population risk [0-9.e-]+ \(exact\)/);
      expect(out).toMatch(/activation relu \| balanced trace/);
    },
    600_000,
  );
});
