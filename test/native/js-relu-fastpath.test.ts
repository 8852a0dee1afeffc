/**
 * The portable backend inlines ReLU in its fused kernels for speed. Oracle: the generic path with
 * leaky-relu(α = 0), which is the same function through the closure-based code; results must be
 * exactly equal (=== per entry), on odd shapes with exact zeros in Z.
 */
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/linalg/js-backend.js';
import { makeActivation } from '../../src/model/activations.js';
import { Rng } from '../../src/rng/xoshiro.js';

const relu = makeActivation('relu');
const leaky0 = makeActivation({ name: 'leaky-relu', alpha: 0 });
const rand = (len: number, seed: number): Float64Array => new Rng(seed).fillNormal(new Float64Array(len));

function same(x: Float64Array, y: Float64Array, what: string): void {
  for (let i = 0; i < x.length; i++) if (!(x[i] === y[i])) throw new Error(`${what}[${i}]: ${x[i]} vs ${y[i]}`);
}

describe('portable ReLU fast path = generic kernels', () => {
  it('gradPass, traceSums (with and without r) and hvpPass agree exactly', () => {
    for (const [rows, m] of [
      [1, 1],
      [5, 3],
      [13, 17],
    ]) {
      const Z = rand(rows * m, rows + m);
      for (let k = 0; k < Z.length; k += 4) Z[k] = 0;
      const a = rand(m, 1),
        va = rand(m, 2),
        r = rand(rows, 3),
        q = rand(rows, 4),
        T = rand(rows * m, 5);
      const Z1 = Z.slice(),
        Z2 = Z.slice(),
        g1 = rand(m, 6),
        g2 = rand(m, 6);
      jsBackend.gradPass(relu, Z1, rows, m, a, r, g1);
      jsBackend.gradPass(leaky0, Z2, rows, m, a, r, g2);
      same(Z1, Z2, 'gradPass Z');
      same(g1, g2, 'gradPass ga');
      for (const rr of [r, null]) {
        const o1 = [rand(m, 7), rand(m, 8), rand(m, 9)],
          o2 = [rand(m, 7), rand(m, 8), rand(m, 9)];
        jsBackend.traceSums(relu, Z, rows, m, rr, q, o1[0], o1[1], o1[2]);
        jsBackend.traceSums(leaky0, Z, rows, m, rr, q, o2[0], o2[1], o2[2]);
        for (let k = 0; k < 3; k++) same(o1[k], o2[k], `traceSums ${'ABC'[k]}`);
      }
      const T1 = T.slice(),
        T2 = T.slice(),
        u1 = new Float64Array(rows),
        u2 = new Float64Array(rows);
      const h1 = rand(m, 10),
        h2 = rand(m, 10);
      jsBackend.hvpPass(relu, Z, T1, rows, m, a, va, r, u1, h1);
      jsBackend.hvpPass(leaky0, Z, T2, rows, m, a, va, r, u2, h2);
      same(u1, u2, 'hvpPass u');
      same(h1, h2, 'hvpPass ha');
      same(T1, T2, 'hvpPass T');
      if (rows > 1) expect(u1.some((x) => x !== 0)).toBe(true); // the comparison is not vacuous
    }
  });
});
