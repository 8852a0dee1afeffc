/**
 * H3's lines and endpoints (docs/math.md#hypotheses, §9): one line per (student, d, target, input law,
 * σ_ε). The primary claim is the lines with an exact link and σ_ε = 0: per seed
 * z = −1 − log10(risk/Var f*) at the largest n (≥ 8d), interpolating runs only. Lines whose premise
 * fails are decided by the same rule and shown apart; decay in n and the effects of noise and
 * approximation error are secondary endpoints (reported with BH q-values, never in the verdict).
 */
import { linearFit } from '../../statistics/fits.js';
import { distinct } from '../analysis-helpers.js';
import { type LineInput, type SecondaryEndpoint, seedTest } from '../inference/index.js';
import { THRESHOLDS } from '../verdict.js';

export interface H3Point {
  /** The line's identity without σ_ε (student, d, target, input law), and its label. */
  cell: string;
  label: string;
  /** Student, d and input law: the exact and inexact targets of one cell compare within it. */
  family: string;
  n: number;
  d: number;
  noise: number;
  exact: boolean;
  seed: number;
  risk: number;
  varF: number;
  interpolates: boolean;
}

/** The smallest n at which the primary claim is tested, per input dimension. */
export const H3_MIN_N_PER_D = 8;
/** log10(risk/Var f*) at or below which the search sits at its optimizer floor. */
export const H3_OPTIMIZER_FLOOR = -6;
/** Risks below this fraction of Var f* are read as it (rounding level; keeps log10 finite). */
const RISK_FLOOR = 1e-16;

const level = (p: H3Point): number => Math.log10(Math.max(p.risk / p.varF, RISK_FLOOR));

interface Line {
  key: string;
  points: H3Point[];
  premise: boolean;
  nMax: number;
}

function linesOf(points: readonly H3Point[]): Line[] {
  const groups = new Map<string, H3Point[]>();
  for (const p of points) {
    const key = JSON.stringify([p.cell, p.noise]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.entries()].map(([key, pts]) => ({
    key,
    points: pts,
    premise: pts[0].exact && pts[0].noise === 0,
    nMax: Math.max(...pts.map((p) => p.n)),
  }));
}

/** Per seed, log10(risk/Var f*) at n of the interpolating run (absent when it does not interpolate). */
function atN(line: Line, n: number): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of line.points) if (p.n === n && p.interpolates && Number.isFinite(p.risk)) m.set(p.seed, level(p));
  return m;
}

const noiseLabel = (l: Line): string => (l.points[0].noise ? `, σ_ε = ${l.points[0].noise}` : '');

function lineInput(l: Line): LineInput {
  const d = l.points[0].d;
  const z = [...atN(l, l.nMax).values()].map((v) => Math.log10(THRESHOLDS.h3MaxRiskFraction) - v);
  return {
    label: `${l.points[0].label}${noiseLabel(l)}`,
    parts: [
      { name: `log10(${THRESHOLDS.h3MaxRiskFraction}) − log10(risk/Var f*) at n = ${l.nMax}`, test: seedTest(z) },
    ],
    trials: l.points.length,
    nonInterpolating: l.points.filter((p) => !p.interpolates).length,
    undecidable:
      l.nMax < H3_MIN_N_PER_D * d
        ? `largest n = ${l.nMax} is below ${H3_MIN_N_PER_D}d = ${H3_MIN_N_PER_D * d}`
        : undefined,
  };
}

/** The primary lines (premise met) and the lines whose premise fails, as inputs to decideLines. */
export function h3Lines(points: readonly H3Point[]): { primary: LineInput[]; outsidePremise: LineInput[] } {
  const lines = linesOf(points);
  return {
    primary: lines.filter((l) => l.premise).map(lineInput),
    outsidePremise: lines.filter((l) => !l.premise).map(lineInput),
  };
}

/** Paired per-seed differences b − a of two lines at n (seeds where both interpolate). */
function paired(a: Map<number, number>, b: Map<number, number>): number[] {
  return [...b.entries()].filter(([s]) => a.has(s)).map(([s, v]) => v - (a.get(s) ?? 0));
}

/** H3's secondary endpoints: decay in n (unless at the floor), the noise effect, the approximation-error effect. */
export function h3Secondary(points: readonly H3Point[]): { endpoints: SecondaryEndpoint[]; notes: string[] } {
  const lines = linesOf(points);
  const endpoints: SecondaryEndpoint[] = [];
  const notes: string[] = [];
  for (const l of lines.filter((q) => q.premise)) {
    const decay = decayEndpoint(l);
    if (typeof decay === 'string') notes.push(decay);
    else endpoints.push(decay);
    endpoints.push(...noiseEndpoints(l, lines), ...approximationEndpoints(l, lines));
  }
  return { endpoints, notes };
}

/** The decay in n of one line (minus the per-seed slopes), or the note saying why it is not tested. */
function decayEndpoint(l: Line): SecondaryEndpoint | string {
  const top = [...atN(l, l.nMax).values()];
  const atFloor = top.length > 0 && top.reduce((a, b) => a + b, 0) / top.length <= H3_OPTIMIZER_FLOOR;
  const label = l.points[0].label;
  if (atFloor)
    return `${label}: risk at n = ${l.nMax} sits at the optimizer floor (mean log10(risk/Var f*) ≤ ${H3_OPTIMIZER_FLOOR}); decay in n is not required`;
  const slopes: number[] = [];
  for (const seed of distinct(l.points.map((p) => p.seed))) {
    const pts = l.points.filter((p) => p.seed === seed && p.interpolates && Number.isFinite(p.risk));
    if (distinct(pts.map((p) => p.n)).length >= 3)
      slopes.push(
        -linearFit(
          pts.map((p) => Math.log10(p.n)),
          pts.map(level),
        ).slope,
      );
  }
  if (slopes.length < 2) return `${label}: decay in n is not tested (fewer than 3 sample sizes on 2 seeds)`;
  return { label: `${label}: decay in n (minus the per-seed slope of log10 risk in log10 n)`, test: seedTest(slopes) };
}

/** The effect of label noise: each noisy line of the same cell against the noiseless one, paired by seed. */
function noiseEndpoints(l: Line, lines: readonly Line[]): SecondaryEndpoint[] {
  const label = l.points[0].label;
  const base = atN(l, l.nMax);
  return lines
    .filter((q) => q.points[0].cell === l.points[0].cell && q.points[0].noise > 0)
    .map((noisy) => {
      const n = Math.min(l.nMax, noisy.nMax);
      return {
        label: `${label}: σ_ε = ${noisy.points[0].noise} raises log10(risk/Var f*) at n = ${n} (interpolators only)`,
        test: seedTest(paired(l.nMax === n ? base : atN(l, n), atN(noisy, n))),
      };
    });
}

/** The effect of approximation error: each inexact noiseless line of the same family against this one. */
function approximationEndpoints(l: Line, lines: readonly Line[]): SecondaryEndpoint[] {
  const label = l.points[0].label;
  return lines
    .filter((q) => q.points[0].family === l.points[0].family && !q.points[0].exact && q.points[0].noise === 0)
    .map((approx) => {
      const n = Math.min(l.nMax, approx.nMax);
      return {
        label: `${approx.points[0].label}: approximation error raises log10(risk/Var f*) over ${label} at n = ${n} (interpolators only)`,
        test: seedTest(paired(atN(l, n), atN(approx, n))),
      };
    });
}
