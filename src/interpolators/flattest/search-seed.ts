/**
 * A cold seed for the convex solver (docs/training.md, "The flattest interpolator, exactly"): the
 * flattest gradient search (`train --algo flattest`: Adam on L + λ_t Σ_j (A_j + B_j) from a seeded
 * random initialization, polished to interpolation) at a small width, on the portable backend so that
 * its network, and every column it seeds, is the same on every backend. It knows nothing of a teacher;
 * its neurons cluster near the directions a flat interpolator uses, which a column generation started
 * from the memorizer reaches only after many rounds at large n.
 */
import type { Dataset } from '../../data/dataset.js';
import type { Activation } from '../../model/activations.js';
import { createNetwork, type Network } from '../../model/network.js';
import { deriveSeed } from '../../rng/xoshiro.js';
import { resolveTrainConfig } from '../../training/params.js';
import { train } from '../../training/trainer.js';
import { onPortableBackend } from './portable.js';

/** Width of the seed search: a few times the width of the multi-index targets studied, well under n. */
export const SEED_WIDTH = 64;

export function searchSeed(data: Dataset, act: Activation, seed: number, timeBudget: number): Network {
  const config = resolveTrainConfig(
    {
      algo: 'flattest',
      width: Math.min(SEED_WIDTH, Math.max(2, data.n)),
      seed: deriveSeed(seed, 'flattest-convex', 'search-seed') % 2147483647,
      timeBudget,
      restarts: 1,
    },
    { k: 1, n: data.n },
  );
  return onPortableBackend(() => train(data, config, { activation: act }).net);
}

/**
 * Neurons merge when their directions' cosine exceeds one of these (and their output weights share a
 * sign): the candidates are tried from the coarsest, and the flattest one that interpolates is kept.
 */
export const MERGE_COSINES = [0.95, 0.99, 0.999] as const;

/**
 * Merged neurons carrying less than this share of the total mass are also dropped in a second candidate:
 * a search leaves stray neurons of tiny mass, whose F* the polish cannot remove.
 */
export const STRAY_SHARE = 1e-3;

/**
 * The seed with near-parallel neurons merged: a gradient search spreads one atom over a cluster of
 * neurons a few milliradians apart, and F* is additive in the masses s_j = a_j‖w_j‖ along a direction,
 * so a cluster becomes one neuron (mass Σ s_j, direction Σ|s_j| v_j normalized), which the polish then
 * moves onto the interpolation set. Greedy in order of decreasing mass (deterministic); clusters with
 * less than `minShare` of the total mass are dropped.
 */
export function mergeNeurons(net: Network, cosine: number, minShare = 0): Network {
  const { d, m } = net;
  const mass = new Float64Array(m);
  const dirs: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const w = net.W.slice(j * d, (j + 1) * d);
    let s = 0;
    for (const x of w) s += x * x;
    const r = Math.sqrt(s);
    mass[j] = net.a[j] * r;
    dirs.push(r > 0 ? w.map((x) => x / r) : w);
  }
  const order = Array.from(mass.keys())
    .filter((j) => mass[j] !== 0)
    .sort((u, w) => Math.abs(mass[w]) - Math.abs(mass[u]) || u - w);
  const heads: { v: Float64Array; sum: Float64Array; s: number }[] = [];
  for (const j of order) {
    const v = dirs[j];
    const h = heads.find(
      (c) => Math.sign(c.s) === Math.sign(mass[j]) && c.v.reduce((t, x, k) => t + x * v[k], 0) > cosine,
    );
    if (h) {
      h.s += mass[j];
      for (let k = 0; k < d; k++) h.sum[k] += Math.abs(mass[j]) * v[k];
    } else heads.push({ v, sum: v.map((x) => x * Math.abs(mass[j])), s: mass[j] });
  }
  let total = 0;
  for (const h of heads) total += Math.abs(h.s);
  const kept = heads.filter((h) => Math.abs(h.s) >= minShare * total);
  const a = new Float64Array(kept.length);
  const W = new Float64Array(kept.length * d);
  kept.forEach((h, c) => {
    let s = 0;
    for (const x of h.sum) s += x * x;
    const r = Math.sqrt(s);
    a[c] = h.s;
    for (let k = 0; k < d; k++) W[c * d + k] = h.sum[k] / r;
  });
  return createNetwork(net.act, a, W, d);
}
