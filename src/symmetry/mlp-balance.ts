/**
 * The rescaling symmetry of deep homogeneous networks and the invariant flatness F* as a geometric
 * program (docs/math.md#deep-networks, §11).
 *
 * Scaling hidden neuron u by s_u = e^{z_u} (its incoming row and bias × s_u, its outgoing column × s_u^{−k})
 * leaves f unchanged. The weight from a to b becomes × s_b s_a^{−k}, so its squared gradient G_p becomes
 * × s_b^{−2} s_a^{2k}: along the orbit the Gauss–Newton trace is the posynomial T(z) = Σ_p G_p e^{e_p·z},
 * convex in z. Neurons of one layer share no parameter, so minimizing T over a whole layer at once is exact
 * and separable: z_u ← z_u + log(P_u / (k Q_u)) / (2k + 2), with P_u the current mass of u's incoming weights
 * and bias and Q_u that of its outgoing weights (k = 1: ¼ log(P_u/Q_u)). Block coordinate descent on a
 * smooth convex function; the certificate is the relative change of T and ‖∇_z T‖ / T at the stop
 * (∂T/∂z_u = 2k Q_u − 2 P_u). A neuron with P_u = 0 or Q_u = 0 has no minimizer: the infimum drops its
 * terms (it is pruned from the program and reported).
 */

import { type MlpCurvatureMass, type MlpTrace, mlpTrace } from '../flatness/mlp-trace.js';
import { InputError, requireHomogeneous } from '../model/activations.js';
import type { Mlp, MlpData } from '../model/mlp.js';
import { randomFactors } from './rescale.js';

/** A hidden neuron left out of the geometric program for F*, and why. */
export interface DeadNeuron {
  /** Hidden layer l (1 … L−1). */
  readonly layer: number;
  readonly neuron: number;
  /**
   * 'inactive': no curvature in or out (its terms are 0 everywhere on the orbit); 'unbounded': mass on one
   * side only, so the orbit infimum sends its factor to 0 or ∞ and is not attained.
   */
  readonly kind: 'inactive' | 'unbounded';
}

/** How far block coordinate descent on T(z) got: the numbers to judge F* by (docs/math.md#deep-networks). */
export interface GpCertificate {
  readonly sweeps: number;
  /** |T_prev − T| / T over the last sweep. */
  readonly relativeChange: number;
  /** ‖∇_z T‖₂ / T at the stop. */
  readonly gradientNorm: number;
  readonly converged: boolean;
}

/**
 * mlpInvariantFlatness's result: F*, the infimum of the Gauss–Newton trace over the network's rescaling orbit,
 * with the factors that attain it, the solver's certificate and the neurons left out of the program.
 */
export interface MlpInvariantFlatness {
  /** F* = inf over the orbit of the Gauss–Newton trace. */
  readonly value: number;
  /** Per hidden layer l (index l − 1), the factors s_u = e^{z_u} of the flattest point (1 for dead neurons). */
  readonly factors: Float64Array[];
  /** The GN trace at those factors: F* plus the mass of the unbounded dead neurons' terms there. */
  readonly traceAtFactors: number;
  readonly certificate: GpCertificate;
  readonly dead: DeadNeuron[];
}

/** Stopping rule of the geometric program for F*. */
export interface GpOptions {
  /** Stop when ‖∇_z T‖₂ / T falls to this (default 1e-13). */
  tolerance?: number;
  /** Most sweeps (default 20000). */
  maxSweeps?: number;
}

/** Whether each hidden neuron stays in the program: the fixed point of removing neurons with P = 0 or Q = 0. */
function liveNeurons(net: Mlp, G: MlpCurvatureMass): { alive: Uint8Array[]; dead: DeadNeuron[] } {
  const L = net.W.length;
  const w = net.widths;
  const alive: Uint8Array[] = [];
  for (let l = 0; l <= L; l++) alive.push(new Uint8Array(w[l]).fill(1));
  const firstKind = new Map<string, DeadNeuron['kind']>();
  for (let changed = true; changed; ) {
    changed = false;
    for (let l = 1; l < L; l++) {
      const { P, Q } = masses(net, G, null, alive, l);
      for (let u = 0; u < w[l]; u++) {
        if (!alive[l][u] || (P[u] > 0 && Q[u] > 0)) continue;
        alive[l][u] = 0;
        changed = true;
        firstKind.set(`${l}:${u}`, P[u] === 0 && Q[u] === 0 ? 'inactive' : 'unbounded');
      }
    }
  }
  const dead: DeadNeuron[] = [];
  for (let l = 1; l < L; l++)
    for (let u = 0; u < w[l]; u++)
      if (!alive[l][u]) dead.push({ layer: l, neuron: u, kind: firstKind.get(`${l}:${u}`) ?? 'inactive' });
  return { alive, dead };
}

