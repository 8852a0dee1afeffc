/**
 * Independent oracles for the training tests: a naive per-sample loss/gradient (explicit loops, no
 * backend, no dataPass) and finite differences.
 */
import type { Dataset } from '../../src/data/dataset.js';
import type { Network } from '../../src/model/network.js';

export function naiveLossGrad(net: Network, data: Dataset, theta?: Float64Array): { loss: number; g: Float64Array } {
  const { m, d, act } = net;
  const th = theta ?? Float64Array.from([...net.a, ...net.W]);
  const a = th.subarray(0, m);
  const W = th.subarray(m);
  const g = new Float64Array(m * (d + 1));
  let loss = 0;
  for (let i = 0; i < data.n; i++) {
    const x = data.X.subarray(i * d, (i + 1) * d);
    const z = new Float64Array(m);
    let f = 0;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += W[j * d + k] * x[k];
      z[j] = s;
      f += a[j] * act.f(s);
    }
    const r = f - data.y[i];
    loss += (r * r) / (2 * data.n);
    for (let j = 0; j < m; j++) {
      g[j] += (r * act.f(z[j])) / data.n;
      const c = (r * a[j] * act.d1(z[j])) / data.n;
      for (let k = 0; k < d; k++) g[m + j * d + k] += c * x[k];
    }
  }
  return { loss, g };
}

export function packed(net: Network): Float64Array {
  return Float64Array.from([...net.a, ...net.W]);
}

/** Central finite differences of a scalar function of θ. */
export function fdGradient(f: (th: Float64Array) => number, theta: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(theta.length);
  for (let p = 0; p < theta.length; p++) {
    const tp = theta.slice();
    const tm = theta.slice();
    tp[p] += h;
    tm[p] -= h;
    g[p] = (f(tp) - f(tm)) / (2 * h);
  }
  return g;
}

export function maxAbsDiff(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s = Math.max(s, Math.abs(x[i] - y[i]));
  return s;
}

export function maxAbs(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s = Math.max(s, Math.abs(x[i]));
  return s;
}
