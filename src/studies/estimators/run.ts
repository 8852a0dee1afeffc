/**
 * Estimators: Hutchinson vs Hutch++ on the exact Hessian of a network (a Gaussian initialization on the
 * trial's data), `reps` independent seeds at one budget; the error is measured against the exact trace.
 */
import { hessianTrace } from '../../flatness/trace.js';
import { hessianOperator } from '../../measures/operators.js';
import { estimateTrace } from '../../measures/trace-estimators.js';
import { deriveSeed } from '../../rng/xoshiro.js';
import { initNetwork } from '../../training/init.js';
import { studyActivation, studyData } from '../common.js';
import type { TrialOutput } from '../definition.js';
import type { EstimatorsMetrics, EstimatorsParams } from './schema.js';

export function runEstimators(p: EstimatorsParams, seed: number): TrialOutput<EstimatorsMetrics> {
  const data = studyData(p, seed);
  const net = initNetwork(studyActivation(p), p.m, p.d, {
    init: 'gaussian',
    initScale: 1,
    seed: deriveSeed(seed, 'estimator-net'),
  });
  const exact = hessianTrace(net, data);
  const op = hessianOperator(net, data);
  const est: number[] = [];
  const se: number[] = [];
  for (let r = 0; r < p.reps; r++) {
    const e = estimateTrace(op, p.method, { budget: p.budget, seed: deriveSeed(seed, 'estimator', r) });
    est.push(e.estimate);
    se.push(e.stderr);
  }
  const rel = est.map((e) => (e - exact) / Math.abs(exact));
  const avg = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return {
    metrics: {
      exact,
      meanEstimate: avg(est),
      meanAbsRelError: avg(rel.map(Math.abs)),
      rmsRelError: Math.sqrt(avg(rel.map((x) => x * x))),
      meanStderr: avg(se),
    },
    series: { estimate: est },
  };
}
