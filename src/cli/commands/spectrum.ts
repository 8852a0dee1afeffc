/**
 * `flatlab spectrum --data D --model M`: the Hessian spectrum (or its Gauss–Newton / residual part) —
 * the top-k eigenvalues by Lanczos with their residuals, and the spectral density by stochastic Lanczos
 * quadrature (SLQ), with an optional figure of the density (.svg or .png by extension). Both use only
 * Hessian-vector products (src/measures/lanczos.ts); test/reliability/spectrum.test.ts checks them
 * against the dense eigenvalues on small models.
 */

import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { getBackend } from '../../linalg/backend.js';
import { lanczos, stochasticLanczosQuadrature } from '../../measures/lanczos.js';
import { curvatureOperator } from '../../measures/operators.js';
import { LOSS_CONVENTION } from '../../model/network.js';
import { formatNumber } from '../../number-format.js';
import { flagName, type ParamDef, parseParam, seedParam } from '../../params/table.js';
import { readDatasetFile } from '../dataset-file.js';
import { requireFiniteReport } from '../finite.js';
import { writeFileAtomic } from '../io.js';
import { readModelFile } from '../model-file.js';
import { OPERATOR_PARAM } from '../operator-param.js';
import { addParamOptions } from '../param-options.js';
import { addModelOnDataOptions, type ModelReadFlags, modelReadOptions } from '../tensor-options.js';

export const SPECTRUM_PARAMS = {
  k: { key: 'k', type: 'int', default: 5, min: 1, max: 1000, help: 'top eigenvalues by Lanczos' } as ParamDef<number>,
  probes: { key: 'probes', type: 'int', default: 10, min: 1, max: 1000, help: 'SLQ probe vectors' } as ParamDef<number>,
  steps: {
    key: 'steps',
    type: 'int',
    default: 40,
    min: 2,
    max: 1000,
    help: 'Lanczos steps per SLQ probe',
  } as ParamDef<number>,
  seed: seedParam('seed of the Lanczos start and the SLQ probes'),
  operator: OPERATOR_PARAM,
};

/** Most multiply-adds one spectrum run may need (a product costs about 4·n·m·d): minutes on one core. */
export const MAX_SPECTRUM_MULTIPLY_ADDS = 2e12;

type Flags = { data: string; labels?: string; model: string; json?: boolean; figure?: string } & ModelReadFlags &
  Partial<Record<keyof typeof SPECTRUM_PARAMS, string>>;

async function writeFigure(
  path: string,
  grid: Float64Array,
  density: Float64Array,
  top: readonly number[],
): Promise<void> {
  const ext = path.toLowerCase().match(/\.(svg|png)$/)?.[1];
  if (!ext) throw new InputError(`--figure ${path}: a figure is written as .svg or .png (the extension decides)`);
  const { toSvg, svgToPng } = await import('../../report/render.js');
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 480,
    height: 240,
    layer: [
      {
        data: { values: Array.from(grid, (x, i) => ({ eigenvalue: x, density: density[i] })) },
        mark: { type: 'area', opacity: 0.5, line: true },
        encoding: {
          x: { field: 'eigenvalue', type: 'quantitative', title: 'eigenvalue λ', axis: { format: '.3~g' } },
          y: { field: 'density', type: 'quantitative', title: 'spectral density (SLQ)', axis: { format: '.3~g' } },
        },
      },
      {
        data: { values: top.map((v) => ({ eigenvalue: v })) },
        mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 3] },
        encoding: { x: { field: 'eigenvalue', type: 'quantitative' } },
      },
    ],
  };
  const svg = await toSvg(spec);
  writeFileAtomic(path, ext === 'svg' ? svg : svgToPng(svg), { what: 'figure' });
}

export function register(program: Command): void {
  const cmd = program
    .command('spectrum')
    .description(
      'Hessian spectrum of a model on a data set: top-k eigenvalues by Lanczos and the spectral density by stochastic Lanczos quadrature, with a figure',
    );
  addModelOnDataOptions(cmd, 'data set file (flatlab.dataset/1 .json, or .npz with x, y, or x .npy with --labels)');
  addParamOptions(cmd, Object.values(SPECTRUM_PARAMS) as ParamDef[]);
  cmd
    .option('--figure <file>', 'write the density with the top eigenvalues marked (.svg or .png)')
    .option('--json', 'print one JSON object')
    .action(async (flags: Flags) => {
      const p = SPECTRUM_PARAMS;
      const get = <T>(def: ParamDef<T>): T => {
        const raw = flags[def.key as keyof typeof p];
        return raw === undefined ? def.default : parseParam(def, raw, flagName(def.key));
      };
      const [k, probes, steps, seed, kind] = [get(p.k), get(p.probes), get(p.steps), get(p.seed), get(p.operator)];
      const { net } = readModelFile(flags.model, modelReadOptions(flags));
      const data = readDatasetFile(flags.data, flags.labels);
      const op = curvatureOperator(net, data, kind);
      if (k > op.dim) throw new InputError(`--k ${k} exceeds the number of parameters (${op.dim})`);
      const budget = Math.min(op.dim, Math.max(3 * k, 30));
      const cost = 4 * data.n * net.m * net.d * (budget + probes * Math.min(steps, op.dim));
      if (cost > MAX_SPECTRUM_MULTIPLY_ADDS)
        throw new InputError(
          `spectrum on n = ${data.n}, m = ${net.m}, d = ${net.d} needs about ${cost.toExponential(2)} multiply-adds; the limit is ${MAX_SPECTRUM_MULTIPLY_ADDS.toExponential(0)} (lower --k, --probes or --steps)`,
        );
      const top = lanczos(op, { k, budget, seed, which: 'largest' });
      const slq = stochasticLanczosQuadrature(op, { probes, steps, seed });
      const out = {
        operator: kind,
        dim: op.dim,
        top: { values: top.values, residuals: top.residuals, converged: top.allConverged, matvecs: top.matvecs },
        density: {
          probes,
          steps,
          traceEstimate: slq.traceEstimate,
          traceStderr: slq.traceStderr,
          sigma: slq.sigma,
          grid: Array.from(slq.grid),
          density: Array.from(slq.density),
        },
        seed,
        lossConvention: LOSS_CONVENTION,
        backend: getBackend().name,
      };
      requireFiniteReport('spectrum', out, 'the model weights are too large or too small for double precision');
      if (flags.figure) await writeFigure(flags.figure, slq.grid, slq.density, top.values);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      const num = formatNumber;
      const lines = [
        `${kind} spectrum, dim ${op.dim} (Lanczos ${top.matvecs} products${top.allConverged ? '' : ', NOT all converged: raise --k or use a smaller model'})`,
        '  top eigenvalues   residual ‖Hy − λy‖',
        ...top.values.map((v, i) => `  ${num(v).padStart(15)}   ${num(top.residuals[i])}`),
        `  density (SLQ, ${probes} probes × ${steps} steps): support [${num(slq.grid[0])}, ${num(slq.grid[slq.grid.length - 1])}], trace ≈ ${num(slq.traceEstimate)} ± ${num(slq.traceStderr)}`,
        ...(flags.figure ? [`  figure: ${flags.figure}`] : []),
        `loss convention: ${LOSS_CONVENTION}; ${getBackend().name} backend`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
