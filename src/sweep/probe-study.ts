/**
 * `sweep-probe`: a small, CPU-bound, deterministic trial built from the core (gradient descent on a
 * random teacher–student problem, then the exact trace and F*). It exercises every executor (in-process,
 * thread pool, Redis workers) without depending on the study catalogue, and it is the workload of the
 * speed-up measurement in docs/sweeps.md. A large learning rate makes it diverge deterministically,
 * which is how the tests produce a trial that always fails.
 */
import { DivergenceError, InputError } from '../errors.js';
import { hessianTrace } from '../flatness/trace.js';
import { getBackend } from '../linalg/backend.js';
import { createNetwork, forward, gradient } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import type { Trial, TrialResult } from '../studies/trial-types.js';
import { invariantFlatness } from '../symmetry/invariant.js';
import { VERSION } from '../version.js';

export const PROBE_STUDY = 'sweep-probe';

export interface ProbeParams {
  d: number;
  n: number;
  m: number;
  steps: number;
  lr: number;
}

function intParam(p: Readonly<Record<string, unknown>>, key: string, lo: number, hi: number): number {
  const v = p[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new InputError(`${PROBE_STUDY}: params.${key} must be an integer in ${lo}…${hi} (got ${JSON.stringify(v)})`);
  }
  return v;
}

export function probeParams(p: Readonly<Record<string, unknown>>): ProbeParams {
  const lr = p.lr;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) {
    throw new InputError(`${PROBE_STUDY}: params.lr must be a positive finite number (got ${JSON.stringify(lr)})`);
  }
  return {
    d: intParam(p, 'd', 1, 4096),
    n: intParam(p, 'n', 1, 1_000_000),
    m: intParam(p, 'm', 1, 4096),
    steps: intParam(p, 'steps', 0, 1_000_000),
    lr,
  };
}

export function runProbeTrial(trial: Trial): TrialResult {
  const t0 = performance.now();
  const { d, n, m, steps, lr } = probeParams(trial.params);
  const rng = new Rng(deriveSeed(trial.seed, 'probe-data'));
  const X = rng.fillNormal(new Float64Array(n * d));
  // labels from a random teacher of width 2, so the problem has structure to fit
  const teacher = createNetwork(
    'relu',
    new Rng(deriveSeed(trial.seed, 'probe-teacher')).fillNormal(new Float64Array(2)),
    new Rng(deriveSeed(trial.seed, 'probe-teacher-w')).fillNormal(new Float64Array(2 * d), 1 / Math.sqrt(d)),
    d,
  );
  const data = { d, n, X, y: forward(teacher, X, n) };
  const init = new Rng(deriveSeed(trial.seed, 'probe-init'));
  const student = createNetwork(
    'relu',
    init.fillNormal(new Float64Array(m), 1 / Math.sqrt(m)),
    init.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d)),
    d,
  );
  let loss = Number.NaN;
  for (let s = 0; s < steps; s++) {
    const g = gradient(student, data);
    loss = g.loss;
    if (!Number.isFinite(loss))
      throw new DivergenceError(`${PROBE_STUDY}: gradient descent diverged at step ${s} (lr = ${lr})`, s);
    for (let j = 0; j < m; j++) student.a[j] -= lr * g.ga[j];
    for (let i = 0; i < student.W.length; i++) student.W[i] -= lr * g.gW[i];
  }
  const final = gradient(student, data).loss;
  if (!Number.isFinite(final))
    throw new DivergenceError(`${PROBE_STUDY}: gradient descent diverged at step ${steps} (lr = ${lr})`, steps);
  return {
    key: trial.key,
    metrics: { loss: final, trace: hessianTrace(student, data), fStar: invariantFlatness(student, data).value },
    version: VERSION,
    backend: getBackend().name,
    elapsedMs: performance.now() - t0,
  };
}