/** Current in-mass P_u and out-mass Q_u of the neurons of hidden layer l, over the live terms of T (or G). */
function masses(
  net: Mlp,
  G: MlpCurvatureMass,
  T: MlpCurvatureMass | null,
  alive: Uint8Array[],
  l: number,
): { P: Float64Array; Q: Float64Array } {
  const w = net.widths;
  const M = T ?? G;
  const P = new Float64Array(w[l]);
  const Q = new Float64Array(w[l]);
  const inW = M.W[l - 1];
  const inB = M.b[l - 1];
  const prev = alive[l - 1];
  for (let u = 0; u < w[l]; u++) {
    let s = inB ? inB[u] : 0;
    for (let a = 0; a < w[l - 1]; a++) if (l === 1 || prev[a]) s += inW[u * w[l - 1] + a];
    P[u] = s;
  }
  const outW = M.W[l];
  const next = alive[l + 1];
  const last = l + 1 === net.W.length;
  for (let b = 0; b < w[l + 1]; b++) {
    if (!last && !next[b]) continue;
    for (let u = 0; u < w[l]; u++) Q[u] += outW[b * w[l] + u];
  }
  return { P, Q };
}

/** T(z) summed over the live terms (or all terms), computed afresh from G and z. */
function posynomial(net: Mlp, G: MlpCurvatureMass, z: Float64Array[], k: number, alive: Uint8Array[] | null): number {
  const L = net.W.length;
  const w = net.widths;
  let total = 0;
  for (let l = 1; l <= L; l++) {
    const zb = l < L ? z[l - 1] : null;
    const za = l > 1 ? z[l - 2] : null;
    for (let b = 0; b < w[l]; b++) {
      if (alive && l < L && !alive[l][b]) continue;
      const eb = zb ? -2 * zb[b] : 0;
      for (let a = 0; a < w[l - 1]; a++) {
        if (alive && l > 1 && !alive[l - 1][a]) continue;
        const g = G.W[l - 1][b * w[l - 1] + a];
        if (g !== 0) total += g * Math.exp(eb + (za ? 2 * k * za[a] : 0));
      }
      const gb = G.b[l - 1];
      if (gb && gb[b] !== 0) total += gb[b] * Math.exp(eb);
    }
  }
  return total;
}

/** F* of a network from its per-parameter GN diagonal G (mlpTrace's G), with the flattest factors. */
export function mlpInvariantFromMass(net: Mlp, G: MlpCurvatureMass, opts: GpOptions = {}): MlpInvariantFlatness {
  const k = requireHomogeneous(net.act, 'invariant flatness F*');
  const tol = opts.tolerance ?? 1e-13;
  const maxSweeps = opts.maxSweeps ?? 20000;
  const L = net.W.length;
  const w = net.widths;
  const { alive, dead } = liveNeurons(net, G);
  const z = w.slice(1, L).map((x) => new Float64Array(x));
  // T holds the current terms G_p e^{e_p·z}, updated multiplicatively; recomputed exactly at the end.
  const T: MlpCurvatureMass = { W: G.W.map((x) => x.slice()), b: G.b.map((x) => x?.slice() ?? null) };
  let value = posynomial(net, G, z, k, alive);
  let relativeChange = Number.POSITIVE_INFINITY;
  let gradientNorm = Number.POSITIVE_INFINITY;
  let sweeps = 0;
  const step = (l: number): void => {
    const { P, Q } = masses(net, G, T, alive, l);
    const inW = T.W[l - 1];
    const inB = T.b[l - 1];
    const outW = T.W[l];
    for (let u = 0; u < w[l]; u++) {
      if (!alive[l][u]) continue;
      const delta = (Math.log(P[u]) - Math.log(k * Q[u])) / (2 * k + 2);
      if (delta === 0) continue;
      z[l - 1][u] += delta;
      const fin = Math.exp(-2 * delta);
      const fout = Math.exp(2 * k * delta);
      for (let a = 0; a < w[l - 1]; a++) inW[u * w[l - 1] + a] *= fin;
      if (inB) inB[u] *= fin;
      for (let b = 0; b < w[l + 1]; b++) outW[b * w[l] + u] *= fout;
    }
  };
  while (sweeps < maxSweeps && w.length > 2) {
    // Symmetric Gauss–Seidel over the layers: forward, then backward.
    for (let l = 1; l < L; l++) step(l);
    for (let l = L - 2; l >= 1; l--) step(l);
    sweeps++;
    const next = posynomial(
      net,
      T,
      z.map((x) => new Float64Array(x.length)),
      k,
      alive,
    );
    relativeChange = Math.abs(value - next) / next;
    value = next;
    let g2 = 0;
    for (let l = 1; l < L; l++) {
      const { P, Q } = masses(net, G, T, alive, l);
      for (let u = 0; u < w[l]; u++) if (alive[l][u]) g2 += (2 * k * Q[u] - 2 * P[u]) ** 2;
    }
    gradientNorm = value > 0 ? Math.sqrt(g2) / value : 0;
    if (gradientNorm <= tol) break;
  }
  if (value === 0) gradientNorm = 0;
  const fStar = posynomial(net, G, z, k, alive);
  const factors = z.map((x) => x.map(Math.exp));
  return {
    value: fStar,
    factors,
    traceAtFactors: posynomial(net, G, z, k, null),
    certificate: {
      sweeps,
      relativeChange: Number.isFinite(relativeChange) ? relativeChange : 0,
      gradientNorm,
      converged: gradientNorm <= tol,
    },
    dead,
  };
}

