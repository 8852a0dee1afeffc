/**
 * docs/python.md's deep-network section, run as written in a temporary folder: its `python FILE` blocks saved
 * as FILE, its `sh` lines run in order (npx flatlab → the built CLI, python3 → a Python with torch), with
 * docs/data/digits.npz where the first line expects it. check_digits.py asserts flatlab's trace and F* against
 * torch autograd's Hessian and that balancing kept the function; skipped with the reason where torch is absent.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';
import { NO_TORCH_REASON, PYTHON_WITH_TORCH } from './python.js';

if (!PYTHON_WITH_TORCH) console.warn(`python-doc-deep: ${NO_TORCH_REASON} — the deep walk-through is not run`);

const section = readFileSync(join(process.cwd(), 'docs', 'python.md'), 'utf8').split('<a id="deep-networks"></a>')[1];

describe.skipIf(!PYTHON_WITH_TORCH)('docs/python.md deep walk-through (PyTorch MLP on digits)', () => {
  it('trains, saves safetensors, measures and balances with flatlab; torch autograd agrees', () => {
    const cwd = tempDir('flatlab-python-deep-');
    mkdirSync(join(cwd, 'docs', 'data'), { recursive: true });
    copyFileSync(join(process.cwd(), 'docs', 'data', 'digits.npz'), join(cwd, 'docs', 'data', 'digits.npz'));
    const fences = [...section.matchAll(/^```(\w+)(?: (\S+))?\n([\s\S]*?)^```$/gm)];
    const files = fences.filter((m) => m[1] === 'python' && m[2]);
    expect(files.map((m) => m[2])).toEqual(['st.py', 'train_digits.py', 'check_digits.py']);
    for (const m of files) writeFileSync(join(cwd, m[2]), m[3]);
    const lines = fences.filter((m) => m[1] === 'sh').flatMap((m) => m[3].split('\n').filter((l) => l.trim()));
    let out = '';
    for (const line of lines) {
      const [cmd, target] = line.split(/\s+>\s+/);
      const words = cmd.trim().split(/\s+/);
      const r =
        words[0] === 'npx'
          ? runCli(words.slice(2), { cwd })
          : (({ status, stdout, stderr }) => ({ code: status ?? -1, stdout, stderr }))(
              spawnSync(PYTHON_WITH_TORCH as string, words.slice(1), { cwd, encoding: 'utf8', timeout: 900_000 }),
            );
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
      if (target) writeFileSync(join(cwd, target.trim()), r.stdout);
      else out += r.stdout;
    }
    expect(out).toMatch(/network +64 → 16 → 16 → 10 \(3 layers, ReLU, 1482 parameters\)/);
    expect(out).toMatch(/certificate +converged/);
    expect(out.match(/relative difference/g)).toHaveLength(2);
  }, 1_200_000);
});
