/**
 * flatlab's deep-network trace and F* against torch autograd (test/deep/torch_oracle.py, double precision),
 * on random 3- and 4-layer MLPs with biases. Needs a Python with torch (test/deep/python.ts); skipped with
 * the reason when there is none.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlpTrace } from '../../src/flatness/mlp-trace.js';
import type { ActivationSpec } from '../../src/model/activations.js';
import type { Mlp, MlpData } from '../../src/model/mlp.js';
import { mlpBalance } from '../../src/symmetry/mlp-balance.js';
import { tempDir } from '../cli-helpers.js';
import { relErr } from '../helpers.js';
import { randomMlp, randomMlpData } from './fixtures.js';
import { NO_TORCH_REASON, PYTHON_WITH_TORCH } from './python.js';

const PY = PYTHON_WITH_TORCH;
if (!PY) console.warn(`torch-oracle: ${NO_TORCH_REASON} — the autograd oracle is skipped`);

interface Case {
  act: ActivationSpec;
  widths: number[];
  W: number[][];
  b: (number[] | null)[];
  n: number;
  d: number;
  c: number;
  X: number[];
  Y: number[];
  orbitPoints?: number;
  orbitLogRange?: number;
  seed?: number;
}
interface Answer {
  trace: number;
  gaussNewton: number;
  outputs: number[];
  orbit: number[];
}

function toCase(net: Mlp, data: MlpData, orbitPoints = 0): Case {
  return {
    act: net.act.spec,
    widths: [...net.widths],
    W: net.W.map((w) => Array.from(w)),
    b: net.b.map((b) => (b ? Array.from(b) : null)),
    n: data.n,
    d: data.d,
    c: data.c,
    X: Array.from(data.X),
    Y: Array.from(data.Y),
    orbitPoints,
    orbitLogRange: 1,
    seed: 7,
  };
}

function oracle(cases: Case[]): Answer[] {
  const dir = tempDir('flatlab-torch-oracle-');
  const file = join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const script = join(process.cwd(), 'test', 'deep', 'torch_oracle.py');
  const r = spawnSync(PY as string, [script, file], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`torch oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Answer[];
}

const ACTS: ActivationSpec[] = [{ name: 'relu' }, { name: 'leaky-relu', alpha: 0.1 }, { name: 'relu-pow', p: 2 }];

describe.skipIf(!PY)('deep networks against torch autograd', () => {
  it('trace (Hessian and GN) of 3- and 4-layer MLPs with biases, c = 1 and 3, within 1e-9; F* is the autograd trace at the balanced point; f unchanged; no orbit point of 1000 below F*', () => {
    const nets: { net: Mlp; data: MlpData; bal: Mlp; fStar: number; orbit: boolean }[] = [];
    let seed = 100;
    for (const act of ACTS)
      for (const hidden of [
        [5, 7, 6],
        [4, 6, 5, 4],
      ])
        for (const c of [1, 3]) {
          const net = randomMlp([...hidden, c], act, true, seed++);
          const data = randomMlpData(25, hidden[0], c, seed++);
          const b = mlpBalance(net, data);
          expect(b.flatness.certificate.converged).toBe(true);
          nets.push({ net, data, bal: b.net, fStar: b.flatness.value, orbit: hidden.length === 3 && c === 3 });
        }
    const cases = nets.flatMap((x) => [toCase(x.net, x.data, x.orbit ? 1000 : 0), toCase(x.bal, x.data)]);
    const answers = oracle(cases);
    nets.forEach((x, i) => {
      const [at, atBal] = [answers[2 * i], answers[2 * i + 1]];
      const t = mlpTrace(x.net, x.data);
      const label = `${x.net.act.label} ${x.net.widths.join('-')}`;
      expect(relErr(t.trace, at.trace), label).toBeLessThan(1e-9);
      expect(relErr(t.traceGaussNewton, at.gaussNewton), label).toBeLessThan(1e-9);
      // F* = min over the orbit of the GN trace, attained at the balanced point (= the Hessian trace for k = 1).
      expect(relErr(x.fStar, atBal.gaussNewton), label).toBeLessThan(1e-9);
      if (x.net.act.degree === 1) expect(relErr(x.fStar, atBal.trace), label).toBeLessThan(1e-9);
      let num = 0;
      let den = 0;
      at.outputs.forEach((v, k) => {
        num += (v - atBal.outputs[k]) ** 2;
        den += v * v;
      });
      expect(Math.sqrt(num / den), label).toBeLessThan(1e-12);
      if (x.orbit) {
        expect(at.orbit).toHaveLength(1000);
        expect(Math.min(...at.orbit), label).toBeGreaterThanOrEqual(x.fStar * (1 - 1e-12));
      }
    });
  }, 600_000);
});
