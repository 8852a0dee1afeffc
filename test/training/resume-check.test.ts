/**
 * A checkpoint is checked against the configuration resuming from it: edited to another width (θ and
 * moments re-encoded to match, so the schema accepts it), another optimizer kind, a step beyond the
 * budget, a rate above the configured one, or search counters that disagree with its runs, it is
 * refused in one InputError line; the flattest search refuses a non-homogeneous activation.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { makeActivation } from '../../src/model/activations.js';
import {
  type Checkpoint,
  createTrainer,
  parseTrainConfig,
  type TrainConfig,
  validateCheckpointObject,
} from '../../src/training/index.js';
import { decodeF64, encodeF64 } from '../../src/training/serialize.js';
import { randomData } from '../helpers.js';

const data = randomData(12, 3, 1);

function checkpointAfter(raw: Record<string, unknown>, k: number): { c: TrainConfig; ck: Checkpoint } {
  const c = parseTrainConfig(raw);
  const t = createTrainer(data, c);
  t.advance(k);
  return { c, ck: JSON.parse(JSON.stringify(t.checkpoint())) };
}

/** θ-shaped base64 of m(d+1) zeros. */
const zeros = (m: number): string => encodeF64(new Float64Array(m * (data.d + 1)));

function refusal(c: TrainConfig, ck: unknown): string {
  const valid = validateCheckpointObject(ck, 'ck', data);
  try {
    createTrainer(data, c, { resume: valid });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('the checkpoint was accepted');
}

describe('checkpoints checked against the configuration', () => {
  const sgd = checkpointAfter({ algo: 'sgd', width: 4, batch: 4, steps: 20, momentum: 0.5 }, 5);

  it('an unedited checkpoint resumes', () => {
    expect(createTrainer(data, sgd.c, { resume: validateCheckpointObject(sgd.ck, 'ck', data) }).step).toBe(5);
  });

  it('another width (θ and moments re-encoded) is refused', () => {
    const ck = { ...sgd.ck, m: 6, theta: zeros(6), opt: { ...sgd.ck.opt, m1: zeros(6) } };
    expect(refusal(sgd.c, ck)).toMatch(/^checkpoint: m = 6 is not a width this run can have \(width 4\)/);
  });

  it('another optimizer kind is refused', () => {
    const ck = { ...sgd.ck, opt: { kind: 'adam', m1: zeros(4), m2: zeros(4), t: 5 } };
    expect(refusal(sgd.c, ck)).toMatch(/^checkpoint: opt\.kind = adam but the configuration uses sgd/);
    const noMomentum = { ...sgd.ck, opt: { ...sgd.ck.opt, m1: null } };
    expect(refusal(sgd.c, noMomentum)).toMatch(/opt\.m1 is missing for optimizer sgd with momentum 0\.5/);
  });

  it('a step beyond the budget is refused', () => {
    expect(refusal(sgd.c, { ...sgd.ck, step: 1e15 })).toMatch(/^checkpoint: step 1000000000000000 exceeds steps = 20/);
    expect(refusal(sgd.c, { ...sgd.ck, opt: { ...sgd.ck.opt, t: 9 } })).toMatch(/opt\.t = 9 exceeds the step 5/);
  });

  it('a rate above the configured one is refused', () => {
    expect(refusal(sgd.c, { ...sgd.ck, lr: 1e6 })).toMatch(/lr = 1000000 exceeds the configured lr/);
  });

  it('another configuration or algorithm is refused', () => {
    expect(refusal({ ...sgd.c, width: 6 }, sgd.ck)).toMatch(/different configuration/);
  });

  it("the search's counters must agree with its runs", () => {
    const raw = { algo: 'flattest', width: 2, maxWidth: 8, restarts: 2, steps: 3, polishSteps: 2, lr: 0.01 };
    const { c, ck } = checkpointAfter(raw, 12);
    const s = ck.search;
    if (!s) throw new Error('no search state');
    expect(s.runs.length).toBeGreaterThan(0);
    // A valid state in a raised run resumes.
    expect(createTrainer(data, c, { resume: validateCheckpointObject(ck, 'ck', data) }).step).toBe(ck.step);
    expect(refusal(c, { ...ck, step: ck.step + 1 })).toMatch(/step = \d+ but the search's runs took \d+ steps/);
    expect(refusal(c, { ...ck, search: { ...s, run: s.run + 1 } })).toMatch(/search\.runs holds \d+ runs at run/);
    const wide = { ...ck, m: 16, theta: zeros(16), opt: { ...ck.opt, m1: zeros(16), m2: zeros(16) } };
    expect(refusal(c, { ...wide, search: { ...s, width: 16 } })).toMatch(/m = 16 is not a width this run can have/);
    expect(decodeF64(ck.theta).length).toBe(ck.m * (data.d + 1));
  });
});

describe('the flattest search needs a homogeneous activation', () => {
  it('softplus and tanh are refused in one line', () => {
    for (const name of ['softplus', 'tanh'] as const) {
      const c = parseTrainConfig({ algo: 'flattest', width: 4, steps: 5 });
      expect(() => createTrainer(data, c, { activation: makeActivation(name) })).toThrow(
        /^algo flattest needs a positively homogeneous activation/,
      );
    }
  });
});
