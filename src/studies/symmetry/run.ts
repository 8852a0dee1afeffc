/**
 * H1: walk a rescaling orbit θ_c = (c^{-k} a, c W) (global) or with per-neuron factors
 * c_j = 10^{u ξ_j} (ξ_j fixed in [−1, 1]) for u across [−logRange, logRange], and record the exact
 * trace F, the train loss, the population risk and F* at every point.
 */
import { traceParts } from '../../flatness/trace.js';
import { forward } from '../../model/network.js';
import { deriveSeed, Rng } from '../../rng/xoshiro.js';
import { invariantFlatness } from '../../symmetry/invariant.js';
import { rescale } from '../../symmetry/rescale.js';
import { baselines, buildInterpolator, studyActivation, studyData, studyRisk } from '../common.js';
import type { TrialOutput } from '../definition.js';
import type { SymmetryMetrics, SymmetryParams } from './schema.js';

export function runSymmetry(p: SymmetryParams, seed: number): TrialOutput<SymmetryMetrics> {
  const data = studyData(p, seed);
  const act = studyActivation(p);
  const base = buildInterpolator(p.construction, data, act, { m: p.m }, seed).net;
  const { varF, varY } = baselines(data.target);
  const xi = new Float64Array(base.m).fill(1);
  if (p.mode === 'per-neuron') {
    const rng = new Rng(deriveSeed(seed, 'orbit-direction'));
    for (let j = 0; j < base.m; j++) xi[j] = 2 * rng.uniform() - 1;
  }
  const f0 = forward(base, data.X, data.n);
  let fScale = 0;
  for (let i = 0; i < data.n; i++) fScale = Math.max(fScale, Math.abs(f0[i]));
  const s = {
    log10c: [] as number[],
    F: [] as number[],
    trainLoss: [] as number[],
    risk: [] as number[],
    fStar: [] as number[],
  };
  let outputRelChange = 0;
  for (let t = 0; t < p.points; t++) {
    const u = -p.logRange + (2 * p.logRange * t) / (p.points - 1);
    const net = rescale(
      base,
      Array.from(xi, (x) => 10 ** (u * x)),
    );
    const parts = traceParts(net, data);
    const f = forward(net, data.X, data.n);
    for (let i = 0; i < data.n; i++)
      outputRelChange = Math.max(outputRelChange, Math.abs(f[i] - f0[i]) / Math.max(fScale, 1e-300));
    s.log10c.push(u);
    s.F.push(parts.trace);
    s.trainLoss.push(parts.loss);
    s.risk.push(studyRisk(net, data.target, seed).risk);
    s.fStar.push(invariantFlatness(net, data, parts).value);
  }
  const spread = (v: number[]): number => Math.max(...v) - Math.min(...v);
  const fMin = Math.min(...s.F);
  const fMax = Math.max(...s.F);
  const argmin = s.F.indexOf(fMin);
  const mid = (p.points - 1) >> 1;
  return {
    metrics: {
      trainLoss: s.trainLoss[mid],
      risk: s.risk[mid],
      fStar: s.fStar[mid],
      fMin,
      fMax,
      fDecades: Math.log10(fMax / fMin),
      outputRelChange,
      lossSpread: spread(s.trainLoss) / varY,
      // Relative to the risk itself when it exceeds Var f* (a memorizer's risk can be 10⁶ Var f*, and
      // rounding then moves it by more than 1e-8 Var f* while its relative change is ~1e-14).
      riskSpread: spread(s.risk) / Math.max(varF, ...s.risk.map(Math.abs)),
      fStarRelSpread: spread(s.fStar) / Math.max(...s.fStar),
      uShaped: argmin > 0 && argmin < p.points - 1,
    },
    series: s,
  };
}
