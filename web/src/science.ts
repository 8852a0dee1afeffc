/**
 * The one place where the playground meets the core's science modules: the data set and target
 * (src/data), the trainer (src/training), the exact population risk (src/risk) and the reference
 * interpolators (src/interpolators). The rest of the app works on the `Problem` / `Stepper` shapes.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { makeDataset } from '../../src/data/generate.js';
import { parseDataParams } from '../../src/data/params.js';
import type { TargetSpec } from '../../src/data/target.js';
import { evaluateTarget } from '../../src/data/targets.js';
import { memorizer } from '../../src/interpolators/memorizer.js';
import { randomFeatures } from '../../src/interpolators/random-features.js';
import { teacherInterpolator } from '../../src/interpolators/teacher.js';
import { type Activation, type ActivationSpec, makeActivation } from '../../src/model/activations.js';
import { parseActivationString } from '../../src/model/model-json.js';
import type { Network } from '../../src/model/network.js';
import { exactUnavailableReason } from '../../src/risk/exact.js';
import { populationRisk } from '../../src/risk/population.js';
import { resolveTrainConfig } from '../../src/training/params.js';
import { createTrainer, type Trainer } from '../../src/training/trainer.js';
import { dataFields, type State, trainFields } from './tables.js';

export interface Problem {
  readonly data: Dataset;
  readonly target: TargetSpec;
  /** Index directions u_l as rows (r×d, orthonormal). */
  readonly U: Float64Array;
  readonly r: number;
  readonly act: Activation;
  /** The noiseless target f* at the rows of X. */
  targetValues(X: Float64Array, n: number): Float64Array;
  /** Exact population risk E(f − f*)², or null when the closed form does not apply. */
  risk(net: Network): number | null;
  /** Why the exact risk is unavailable (null when it is available). */
  readonly riskUnavailable: string | null;
}

export function activationSpec(name: string): ActivationSpec {
  return parseActivationString(name, 'activation');
}

export function buildProblem(state: State): Problem {
  const data = makeDataset(parseDataParams(dataFields(state)));
  const target = data.target as TargetSpec;
  const { d } = data;
  const r = target.r;
  const U = new Float64Array(r * d);
  target.U.forEach((row, l) => {
    U.set(row, l * d);
  });
  const act = makeActivation(activationSpec(String(state.activation)));
  // The exact formula's availability depends on the activation and target only, not on θ.
  const probe: Network = { act, m: 1, d, a: new Float64Array(1), W: new Float64Array(d) };
  const riskUnavailable = exactUnavailableReason(probe, target);
  return {
    data,
    target,
    U,
    r,
    act,
    riskUnavailable,
    targetValues: (X, n) => evaluateTarget(target, X, n),
    risk: (net) => (riskUnavailable ? null : populationRisk(net, target, { method: 'exact' }).value),
  };
}

export interface Stepper {
  /** Advance k trainer iterations. */
  step(k: number): void;
  readonly net: Network;
  readonly phase: string;
  readonly done: boolean;
}

export function createStepper(state: State, problem: Problem): Stepper {
  const config = resolveTrainConfig(trainFields(state), {
    k: problem.act.degree ?? 1,
    n: problem.data.n,
    searchPlan: false,
  });
  const trainer: Trainer = createTrainer(problem.data, config, { activation: problem.act });
  return {
    step: (k) => {
      trainer.advance(k);
    },
    get net() {
      return trainer.net;
    },
    get phase() {
      return trainer.phase;
    },
    get done() {
      return trainer.done;
    },
  };
}

/** Largest n for which the playground builds the memorizer and random-features interpolators. */
export const MAX_SOLVE_N = 1000;

/** Reference interpolators on the same data and activation; a note for each that cannot be built. */
export function referenceInterpolators(
  state: State,
  problem: Problem,
): { nets: { name: string; net: Network }[]; notes: string[] } {
  const nets: { name: string; net: Network }[] = [];
  const notes: string[] = [];
  const { data, act } = problem;
  const seed = state.seed as number;
  const tryBuild = (name: string, build: () => Network) => {
    try {
      nets.push({ name, net: build() });
    } catch (e) {
      notes.push(`${name}: ${(e as Error).message}`);
    }
  };
  tryBuild('teacher', () => teacherInterpolator(data, act).net);
  if (data.n > MAX_SOLVE_N) {
    // Both solve an n×m dense system (m ≥ n): O(n³) in the portable backend, minutes past this size.
    notes.push(
      `memorizer and random features: n = ${data.n} > ${MAX_SOLVE_N} is too slow for a browser tab (use the CLI)`,
    );
  } else {
    tryBuild('memorizer', () => memorizer(data, act).net);
    tryBuild('random features', () => randomFeatures(data, act, 2 * data.n, seed).net);
  }
  return { nets, notes };
}
