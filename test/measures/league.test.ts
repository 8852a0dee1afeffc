import { beforeAll, describe, expect, it } from 'vitest';
import { MEASURE_NAMES, MEASURES, resolveContext } from '../../src/measures/registry.js';
import { makeActivation } from '../../src/model/activations.js';
import { deriveSeed } from '../../src/rng/xoshiro.js';
import { computeLeague, leagueVerdict, tieTolerant } from '../../src/studies/measures/league.js';
import {
  evaluateMember,
  MEASURE_METHODS,
  type MemberEvaluation,
  measureAt,
} from '../../src/studies/measures/league-evaluate.js';
import {
  buildMember,
  INTERPOLATION_TOL,
  LEAGUE_AXES,
  LEAGUE_CONSTRUCTIONS,
  memberData,
  memberTrainConfig,
  planPopulation,
  populationPlan,
} from '../../src/studies/measures/league-population.js';
import {
  dedupeConstructions,
  evaluationFromMetrics,
  LEAGUE_METRIC_NAMES,
  leagueFigureData,
  leagueMetrics,
  leagueTableEntries,
} from '../../src/studies/measures/league-records.js';
import { type LeagueRun, runLeague } from '../../src/studies/measures/league-run.js';
import { ALGORITHMS } from '../../src/training/params.js';
import { createTrainer } from '../../src/training/trainer.js';
import '../../src/linalg/index.js';

/** The element a test looks for; failing loudly when it is missing. */
function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('expected element not found');
  return v;
}

describe('the population plan', () => {
  it('covers every construction and every training algorithm, over seeds, widths, init scales, n and noise', () => {
    for (const scale of ['smoke', 'default', 'full'] as const) {
      const plan = populationPlan(scale);
      const specs = planPopulation(plan, 0);
      const methods = new Set(specs.map((s) => s.labels.method));
      expect([...methods].sort()).toEqual([...LEAGUE_CONSTRUCTIONS, ...ALGORITHMS].sort());
      expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
      expect(new Set(specs.map((s) => s.memberSeed)).size).toBe(specs.length);
      // Every width holds the noisy teacher (r + n neurons) and the memorizer (n) at the largest n.
      for (const m of plan.widths) expect(m).toBeGreaterThanOrEqual(Math.max(...plan.ns) + plan.r);
      const perCell = 1 + 2 * plan.seeds.length + ALGORITHMS.length * plan.seeds.length * plan.initScales.length;
      expect(specs).toHaveLength(plan.ns.length * plan.noises.length * plan.widths.length * perCell);
    }
    const def = populationPlan('default');
    for (const axis of ['ns', 'noises', 'widths', 'seeds', 'initScales'] as const)
      expect(def[axis].length, axis).toBeGreaterThanOrEqual(2);
  });

  it('shares one data set per (n, noise): same inputs for every noise level', () => {
    const specs = planPopulation(populationPlan('smoke'), 4);
    const a = memberData(must(specs.find((s) => s.labels.noise === 0 && s.labels.n === 8)));
    const b = memberData(must(specs.find((s) => s.labels.noise === 0.5 && s.labels.n === 8)));
    expect(b.X).toEqual(a.X);
    expect(b.target.U).toEqual(a.target.U);
    expect(b.y).not.toEqual(a.y);
  });

  it('rejects an unknown scale with an InputError', () => {
    expect(() => populationPlan('huge' as 'smoke')).toThrow(/league scale must be one of smoke, default/);
  });
});

