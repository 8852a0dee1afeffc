/**
 * The deep-network branch of `flatlab measure`, `rescale` and `estimate-trace` (docs/math.md#deep-networks,
 * §11): each command reads the model with readAnyModelFile and, when it is deep, hands over to a function
 * here; two-layer models never reach this file.
 */
import type { TargetSpec } from '../data/target.js';
import { InputError } from '../errors.js';
import { mlpTrace, mlpTraceCost } from '../flatness/mlp-trace.js';
import { getBackend } from '../linalg/backend.js';
import { mlpCurvatureOperator } from '../measures/mlp-operator.js';
import type { CurvatureOperator, OperatorKind } from '../measures/operators.js';
import { MLP_LOSS_CONVENTION, type Mlp, type MlpData, mlpForward, mlpParamCount } from '../model/mlp.js';
import { formatNumber } from '../number-format.js';
import { type ParamDef, parseParam } from '../params/table.js';
import { monteCarloRiskOf } from '../risk/montecarlo.js';
import {
  type MlpInvariantFlatness,
  mlpBalance,
  mlpInvariantFlatness,
  mlpPathNorm,
  mlpRandomFactors,
  mlpRescale,
  mlpUniformFactors,
} from '../symmetry/mlp-balance.js';
import { VERSION } from '../version.js';
import { requireFiniteArray, requireFiniteReport } from './finite.js';
import { readMlpDataFile, writeMlpModelFile } from './mlp-files.js';

const HINT = 'the model weights are too large or too small for double precision';

/** Most multiply-adds the exact trace of a deep network may need: its GEMMs, and its per-sample residual loops. */
export const MAX_TRACE_MULTIPLY_ADDS = 1e12;
export const MAX_RESIDUAL_MULTIPLY_ADDS = 1e11;

export interface DeepMeasureReport {
  model: {
    layers: number;
    widths: number[];
    biases: boolean[];
    outputs: number;
    parameters: number;
    activation: string;
  };
  trace: number;
  traceGaussNewton: number;
  traceResidual: number;
  /** Layer l at index l − 1: its weights' and bias's parts. */
  traceByLayer: { layer: number; gaussNewton: number; residual: number }[];
  invariantFlatness: number | null;
  /** The geometric program's certificate and the neurons it pruned (null for a non-homogeneous σ). */
  fStar: {
    sweeps: number;
    relativeChange: number;
    gradientNorm: number;
    converged: boolean;
    deadNeurons: { layer: number; neuron: number; kind: string }[];
    traceAtBalanced: number;
  } | null;
  pathNorm: number | null;
  trainLoss: number;
  maxResidual: number;
  populationRisk: { value: number | null; stderr: number | null; method: 'montecarlo' | 'unavailable'; note?: string };
  lossConvention: string;
  version: string;
  backend: string;
}

export function computeDeepMeasureReport(
  net: Mlp,
  data: MlpData,
  target: TargetSpec | undefined,
  opts: { mcSamples: number; seed: number },
): DeepMeasureReport {
  const t = mlpTrace(net, data);
  const homogeneous = net.act.degree !== null;
  const inv: MlpInvariantFlatness | null = homogeneous ? mlpInvariantFlatness(net, data, t) : null;
  const c = net.widths[net.widths.length - 1];
  let risk: DeepMeasureReport['populationRisk'] = {
    value: null,
    stderr: null,
    method: 'unavailable',
    note: 'the data set has no target',
  };
  if (target && c === 1) {
    if (target.d !== data.d)
      throw new InputError(`dimension mismatch: the model has d = ${data.d} but the target has d = ${target.d}`);
    const r = monteCarloRiskOf((X, rows) => mlpForward(net, X, rows), target, {
      samples: opts.mcSamples,
      seed: opts.seed,
    });
    risk = { value: r.value, stderr: r.stderr, method: 'montecarlo' };
  } else if (target) risk.note = `the target is scalar and the model has ${c} outputs`;
  return {
    model: {
      layers: net.W.length,
      widths: [...net.widths],
      biases: net.b.map((b) => b !== null),
      outputs: c,
      parameters: mlpParamCount(net),
      activation: net.act.label,
    },
    trace: t.trace,
    traceGaussNewton: t.traceGaussNewton,
    traceResidual: t.traceResidual,
    traceByLayer: t.layers.map((x, i) => ({ layer: i + 1, ...x })),
    invariantFlatness: inv ? inv.value : null,
    fStar: inv
      ? {
          ...inv.certificate,
          deadNeurons: inv.dead.map((x) => ({ ...x })),
          traceAtBalanced: inv.traceAtFactors,
        }
      : null,
    pathNorm: homogeneous ? mlpPathNorm(net) : null,
    trainLoss: t.loss,
    maxResidual: t.maxResidual,
    populationRisk: risk,
    lossConvention: MLP_LOSS_CONVENTION,
    version: VERSION,
    backend: getBackend().name,
  };
}

