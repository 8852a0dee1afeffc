/**
 * The polish's safeguards: the Gauss–Newton polish's stall rule (src/training/gauss-newton.ts: over
 * each window of GN_STALL_WINDOW iterations the loss must fall by the factor GN_STALL_FACTOR, else the
 * polish stops) and the GD polish's backtracking (src/training/trainer.ts: a step only if the loss falls).
 */
import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../src/model/activations.js';
import { dataPass, packParams, unpackParams } from '../../src/model/network.js';
import { flatGradient } from '../../src/training/directions.js';
import { GN_STALL_FACTOR, GN_STALL_WINDOW, type GnState, gnStalled } from '../../src/training/gauss-newton.js';
import { parseTrainConfig } from '../../src/training/params.js';
import { createTrainer, train } from '../../src/training/trainer.js';
import { randomData } from '../helpers.js';

describe('the Gauss–Newton polish stops once stalled', () => {
  it('a window that fell by the factor passes; one that did not stalls; only window boundaries decide', () => {
    const st: GnState = { mu: 1e-6, windowLoss: null };
    expect(gnStalled(st, 0, 1)).toBe(false);
    for (let i = 1; i < GN_STALL_WINDOW; i++) expect(gnStalled(st, i, 5)).toBe(false);
    expect(st.windowLoss).toBe(1);
    expect(gnStalled(st, GN_STALL_WINDOW, GN_STALL_FACTOR * 0.999)).toBe(false);
    expect(gnStalled(st, 2 * GN_STALL_WINDOW, GN_STALL_FACTOR * 0.999 * GN_STALL_FACTOR * 1.001)).toBe(true);
  });

  it('a student too narrow to interpolate ends its polish after one window instead of the whole budget', () => {
    // 3 neurons, d = 3: 12 parameters cannot fit 60 generic labels, so every GN step crawls.
    const data = randomData(60, 3, 7);
    const config = parseTrainConfig({
      algo: 'gd',
      width: 3,
      seed: 1,
      steps: 50,
      polish: 'gn',
      polishSteps: 500,
      tol: 1e-12,
    });
    let polish = 0;
    const r = train(data, config, {
      activation: makeActivation('relu'),
      onStep: (s) => {
        if (s.phase === 'polish') polish += 1;
      },
    });
    expect(r.final.trainLoss).toBeGreaterThan(1e-6);
    expect(polish).toBeGreaterThanOrEqual(GN_STALL_WINDOW);
    expect(polish).toBeLessThan(4 * GN_STALL_WINDOW);
  });
});

describe('the GD polish backtracks', () => {
  const data = randomData(40, 3, 17);
  const act = makeActivation({ name: 'relu-pow', p: 2 });
  const cfg = (lr: number) =>
    parseTrainConfig({
      algo: 'gd',
      width: 6,
      seed: 2,
      steps: 0,
      polish: 'gd',
      polishSteps: 40,
      lr,
      initScale: 2,
      tol: 1e-14,
    });

  it('with a rate that makes plain GD blow up, every polish step lowers the loss and nothing diverges', () => {
    // Plain GD at this rate: the loss overflows within the first steps (checked here, not assumed).
    const t0 = createTrainer(data, cfg(50), { activation: act });
    let net = t0.net;
    let plain = dataPass(net, data).loss;
    for (let k = 0; k < 5 && Number.isFinite(plain); k++) {
      const { g } = flatGradient(net, data);
      const th = packParams(net);
      for (let p = 0; p < th.length; p++) th[p] -= 50 * g[p];
      net = unpackParams(net, th);
      plain = dataPass(net, data).loss;
    }
    expect(plain > 1e6 || !Number.isFinite(plain)).toBe(true);
    const losses: number[] = [];
    const r = train(data, cfg(50), { activation: act, onStep: (s) => losses.push(s.loss) });
    expect(Number.isFinite(r.final.trainLoss)).toBe(true);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]);
  });

  it('with a rate at which every step lowers the loss, the polish is plain GD bit for bit', () => {
    const lr = 1e-3;
    const t = createTrainer(data, cfg(lr), { activation: act });
    let net = t.net;
    for (let k = 0; k < 40; k++) {
      const { g } = flatGradient(net, data);
      const th = packParams(net);
      for (let p = 0; p < th.length; p++) th[p] -= lr * g[p];
      net = unpackParams(net, th);
    }
    const r = train(data, cfg(lr), { activation: act });
    expect([...r.net.W]).toEqual([...net.W]);
    expect([...r.net.a]).toEqual([...net.a]);
  });
});