describe('one member, measured', () => {
  const specs = planPopulation(populationPlan('smoke'), 1);
  const trainedSpec = must(specs.find((s) => s.labels.method === 'sgd' && s.labels.noise === 0.5));
  const member = buildMember(trainedSpec);

  it("keeps the trainer's own initialization for distance_to_init", () => {
    const t = createTrainer(member.data, memberTrainConfig(trainedSpec, member.data.n), {
      activation: makeActivation('relu'),
    });
    expect(member.init?.a).toEqual(t.net.a);
    expect(member.init?.W).toEqual(t.net.W);
  });

  it("reports the estimators' error bars for exactly the value the registry computes", () => {
    const ctx = { seed: 11, init: member.init, options: trainedSpec.measureOptions };
    const rc = resolveContext(ctx);
    for (const def of MEASURES) {
      const v = measureAt(def, member.net, member.data, ctx);
      expect(v, def.name).not.toBeNull();
      expect(v?.value, def.name).toBe(def.compute(member.net, member.data, rc));
      if (MEASURE_METHODS[def.name] === 'montecarlo') expect(v?.stderr, def.name).toBeGreaterThan(0);
      if (MEASURE_METHODS[def.name] === 'lanczos') expect(v?.residual, def.name).toBeGreaterThanOrEqual(0);
    }
    expect(Object.keys(MEASURE_METHODS).sort()).toEqual([...MEASURE_NAMES].sort());
  });

  it('measures a construction without an init: distance_to_init is unavailable, not guessed', () => {
    const spec = must(specs.find((s) => s.labels.method === 'memorizer'));
    const e = evaluateMember(buildMember(spec));
    expect(e.original.distance_to_init).toBeNull();
    expect(e.orbit.distance_to_init).toBeNull();
    expect(e.original.invariant_flatness?.value).toBeGreaterThan(0);
    expect(e.riskMethod).toBe('exact');
  });

  it('moves θ along its orbit: exact invariant measures keep their value, the raw trace does not', () => {
    const e = evaluateMember(member);
    for (const name of ['invariant_flatness', 'path_norm', 'fisher_rao_norm', 'relative_flatness', 'param_count']) {
      const a = e.original[name]?.value as number;
      const b = e.orbit[name]?.value as number;
      expect(Math.abs(a - b) / Math.abs(a), name).toBeLessThan(1e-9);
    }
    const t0 = e.original.trace?.value as number;
    const t1 = e.orbit.trace?.value as number;
    expect(Math.abs(t0 - t1) / Math.max(t0, t1)).toBeGreaterThan(0.01);
    // Same member seed ⇒ same orbit point and the same numbers.
    expect(evaluateMember(member)).toEqual(e);
  });
});

