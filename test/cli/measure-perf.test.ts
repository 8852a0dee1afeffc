/**
 * `flatlab measure` on n = 10⁴, d = 100, m = 1000, end to end (reading the 20 MB data file,
 * exact trace, population risk). The time is printed, not asserted: performance is reported by
 * `npm run bench` (docs/performance.md), never by timed unit tests. What is asserted is that the
 * large case runs through the real CLI and picks the right risk method.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { networkToModel } from '../../src/model/model-json.js';
import { createNetwork } from '../../src/model/network.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { runCli, tempDir } from '../cli-helpers.js';

it('measure runs on n = 10⁴, d = 100, m = 1000 with exact and Monte Carlo risk', () => {
  const dir = tempDir();
  const data = join(dir, 'big.json');
  const gen = runCli([
    'data',
    '--d',
    '100',
    '--n',
    '10000',
    '--r',
    '2',
    '--links',
    'relu+relu',
    '--noise',
    '0.1',
    '--seed',
    '1',
    '--out',
    data,
  ]);
  expect(gen.code, gen.stderr).toBe(0);
  const m = 1000;
  const d = 100;
  const rng = new Rng(5);
  for (const [name, act] of [
    ['relu.json', { name: 'relu' as const }],
    ['relu3.json', { name: 'relu-pow' as const, p: 3 }],
  ] as const) {
    const net = createNetwork(
      act,
      rng.fillNormal(new Float64Array(m), 1 / m),
      rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d)),
      d,
    );
    writeFileSync(join(dir, name), JSON.stringify(networkToModel(net)));
  }
  for (const [name, method] of [
    ['relu.json', 'exact'],
    ['relu3.json', 'montecarlo'],
  ]) {
    const t0 = performance.now();
    const r = runCli(['measure', '--data', data, '--model', join(dir, name), '--json']);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.populationRisk.method).toBe(method);
    expect(Number.isFinite(rep.trace)).toBe(true);
    console.log(`measure ${name} (${rep.backend}): ${seconds.toFixed(2)} s`);
  }
}, 120_000);