const num = (v: number | null): string => formatNumber(v);

export function formatDeepMeasureReport(r: DeepMeasureReport): string {
  const pr = r.populationRisk;
  const rows: [string, string][] = [
    [
      'network',
      `${r.model.widths.join(' → ')} (${r.model.layers} layers, ${r.model.activation}, ${r.model.parameters} parameters)`,
    ],
    ['trace  Tr ∇²L', num(r.trace)],
    ['  Gauss–Newton part', num(r.traceGaussNewton)],
    ['  residual part', num(r.traceResidual)],
    ...r.traceByLayer.map((x): [string, string] => [
      `  layer ${x.layer}`,
      `${num(x.gaussNewton + x.residual)} (GN ${num(x.gaussNewton)}, residual ${num(x.residual)})`,
    ]),
    [
      'invariant flatness  F*',
      r.invariantFlatness === null ? 'n/a (activation not homogeneous)' : num(r.invariantFlatness),
    ],
  ];
  const f = r.fStar;
  if (f) {
    rows.push([
      '  certificate',
      `${f.converged ? 'converged' : 'NOT converged'} after ${f.sweeps} sweeps: ‖∇_z T‖/T = ${num(f.gradientNorm)}, relative change ${num(f.relativeChange)}`,
    ]);
    const unb = f.deadNeurons.filter((x) => x.kind === 'unbounded');
    const ina = f.deadNeurons.length - unb.length;
    if (f.deadNeurons.length > 0) {
      const parts = [`${ina} inactive (no curvature in or out: left out, F* attained)`];
      if (unb.length > 0)
        parts.push(
          `${unb.length} unbounded (curvature on one side only: pruned, F* is an infimum, not attained; the trace at the balanced point is ${num(f.traceAtBalanced)})`,
        );
      rows.push(['  dead neurons', parts.join(', ')]);
    }
  }
  rows.push(
    ['path norm  P', r.pathNorm === null ? 'n/a (activation not homogeneous)' : num(r.pathNorm)],
    ['train loss', num(r.trainLoss)],
    ['max residual', num(r.maxResidual)],
    [
      'population risk',
      pr.method === 'unavailable' ? `unavailable (${pr.note})` : `${num(pr.value)} ± ${num(pr.stderr)} (montecarlo)`,
    ],
  );
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  lines.push(`loss convention: ${r.lossConvention}; flatlab ${r.version}, ${r.backend} backend`);
  return `${lines.join('\n')}\n`;
}

interface DeepMeasureFlags {
  data: string;
  labels?: string;
  json?: boolean;
  all?: boolean;
  invariance?: boolean;
  init?: string;
}

/** `flatlab measure` on a deep network. */
export function measureDeep(net: Mlp, flags: DeepMeasureFlags, opts: { mcSamples: number; seed?: number }): void {
  for (const f of ['all', 'invariance', 'init'] as const)
    if (flags[f] !== undefined)
      throw new InputError(
        `measure --${f}: the measure registry covers two-layer networks only (this model has ${net.W.length} layers)`,
      );
  const { data, target } = readMlpDataFile(flags.data, flags.labels);
  const cost = mlpTraceCost(net, data.n);
  if (cost.gaussNewton > MAX_TRACE_MULTIPLY_ADDS || cost.residual > MAX_RESIDUAL_MULTIPLY_ADDS)
    throw new InputError(
      `measure: the exact trace of this ${net.W.length}-layer network on n = ${data.n} needs about ${cost.gaussNewton.toExponential(2)} multiply-adds in GEMMs and ${cost.residual.toExponential(2)} in the per-sample residual part (σ″ ≠ 0); the limits are ${MAX_TRACE_MULTIPLY_ADDS.toExponential(0)} and ${MAX_RESIDUAL_MULTIPLY_ADDS.toExponential(0)}`,
    );
  const report = computeDeepMeasureReport(net, data, target, { mcSamples: opts.mcSamples, seed: opts.seed ?? 0 });
  requireFiniteReport('measure', report, HINT);
  process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : formatDeepMeasureReport(report));
}

