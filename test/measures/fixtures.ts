/** Independent dense oracles for the measures tests (written from docs/math.md, not from the library). */
import type { Dataset } from '../../src/data/dataset.js';
import type { Network } from '../../src/model/network.js';
import { Rng } from '../../src/rng/xoshiro.js';

/** Per-sample Jacobian J (n×P), row i = ∇_θ f(x_i), layout θ = [a, W]. */
export function denseJacobian(net: Network, data: Dataset): Float64Array {
  const { m, d, act } = net;
  const P = m * (d + 1);
  const J = new Float64Array(data.n * P);
  for (let i = 0; i < data.n; i++) {
    for (let j = 0; j < m; j++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += net.W[j * d + k] * data.X[i * d + k];
      J[i * P + j] = act.f(z);
      for (let k = 0; k < d; k++) J[i * P + m + j * d + k] = net.a[j] * act.d1(z) * data.X[i * d + k];
    }
  }
  return J;
}

/** JᵀJ/n. */
export function denseGaussNewton(net: Network, data: Dataset): Float64Array {
  const P = net.m * (net.d + 1);
  const J = denseJacobian(net, data);
  const G = new Float64Array(P * P);
  for (let i = 0; i < data.n; i++) {
    for (let p = 0; p < P; p++) {
      const jp = J[i * P + p];
      if (jp === 0) continue;
      for (let q = 0; q < P; q++) G[p * P + q] += (jp * J[i * P + q]) / data.n;
    }
  }
  return G;
}

export function matvecDense(M: Float64Array, v: Float64Array): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += M[i * n + j] * v[j];
    out[i] = s;
  }
  return out;
}

export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]));
  return e;
}

export function maxAbs(x: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i]));
  return e;
}

/** Random symmetric matrix Q diag(eigs) Qᵀ with a known spectrum (Q from Gram–Schmidt of Gaussians). */
export function matrixWithSpectrum(eigs: readonly number[], seed: number): Float64Array {
  const n = eigs.length;
  const rng = new Rng(seed);
  const Q: Float64Array[] = [];
  for (let c = 0; c < n; c++) {
    const v = rng.fillNormal(new Float64Array(n));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of Q) {
        let s = 0;
        for (let i = 0; i < n; i++) s += q[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= s * q[i];
      }
    }
    let nv = 0;
    for (let i = 0; i < n; i++) nv += v[i] * v[i];
    nv = Math.sqrt(nv);
    for (let i = 0; i < n; i++) v[i] /= nv;
    Q.push(v);
  }
  const M = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] += eigs[c] * Q[c][i] * Q[c][j];
  }
  return M;
}
