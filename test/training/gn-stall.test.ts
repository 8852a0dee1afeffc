/**
 * The Gauss–Newton polish's stall rule (src/training/gauss-newton.ts): over each window of
 * GN_STALL_WINDOW iterations the loss must fall by the factor GN_STALL_FACTOR, else the polish stops.
 */
import { describe, expect, it } from 'vitest';
import { GN_STALL_FACTOR, GN_STALL_WINDOW, type GnState, gnStalled } from '../../src/training/gauss-newton.js';
import { train } from '../../src/training/trainer.js';
import { parseTrainConfig } from '../../src/training/params.js';
import { makeActivation } from '../../src/model/activations.js';
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