interface DeepRescaleFlags {
  out: string;
  model: string;
  data?: string;
  labels?: string;
  factor?: string;
  randomLogRange?: string;
  seed?: string;
}

/** `flatlab rescale` on a deep network (the flag combination was checked by the command). */
export function rescaleDeep(
  net: Mlp,
  provenance: Record<string, unknown>,
  flags: DeepRescaleFlags,
  params: { logRange: ParamDef<number>; seed: ParamDef<number> },
): void {
  let out: Mlp;
  let op: Record<string, unknown>;
  let extra = '';
  if (flags.factor !== undefined) {
    const c = flags.factor.trim() === '' ? Number.NaN : Number(flags.factor);
    if (!(c > 0) || !Number.isFinite(c))
      throw new InputError(`--factor must be a finite number > 0 (got ${JSON.stringify(flags.factor)})`);
    out = mlpRescale(net, mlpUniformFactors(net, c));
    op = { mode: 'factor', factor: c };
  } else if (flags.randomLogRange !== undefined) {
    const r = parseParam(params.logRange, flags.randomLogRange, '--random-log-range');
    const seed = flags.seed === undefined ? params.seed.default : parseParam(params.seed, flags.seed, '--seed');
    out = mlpRescale(net, mlpRandomFactors(net, r, seed));
    op = { mode: 'random', logRange: r, seed };
  } else {
    if (flags.data === undefined)
      throw new InputError('rescale: --balance needs --data <file> (the balanced point depends on the data)');
    const { data } = readMlpDataFile(flags.data, flags.labels);
    const b = mlpBalance(net, data);
    out = b.net;
    op = { mode: 'balance', data: flags.data };
    extra = `; F* ${num(b.flatness.value)} (GN trace there ${num(b.flatness.traceAtFactors)})`;
  }
  const hint = 'the factor moves the weights out of the double range';
  const check = (name: string, before: Float64Array, after: Float64Array): void => {
    requireFiniteArray(name, after, hint);
    for (let t = 0; t < after.length; t++)
      if (before[t] !== 0 && after[t] === 0) throw new InputError(`${name}[${t}] underflows to 0; ${hint}`);
  };
  out.W.forEach((W, i) => {
    check(`rescaled W${i + 1}`, net.W[i], W);
    const b = out.b[i];
    if (b) check(`rescaled b${i + 1}`, net.b[i] as Float64Array, b);
  });
  const history = Array.isArray(provenance.rescale) ? provenance.rescale : [];
  writeMlpModelFile(
    flags.out,
    out,
    { ...provenance, rescale: [...history, op] },
    { inputs: [flags.model, flags.data] },
  );
  const hidden = net.widths.slice(1, -1).reduce((s, x) => s + x, 0);
  const pn =
    net.act.degree === null ? '' : `; path norm ${num(mlpPathNorm(out))} (unchanged from ${num(mlpPathNorm(net))})`;
  process.stdout.write(
    `rescaled (${op.mode}) ${net.W.length} layers, ${hidden} hidden neurons${pn}${extra}; wrote ${flags.out}\n`,
  );
}

/** The curvature operator of a deep network on the data file, with n and the dimension for the cost check. */
export function deepOperator(
  net: Mlp,
  dataPath: string,
  labels: string | undefined,
  kind: OperatorKind,
): { op: CurvatureOperator; n: number } {
  const { data } = readMlpDataFile(dataPath, labels);
  return { op: mlpCurvatureOperator(net, data, kind), n: data.n };
}
