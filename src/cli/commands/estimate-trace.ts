/**
 * `flatlab estimate-trace --data D --model M --method <hutchinson|hutchpp> --budget N --seeds S`:
 * randomized trace estimates of the Hessian (or its Gauss–Newton / residual part) next to the exact
 * closed-form value, plus error-vs-budget data for both estimators (a convergence plot).
 */

import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { getBackend } from '../../linalg/backend.js';
import { budgetLadder, estimateOverSeeds, traceConvergence } from '../../measures/convergence.js';
import { type CurvatureOperator, curvatureOperator } from '../../measures/operators.js';
import { TRACE_METHODS, type TraceMethod } from '../../measures/trace-estimators.js';
import { SAMPLERS, type Sampler } from '../../measures/vec.js';
import { LOSS_CONVENTION } from '../../model/network.js';
import { formatNumber } from '../../number-format.js';
import { flagName, type ParamDef, parseParam, seedParam } from '../../params/table.js';
import { readDatasetFile } from '../dataset-file.js';
import { requireFinite, requireFiniteReport } from '../finite.js';
import { deepOperator } from '../mlp-commands.js';
import { readAnyModelFile } from '../mlp-files.js';
import { OPERATOR_PARAM } from '../operator-param.js';
import { addParamOptions } from '../param-options.js';
import { addModelOnDataOptions, type ModelReadFlags, modelReadOptions } from '../tensor-options.js';
import { zeroTraceNote } from '../trace-diagnosis.js';

export const ESTIMATE_TRACE_PARAMS = {
  method: {
    key: 'method',
    type: 'enum',
    choices: TRACE_METHODS,
    default: 'hutchinson',
    help: 'trace estimator',
  } as ParamDef<TraceMethod>,
  budget: {
    key: 'budget',
    type: 'int',
    default: 30,
    min: 4,
    max: 1e6,
    help: 'matrix-vector products per estimate',
  } as ParamDef<number>,
  seeds: {
    key: 'seeds',
    type: 'int',
    default: 10,
    min: 1,
    max: 1e5,
    help: 'independent repetitions (the reported stderr is their spread)',
  } as ParamDef<number>,
  seed: seedParam('base seed of the probes'),
  sampler: {
    key: 'sampler',
    type: 'enum',
    choices: SAMPLERS,
    default: 'rademacher',
    help: 'probe distribution',
  } as ParamDef<Sampler>,
  operator: OPERATOR_PARAM,
};

/** Most multiply-adds one estimate-trace run may need (all products, convergence runs included). */
export const MAX_ESTIMATE_MULTIPLY_ADDS = 2e11;

/**
 * Refuse budget × seeds (plus the convergence ladder, both methods) whose estimated cost is over the
 * limit: one curvature-vector product is about 4 n·m·d multiply-adds (a forward and a backward pass,
 * each with its directional derivative).
 */
export function checkEstimateCost(
  budget: number,
  seeds: number,
  convergence: boolean,
  n: number,
  m: number,
  d: number,
): void {
  const products = seeds * (budget + (convergence ? 2 * budgetLadder(budget).reduce((s, b) => s + b, 0) : 0));
  const cost = products * 4 * n * m * d;
  if (cost > MAX_ESTIMATE_MULTIPLY_ADDS)
    throw new InputError(
      `--budget ${budget} × --seeds ${seeds}${convergence ? ' (with the convergence runs)' : ''} on n = ${n}, m = ${m}, d = ${d} needs about ${cost.toExponential(2)} multiply-adds; the limit is ${MAX_ESTIMATE_MULTIPLY_ADDS.toExponential(0)} (lower --budget or --seeds, or add --no-convergence)`,
    );
}

type Flags = { data: string; labels?: string; model: string; json?: boolean; convergence?: boolean } & ModelReadFlags &
  Partial<Record<keyof typeof ESTIMATE_TRACE_PARAMS, string>>;

const num = (v: number): string => formatNumber(v);
const noteField = (note: string | null): { note?: string } => (note === null ? {} : { note });