/** log ‖v‖₂ of the entries get(0 … len−1), without overflow or underflow (−∞ for a zero vector). */
function logNorm(len: number, get: (i: number) => number): number {
  let big = 0;
  for (let i = 0; i < len; i++) {
    const a = Math.abs(get(i));
    if (a > big) big = a;
  }
  if (big === 0) return Number.NEGATIVE_INFINITY;
  let s = 0;
  for (let i = 0; i < len; i++) s += (get(i) / big) ** 2;
  return Math.log(big) + 0.5 * Math.log(s);
}

/**
 * An orbit point where every hidden neuron's incoming (row and bias) and outgoing (column) weights have about
 * the same norm, and the log-factors that lead there: sweeps of z_u ← z_u + (log‖out‖ − log‖in‖)/(k+1), one
 * layer at a time. F* is orbit-invariant, so it can be computed there, where the squared gradients have the
 * scale of F* and neither underflow nor overflow when one layer holds weights ×1e−200 and the next ×1e200.
 */
function normBalanced(net: Mlp, k: number, sweeps = 30): { net: Mlp; logFactors: Float64Array[] } {
  const L = net.W.length;
  const w = net.widths;
  const logFactors = w.slice(1, L).map((x) => new Float64Array(x));
  let cur = net;
  for (let s = 0; s < sweeps; s++) {
    let moved = 0;
    for (let l = 1; l < L; l++) {
      const step = w.slice(1, L).map((x) => new Float64Array(x).fill(1));
      const Win = cur.W[l - 1];
      const bin = cur.b[l - 1];
      const Wout = cur.W[l];
      const cols = w[l - 1];
      for (let u = 0; u < w[l]; u++) {
        const lin = logNorm(cols + (bin ? 1 : 0), (i) => (i < cols ? Win[u * cols + i] : (bin as Float64Array)[u]));
        const lout = logNorm(w[l + 1], (i) => Wout[i * w[l] + u]);
        if (!Number.isFinite(lin) || !Number.isFinite(lout)) continue;
        const delta = (lout - lin) / (k + 1);
        moved = Math.max(moved, Math.abs(delta));
        step[l - 1][u] = Math.exp(delta);
        logFactors[l - 1][u] += delta;
      }
      cur = mlpRescale(cur, step);
    }
    if (moved < 1e-2) break;
  }
  return { net: cur, logFactors };
}

/** Whether the GN masses lost range: a non-finite entry, or entries near the ends of the double range. */
function outOfRange(G: MlpCurvatureMass): boolean {
  for (const arr of [...G.W, ...G.b]) {
    if (!arr) continue;
    for (let t = 0; t < arr.length; t++) {
      const g = arr[t];
      if (!Number.isFinite(g) || g > 1e280 || (g > 0 && g < 1e-280)) return true;
    }
  }
  return false;
}

/** A non-zero weight or bias beyond 1e±100: its squared gradients may have under- or overflowed to 0 or ∞. */
function extremeWeights(net: Mlp): boolean {
  for (const arr of [...net.W, ...net.b]) {
    if (!arr) continue;
    for (let t = 0; t < arr.length; t++) {
      const a = Math.abs(arr[t]);
      if (a !== 0 && (a < 1e-100 || a > 1e100)) return true;
    }
  }
  return false;
}

