/**
 * What a new user meets: pickles refused with the recipe, an --out extension that names no format
 * refused, --links that infers r, measure --per-neuron whose parts sum to the printed totals (an exact
 * identity), the adaptive sharpness found invariant on an exact teacher, and `| head` without a trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';

const dir = tempDir('flatlab-frictions-');
const p = (f: string): string => join(dir, f);
runCli(['data', '--n', '40', '--d', '3', '--links', 'relu', '--out', p('d.json')]);
runCli(['construct', 'teacher', '--data', p('d.json'), '--out', p('t.json')]);
runCli(['construct', 'memorizer', '--data', p('d.json'), '--out', p('m.json')]);

function refused(args: string[], pattern: RegExp): void {
  const r = runCli(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('file formats follow the extension', () => {
  it('a .pt model is refused with the safetensors recipe', () => {
    writeFileSync(p('model.pt'), 'PK\u0003\u0004 a torch zip');
    refused(
      ['measure', '--data', p('d.json'), '--model', p('model.pt')],
      /save_file\(model\.state_dict\(\), 'model\.safetensors'\)/,
    );
  });

  it('--out model.pt and --out data.csv are refused, nothing written', () => {
    refused(
      ['construct', 'memorizer', '--data', p('d.json'), '--out', p('x.pt')],
      /written as \.json, \.npz, \.safetensors/,
    );
    refused(['data', '--n', '5', '--d', '2', '--out', p('x.csv')], /written as \.json, \.npz/);
    expect(existsSync(p('x.pt')) || existsSync(p('x.csv'))).toBe(false);
  });
});

it('--links relu+abs without --r infers r = 2', () => {
  const r = runCli(['data', '--n', '5', '--d', '3', '--links', 'relu+abs', '--out', p('r2.json')]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/r = 2, links relu\+abs/);
});

describe('measure', () => {
  it('--per-neuron: Σ_j (A_j + B_j + C_j) is the trace and Σ_j F*_j is F*', () => {
    const r = runCli(['measure', '--data', p('d.json'), '--model', p('m.json'), '--per-neuron', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as {
      trace: number;
      invariantFlatness: number;
      perNeuron: { A: number; B: number; C: number; fStar: number }[];
    };
    expect(o.perNeuron).toHaveLength(40);
    const sum = (f: (x: (typeof o.perNeuron)[0]) => number) => o.perNeuron.reduce((s, x) => s + f(x), 0);
    expect(sum((x) => x.A + x.B + x.C)).toBeCloseTo(o.trace, 10);
    expect(sum((x) => x.fStar)).toBeCloseTo(o.invariantFlatness, 10);
  });

  it('--invariance on an exact teacher: every available measure behaves as declared', () => {
    const r = runCli(['measure', '--data', p('d.json'), '--model', p('t.json'), '--invariance', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const inv = (
      JSON.parse(r.stdout) as { invariance: { rows: { name: string; agrees: boolean | null }[]; allAgree: boolean } }
    ).invariance;
    expect(inv.rows.filter((x) => x.agrees === false).map((x) => x.name)).toEqual([]);
  });

  it('a closed pipe (| head) ends quietly, exit 0', () => {
    const bin = join(process.cwd(), 'bin', 'flatlab.js');
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node ${bin} measure --data ${p('d.json')} --model ${p('m.json')} --per-neuron | head -1; echo "rc=\${PIPESTATUS[0]}"`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toMatch(/rc=0/);
    expect(r.stderr).not.toMatch(/EPIPE|at /);
  });
});
