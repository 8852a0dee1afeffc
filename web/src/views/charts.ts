/** The playground's charts, all drawn with @observablehq/plot. */
import * as Plot from '@observablehq/plot';
import type { Heatmap, NeuronPoint, OrbitCurve } from '../lab.js';
import type { HistoryPoint, InterpolatorResult } from '../protocol.js';

const W = 320;
const FONT = { fontSize: '11px' };

type Series = { step: number; value: number; series: string };

function longFormat(history: HistoryPoint[], keys: [keyof HistoryPoint, string][]): Series[] {
  const out: Series[] = [];
  for (const h of history) {
    for (const [k, name] of keys) {
      const v = h[k];
      if (typeof v === 'number' && v > 0 && Number.isFinite(v)) out.push({ step: h.step, value: v, series: name });
    }
  }
  return out;
}

export function curvesChart(history: HistoryPoint[], which: 'loss' | 'flatness'): Element | null {
  const keys: [keyof HistoryPoint, string][] =
    which === 'loss'
      ? [
          ['loss', 'train loss L'],
          ['risk', 'population risk R'],
        ]
      : [
          ['F', 'F = Tr ∇²L'],
          ['fStar', 'F* (invariant)'],
        ];
  const data = longFormat(history, keys);
  if (history.length < 2) return null;
  return Plot.plot({
    width: W,
    height: 170,
    style: FONT,
    marginLeft: 50,
    x: { label: 'step', grid: true },
    y: { type: 'log', label: which === 'loss' ? 'loss / risk' : 'flatness', grid: true, ticks: 5 },
    color: {
      legend: true,
      domain: keys.map((k) => k[1]),
      range: which === 'loss' ? ['#e8710a', '#1a73e8'] : ['#9334e6', '#188038'],
    },
    marks: [Plot.line(data, { x: 'step', y: 'value', stroke: 'series', strokeWidth: 1.8 })],
  });
}

export function heatmapChart(h: Heatmap, which: 'f' | 'target', domain: [number, number]): Element {
  const values = which === 'f' ? h.f : h.target;
  return Plot.plot({
    width: 175,
    height: 175,
    style: FONT,
    marginLeft: 28,
    marginBottom: 28,
    marginTop: 18,
    x: { domain: [-h.extent, h.extent], label: 'u₁ᵀx', ticks: 3 },
    y: { domain: [-h.extent, h.extent], label: 'u₂ᵀx', ticks: 3 },
    color: { type: 'linear', scheme: 'RdBu', reverse: true, domain },
    marks: [
      Plot.raster(Array.from(values), {
        width: h.G,
        height: h.G,
        x1: -h.extent,
        x2: h.extent,
        y1: h.extent,
        y2: -h.extent,
        imageRendering: 'pixelated',
      }),
      Plot.frame(),
    ],
  });
}

export function heatmapLegend(domain: [number, number]): Element {
  return Plot.legend({
    color: { type: 'linear', scheme: 'RdBu', reverse: true, domain, label: 'f(x), f*(x)' },
    width: 300,
  }) as Element;
}

export function neuronChart(neurons: NeuronPoint[]): Element | null {
  const data = neurons.filter((p) => p.mass > 0);
  if (data.length === 0) return null;
  return Plot.plot({
    width: W,
    height: 220,
    style: FONT,
    marginLeft: 45,
    x: { type: 'log', label: 'invariant mass |s_j| = |a_j| ‖w_j‖^k', grid: true },
    y: { domain: [0, 1], label: 'alignment ‖P_U w_j‖/‖w_j‖', grid: true },
    r: { range: [1.5, 9] },
    color: { type: 'log', scheme: 'viridis', label: '|a_j|', legend: true },
    marks: [
      Plot.dot(data, {
        x: 'mass',
        y: 'align',
        r: 'absA',
        fill: 'absA',
        fillOpacity: 0.8,
        stroke: '#333',
        strokeWidth: 0.3,
      }),
    ],
  });
}

export function orbitChart(orbit: OrbitCurve, current: number, currentF: number): Element {
  const data = orbit.symLog.map((s, i) => ({ s, F: orbit.F[i] })).filter((p) => p.F > 0);
  return Plot.plot({
    width: W,
    height: 170,
    style: FONT,
    marginLeft: 50,
    x: { label: 'log₁₀ c', domain: [-3, 3], grid: true },
    y: { type: 'log', label: 'F along the orbit', grid: true },
    marks: [
      Plot.line(data, { x: 's', y: 'F', stroke: '#9334e6', strokeWidth: 1.8 }),
      Plot.ruleY([orbit.fStar], { stroke: '#188038', strokeDasharray: '4,3' }),
      Plot.text([orbit.fStar], {
        x: 3,
        y: (d: number) => d,
        text: () => 'F*',
        dy: -7,
        textAnchor: 'end',
        fill: '#188038',
      }),
      currentF > 0
        ? Plot.dot([{ s: current, F: currentF }], { x: 's', y: 'F', r: 5, fill: '#9334e6', stroke: 'white' })
        : null,
    ],
  });
}

/** Risks below this fraction of the largest are drawn on the floor (an exact teacher has R ≈ 1e-30). */
const RISK_FLOOR = 1e-6;

export function interpolatorChart(points: InterpolatorResult[]): Element | null {
  const withRisk = points.filter((p) => p.risk !== null && p.fStar > 0);
  if (withRisk.length === 0) return null;
  const top = Math.max(...withRisk.map((p) => p.risk as number));
  const floor = top * RISK_FLOOR;
  const low = Math.max(floor, Math.min(...withRisk.map((p) => p.risk as number)) / 3);
  // A point that does not interpolate yet (the trained network early on) is labelled as such.
  const data = withRisk.map((p) => ({
    ...p,
    y: Math.max(p.risk as number, floor),
    label: p.loss > 1e-8 ? `${p.name} *` : p.name,
  }));
  return Plot.plot({
    width: 520,
    height: 240,
    style: FONT,
    marginLeft: 55,
    marginRight: 110,
    x: { type: 'log', label: 'invariant flatness F*', grid: true },
    y: {
      type: 'log',
      label: low === floor ? `population risk R (floor ${floor.toExponential(0)})` : 'population risk R',
      grid: true,
      domain: [low, top * 2],
    },
    color: { legend: false },
    marks: [
      Plot.dot(data, { x: 'fStar', y: 'y', fill: 'name', r: 6, stroke: '#333' }),
      Plot.text(['* not an interpolator (train loss > 1e-8)'], {
        frameAnchor: 'bottom-right',
        dy: -4,
        fill: '#5f6368',
        fontSize: 10,
      }),
      Plot.text(data, { x: 'fStar', y: 'y', text: 'label', dx: 9, textAnchor: 'start' }),
    ],
  });
}
