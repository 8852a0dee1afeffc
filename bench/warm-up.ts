/**
 * V8 compiles dataPass's JavaScript loops (residuals, ‖x‖², scaling) only after a number of calls;
 * before that they cost milliseconds at the bench's sizes, several times a fused pass. One warm-up
 * call per measurement does not get there, so the first operation timed in a process (the step)
 * would be charged for it. Running the three operations on a small problem first compiles them.
 * The step's SGD update (sgdStep) is a function here so that it is compiled with the rest; what
 * cured the step's bimodal first timing (2.7 or 4.5 ms by process) was the longer warm-up in
 * bench/timing.ts, not this.
 */

import type { Dataset } from '../src/data/dataset.js';
import { traceParts } from '../src/flatness/trace.js';
import { axpy } from '../src/linalg/vec.js';
import { createNetwork, type DataPassBuffers, gradient, hvp, type Network } from '../src/model/network.js';
import { Rng } from '../src/rng/xoshiro.js';

export function warmUpJit(rounds = 60): void {
  const rng = new Rng(1);
  const [n, d, m] = [500, 20, 50];
  const data = { n, d, X: rng.fillNormal(new Float64Array(n * d)), y: rng.fillNormal(new Float64Array(n)) };
  const net = createNetwork('relu', rng.fillNormal(new Float64Array(m)), rng.fillNormal(new Float64Array(m * d)), d);
  const v = rng.fillNormal(new Float64Array(m * d));
  let lent: DataPassBuffers = {};
  for (let i = 0; i < rounds; i++) {
    lent = sgdStep(net, data, lent, 0);
    traceParts(net, data);
    hvp(net, data, net.a, v);
  }
}

/** The learning rate of the bench's step. */
export const LR = 1e-3;

/** One SGD step as a training loop does it: the gradient into the previous step's arrays, then the update. */
export function sgdStep(net: Network, data: Dataset, lent: DataPassBuffers, lr = LR): DataPassBuffers {
  const g = gradient(net, data, lent);
  axpy(-lr, g.ga, net.a);
  axpy(-lr, g.gW, net.W);
  return g;
}
