/**
 * The measure league's trial: one member of the population (a construction, or a training algorithm
 * followed by the Gauss–Newton polish), every registered measure at θ and at a random orbit point, and
 * the exact population risk (src/studies/measures/league-evaluate.ts). The population seed is fixed (0), so
 * every trial of one (n, noise) sees the same shared data set whatever its grid seed; the grid seed
 * is the member's `seed` label, which seeds its initialization, batches, random features and probes.
 * A member built this way equals the one `runLeague` builds for the same labels, bit for bit.
 *
 * A construction has no initialization, so the grid's init-scale axis repeats it: at full scale 162 of
 * the 1,404 trials ask for a member another trial already built (same spec, same seeds). The metrics of
 * a member are memoized per worker process by its spec, so the repeat costs nothing; the computation
 * is pure, so a hit gives the same bits as building the member again.
 */

import type { TrialOutput } from '../definition.js';
import { boundedMemo } from '../memo.js';
import { evaluateMember } from './league-evaluate.js';
import {
  buildMember,
  INTERPOLATION_TOL,
  LEAGUE_CONSTRUCTIONS,
  type MemberLabels,
  memberSpec,
  populationPlan,
} from './league-population.js';
import { leagueMetrics } from './league-records.js';
import type { MeasuresMetrics, MeasuresParams } from './schema.js';

/** The population seed of every trial: the data sets are shared across the whole grid. */
export const MEASURES_POPULATION_SEED = 0;

/** The league labels of a trial; a construction has no initialization, whatever the grid's init scale. */
export function labelsOf(p: MeasuresParams, seed: number): MemberLabels {
  const constructed = (LEAGUE_CONSTRUCTIONS as readonly string[]).includes(p.interpolator);
  return {
    method: p.interpolator,
    seed,
    width: p.m,
    initScale: constructed ? 'none' : p.initScale,
    n: p.n,
    noise: p.noise,
  };
}

/**
 * Metrics of the members built in this process, by spec. An entry is a few hundred numbers; the bound
 * holds a whole full-scale grid (1,404 trials), since the repeats lie half the grid apart (the init
 * scale is its outermost varying field).
 */
export const memberMemo = boundedMemo<MeasuresMetrics>(2048);

export function runMeasures(p: MeasuresParams, seed: number): TrialOutput<MeasuresMetrics> {
  const spec = memberSpec(
    {
      d: p.d,
      // The target relu(u₁ᵀx) + relu(u₂ᵀx) of the league: two ridges, exactly representable by the teacher.
      r: 2,
      steps: p.steps,
      polishSteps: p.polishSteps,
      measureOptions: populationPlan(p.measureBudget).measureOptions,
    },
    labelsOf(p, seed),
    MEASURES_POPULATION_SEED,
  );
  const metrics = memberMemo.get(JSON.stringify(spec), () => {
    const member = buildMember(spec);
    return { ...leagueMetrics(evaluateMember(member)), interpolates: member.trainLoss <= INTERPOLATION_TOL };
  });
  // A copy: the stored record stays as computed whatever the caller does with its result.
  return { metrics: { ...metrics } };
}
