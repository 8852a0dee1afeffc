/**
 * `flatlab measure --data D --model M [--json]`: the exact flatness quantities of a model on a data set
 * (docs/math.md#flatness, §3–4), its train loss and its population risk (§7).
 *
 * Split in two so the command is easy to extend: `computeMeasureReport` builds the report object (one
 * sweep over the data for the trace parts, F* from the same parts), `formatMeasureReport` prints it.
 */

import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { InputError } from '../../errors.js';
import { traceParts } from '../../flatness/trace.js';
import { getBackend } from '../../linalg/backend.js';
import { INVARIANCE_PARAMS, type InvarianceReport, invarianceReport } from '../../measures/invariance.js';
import { formatInvarianceReport, measureRows } from '../../measures/measure-table.js';
import { computeAllMeasures } from '../../measures/registry.js';
import { mlpParamCount } from '../../model/mlp.js';
import { LOSS_CONVENTION, type Network } from '../../model/network.js';
import { formatNumber } from '../../number-format.js';
import { type ParamDef, parseParamIfGiven, seedParam } from '../../params/table.js';
import { populationRisk } from '../../risk/index.js';
import { invariantFlatness } from '../../symmetry/invariant.js';
import { pathNorm } from '../../symmetry/rescale.js';
import { VERSION } from '../../version.js';
import { readDatasetFile } from '../dataset-file.js';
import { requireFiniteReport } from '../finite.js';
import { measureDeep } from '../mlp-commands.js';
import { readAnyModelFile } from '../mlp-files.js';
import { readModelFile } from '../model-file.js';
import { formatPerNeuron, perNeuronRows } from '../per-neuron.js';
import { addModelOnDataOptions, type ModelReadFlags, modelReadOptions } from '../tensor-options.js';

/** Monte Carlo samples when the exact risk formula does not apply (kept moderate so MC never dominates). */
export const MEASURE_MC_SAMPLES = 16384;

/**
 * Default sample count: 16384, fewer for wide models so that Monte Carlo costs at most about 5·10⁸
 * multiply-adds (≈ a fraction of the trace pass on n = 10⁴ data); never below 2048. The standard error
 * is reported, and --mc-samples overrides.
 */
export function defaultMcSamples(net: Pick<Network, 'm' | 'd'>): number {
  return Math.max(2048, Math.min(MEASURE_MC_SAMPLES, Math.floor(5e8 / (net.m * net.d))));
}

/** Most multiply-adds --mc-samples may ask for (samples · m · d): about half a minute on one core. */
export const MAX_MC_MULTIPLY_ADDS = 2e10;

/** Refuse a Monte Carlo sample count whose cost is over MAX_MC_MULTIPLY_ADDS, before any work. */
export function checkMcCost(samples: number, net: Pick<Network, 'm' | 'd'>): void {
  const cost = samples * net.m * net.d;
  if (cost > MAX_MC_MULTIPLY_ADDS)
    throw new InputError(
      `--mc-samples ${samples} with m = ${net.m}, d = ${net.d} needs about ${cost.toExponential(2)} multiply-adds; the limit is ${MAX_MC_MULTIPLY_ADDS.toExponential(0)} (at most ${Math.floor(MAX_MC_MULTIPLY_ADDS / (net.m * net.d))} samples for this model)`,
    );
}

export const MEASURE_PARAMS = {
  mcSamples: {
    key: 'mcSamples',
    type: 'int',
    default: MEASURE_MC_SAMPLES,
    min: 2,
    max: 1e9,
    help: 'Monte Carlo samples for the population risk',
  } as ParamDef<number>,
  seed: seedParam('seed of the Monte Carlo samples'),
};

export interface RiskReport {
  value: number | null;
  stderr: number | null;
  /** 'exact', 'montecarlo', or 'unavailable' (imported data without a target). */
  method: 'exact' | 'montecarlo' | 'unavailable';
}

