/**
 * The algorithm comparison's decision: the flattest-interpolator search reaches the smallest F*.
 */
import { mean } from '../../statistics/fits.js';
import { f2, sp, THRESHOLDS, type Verdict, type VerdictStatus } from '../verdict.js';

export interface AlgPoint {
  algorithm: string;
  fStar: number;
  interpolates: boolean;
}

export function verdictAlgorithms(points: readonly AlgPoint[], label: string): Verdict {
  const interp = points.filter((p) => p.interpolates && Number.isFinite(p.fStar));
  const byAlg = new Map<string, number[]>();
  for (const p of interp) byAlg.set(p.algorithm, [...(byAlg.get(p.algorithm) ?? []), p.fStar]);
  const search = byAlg.get('flattest');
  const others = [...byAlg.entries()].filter(([a]) => a !== 'flattest').map(([a, v]) => [a, mean(v)] as const);
  if (!search || !others.length) {
    return {
      status: 'inconclusive',
      text: `Algorithms inconclusive${sp(label)}: the flattest search or every other algorithm failed to interpolate`,
      details: [],
    };
  }
  const best = others.reduce((b, o) => (o[1] < b[1] ? o : b));
  const s = mean(search);
  const ok = s <= THRESHOLDS.algFlattestSlack * best[1];
  const status: VerdictStatus = ok ? 'holds' : 'does not hold';
  return {
    status,
    text: `Flattest search ${ok ? 'finds' : 'does not find'} the flattest interpolator${sp(label)}: F* = ${f2(s)} vs best other (${best[0]}) ${f2(best[1])} (needs ≤ ${THRESHOLDS.algFlattestSlack}×)`,
    details: [`${interp.length} of ${points.length} runs interpolate`],
  };
}
