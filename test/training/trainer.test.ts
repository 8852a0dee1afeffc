import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { traceParts } from '../../src/flatness/trace.js';
import { makeActivation } from '../../src/model/activations.js';
import { dataPass, forward } from '../../src/model/network.js';
import { rowNorm } from '../../src/symmetry/rescale.js';
import {
  type Checkpoint,
  createTrainer,
  initNetwork,
  parseTrainConfig,
  type TrainConfig,
  train,
} from '../../src/training/index.js';
import { randomData, randomNet } from '../helpers.js';
import { packed } from './oracle.js';

const cfg = (o: Record<string, unknown>): TrainConfig => parseTrainConfig({ logEvery: 1000, ...o });

describe('initializations', () => {
  const relu = makeActivation('relu');
  it('symmetric: f ≡ 0 at init, neurons in pairs (a, w), (−a, w)', () => {
    const net = initNetwork(relu, 10, 4, { init: 'symmetric', initScale: 3, seed: 1 });
    const X = randomData(20, 4, 2).X;
    // exactly 0 with the portable backend; a BLAS may sum in another order
    for (const v of forward(net, X, 20)) expect(Math.abs(v)).toBeLessThan(1e-14);
    for (let j = 0; j < 5; j++) {
      expect(net.a[2 * j + 1]).toBe(-net.a[2 * j]);
      expect(net.W.subarray((2 * j + 1) * 4, (2 * j + 2) * 4)).toEqual(net.W.subarray(2 * j * 4, (2 * j + 1) * 4));
    }
  });

  it('balanced: ‖w_j‖² = k a_j², masses a_j‖w_j‖^k equal those of the Gaussian draw', () => {
    for (const spec of [{ name: 'relu' as const }, { name: 'relu-pow' as const, p: 2 }]) {
      const act = makeActivation(spec);
      const g = initNetwork(act, 8, 5, { init: 'gaussian', initScale: 1, seed: 3 });
      const b = initNetwork(act, 8, 5, { init: 'balanced', initScale: 1, seed: 3 });
      const k = act.degree as number;
      for (let j = 0; j < 8; j++) {
        expect(rowNorm(b, j) ** 2).toBeCloseTo(k * b.a[j] ** 2, 12);
        expect(b.a[j] * rowNorm(b, j) ** k).toBeCloseTo(g.a[j] * rowNorm(g, j) ** k, 12);
      }
    }
  });

  it('gaussian scale: empirical variances s²/m and s²/d; same seed ⇒ same bits', () => {
    const s = 2;
    // m = 4000 so that the ±15% band on the a-variance is ≈ 6.7 standard deviations (sd = √(2/m)).
    const m = 4000;
    const net = initNetwork(relu, m, 50, { init: 'gaussian', initScale: s, seed: 4 });
    const va = net.a.reduce((t, x) => t + x * x, 0) / m;
    const vw = net.W.reduce((t, x) => t + x * x, 0) / net.W.length;
    expect(va / ((s * s) / m)).toBeGreaterThan(0.85);
    expect(va / ((s * s) / m)).toBeLessThan(1.15);
    expect(vw / ((s * s) / 50)).toBeGreaterThan(0.97);
    expect(vw / ((s * s) / 50)).toBeLessThan(1.03);
    expect(initNetwork(relu, m, 50, { init: 'gaussian', initScale: s, seed: 4 }).W).toEqual(net.W);
  });
});

describe('checkpoint and resume', () => {
  const data = randomData(40, 5, 7, 0.5);
  const configs: Record<string, unknown>[] = [
    { algo: 'sgd', batch: 8, momentum: 0.9, lr: 0.02 },
    { algo: 'label-noise', batch: 8, noiseSigma: 0.1, noiseKind: 'gaussian', lr: 0.02, replacement: true },
    { algo: 'adam', lr: 0.01 },
    { algo: '1sam', batch: 10, microBatch: 3, rho: 0.05, lr: 0.02 },
    { algo: 'flattest', lr: 0.05, lambda: 1e-2, lambdaFinal: 1e-5, schedule: 'cosine' },
  ];
  for (const o of configs) {
    it(`${o.algo}: stop at k, resume from the JSON checkpoint, same final bits as an uninterrupted run`, () => {
      const c = cfg({ width: 6, steps: 60, tol: 1e-10, polishSteps: 20, seed: 3, ...o });
      const full = train(data, c);
      const first = createTrainer(data, c);
      first.advance(23);
      const ck = JSON.parse(JSON.stringify(first.checkpoint())) as Checkpoint;
      const resumed = createTrainer(data, c, { resume: ck });
      while (!resumed.done) resumed.advance(7);
      expect(packed(resumed.net)).toEqual(packed(full.net));
      expect(resumed.step).toBe(full.steps);
    });
  }

  it('resuming inside the polish phase is exact too', () => {
    const c = cfg({ algo: 'gd', width: 30, steps: 5, lr: 0.05, polishSteps: 50, tol: 1e-14, seed: 1 });
    const full = train(data, c);
    const t = createTrainer(data, c);
    t.advance(7);
    expect(t.phase).toBe('polish');
    const r = createTrainer(data, c, { resume: JSON.parse(JSON.stringify(t.checkpoint())) });
    while (!r.done) r.advance(1);
    expect(packed(r.net)).toEqual(packed(full.net));
  });

  it('a checkpoint from another configuration or data set is refused with a one-line InputError', () => {
    const c = cfg({ algo: 'gd', width: 4, steps: 10 });
    const ck = createTrainer(data, c).checkpoint();
    expect(() => createTrainer(data, { ...c, lr: 0.5 }, { resume: ck })).toThrow(/different configuration/);
    expect(() => createTrainer(randomData(40, 5, 8), c, { resume: ck })).toThrow(/different data set/);
  });
});