export interface MeasureReport {
  /** Tr ∇²L, exact. */
  trace: number;
  traceGaussNewton: number;
  traceResidual: number;
  /** F* (null for non-homogeneous activations, where the symmetry does not exist). */
  fStar: number | null;
  /** @deprecated The same number as `fStar`, still written for readers of flatlab 0.1; removed in 0.3. */
  invariantFlatness: number | null;
  pathNorm: number | null;
  trainLoss: number;
  maxResidual: number;
  populationRisk: RiskReport;
  lossConvention: string;
  version: string;
  backend: string;
}

export interface MeasureOptions {
  mcSamples?: number;
  seed?: number;
}

export function computeMeasureReport(net: Network, data: Dataset, opts: MeasureOptions = {}): MeasureReport {
  const parts = traceParts(net, data);
  const homogeneous = net.act.degree !== null;
  const fStar = homogeneous ? invariantFlatness(net, data, parts).value : null;
  const risk: RiskReport = data.target
    ? (({ value, stderr, method }) => ({ value, stderr, method }))(
        populationRisk(net, data.target, { samples: opts.mcSamples ?? defaultMcSamples(net), seed: opts.seed ?? 0 }),
      )
    : { value: null, stderr: null, method: 'unavailable' };
  return {
    trace: parts.trace,
    traceGaussNewton: parts.traceGaussNewton,
    traceResidual: parts.traceResidual,
    fStar,
    invariantFlatness: fStar,
    pathNorm: homogeneous ? pathNorm(net) : null,
    trainLoss: parts.loss,
    maxResidual: parts.maxResidual,
    populationRisk: risk,
    lossConvention: LOSS_CONVENTION,
    version: VERSION,
    backend: getBackend().name,
  };
}

const num = (v: number | null): string => formatNumber(v);

