/**
 * Random deep networks and data for the deep-network tests, and an independent oracle for the Hessian
 * trace: second-order forward mode along each coordinate, in plain loops (no backward pass, no backend).
 */
import type { ActivationSpec } from '../../src/model/activations.js';
import { createMlp, type Mlp, type MlpData, packMlp, unpackMlp } from '../../src/model/mlp.js';
import { Rng } from '../../src/rng/xoshiro.js';
import '../../src/linalg/index.js';

export function randomMlp(widths: number[], act: ActivationSpec, bias: boolean, seed: number): Mlp {
  const rng = new Rng(seed);
  const layers = [];
  for (let l = 1; l < widths.length; l++) {
    const W = new Float64Array(widths[l] * widths[l - 1]);
    for (let t = 0; t < W.length; t++) W[t] = rng.normal() / Math.sqrt(widths[l - 1]);
    const b = bias ? new Float64Array(widths[l]).map(() => 0.5 * rng.normal()) : null;
    layers.push({ W, b, rows: widths[l], cols: widths[l - 1] });
  }
  return createMlp(act, layers);
}

export function randomMlpData(n: number, d: number, c: number, seed: number): MlpData {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d).map(() => rng.normal());
  const Y = new Float64Array(n * c).map(() => rng.normal());
  return { n, d, c, X, Y };
}

/**
 * Tr ∇²L by second-order forward mode, one coordinate at a time, in plain loops: along e_p each
 * pre-activation carries (z, z′, z″) with z′ = W′h + Wh′, z″ = 2W′h′ + Wh″, h′ = σ′(z)z′,
 * h″ = σ″(z)z′² + σ′(z)z″; then ∂²L/∂θ_p² = (1/n) Σ_i Σ_o (f′_o² + r_o f″_o). Independent of the
 * backward passes under test; exact up to rounding (no step size, no kink crossing).
 */
export function taylorTrace(net: Mlp, data: MlpData): { trace: number; gaussNewton: number } {
  const theta = packMlp(net);
  const L = net.W.length;
  const w = net.widths;
  const act = net.act;
  let gn = 0;
  let res = 0;
  for (let p = 0; p < theta.length; p++) {
    const e = new Float64Array(theta.length);
    e[p] = 1;
    const dir = unpackMlp(net, e);
    for (let i = 0; i < data.n; i++) {
      let h = Array.from(data.X.subarray(i * data.d, (i + 1) * data.d));
      let h1 = h.map(() => 0);
      let h2 = h.map(() => 0);
      for (let l = 1; l <= L; l++) {
        const W = net.W[l - 1];
        const V = dir.W[l - 1];
        const b = net.b[l - 1];
        const vb = dir.b[l - 1];
        const z: number[] = [];
        const z1: number[] = [];
        const z2: number[] = [];
        for (let u = 0; u < w[l]; u++) {
          let s = b ? b[u] : 0;
          let s1 = vb ? vb[u] : 0;
          let s2 = 0;
          for (let a = 0; a < w[l - 1]; a++) {
            const wa = W[u * w[l - 1] + a];
            const va = V[u * w[l - 1] + a];
            s += wa * h[a];
            s1 += va * h[a] + wa * h1[a];
            s2 += 2 * va * h1[a] + wa * h2[a];
          }
          z.push(s);
          z1.push(s1);
          z2.push(s2);
        }
        if (l === L) {
          for (let o = 0; o < w[L]; o++) {
            const r = z[o] - data.Y[i * data.c + o];
            gn += z1[o] * z1[o];
            res += r * z2[o];
          }
        } else {
          h = z.map((t) => act.f(t));
          h1 = z.map((t, u) => act.d1(t) * z1[u]);
          h2 = z.map((t, u) => act.d2(t) * z1[u] * z1[u] + act.d1(t) * z2[u]);
        }
      }
    }
  }
  return { trace: (gn + res) / data.n, gaussNewton: gn / data.n };
}
