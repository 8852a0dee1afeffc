/**
 * The whole league in one call (library and tests; a study runner would instead run `buildMember` +
 * `evaluateMember` per trial and `computeLeague` in its analysis): plan → build → keep the
 * interpolators → measure → league.
 */
import { DivergenceError, InputError } from '../../errors.js';
import { computeLeague, type League } from './league.js';
import { evaluateMember, type MemberEvaluation } from './league-evaluate.js';
import {
  buildMember,
  INTERPOLATION_TOL,
  type LeagueScale,
  memberData,
  type PopulationPlan,
  planPopulation,
  populationPlan,
} from './league-population.js';

export interface ExcludedMember {
  id: string;
  reason: string;
}

export interface LeagueRun {
  plan: PopulationPlan;
  seed: number;
  league: League;
  evaluations: MemberEvaluation[];
  /** Planned members that are not in the league: infeasible, diverged, or not interpolating. */
  excluded: ExcludedMember[];
}

export function runLeague(
  scale: LeagueScale | PopulationPlan,
  seed: number,
  opts: { onMember?: (done: number, total: number, id: string) => void } = {},
): LeagueRun {
  const plan = typeof scale === 'string' ? populationPlan(scale) : scale;
  const specs = planPopulation(plan, seed);
  const datasets = new Map<string, ReturnType<typeof memberData>>();
  const evaluations: MemberEvaluation[] = [];
  const excluded: ExcludedMember[] = [];
  specs.forEach((spec, i) => {
    const key = `${spec.labels.n}/${spec.labels.noise}`;
    let data = datasets.get(key);
    if (!data) {
      data = memberData(spec);
      datasets.set(key, data);
    }
    try {
      const member = buildMember(spec, data);
      if (member.trainLoss <= INTERPOLATION_TOL) evaluations.push(evaluateMember(member));
      else
        excluded.push({
          id: spec.id,
          reason: `does not interpolate (train loss ${member.trainLoss.toExponential(2)} > ${INTERPOLATION_TOL})`,
        });
    } catch (e) {
      // Infeasible constructions and diverged runs are part of what a population is; anything else is a bug.
      if (!(e instanceof InputError || e instanceof DivergenceError)) throw e;
      excluded.push({ id: spec.id, reason: e.message });
    }
    opts.onMember?.(i + 1, specs.length, spec.id);
  });
  return { plan, seed, league: computeLeague(evaluations), evaluations, excluded };
}
