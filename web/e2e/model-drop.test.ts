/**
 * A user's model in the playground: an .npz (a, W; no activation inside) dropped on the page shows the
 * same F*, F, train loss and exact risk that the core computes here in Node on the page's data, with
 * its orbit curve and neuron view; the file input does the same for a PyTorch safetensors state_dict
 * of another d; a model with a bias is refused with the reason.
 */
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/linalg/index.js';
import { writeNpy } from '../../src/io/npy.js';
import { writeSafetensors } from '../../src/io/safetensors.js';
import { createNetwork } from '../../src/model/network.js';
import { populationRisk } from '../../src/risk/population.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { measure } from '../src/lab.js';
import { buildProblem } from '../src/science.js';
import { decodeState } from '../src/url.js';
import { openSession, readValue, type Session, shot, waitIdle } from './harness.js';

let s: Session;

beforeAll(async () => {
  s = await openSession();
});

afterAll(async () => {
  await s?.close();
});

function randomWeights(m: number, d: number, seed: number): { a: Float64Array; W: Float64Array } {
  const rng = new Rng(seed);
  return {
    a: Float64Array.from({ length: m }, () => rng.normal() / Math.sqrt(m)),
    W: Float64Array.from({ length: m * d }, () => rng.normal() / Math.sqrt(d)),
  };
}

const rel = (x: number, y: number) => Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));

async function waitModel(name: string): Promise<void> {
  await s.page.waitForFunction(
    (n) => document.querySelector('[data-testid="model-summary"]')?.textContent?.startsWith(n) ?? false,
    name,
    { timeout: 30_000 },
  );
}

describe('playground: a dropped model', () => {
  it('an .npz model dropped on the page shows the exact F*, F, loss and risk on the current data', async () => {
    await s.page.goto(s.server.url);
    await waitIdle(s.page);
    const state = decodeState('').state;
    const problem = buildProblem(state);
    const d = problem.data.d;
    const m = 9;
    const { a, W } = randomWeights(m, d, 5);
    const want = measure(createNetwork('relu', a, W, d), problem);
    const risk = populationRisk(createNetwork('relu', a, W, d), problem.target, { method: 'exact' }).value;
    const npz = zipSync({ 'a.npy': writeNpy([m], a), 'W.npy': writeNpy([m, d], W) });

    const dt = await s.page.evaluateHandle((bytes) => {
      const t = new DataTransfer();
      t.items.add(new File([new Uint8Array(bytes)], 'user.npz'));
      return t;
    }, Array.from(npz));
    await s.page.dispatchEvent('body', 'dragover', { dataTransfer: dt });
    expect(await s.page.getByTestId('model-panel').getAttribute('class')).toContain('dragging');
    await s.page.dispatchEvent('body', 'drop', { dataTransfer: dt });
    await waitModel('user.npz');

    const summary = s.page.getByTestId('model-summary');
    expect(await summary.getAttribute('data-m')).toBe(String(m));
    expect(await summary.textContent()).toContain('current data');
    expect(rel(await readValue(s.page, 'model-Fstar'), want.fStar)).toBeLessThan(1e-12);
    expect(rel(await readValue(s.page, 'model-F'), want.F)).toBeLessThan(1e-12);
    expect(rel(await readValue(s.page, 'model-loss'), want.loss)).toBeLessThan(1e-12);
    expect(rel(await readValue(s.page, 'model-risk'), risk)).toBeLessThan(1e-12);
    expect(await s.page.locator('[data-testid="model-orbit-chart"] svg').count()).toBeGreaterThanOrEqual(1);
    expect(await s.page.locator('[data-testid="model-neuron-chart"] svg').count()).toBeGreaterThanOrEqual(1);
    await shot(s.page, 'model-dropped');
  });

  it('the file input loads a PyTorch safetensors model of another d, measured in its own d', async () => {
    const m = 6;
    const d = 5;
    const { a, W } = randomWeights(m, d, 6);
    const st = writeSafetensors({ '0.weight': { shape: [m, d], data: W }, '2.weight': { shape: [1, m], data: a } });
    await s.page.getByTestId('model-activation').selectOption('relu-pow:2');
    await s.page
      .getByTestId('model-file')
      .setInputFiles({ name: 'torch.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(st) });
    await waitModel('torch.safetensors');
    const summary = s.page.getByTestId('model-summary');
    expect(await summary.getAttribute('data-d')).toBe('5');
    expect(await summary.textContent()).toMatch(/ReLU\^2 network.*d = 5 ≠ 20/);
    const state = decodeState('').state;
    const problem = buildProblem({ ...state, d, r: Math.min(state.r as number, d) });
    const want = measure(createNetwork({ name: 'relu-pow', p: 2 }, a, W, d), problem);
    expect(rel(await readValue(s.page, 'model-Fstar'), want.fStar)).toBeLessThan(1e-12);
  });

  it('a model with a bias is refused with the reason', async () => {
    const { a, W } = randomWeights(4, 20, 7);
    const st = writeSafetensors({
      '0.weight': { shape: [4, 20], data: W },
      '0.bias': { shape: [4], data: a },
      '2.weight': { shape: [1, 4], data: a },
    });
    await s.page
      .getByTestId('model-file')
      .setInputFiles({ name: 'bias.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(st) });
    await s.page.getByTestId('model-error').waitFor({ timeout: 30_000 });
    expect(await s.page.getByTestId('model-error').textContent()).toMatch(/bias \("0\.bias"\).*\[x, 1\]/);
  });
});
