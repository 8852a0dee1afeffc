/**
 * H1 and H4 at depth (docs/math.md#hypotheses, §9, and #deep-networks, §11), decided by rules stated
 * before any run:
 *  - H1 holds when on every trained network with a live hidden neuron the exact trace spans at least THRESHOLDS.h1MinDecades decades across
 *    its random orbit points while F* and the network's outputs change by at most THRESHOLDS.h1MaxRelSpread
 *    (relative) and the geometric program converged at every point; it does not hold when any such
 *    network misses one of these. A network whose hidden neurons are all dead computes a constant, its
 *    orbit does not move the trace, and it is outside the claim (counted in the verdict's details).
 *  - H4, one line per (depth, d, n, activation): on each data set (seed) the population of trained
 *    networks gives ρ* = Spearman ρ(F*, risk) and ρ_raw = ρ(raw trace at a random orbit point, risk); the
 *    line holds when, across seeds (one-sided t-tests, src/studies/inference), both mean ρ* > 0 and mean
 *    (ρ* − ρ_raw) > 0 at α = 0.05; a data set with fewer than DEPTH_MIN_POPULATION networks gives no ρ.
 */
import { spearman } from '../../statistics/fits.js';
import { decideLines, type LineInput, seedTest } from '../inference/index.js';
import { f2, THRESHOLDS, type Verdict, type VerdictStatus } from '../verdict.js';

/** Fewest trained networks on one data set for its rank correlations. */
export const DEPTH_MIN_POPULATION = 4;

export interface DepthH1Row {
  liveNeurons: number;
  fDecades: number;
  fStarRelSpread: number;
  outputRelChange: number;
  gpConverged: boolean;
}

export function verdictDepthH1(all: readonly DepthH1Row[]): Verdict {
  const rows = all.filter((r) => r.liveNeurons > 0);
  const collapsed = `${all.length - rows.length} of ${all.length} networks have no live hidden neuron (constant functions, outside the claim)`;
  if (!rows.length)
    return {
      status: 'inconclusive',
      text: 'H1 inconclusive: no trained network with a live hidden neuron',
      details: [collapsed],
    };
  const minDec = Math.min(...rows.map((r) => r.fDecades));
  const maxFs = Math.max(...rows.map((r) => r.fStarRelSpread));
  const maxOut = Math.max(...rows.map((r) => r.outputRelChange));
  const unconverged = rows.filter((r) => !r.gpConverged).length;
  const ok =
    minDec >= THRESHOLDS.h1MinDecades &&
    maxFs <= THRESHOLDS.h1MaxRelSpread &&
    maxOut <= THRESHOLDS.h1MaxRelSpread &&
    unconverged === 0;
  const status: VerdictStatus = ok ? 'holds' : 'does not hold';
  return {
    status,
    text: `H1 ${status}: the trace spans ≥ ${f2(minDec)} decades across random orbit points of every trained network while F* changes by ≤ ${maxFs.toExponential(1)} and the outputs by ≤ ${maxOut.toExponential(1)} (relative), ${rows.length} networks`,
    details: [
      `holds when every network's trace spans ≥ ${THRESHOLDS.h1MinDecades} decades on its orbit points while F* and the outputs change by ≤ ${THRESHOLDS.h1MaxRelSpread} and the geometric program converges at every point`,
      collapsed,
      `${unconverged} of ${rows.length} networks had an orbit point where the geometric program did not meet its tolerance`,
    ],
  };
}

export interface DepthH4Point {
  /** The line: depth and problem size. */
  line: string;
  seed: number;
  risk: number;
  fStar: number;
  traceRescaled: number;
  trace: number;
}

export function verdictDepthH4(points: readonly DepthH4Point[]): { verdict: Verdict; lines: Verdict[] } {
  const lineNames = [...new Set(points.map((p) => p.line))];
  const inputs: LineInput[] = [];
  const summaries: string[] = [];
  for (const line of lineNames) {
    const mine = points.filter((p) => p.line === line);
    const star: number[] = [];
    const gap: number[] = [];
    const atTrained: number[] = [];
    for (const seed of [...new Set(mine.map((p) => p.seed))]) {
      const pop = mine.filter((p) => p.seed === seed);
      if (pop.length < DEPTH_MIN_POPULATION) continue;
      const risk = pop.map((p) => p.risk);
      const rs = spearman(
        pop.map((p) => p.fStar),
        risk,
      ).rho;
      const rr = spearman(
        pop.map((p) => p.traceRescaled),
        risk,
      ).rho;
      star.push(rs);
      gap.push(rs - rr);
      atTrained.push(
        spearman(
          pop.map((p) => p.trace),
          risk,
        ).rho,
      );
    }
    const tStar = seedTest(star);
    const tGap = seedTest(gap);
    inputs.push({
      label: line,
      parts: [
        { name: 'mean ρ(F*, risk) > 0', test: tStar },
        { name: 'mean ρ(F*, risk) − ρ(raw trace at a random orbit point, risk) > 0', test: tGap },
      ],
      trials: mine.length,
      // The claim is about trained networks of a fixed budget, interpolating or not.
      nonInterpolating: 0,
    });
    summaries.push(
      `${line}: mean ρ(F*, risk) = ${f2(tStar.mean)}, mean ρ(raw F at a random orbit point, risk) = ${f2(tStar.mean - tGap.mean)}, mean ρ(F at the trained point, risk) = ${f2(seedTest(atTrained).mean)}, over ${tStar.seeds} data sets`,
    );
  }
  const decided = decideLines(inputs);
  const lines: Verdict[] = decided.lines.map((d, i) => ({
    status: d.status === 'outside' ? 'inconclusive' : d.status,
    text: `H4 ${d.status} (${d.label}): ${summaries[i].replace(/^[^:]*: /, '')}`,
    details: [
      `${d.reason}; p_hold = ${f2(d.pHold)}, Holm-adjusted p_fail = ${f2(d.pFailHolm)}, minimum detectable effect ${f2(d.mde)}`,
    ],
  }));
  return {
    verdict: {
      status: decided.status,
      text: `H4 ${decided.status}: ${summaries.join(' | ') || 'no population'}`,
      details: [
        `per data set, Spearman ρ over ≥ ${DEPTH_MIN_POPULATION} trained networks; a line holds when both mean ρ(F*, risk) and mean (ρ(F*) − ρ(raw F)) are above 0 across data sets (one-sided t-tests, α = 0.05)`,
        ...lines.flatMap((l) => l.details.map((x) => `${l.text.replace(/:.*$/, '')}: ${x}`)),
      ],
    },
    lines,
  };
}