describe('the league at smoke scale', () => {
  let run: LeagueRun;
  beforeAll(() => {
    run = runLeague('smoke', 0);
  }, 120_000);

  it('gives every registered measure (≥ 15) a τ, its 95% interval, Ψ and its invariance flag', () => {
    const rows = run.league.rows;
    expect(MEASURES.length).toBeGreaterThanOrEqual(15);
    expect(rows.map((r) => r.measure).sort()).toEqual([...MEASURE_NAMES].sort());
    for (const r of rows) {
      const def = must(MEASURES.find((m) => m.name === r.measure));
      expect(r.invariant, r.measure).toBe(def.invariant);
      expect(Number.isFinite(r.kendallTau), r.measure).toBe(true);
      expect(Number.isFinite(r.kendallTauOrbit), r.measure).toBe(true);
      expect(Number.isFinite(r.psi), r.measure).toBe(true);
      expect(Number.isFinite(r.kendallTauWithinData), r.measure).toBe(true);
      const [lo, hi] = r.kendallCI as [number, number];
      expect(lo, r.measure).toBeLessThanOrEqual(r.kendallTau as number);
      expect(hi, r.measure).toBeGreaterThanOrEqual(r.kendallTau as number);
      expect(r.psiAxes.map((a) => a.axis)).toEqual([...LEAGUE_AXES]);
      expect(r.n, r.measure).toBeGreaterThanOrEqual(20);
    }
    // Sorted by τ, largest first.
    const taus = rows.map((r) => r.kendallTau as number);
    expect([...taus].sort((a, b) => b - a)).toEqual(taus);
    expect(JSON.stringify(run.league)).not.toMatch(/NaN|Infinity/);
  });

  it('is over interpolators only, with exact risks, every method present', () => {
    expect(run.evaluations.length).toBeGreaterThanOrEqual(80);
    expect(run.evaluations.length + run.excluded.length).toBe(planPopulation(run.plan, 0).length);
    for (const e of run.evaluations) {
      expect(e.trainLoss, e.id).toBeLessThanOrEqual(INTERPOLATION_TOL);
      expect(e.riskMethod).toBe('exact');
    }
    expect(new Set(run.evaluations.map((e) => e.labels.method)).size).toBe(
      LEAGUE_CONSTRUCTIONS.length + ALGORITHMS.length,
    );
    const trained = run.evaluations.filter((e) => e.family === 'trained').length;
    expect(run.league.rows.find((r) => r.measure === 'distance_to_init')?.n).toBe(trained);
  });

  it('measures the declared invariances: exact and Monte Carlo invariant measures ≤ 1e-9, non-invariant > 1%', () => {
    for (const r of run.league.rows) {
      if (!r.invariant) expect(r.orbitSpread, r.measure).toBeGreaterThan(0.01);
      else if (r.method === 'exact' || r.method === 'montecarlo') {
        expect(r.orbitSpread, r.measure).toBeLessThanOrEqual(1e-9);
        // Exactly invariant values rank identically at both points.
        expect(r.kendallTauOrbit, r.measure).toBe(r.kendallTau);
      }
    }
  });

  it('survives a round trip through flat stored records (null for unavailable) unchanged', () => {
    const back = run.evaluations.map((e) => {
      const m = leagueMetrics(e);
      expect(Object.keys(m).sort()).toEqual([...LEAGUE_METRIC_NAMES].sort());
      for (const v of Object.values(m)) expect(typeof v === 'number' ? Number.isFinite(v) : true).toBe(true);
      // What a store that writes non-finite numbers as null and reads them back as NaN returns.
      const stored = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === null ? Number.NaN : v]));
      return evaluationFromMetrics(e.id, e.labels, stored);
    });
    expect(back).toEqual(run.evaluations);
    expect(computeLeague(back)).toEqual(run.league);
  });

  it('publishes the league array (registry names) and one figure point per measure', () => {
    const entries = leagueTableEntries(run.league);
    expect(entries.map((e) => e.measure)).toEqual(run.league.rows.map((r) => r.measure));
    for (const e of entries)
      expect(Object.keys(e).sort()).toEqual([
        'invariant',
        'kendallCI',
        'kendallTau',
        'kendallTauOrbit',
        'measure',
        'psi',
      ]);
    const fig = leagueFigureData(run.league);
    expect(fig).toHaveLength(MEASURE_NAMES.length);
    expect(new Set(fig.map((p) => p.declared))).toEqual(new Set(['invariant', 'not invariant']));
  });

  it('drops the copies of constructions that a Cartesian study grid repeats', () => {
    const copies = run.evaluations.flatMap((e) =>
      e.family === 'construction'
        ? [0.1, 1].map((initScale) => ({
            ...e,
            labels: { ...e.labels, initScale, seed: e.labels.method === 'teacher' ? 7 : e.labels.seed },
          }))
        : [e],
    );
    const kept = dedupeConstructions(copies);
    expect(kept).toHaveLength(run.evaluations.length);
    expect(computeLeague(kept).rows.map((r) => r.kendallTau)).toEqual(run.league.rows.map((r) => r.kendallTau));
  });

  it('states a verdict consistent with its rows', () => {
    const v = run.league.verdict;
    const f = must(run.league.rows.find((r) => r.measure === 'invariant_flatness'));
    expect(v.fStarFirst).toBe(run.league.rows[0].kendallTau === f.kendallTau);
    expect(v.line).toMatch(/^F\* ranks /);
    for (const r of run.league.rows.filter((x) => !x.invariant)) {
      const drops = Math.abs(r.kendallTauOrbit as number) < Math.abs(r.kendallTau as number);
      expect(v.notDropping.includes(r.measure), r.measure).toBe(!drops);
    }
  });
});

/** A synthetic population: measures given as functions of the member index (real league code, made-up values). */
function synthetic(
  n: number,
  measures: Record<string, { at: (i: number) => number; orbit: (i: number) => number }>,
  noiseOf: (i: number) => number = () => 0,
): MemberEvaluation[] {
  return Array.from({ length: n }, (_, i) => {
    const original: MemberEvaluation['original'] = {};
    const orbit: MemberEvaluation['orbit'] = {};
    for (const name of MEASURE_NAMES) {
      const m = measures[name] ?? { at: () => i % 3, orbit: () => i % 3 };
      original[name] = { value: m.at(i) };
      orbit[name] = { value: m.orbit(i) };
    }
    return {
      id: `m${i}`,
      family: 'trained',
      labels: { method: 'gd', seed: i % 2, width: 10 + (i % 4), initScale: 1, n: 8, noise: noiseOf(i) },
      trainLoss: 0,
      steps: 0,
      risk: i,
      riskStderr: 0,
      riskMethod: 'exact',
      original,
      orbit,
    };
  });
}

