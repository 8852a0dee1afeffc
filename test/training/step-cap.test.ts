/**
 * The curvature cap on a plain-gradient step (src/training/step-cap.ts): λ_max against the dense
 * Hessian's spectrum, the cap against its formula, and the trainer's use of it — the run that
 * diverged at a fixed default rate (GD at η = 0.2, width 160, d = 8, n = 16, init scale 1) now
 * interpolates, Adam is left alone, and a resumed run steps at the rate measured before the pause.
 */
import { describe, expect, it } from 'vitest';
import { DivergenceError } from '../../src/errors.js';
import { symmetricEigen } from '../../src/measures/dense-eig.js';
import { makeActivation } from '../../src/model/activations.js';
import { denseHessian, paramCount } from '../../src/model/network.js';
import { deriveSeed } from '../../src/rng/xoshiro.js';
import { createTrainer, initNetwork, parseTrainConfig, train } from '../../src/training/index.js';
import { cappedRate, largestCurvature, STEP_CAP_PRODUCTS } from '../../src/training/step-cap.js';
import { randomData, randomNet, relErr } from '../helpers.js';

function spectralRadius(net: ReturnType<typeof randomNet>, data: ReturnType<typeof randomData>): number {
  const P = paramCount(net);
  const ev = symmetricEigen(denseHessian(net, data), P).values;
  return Math.max(Math.abs(ev[0]), Math.abs(ev[P - 1]));
}

describe('largestCurvature is the largest |eigenvalue| of the loss Hessian', () => {
  const data = randomData(20, 4, 3);
  const net = randomNet('relu', 6, 4, 5);

  it('converges to the dense Hessian spectral radius (500 products, 1e-6)', () => {
    expect(relErr(largestCurvature(net, data, 1, 500), spectralRadius(net, data))).toBeLessThan(1e-6);
  });

  it('never exceeds it with the trainer budget of products (a Rayleigh quotient)', () => {
    const rho = spectralRadius(net, data);
    for (let s = 0; s < 5; s++)
      expect(largestCurvature(net, data, s, STEP_CAP_PRODUCTS)).toBeLessThanOrEqual(rho * (1 + 1e-12));
  });

  it('is a fixed function of its seed', () => {
    expect(largestCurvature(net, data, 7)).toBe(largestCurvature(net, data, 7));
  });
});

describe('cappedRate = min(η, cap/λ), off when the cap is 0 or λ unusable', () => {
  it.each([
    [0.2, 1, 50, 0.02],
    [0.01, 1, 50, 0.01],
    [0.2, 0.5, 10, 0.05],
    [0.2, 0, 50, 0.2],
    [0.2, 1, 0, 0.2],
    [0.2, 1, Number.NaN, 0.2],
  ])('η %f, cap %f, λ %f → %f', (lr, cap, lam, want) => {
    expect(cappedRate(lr, cap, lam)).toBeCloseTo(want, 15);
  });
});

describe('the trainer caps plain-gradient steps at lrCap/λ_max(θ₀)', () => {
  // The measured failure: the default GD rate at width 160, init scale 1, d = 8, n = 16.
  const data = randomData(16, 8, 11);
  const base = { algo: 'gd', lr: 0.2, width: 160, initScale: 1, steps: 300, seed: 4, logEvery: 1e9, polish: 'none' };
  const act = makeActivation('relu');

  it('uses lrCap/λ_max of its own initialization, measured on the same seed', () => {
    const c = parseTrainConfig(base);
    const init = initNetwork(act, 160, 8, { init: c.init, initScale: 1, seed: deriveSeed(c.seed, 'init') });
    const lam = largestCurvature(init, data, deriveSeed(c.seed, 'lr-cap'));
    expect(0.2 * lam).toBeGreaterThan(2); // the fixed rate is past the stability limit here
    expect(createTrainer(data, c).lr).toBe(1 / lam);
    expect(createTrainer(data, parseTrainConfig({ ...base, lrCap: 0.5 })).lr).toBe(0.5 / lam);
  });

  it('diverges without the cap and not with it', () => {
    expect(() => train(data, parseTrainConfig({ ...base, lrCap: 0 }))).toThrow(DivergenceError);
    const r = train(data, parseTrainConfig(base));
    expect(Number.isFinite(r.final.trainLoss)).toBe(true);
    expect(r.final.trainLoss).toBeLessThan(1e-3);
  });

  it('leaves a rate already below the cap, and Adam, unchanged', () => {
    expect(createTrainer(data, parseTrainConfig({ ...base, lr: 1e-4 })).lr).toBe(1e-4);
    expect(createTrainer(data, parseTrainConfig({ ...base, algo: 'adam', lr: 0.2 })).lr).toBe(0.2);
  });

  it('a resumed run keeps the rate of its checkpoint and ends where the uninterrupted one does', () => {
    const c = parseTrainConfig(base);
    const whole = createTrainer(data, c);
    whole.advance(120);
    const half = createTrainer(data, c);
    half.advance(60);
    const ck = JSON.parse(JSON.stringify(half.checkpoint()));
    expect(ck.lr).toBe(half.lr);
    const resumed = createTrainer(data, c, { resume: ck });
    expect(resumed.lr).toBe(half.lr);
    resumed.advance(60);
    expect(Array.from(resumed.net.a)).toEqual(Array.from(whole.net.a));
    expect(Array.from(resumed.net.W)).toEqual(Array.from(whole.net.W));
  });
});