/**
 * F* of a network on a data set: the infimum of the Gauss–Newton trace over all rescalings of its hidden
 * neurons (the same function), a flatness that the symmetry cannot move. It is a geometric program, convex in
 * the log-factors, minimized by exact layer-wise steps (docs/math.md#deep-networks); F* ≤ the GN trace at θ.
 * Pass `trace` to reuse a trace pass at θ. When the masses at θ are out of range the program is solved from a
 * norm-balanced point of the orbit instead, and the factors are composed.
 *
 * @example
 * ```ts
 * import { createMlp, makeDataset, mlpInvariantFlatness, mlpRandomFactors, mlpRescale, mlpTrace } from 'flatlab';
 *
 * const data = makeDataset({ d: 4, n: 30, r: 1, links: 'relu', seed: 0 });
 * const xy = { n: data.n, d: data.d, c: 1, X: data.X, Y: data.y };
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.from({ length: 20 }, (_, i) => Math.sin(i + 1)), b: null, rows: 5, cols: 4 },
 *   { W: Float64Array.from({ length: 15 }, (_, i) => Math.cos(i + 1)), b: Float64Array.of(0.1, -0.2, 0.3), rows: 3, cols: 5 },
 *   { W: Float64Array.of(1, -1, 0.5), b: null, rows: 1, cols: 3 },
 * ]);
 * const F = mlpInvariantFlatness(net, xy);
 * console.log(F.value <= mlpTrace(net, xy).traceGaussNewton, F.certificate.converged); // true true
 * const sharp = mlpRescale(net, mlpRandomFactors(net, 2, 0)); // same function, raw trace ≈ 760× larger
 * console.log(Math.abs(mlpInvariantFlatness(sharp, xy).value / F.value - 1) < 1e-9); // true: F* does not move
 * ```
 */
export function mlpInvariantFlatness(
  net: Mlp,
  data: MlpData,
  trace?: MlpTrace,
  opts: GpOptions = {},
): MlpInvariantFlatness {
  const k = requireHomogeneous(net.act, 'invariant flatness F*');
  const G = (trace ?? mlpTrace(net, data)).G;
  if (!outOfRange(G) && !extremeWeights(net)) return mlpInvariantFromMass(net, G, opts);
  const start = normBalanced(net, k);
  const r = mlpInvariantFromMass(start.net, mlpTrace(start.net, data).G, opts);
  const factors = r.factors.map((f, i) => f.map((v, u) => Math.exp(Math.log(v) + start.logFactors[i][u])));
  return { ...r, factors };
}

/**
 * The network at the flattest point of its orbit: mlpInvariantFlatness's factors applied by mlpRescale, so the
 * same function with GN trace F* there (up to the mass of unbounded dead neurons).
 *
 * @example
 * ```ts
 * import { createMlp, makeDataset, mlpBalance, mlpTrace } from 'flatlab';
 *
 * const data = makeDataset({ d: 4, n: 30, r: 1, links: 'relu', seed: 0 });
 * const xy = { n: data.n, d: data.d, c: 1, X: data.X, Y: data.y };
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.from({ length: 20 }, (_, i) => Math.sin(i + 1)), b: null, rows: 5, cols: 4 },
 *   { W: Float64Array.from({ length: 15 }, (_, i) => Math.cos(i + 1)), b: Float64Array.of(0.1, -0.2, 0.3), rows: 3, cols: 5 },
 *   { W: Float64Array.of(1, -1, 0.5), b: null, rows: 1, cols: 3 },
 * ]);
 * const { net: flat, flatness } = mlpBalance(net, xy);
 * console.log(mlpTrace(net, xy).trace.toFixed(2), mlpTrace(flat, xy).trace.toFixed(2), flatness.value.toFixed(2)); // 9.45 6.64 6.64
 * ```
 */
export function mlpBalance(
  net: Mlp,
  data: MlpData,
  opts: GpOptions = {},
): { net: Mlp; flatness: MlpInvariantFlatness } {
  const flatness = mlpInvariantFlatness(net, data, undefined, opts);
  return { net: mlpRescale(net, flatness.factors), flatness };
}

/**
 * The network at another point of its orbit: hidden neuron u of layer l scaled by factors[l − 1][u]
 * (incoming row and bias × s_u, outgoing column × s_u^{−k}, k the activation's degree). By homogeneity
 * the function is the same and only the raw trace moves (docs/math.md#deep-networks).
 *
 * @example
 * ```ts
 * import { createMlp, mlpForward, mlpRescale } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * const scaled = mlpRescale(net, [Float64Array.of(8, 0.5, 4)]);
 * const x = Float64Array.of(2, 1, 0, 3);
 * console.log([...mlpForward(net, x, 2)], [...mlpForward(scaled, x, 2)]); // [2.5, 6.5] [2.5, 6.5]
 * console.log([...scaled.W[0]]); // [8, 0, 0, 0.5, 4, -4]: the incoming rows scaled
 * ```
 */
