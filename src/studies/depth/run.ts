/**
 * One trial of the depth study: a deep network trained by flatlab's deep trainer (GD, SGD or SAM) on the
 * trial's data set, then
 *  - H1: the exact trace F and F* at `points` random points of its orbit (independent per-neuron factors
 *    10^u, u uniform in [−logRange, logRange], in every hidden layer), with the largest change of the
 *    function there;
 *  - H4: F*, the raw trace at one random orbit point, and the Monte Carlo population risk.
 * The data set depends only on (d, n, target, noise, seed), so the trials of one seed that differ in
 * algorithm, init scale, width or step size form one population on one data set.
 */
import { mlpTrace } from '../../flatness/mlp-trace.js';
import { type Mlp, type MlpData, mlpForward } from '../../model/mlp.js';
import { monteCarloRiskOf } from '../../risk/montecarlo.js';
import { deriveSeed } from '../../rng/xoshiro.js';
import { mlpInvariantFlatness, mlpPathNorm, mlpRandomFactors, mlpRescale } from '../../symmetry/mlp-balance.js';
import { initMlp, MlpDivergenceError, trainMlp } from '../../training/mlp-train.js';
import { baselines, studyActivation, studyData } from '../common.js';
import type { TrialOutput } from '../definition.js';
import type { DepthMetrics, DepthParams } from './schema.js';

/**
 * How often a diverging run is retried with half the step size. A deep homogeneous network's curvature
 * grows like initScale^(2(depth−1)), so one step size cannot serve every (depth, initScale) cell of a grid:
 * at depth 4 and initScale 2 a step of 0.05 diverges within ten steps. The trial then trains at the
 * largest step lr/2^k (k ≤ this) that does not diverge and records it as `lrUsed`.
 */
export const DEPTH_LR_HALVINGS = 6;

/** trainMlp at p.lr, or at the largest lr/2^k that does not diverge (k ≤ DEPTH_LR_HALVINGS). */
function trainStable(init: Mlp, data: MlpData, p: DepthParams, seed: number) {
  let lr = p.lr;
  for (let k = 0; ; k++) {
    try {
      return { trained: trainMlp(init, data, { algorithm: p.deepAlgorithm, lr, steps: p.steps, seed }), lr };
    } catch (e) {
      if (!(e instanceof MlpDivergenceError) || k === DEPTH_LR_HALVINGS) throw e;
      lr /= 2;
    }
  }
}

/** Monte Carlo samples of the population risk (seeded per data set: common random numbers in a population). */
export const DEPTH_RISK_SAMPLES = 1 << 14;

export function runDepth(p: DepthParams, seed: number): TrialOutput<DepthMetrics> {
  const ds = studyData(p, seed);
  const data: MlpData = { n: ds.n, d: ds.d, c: 1, X: ds.X, Y: ds.y };
  const act = studyActivation(p);
  const widths = [p.d, ...Array<number>(p.depth - 1).fill(p.m), 1];
  const member = deriveSeed(seed, 'depth-member', p.deepAlgorithm, p.initScale, p.lr, p.m, p.depth);
  const init = initMlp(act, widths, p.initScale, true, member);
  const { trained, lr: lrUsed } = trainStable(init, data, p, member);
  const net = trained.net;
  const t0 = mlpTrace(net, data);
  const inv0 = mlpInvariantFlatness(net, data, t0);
  const f0 = mlpForward(net, data.X, data.n);
  const fScale = Math.max(...f0.map(Math.abs), 1e-300);
  const s = { F: [t0.trace], fStar: [inv0.value] };
  let outputRelChange = 0;
  let gpConverged = inv0.certificate.converged;
  let traceRescaled = Number.NaN;
  for (let i = 1; i < p.points; i++) {
    const moved = mlpRescale(net, mlpRandomFactors(net, p.logRange, deriveSeed(member, 'depth-orbit', i)));
    const t = mlpTrace(moved, data);
    const inv = mlpInvariantFlatness(moved, data, t);
    gpConverged &&= inv.certificate.converged;
    const f = mlpForward(moved, data.X, data.n);
    for (let r = 0; r < data.n; r++) outputRelChange = Math.max(outputRelChange, Math.abs(f[r] - f0[r]) / fScale);
    s.F.push(t.trace);
    s.fStar.push(inv.value);
    if (i === 1) traceRescaled = t.trace;
  }
  const fMin = Math.min(...s.F);
  const fMax = Math.max(...s.F);
  const risk = monteCarloRiskOf((X, rows) => mlpForward(net, X, rows), ds.target, {
    seed: deriveSeed(seed, 'study-risk'),
    samples: DEPTH_RISK_SAMPLES,
  });
  return {
    metrics: {
      trainLoss: t0.loss,
      risk: risk.value,
      riskStderr: risk.stderr,
      varY: baselines(ds.target).varY,
      fStar: inv0.value,
      trace: t0.trace,
      traceRescaled,
      pathNorm: mlpPathNorm(net),
      stepsTaken: trained.steps,
      lrUsed,
      fMinOrbit: fMin,
      fMaxOrbit: fMax,
      fDecades: Math.log10(fMax / fMin),
      fStarRelSpread: (Math.max(...s.fStar) - Math.min(...s.fStar)) / Math.max(...s.fStar),
      outputRelChange,
      deadNeurons: inv0.dead.length,
      liveNeurons: (p.depth - 1) * p.m - inv0.dead.length,
      gpConverged,
    },
    series: s,
  };
}