describe('the league and its verdict on synthetic populations', () => {
  const scramble = (i: number): number => (deriveSeed(5, i) % 1000) / 1000;

  it('F* first and every non-invariant τ dropping ⇒ both parts of the verdict hold', () => {
    const lg = computeLeague(
      synthetic(30, {
        invariant_flatness: { at: (i) => i, orbit: (i) => i },
        trace: { at: (i) => i + 5 * scramble(i), orbit: scramble },
      }),
    );
    expect(lg.rows[0].measure).toBe('invariant_flatness');
    expect(lg.rows[0].kendallTau).toBe(1);
    expect(lg.rows[0].psi).toBe(1);
    expect(lg.verdict.fStarFirst).toBe(true);
    // Non-invariant measures left at the default (i mod 3 at both points) keep their τ: they do not drop.
    expect(lg.verdict.notDropping).not.toContain('trace');
    expect(lg.verdict.notDropping).toContain('frobenius_norm');
    expect(lg.verdict.nonInvariantDrop).toBe(false);
  });

  it('names the measures ranked ahead of F*', () => {
    const lg = computeLeague(
      synthetic(30, {
        invariant_flatness: { at: (i) => i + 8 * scramble(i), orbit: (i) => i + 8 * scramble(i) },
        path_norm: { at: (i) => i, orbit: (i) => i },
      }),
    );
    expect(lg.verdict.fStarFirst).toBe(false);
    expect(lg.verdict.leader).toBe('path_norm');
    expect(lg.verdict.fStarRank).toBe(2);
    expect(lg.verdict.line).toContain('ahead: path_norm');
  });

  it('flags a declared invariance that the orbit spread contradicts', () => {
    const lg = computeLeague(synthetic(12, { path_norm: { at: (i) => i + 1, orbit: (i) => 2 * (i + 1) } }));
    const row = must(lg.rows.find((r) => r.measure === 'path_norm'));
    expect(row.orbitSpread).toBeCloseTo(0.5, 12);
    expect(row.orbitAgrees).toBe(false);
    expect(lg.verdict.mismatched).toContain('path_norm');
    expect(lg.verdict.declarationsHold).toBe(false);
  });

  it('separates ranking the data sets from ranking the interpolators of one data set', () => {
    // Risk = i; the noisier data set holds the riskier half. A measure of the data set alone (constant
    // within it) ranks well pooled, but has no within-data τ; F* ranks within each data set.
    const noisy = (i: number): number => (i >= 15 ? 0.5 : 0);
    const lg = computeLeague(
      synthetic(
        30,
        {
          fisher_rao_norm: { at: noisy, orbit: noisy },
          invariant_flatness: { at: (i) => -(i % 15) + 100 * noisy(i) + 3 * scramble(i), orbit: (i) => i },
        },
        noisy,
      ),
    );
    const fr = must(lg.rows.find((r) => r.measure === 'fisher_rao_norm'));
    expect(fr.kendallTau).toBeGreaterThan(0.5);
    expect(fr.kendallTauWithinData).toBeNull();
    const f = must(lg.rows.find((r) => r.measure === 'invariant_flatness'));
    // Pooled, the 225 cross-data-set pairs (all concordant) outweigh the discordant within-data pairs.
    expect(f.kendallTau).toBeGreaterThan(0);
    expect(f.kendallTauWithinData).toBeLessThan(-0.5);
    expect(lg.verdict.line).toContain('within a data set F* ranks');
  });

  it('a verdict needs invariant_flatness in the rows', () => {
    expect(() => leagueVerdict([])).toThrow(/invariant_flatness/);
  });
});

describe('tie tolerance', () => {
  it('turns rounding-level differences into ties and keeps real differences', () => {
    expect(tieTolerant([1, 1 + 1e-15, 2, 3e-17, -2e-18])).toEqual([1, 1, 2, 0, 0]);
    expect(tieTolerant([1e-3, 2e-3])).toEqual([1e-3, 2e-3]);
    expect(tieTolerant([Number.NaN, 1])[0]).toBeNaN();
  });
});
