/**
 * The README's worked example, run exactly as written (the commands between the worked-example markers),
 * and the claims the README makes about it checked on its output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../cli-helpers.js';

interface Report {
  trace: number;
  invariantFlatness: number;
  pathNorm: number;
  trainLoss: number;
  maxResidual: number;
  populationRisk: { value: number; stderr: number; method: string };
}

function readmeCommands(): string[][] {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- worked-example:start -->');
  const end = readme.indexOf('<!-- worked-example:end -->');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return readme
    .slice(start, end)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npx flatlab '))
    .map((l) => l.split(/\s+/).slice(2));
}

let cwd = '';
const measures = new Map<string, Report>();

function measure(model: string): Report {
  const r = runCli(['measure', '--data', 'out/example/data.json', '--model', model, '--json'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

beforeAll(() => {
  cwd = tempDir('flatlab-readme-');
  const cmds = readmeCommands();
  expect(cmds.length).toBe(7);
  for (const args of cmds) {
    const r = runCli(args, { cwd });
    if (r.code !== 0) throw new Error(`README command failed (exit ${r.code}): flatlab ${args.join(' ')}\n${r.stderr}`);
    if (args[0] === 'measure') expect(r.stdout).toMatch(/invariant flatness\s+F\*/);
  }
  for (const m of ['teacher', 'memorizer', 'teacher-x100']) measures.set(m, measure(`out/example/${m}.json`));
}, 120_000);

describe('README worked example (d = 50, n = 200, f* = relu(u₁ᵀx) + relu(u₂ᵀx))', () => {
  it('both constructions interpolate', () => {
    for (const r of measures.values()) expect(r.maxResidual).toBeLessThanOrEqual(1e-8);
  });

  it("the teacher's F* is within 20% of √d × its path norm", () => {
    const t = measures.get('teacher') as Report;
    expect(t.pathNorm).toBeCloseTo(2, 12);
    const ratio = t.invariantFlatness / (Math.sqrt(50) * t.pathNorm);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.2);
  });

  it("the memorizer's F* is at least 5× the teacher's (and it does not generalize)", () => {
    const t = measures.get('teacher') as Report;
    const m = measures.get('memorizer') as Report;
    expect(m.invariantFlatness).toBeGreaterThanOrEqual(5 * t.invariantFlatness);
    expect(t.populationRisk.method).toBe('exact');
    expect(t.populationRisk.value).toBeLessThan(1e-12);
    expect(m.populationRisk.value).toBeGreaterThan(0.5); // ≥ order Var f* ≈ 0.68
  });

  it('rescale --factor 100 changes the trace ≥ 1000× while train loss, population risk and F* stay the same', () => {
    const t = measures.get('teacher') as Report;
    const x = measures.get('teacher-x100') as Report;
    const change = Math.max(x.trace / t.trace, t.trace / x.trace);
    expect(change).toBeGreaterThanOrEqual(1000);
    // Both losses are zero up to rounding; "the same" means equal to within float64 rounding of f.
    expect(Math.abs(x.trainLoss - t.trainLoss)).toBeLessThan(1e-28);
    expect(Math.abs(x.populationRisk.value - t.populationRisk.value)).toBeLessThan(1e-12);
    expect(Math.abs(x.invariantFlatness - t.invariantFlatness) / t.invariantFlatness).toBeLessThan(1e-9);
  });
});
