/**
 * `flatlab spectrum` against the dense eigenvalues (denseHessian → Jacobi, independent of the HVP code)
 * on small models: Lanczos's top-k, and SLQ with as many steps as dimensions, whose quadrature nodes are
 * then eigenvalues and whose weights sum to one per probe.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/measures/dense-eig.js';
import { lanczos, stochasticLanczosQuadrature } from '../../src/measures/lanczos.js';
import { curvatureOperator } from '../../src/measures/operators.js';
import { denseHessian } from '../../src/model/network.js';
import { runCli, tempDir } from '../cli-helpers.js';
import { randomData, randomNet } from '../helpers.js';

function smallProblem(seed: number, m: number, d: number, act: 'tanh' | 'relu') {
  return { data: randomData(25, d, seed), net: randomNet(act, m, d, seed + 1) };
}

describe('spectrum against the dense eigenvalues', () => {
  it('Lanczos top-k and SLQ nodes match the dense spectrum (generated small models)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 2, max: 4 }),
        fc.constantFrom('tanh' as const, 'relu' as const),
        (seed, m, d, act) => {
          const { data, net } = smallProblem(seed, m, d, act);
          const P = m * (d + 1);
          const dense = Array.from(symmetricEigen(denseHessian(net, data), P).values).reverse();
          const op = curvatureOperator(net, data, 'hessian');
          const scale = Math.max(1, Math.abs(dense[0]));
          const k = Math.min(3, P);
          const top = lanczos(op, { k, budget: P, seed, which: 'largest' });
          for (let i = 0; i < k; i++) expect(Math.abs(top.values[i] - dense[i])).toBeLessThan(1e-8 * scale);
          const slq = stochasticLanczosQuadrature(op, { probes: 3, steps: P, seed });
          for (const [l, nodes] of slq.nodes.entries()) {
            const w = slq.weights[l].reduce((s, x) => s + x, 0);
            expect(w).toBeCloseTo(1, 10);
            for (const x of nodes) expect(Math.min(...dense.map((e) => Math.abs(e - x)))).toBeLessThan(1e-6 * scale);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('the CLI prints the same top eigenvalues and writes the figure', () => {
    const dir = tempDir('flatlab-spectrum-');
    const p = (f: string) => join(dir, f);
    runCli(['data', '--n', '20', '--d', '3', '--links', 'relu', '--out', p('d.json')]);
    runCli(['construct', 'memorizer', '--data', p('d.json'), '--out', p('m.json')]);
    const r = runCli([
      'spectrum',
      '--data',
      p('d.json'),
      '--model',
      p('m.json'),
      '--k',
      '3',
      '--json',
      '--figure',
      p('s.svg'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as { dim: number; top: { values: number[]; converged: boolean } };
    expect(o.top.converged).toBe(true);
    expect(o.top.values).toHaveLength(3);
    expect(runCli(['spectrum', '--data', p('d.json'), '--model', p('m.json'), '--figure', p('s.pdf')]).code).toBe(2);
  });
});