/** Labels from a 3-neuron ReLU teacher, so that sparse (flat) interpolators exist. */
function teacherData(n: number, d: number, seed: number) {
  const base = randomData(n, d, seed);
  const teacher = randomNet('relu', 3, d, seed + 1);
  return { ...base, y: forward(teacher, base.X, n) };
}

describe('stopping, polish and the flattest search', () => {
  const data = teacherData(40, 6, 9);

  it('GD stops at train loss ≤ tol; the Gauss–Newton polish reaches tol', () => {
    const r = train(data, cfg({ algo: 'gd', width: 40, lr: 0.1, steps: 200, tol: 1e-12, polish: 'gn' }));
    expect(r.final.trainLoss).toBeLessThanOrEqual(1e-12);
    expect(r.final.phase).toBe('done');
  });

  it('label-noise SGD followed by the polish ends at an interpolator', () => {
    const r = train(data, cfg({ algo: 'label-noise', width: 40, lr: 0.05, steps: 100, batch: 10, tol: 1e-10 }));
    expect(r.final.trainLoss).toBeLessThanOrEqual(1e-10);
  });

  it('flattest: interpolates, ends balanced (k A_j = B_j) and flatter than plain GD from the same init', () => {
    const base = { width: 40, steps: 400, tol: 1e-10, initScale: 0.5, seed: 2 };
    const flat = train(
      data,
      cfg({ ...base, algo: 'flattest', lr: 0.01, optimizer: 'adam', lambda: 1e-2, lambdaFinal: 1e-6 }),
    );
    const gd = train(data, cfg({ ...base, algo: 'gd', lr: 0.05, initScale: 1 }));
    expect(flat.final.trainLoss).toBeLessThanOrEqual(1e-10);
    const p = traceParts(flat.net, data);
    for (let j = 0; j < 40; j++) {
      // live neurons are balanced: A_j = B_j (k = 1)
      if (p.A[j] > 1e-12) expect(Math.abs(p.A[j] - p.B[j]) / (p.A[j] + p.B[j])).toBeLessThan(1e-9);
    }
    expect(flat.final.fStar as number).toBeLessThan(gd.final.fStar as number);
    // balanced ⇒ the Gauss–Newton trace equals F*
    expect(flat.final.traceGaussNewton).toBeCloseTo(flat.final.fStar as number, 9);
  });

  it('the step limit and the logging cadence are honoured; metrics carry F, F*, path norm, grad norm', () => {
    const logs: number[] = [];
    const r = train(
      data,
      cfg({ algo: 'sgd', width: 10, batch: 5, lr: 0.01, steps: 25, logEvery: 10, polish: 'none', tol: 0 }),
      {
        onLog: (m) => logs.push(m.step),
      },
    );
    expect(logs).toEqual([0, 10, 20, 25]);
    expect(r.steps).toBe(25);
    const m = r.final;
    expect(m.trace).toBeCloseTo(traceParts(r.net, data).trace, 10);
    expect(m.trainLoss).toBeCloseTo(dataPass(r.net, data).loss, 14);
    expect(m.fStar).not.toBeNull();
    expect(m.gradNorm).toBeGreaterThan(0);
  });

  it('a time budget stops training', () => {
    let t = 0;
    const r = createTrainer(
      data,
      cfg({ algo: 'gd', width: 10, lr: 0.001, steps: 1e6, timeBudget: 1, polish: 'none', tol: 0 }),
      {
        now: () => (t += 100),
      },
    );
    r.advance(100);
    expect(r.done).toBe(true);
    expect(r.step).toBeLessThan(20);
  });
});

describe('bad hyperparameters: one-line InputErrors naming the field', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ rho: -0.1 }, /^rho must be a number in \[0, /],
    [{ noiseSigma: -1 }, /^noiseSigma must be a number in \[0, /],
    [{ lambda: -1 }, /^lambda must be a number in \[0, /],
    [{ lr: -0.01 }, /^lr must be a number in \[0, /],
    [{ algo: 'rmsprop' }, /^algo must be one of gd, sgd, adam, sam, 1sam, asam, label-noise/],
    [{ width: 0 }, /^width must be an integer in \[1, /],
    [{ init: 'symmetric', width: 5 }, /^width must be even for init symmetric/],
    [{ bogus: 1 }, /unknown field "bogus"/],
  ];
  for (const [raw, re] of cases) {
    it(JSON.stringify(raw), () => {
      let err: unknown;
      try {
        parseTrainConfig(raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain('\n');
    });
  }
  it('batch larger than n', () => {
    const data = randomData(10, 3, 1);
    expect(() => createTrainer(data, cfg({ algo: 'sgd', batch: 11 }), { net: randomNet('relu', 3, 3, 1) })).toThrow(
      /^batch must be an integer in \[0, n = 10\] \(got 11\)$/,
    );
  });
});
