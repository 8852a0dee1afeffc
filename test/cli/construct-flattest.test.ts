import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';
import { fails, ok } from './expect-cli.js';

let dir = '';
const p = (f: string) => join(dir, f);

beforeAll(async () => {
  dir = tempDir();
  // The worked example of docs/training.md and the README: d = 2, n = 30, y = relu(x₁) + ½ relu(x₂).
  await ok([
    'data',
    ...['--d', '2', '--n', '30', '--r', '2', '--links', 'relu', '--coeffs', '1,0.5', '--index', 'axes'],
    ...['--seed', '1', '--out', p('d2.json')],
  ]);
  // An imported data set beyond the solver's limit n ≤ 5000 (d = 1: one feature column plus the label).
  const rows = Array.from({ length: 5001 }, (_, i) => `${Math.sin(i + 1).toFixed(6)},${Math.cos(i).toFixed(6)}`);
  writeFileSync(p('big.csv'), `${rows.join('\n')}\n`);
  await ok(['data', '--from-csv', p('big.csv'), '--out', p('big.json')]);
}, 120_000);

describe('flatlab construct flattest', () => {
  it('--json prints the certificate and the model file records construction.certificate', async () => {
    const out = await ok(['construct', 'flattest', '--data', p('d2.json'), '--out', p('f.json'), '--json']);
    const cert = JSON.parse(out) as Record<string, unknown>;
    for (const k of ['lower', 'upper', 'certified', 'gap', 'atoms', 'lpSolves', 'seconds'])
      expect(cert).toHaveProperty(k);
    expect(cert.certified).toBe(true);
    expect(cert.gap as number).toBeLessThanOrEqual(1e-3);
    expect(cert.lower as number).toBeLessThanOrEqual(cert.upper as number);
    // The figures printed in docs/training.md#worked-example-the-flattest-interpolator-exactly and the README.
    expect(cert.upper as number).toBeCloseTo(2.2364, 3);
    expect(cert.lower as number).toBeCloseTo(2.2356, 3);
    // The data record their target, so the teacher joins the first dictionary (--teacher-start).
    expect(cert.atoms).toBe(10);
    const model = JSON.parse(readFileSync(p('f.json'), 'utf8')) as {
      format: string;
      provenance?: { construction?: { kind: string; certificate: unknown } };
      construction?: { kind: string; certificate: unknown };
    };
    const construction = model.provenance?.construction ?? model.construction;
    expect(construction?.kind).toBe('flattest');
    expect(construction?.certificate).toEqual(cert);
    // The written network is an interpolator with the certificate's F*.
    const m = JSON.parse(await ok(['measure', '--model', p('f.json'), '--data', p('d2.json'), '--json'])) as {
      invariantFlatness: number;
      maxResidual: number;
    };
    expect(m.invariantFlatness).toBeCloseTo(cert.upper as number, 10);
    expect(m.maxResidual).toBeLessThanOrEqual(1e-8);
  }, 120_000);

  it('--teacher-start false solves cold: the same F* at another vertex of the degenerate optimum (9 atoms)', async () => {
    const warm = JSON.parse(
      await ok(['construct', 'flattest', '--data', p('d2.json'), '--out', p('fw.json'), '--json']),
    ) as { upper: number; atoms: number };
    const cold = JSON.parse(
      await ok([
        'construct',
        'flattest',
        '--data',
        p('d2.json'),
        '--out',
        p('fc.json'),
        '--json',
        '--teacher-start',
        'false',
      ]),
    ) as { upper: number; atoms: number };
    expect(cold.atoms).toBe(9);
    expect(Math.abs(cold.upper - warm.upper) / warm.upper).toBeLessThan(1e-6);
  }, 120_000);

  it('refuses a 2-homogeneous activation, pointing to train --algo flattest', async () => {
    await fails(
      ['construct', 'flattest', '--data', p('d2.json'), '--out', p('x.json'), '--activation', 'relu_pow:2'],
      /train --algo flattest/,
    );
  });

  it('refuses a non-homogeneous activation', async () => {
    await fails(
      ['construct', 'flattest', '--data', p('d2.json'), '--out', p('x.json'), '--activation', 'tanh'],
      /not homogeneous.*train --algo flattest/,
    );
  });

  it.each(['0', '-1', 'abc', '0.9'])('refuses --gap %s', async (g) => {
    await fails(['construct', 'flattest', '--data', p('d2.json'), '--out', p('x.json'), '--gap', g], /--gap must be/);
  });

  it('refuses an imported data set beyond the limits', async () => {
    await fails(
      ['construct', 'flattest', '--data', p('big.json'), '--out', p('x.json')],
      /exceeds the convex solver's limits/,
    );
  });

  it('exits 2 from the real binary on bad input', () => {
    const r = runCli(['construct', 'flattest', '--data', p('d2.json'), '--out', p('x.json'), '--gap', '0']);
    expect(r.code).toBe(2);
  });
});
