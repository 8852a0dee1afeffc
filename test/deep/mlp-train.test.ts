/**
 * Deep-network training (src/training/mlp-train.ts): each step against finite differences of the loss
 * computed from forward passes only, SAM's perturbation against its definition, GD's descent on a small
 * problem, seeded SGD, divergence and bad options.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { makeActivation } from '../../src/model/activations.js';
import { type Mlp, type MlpData, mlpForward, packMlp, unpackMlp } from '../../src/model/mlp.js';
import { initMlp, MlpDivergenceError, samPerturbation, trainMlp } from '../../src/training/mlp-train.js';
import { randomMlp, randomMlpData } from './fixtures.js';

/** L(θ) = (1/(2n)) Σ ‖f(x_i) − y_i‖² from the forward pass alone. */
function lossOf(net: Mlp, data: MlpData): number {
  const F = mlpForward(net, data.X, data.n);
  let s = 0;
  for (let t = 0; t < F.length; t++) s += (F[t] - data.Y[t]) ** 2;
  return s / (2 * data.n);
}

/** Central differences of the loss in every coordinate (h = 1e-6). */
function fdGrad(net: Mlp, data: MlpData, theta = packMlp(net)): Float64Array {
  const h = 1e-6;
  return theta.map((_, p) => {
    const plus = theta.slice();
    const minus = theta.slice();
    plus[p] += h;
    minus[p] -= h;
    return (lossOf(unpackMlp(net, plus), data) - lossOf(unpackMlp(net, minus), data)) / (2 * h);
  });
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t < a.length; t++) {
    num = Math.max(num, Math.abs(a[t] - b[t]));
    den = Math.max(den, Math.abs(b[t]));
  }
  return num / den;
}

// A smooth activation (ReLU², no kinks for finite differences to cross) and a piecewise-linear one.
const CASES = [
  ['relu² with biases, c = 2', [4, 5, 3, 2], { name: 'relu-pow', p: 2 }],
  ['leaky ReLU with biases, c = 1', [3, 6, 4, 5, 1], { name: 'leaky-relu', alpha: 0.1 }],
] as const;

describe('deep training steps against finite differences', () => {
  it.each(CASES)('one GD step is θ − η ∇L with ∇L equal to central differences (%s)', (_w, widths, act) => {
    const net = randomMlp([...widths], act, true, 3);
    const data = randomMlpData(9, widths[0], widths[widths.length - 1], 4);
    const lr = 0.1;
    const step = trainMlp(net, data, { algorithm: 'gd', lr, steps: 1, seed: 0 });
    const theta = packMlp(net);
    const taken = packMlp(step.net).map((v, t) => (theta[t] - v) / lr);
    expect(maxRelDiff(taken, fdGrad(net, data))).toBeLessThan(1e-6);
    expect(step.losses[0]).toBeCloseTo(lossOf(net, data), 12);
  });

  it.each(CASES)(
    'one SAM step is θ − η ∇L(θ + ρ g/‖g‖), both gradients by central differences (%s)',
    (_w, widths, act) => {
      const net = randomMlp([...widths], act, true, 5);
      const data = randomMlpData(9, widths[0], widths[widths.length - 1], 6);
      const lr = 0.05;
      const rho = 0.1;
      const theta = packMlp(net);
      const g = fdGrad(net, data);
      const norm = Math.hypot(...g);
      const perturbed = theta.map((v, t) => v + (rho * g[t]) / norm);
      const gSam = fdGrad(net, data, perturbed);
      const step = trainMlp(net, data, { algorithm: 'sam', lr, rho, steps: 1, seed: 0 });
      const taken = packMlp(step.net).map((v, t) => (theta[t] - v) / lr);
      expect(maxRelDiff(taken, gSam)).toBeLessThan(1e-5);
    },
  );

  it('SAM perturbation has length ρ along g, and is 0 at a stationary point', () => {
    const g = Float64Array.from([3, -4, 0, 12]);
    const eps = samPerturbation(g, 0.2);
    expect(Math.hypot(...eps)).toBeCloseTo(0.2, 15);
    for (let t = 0; t < g.length; t++) expect(eps[t]).toBeCloseTo((0.2 * g[t]) / 13, 15);
    expect([...samPerturbation(new Float64Array(3), 0.2)]).toEqual([0, 0, 0]);
  });
});