/** A readable two-column table of a report. Extra rows (label, value) can be appended by extensions. */
export function formatMeasureReport(r: MeasureReport, extra: [string, string][] = []): string {
  const pr = r.populationRisk;
  const risk =
    pr.method === 'unavailable'
      ? 'unavailable (the data set has no target)'
      : `${num(pr.value)}${pr.method === 'montecarlo' ? ` ± ${num(pr.stderr)}` : ''} (${pr.method})`;
  const rows: [string, string][] = [
    ['trace  Tr ∇²L', num(r.trace)],
    ['  Gauss–Newton part', num(r.traceGaussNewton)],
    ['  residual part', num(r.traceResidual)],
    ['invariant flatness  F*', r.fStar === null ? 'n/a (activation not homogeneous)' : num(r.fStar)],
    ['path norm  P', r.pathNorm === null ? 'n/a (activation not homogeneous)' : num(r.pathNorm)],
    ['train loss', num(r.trainLoss)],
    ['max residual', num(r.maxResidual)],
    ['population risk', risk],
    ...extra,
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  lines.push(`loss convention: ${r.lossConvention}; flatlab ${r.version}, ${r.backend} backend`);
  return `${lines.join('\n')}\n`;
}

interface MeasureFlags extends ModelReadFlags {
  data: string;
  labels?: string;
  model: string;
  json?: boolean;
  mcSamples?: string;
  seed?: string;
  all?: boolean;
  invariance?: boolean;
  perNeuron?: boolean;
  init?: string;
  orbitPoints?: string;
  orbitLogRange?: string;
}

export function register(program: Command): Command {
  const cmd = program
    .command('measure')
    .description(
      'exact Hessian trace (with Gauss–Newton and residual parts), invariant flatness F*, path norm, train loss and population risk of a model',
    );
  addModelOnDataOptions(cmd, 'data set file (flatlab.dataset/1 .json, or .npz with x, y, or x .npy with --labels)');
  return cmd
    .option('--json', 'print the report as one JSON object')
    .option(
      '--mc-samples <N>',
      `Monte Carlo samples for the population risk when no exact formula applies (default ${MEASURE_MC_SAMPLES}, fewer for wide models: 5e8/(m·d), at least 2048)`,
    )
    .option('--seed <s>', 'seed of the Monte Carlo samples (default 0)')
    .option('--all', 'also compute every registered measure (sharpness, PAC-Bayes, norms, …; docs/measures.md)')
    .option(
      '--invariance',
      'evaluate each registered measure on random points of the rescaling orbit and report its spread',
    )
    .option('--per-neuron', 'also print the trace parts A_j, B_j, C_j and F*_j, c*_j, s_j of every neuron')
    .option('--init <file>', 'initial model (flatlab.model/1), for distance_to_init')
    .option('--orbit-points <N>', 'orbit points for --invariance (default 20)')
    .option('--orbit-log-range <r>', 'orbit factors 10^U[−r, r] for --invariance (default 1)')
    .action((flags: MeasureFlags) => {
      const mcSamples = parseParamIfGiven(MEASURE_PARAMS.mcSamples, flags.mcSamples, '--mc-samples');
      const seed = parseParamIfGiven(MEASURE_PARAMS.seed, flags.seed, '--seed');
      const model = readAnyModelFile(flags.model, modelReadOptions(flags));
      if (model.kind === 'deep') {
        // A deep network costs about one multiply-add per parameter per Monte Carlo sample.
        const size = { m: mlpParamCount(model.net), d: 1 };
        if (mcSamples !== undefined) checkMcCost(mcSamples, size);
        measureDeep(model.net, flags, { mcSamples: mcSamples ?? defaultMcSamples(size), seed });
        return;
      }
      measureNetwork(model.net, flags, mcSamples, seed);
    });
}

/** `measure --invariance`: every registered measure on random points of the rescaling orbit. */
function orbitReport(net: Network, data: Dataset, flags: MeasureFlags, seed: number, init: Network | undefined) {
  return invarianceReport(net, data, {
    points: parseParamIfGiven(INVARIANCE_PARAMS.points, flags.orbitPoints, '--orbit-points'),
    logRange: parseParamIfGiven(INVARIANCE_PARAMS.logRange, flags.orbitLogRange, '--orbit-log-range'),
    seed,
    context: { init },
  });
}

/** `measure` on a two-layer network: the base report, and the registry's measures, the orbit and the per-neuron parts where asked. */
function measureNetwork(
  net: Network,
  flags: MeasureFlags,
  mcSamples: number | undefined,
  seed: number | undefined,
): void {
  if (mcSamples !== undefined) checkMcCost(mcSamples, net);
  const data = readDatasetFile(flags.data, flags.labels);
  const report = computeMeasureReport(net, data, { mcSamples, seed });
  // Weights out of range (e.g. ×1e200) overflow the trace or the loss: an error naming it, not Infinity.
  const hint = 'the model weights are too large or too small for double precision';
  requireFiniteReport('measure', report, hint);
  // --all / --invariance: the measure registry (src/measures), added without changing the base report.
  const init = flags.init === undefined ? undefined : readModelFile(flags.init, modelReadOptions(flags)).net;
  const all = flags.all ? computeAllMeasures(net, data, { seed: seed ?? 0, init }) : undefined;
  const inv = flags.invariance ? orbitReport(net, data, flags, seed ?? 0, init) : undefined;
  if (all) requireFiniteReport('measure --all', all.values, hint);
  const perNeuron = flags.perNeuron ? perNeuronRows(net, data) : undefined;
  process.stdout.write(measureOutput(report, { all, inv, perNeuron }, flags.json === true));
}

/** What `measure` prints: one JSON object, or the report's table followed by the orbit's and the per-neuron tables. */
function measureOutput(
  report: MeasureReport,
  extra: {
    all: ReturnType<typeof computeAllMeasures> | undefined;
    inv: InvarianceReport | undefined;
    perNeuron: ReturnType<typeof perNeuronRows> | undefined;
  },
  json: boolean,
): string {
  const { all, inv, perNeuron } = extra;
  if (json) {
    const more = {
      ...(all ? { measures: all.values, measuresSkipped: all.skipped } : {}),
      ...(inv ? { invariance: inv } : {}),
      ...(perNeuron ? { perNeuron } : {}),
    };
    return `${JSON.stringify({ ...report, ...more })}\n`;
  }
  return [
    formatMeasureReport(report, all ? measureRows(all) : []),
    ...(inv ? [`\n${formatInvarianceReport(inv)}`] : []),
    ...(perNeuron ? [`\n${formatPerNeuron(perNeuron)}`] : []),
  ].join('');
}
