/**
 * V8 compiles dataPass's JavaScript loops (residuals, ‖x‖², scaling) only after a number of calls;
 * before that they cost milliseconds at the bench's sizes, several times a fused pass. One warm-up
 * call per measurement does not get there, so the first operation timed in a process (the step)
 * would be charged for it. Running the three operations on a small problem first compiles them.
 */
import { traceParts } from '../src/flatness/trace.js';
import { createNetwork, gradient, hvp } from '../src/model/network.js';
import { Rng } from '../src/rng/xoshiro.js';

export function warmUpJit(rounds = 60): void {
  const rng = new Rng(1);
  const [n, d, m] = [500, 20, 50];
  const data = { n, d, X: rng.fillNormal(new Float64Array(n * d)), y: rng.fillNormal(new Float64Array(n)) };
  const net = createNetwork('relu', rng.fillNormal(new Float64Array(m)), rng.fillNormal(new Float64Array(m * d)), d);
  const v = rng.fillNormal(new Float64Array(m * d));
  for (let i = 0; i < rounds; i++) {
    gradient(net, data);
    traceParts(net, data);
    hvp(net, data, net.a, v);
  }
}