export function mlpRescale(net: Mlp, factors: readonly Float64Array[]): Mlp {
  const k = requireHomogeneous(net.act, 'rescale');
  const L = net.W.length;
  const w = net.widths;
  if (factors.length !== L - 1) throw new InputError(`rescale: expected factors for ${L - 1} hidden layers`);
  factors.forEach((f, i) => {
    if (f.length !== w[i + 1]) throw new InputError(`rescale: hidden layer ${i + 1} needs ${w[i + 1]} factors`);
    for (let u = 0; u < f.length; u++)
      if (!(f[u] > 0) || !Number.isFinite(f[u]))
        throw new InputError(`rescale: factor [${i + 1}][${u}] must be a finite number > 0 (got ${f[u]})`);
  });
  const W = net.W.map((x) => x.slice());
  const b = net.b.map((x) => x?.slice() ?? null);
  for (let l = 1; l <= L; l++) {
    const sb = l < L ? factors[l - 1] : null;
    const sa = l > 1 ? factors[l - 2].map((s) => s ** -k) : null;
    for (let r = 0; r < w[l]; r++) {
      const fr = sb ? sb[r] : 1;
      for (let a = 0; a < w[l - 1]; a++) W[l - 1][r * w[l - 1] + a] *= sa ? fr * sa[a] : fr;
      const bl = b[l - 1];
      if (bl) bl[r] *= fr;
    }
  }
  return { act: net.act, widths: net.widths, W, b };
}

/** One factor c for every hidden neuron. */
export function mlpUniformFactors(net: Mlp, c: number): Float64Array[] {
  return net.widths.slice(1, -1).map((x) => new Float64Array(x).fill(c));
}

/**
 * Per-neuron factors 10^u, u uniform in [−r, r] (r = `logRange`), drawn in layer order from `seed`, in the
 * shape mlpRescale takes: a random point of the orbit, for showing what moves under the symmetry and what not.
 *
 * @example
 * ```ts
 * import { createMlp, mlpRandomFactors } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * const f = mlpRandomFactors(net, 2, 0);
 * console.log(f.length, f[0].length, f[0].every((s) => s >= 0.01 && s <= 100)); // 1 3 true
 * ```
 */
export function mlpRandomFactors(net: Mlp, logRange: number, seed: number): Float64Array[] {
  const hidden = net.widths.slice(1, -1);
  const all = randomFactors(
    hidden.reduce((s, x) => s + x, 0),
    logRange,
    seed,
  );
  let o = 0;
  return hidden.map((x) => {
    const f = all.slice(o, o + x);
    o += x;
    return f;
  });
}

/**
 * The path norm, invariant on the orbit: m_1[u] = ‖(W_1[u,:], b_1[u])‖₂, m_l[u] = Σ_a |W_l[u,a]| m_{l−1}[a]^k
 * + |b_l[u]|, P = Σ_o m_L[o]. For L = 2 without bias it is Σ_j |a_j| ‖w_j‖^k (docs/math.md#network, §2;
 * docs/math.md#deep-networks).
 *
 * @example
 * ```ts
 * import { createMlp, mlpPathNorm, mlpRandomFactors, mlpRescale } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * const moved = mlpRescale(net, mlpRandomFactors(net, 3, 1));
 * console.log(mlpPathNorm(net).toFixed(6), mlpPathNorm(moved).toFixed(6)); // 5.232051 5.232051 = 0.5 + 1 + 2 + √3
 * ```
 */
export function mlpPathNorm(net: Mlp): number {
  const k = requireHomogeneous(net.act, 'path norm');
  const L = net.W.length;
  const w = net.widths;
  let m = new Float64Array(w[1]);
  for (let u = 0; u < w[1]; u++) {
    let s = net.b[0] ? net.b[0][u] ** 2 : 0;
    for (let a = 0; a < w[0]; a++) s += net.W[0][u * w[0] + a] ** 2;
    m[u] = Math.sqrt(s);
  }
  for (let l = 2; l <= L; l++) {
    const next = new Float64Array(w[l]);
    const bl = net.b[l - 1];
    for (let u = 0; u < w[l]; u++) {
      let s = bl ? Math.abs(bl[u]) : 0;
      for (let a = 0; a < w[l - 1]; a++) s += Math.abs(net.W[l - 1][u * w[l - 1] + a]) * m[a] ** k;
      next[u] = s;
    }
    m = next;
  }
  return m.reduce((s, x) => s + x, 0);
}