export function register(program: Command): void {
  const cmd = program
    .command('estimate-trace')
    .description(
      'Hutchinson / Hutch++ estimates of the Hessian trace with standard errors, beside the exact value, and error-vs-budget data',
    );
  addModelOnDataOptions(cmd, 'data set file (flatlab.dataset/1)');
  addParamOptions(cmd, Object.values(ESTIMATE_TRACE_PARAMS) as ParamDef[]);
  cmd
    .option('--no-convergence', 'skip the error-vs-budget runs (budgets 4, 8, 16, … up to --budget, both methods)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      '\nExample:\n  flatlab estimate-trace --data D.json --model M.json --method hutchpp --budget 60 --seeds 20 --json\n',
    )
    .action((flags: Flags) => {
      const p = ESTIMATE_TRACE_PARAMS;
      const get = <T>(def: ParamDef<T>): T => {
        const raw = flags[def.key as keyof typeof p];
        return raw === undefined ? def.default : parseParam(def, raw, flagName(def.key));
      };
      const method = get(p.method);
      const budget = get(p.budget);
      const seeds = get(p.seeds);
      const seed = get(p.seed);
      const sampler = get(p.sampler);
      const kind = get(p.operator);
      const model = readAnyModelFile(flags.model, modelReadOptions(flags));
      let op: CurvatureOperator;
      if (model.kind === 'deep') {
        // A product costs about 4 n·P multiply-adds for P parameters, as 4 n·m·d does for two layers.
        const deep = deepOperator(model.net, flags.data, flags.labels, kind);
        checkEstimateCost(budget, seeds, flags.convergence !== false, deep.n, deep.op.dim, 1);
        op = deep.op;
      } else {
        const { net } = model;
        const data = readDatasetFile(flags.data, flags.labels);
        checkEstimateCost(budget, seeds, flags.convergence !== false, data.n, net.m, net.d);
        op = curvatureOperator(net, data, kind);
      }
      const t0 = performance.now();
      const exact = op.exactTrace?.() as number;
      const exactMs = performance.now() - t0;
      requireFinite('exact trace', exact, 'the model weights are too large or too small for double precision');
      const t1 = performance.now();
      const r = estimateOverSeeds(op, method, budget, seeds, seed, sampler);
      const estimateMs = (performance.now() - t1) / seeds;
      const convergence =
        flags.convergence === false
          ? []
          : traceConvergence(op, exact, { budgets: budgetLadder(budget), seeds, baseSeed: seed, sampler });
      const out = {
        estimate: r.estimate,
        stderr: r.stderr,
        exact,
        budget,
        method,
        seeds,
        error: r.estimate - exact,
        zScore: r.stderr > 0 ? (r.estimate - exact) / r.stderr : null,
        operator: kind,
        sampler,
        seed,
        dim: op.dim,
        perSeed: r.perSeed.map((e) => ({ seed: e.seed, estimate: e.estimate, stderr: e.stderr, matvecs: e.matvecs })),
        convergence,
        timing: { exactMs, estimateMsPerSeed: estimateMs },
        ...noteField(zeroTraceNote(kind, exact, r.estimate, r.stderr)),
        lossConvention: LOSS_CONVENTION,
        backend: getBackend().name,
      };
      requireFiniteReport(
        'estimate-trace',
        { ...out, zScore: out.zScore ?? 0 },
        'the model weights are too large or too small for double precision',
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      const lines = [
        `${kind} trace, ${method} with ${budget} products × ${seeds} seed${seeds > 1 ? 's' : ''} (${sampler} probes, dim ${op.dim})`,
        `  estimate  ${num(r.estimate)} ± ${num(r.stderr)}`,
        `  exact     ${num(exact)}   (error ${num(r.estimate - exact)}${out.zScore === null ? '' : `, ${out.zScore.toFixed(2)} standard errors`})`,
        `  time      exact ${exactMs.toFixed(1)} ms, estimate ${estimateMs.toFixed(1)} ms per seed`,
      ];
      if (convergence.length > 0) {
        lines.push('', '  budget  method      rms error    mean |error|  mean stderr');
        for (const c of convergence) {
          lines.push(
            `  ${String(c.budget).padStart(6)}  ${c.method.padEnd(10)}  ${num(c.rmsError).padStart(11)}  ${num(c.meanAbsError).padStart(12)}  ${num(c.meanStderr).padStart(11)}`,
          );
        }
      }
      if (out.note) lines.push(`  note      ${out.note}`);
      lines.push(`loss convention: ${LOSS_CONVENTION}; ${getBackend().name} backend`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
