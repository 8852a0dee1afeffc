/** Learning-rate schedules (pure functions of the step). */
import type { TrainConfig } from './params.js';

export function learningRate(
  c: Pick<TrainConfig, 'lr' | 'schedule' | 'stepEvery' | 'stepGamma' | 'lrMin' | 'steps'>,
  t: number,
): number {
  switch (c.schedule) {
    case 'constant':
      return c.lr;
    case 'step':
      return c.lr * c.stepGamma ** Math.floor(t / c.stepEvery);
    case 'cosine': {
      const T = Math.max(1, c.steps);
      const u = Math.min(1, t / T);
      return c.lrMin + (c.lr - c.lrMin) * 0.5 * (1 + Math.cos(Math.PI * u));
    }
  }
}