describe('deep training runs', () => {
  const relu = makeActivation({ name: 'relu' });
  const data = randomMlpData(24, 3, 1, 11);

  it('GD with a small step decreases the loss at every step and at least halves it in 300 steps', () => {
    const net = initMlp(relu, [3, 8, 8, 1], 1, true, 2);
    const r = trainMlp(net, data, { algorithm: 'gd', lr: 0.05, steps: 300, seed: 0 });
    for (let t = 1; t < r.losses.length; t++) expect(r.losses[t]).toBeLessThanOrEqual(r.losses[t - 1]);
    expect(r.loss).toBeLessThan(r.losses[0] / 2);
    expect(r.steps).toBe(300);
  });

  it('GD stops at the first step whose loss is at most tol', () => {
    const net = initMlp(relu, [3, 8, 8, 1], 1, true, 2);
    const full = trainMlp(net, data, { algorithm: 'gd', lr: 0.05, steps: 300, seed: 0 });
    const tol = full.losses[100];
    const r = trainMlp(net, data, { algorithm: 'gd', lr: 0.05, steps: 300, seed: 0, tol });
    expect(r.steps).toBe(100);
  });

  it('SGD: the same seed gives bit-identical parameters, another seed others; batch = n is GD up to summation order', () => {
    const net = initMlp(relu, [3, 8, 8, 1], 1, true, 2);
    const o = { algorithm: 'sgd', lr: 0.05, steps: 40, batch: 5 } as const;
    const a = packMlp(trainMlp(net, data, { ...o, seed: 7 }).net);
    const b = packMlp(trainMlp(net, data, { ...o, seed: 7 }).net);
    const c = packMlp(trainMlp(net, data, { ...o, seed: 8 }).net);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const sgdFull = packMlp(trainMlp(net, data, { ...o, batch: 24, seed: 1 }).net);
    const gd = packMlp(trainMlp(net, data, { algorithm: 'gd', lr: 0.05, steps: 40, seed: 1 }).net);
    expect(maxRelDiff(sgdFull, gd)).toBeLessThan(1e-12);
  });

  it('a step size far too large diverges with the last finite network and its loss', () => {
    const net = initMlp(relu, [3, 8, 8, 1], 3, true, 2);
    let err: unknown;
    try {
      trainMlp(net, data, { algorithm: 'gd', lr: 1e3, steps: 1000, seed: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MlpDivergenceError);
    const d = err as MlpDivergenceError;
    expect(Number.isFinite(d.lastLoss)).toBe(true);
    expect(packMlp(d.last).every(Number.isFinite)).toBe(true);
    expect(lossOf(d.last, data)).toBeCloseTo(d.lastLoss, 6);
  });

  it.each([
    [{ lr: 0 }, /^lr must/],
    [{ steps: -1 }, /^steps must/],
    [{ batch: 25, algorithm: 'sgd' }, /^batch must/],
    [{ rho: -1, algorithm: 'sam' }, /^rho must/],
    [{ steps: 1_000_000, algorithm: 'sam' }, /^steps: .*work bound/],
  ] as const)('refuses %j with an InputError naming the field', (bad, msg) => {
    const net = initMlp(relu, [3, 400, 400, 1], 1, true, 2);
    const o = { algorithm: 'gd' as const, lr: 0.1, steps: 1, seed: 0, ...bad };
    expect(() => trainMlp(net, data, o)).toThrow(InputError);
    expect(() => trainMlp(net, data, o)).toThrow(msg);
  });
});
