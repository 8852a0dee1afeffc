/**
 * The data-generation parameter table (one declarative definition per field; src/params/table.ts). The
 * `flatlab data` flags, study specs and the playground's data controls are generated from it, so each
 * range is written once. `parseDataParams` adds the checks that involve several fields.
 */
import { InputError } from '../errors.js';
import { type ParamDef, parseParams, seedParam } from '../params/table.js';
import type { DataParams } from './generate.js';
import { MAX_ENTRIES } from './generate.js';
import type { IndexKind } from './index-matrix.js';
import { parseInputSyntax } from './inputs.js';
import { parseLinksSyntax } from './targets.js';

/**
 * The data parameters (d, n, r, links, coeffs, noise, input, index, seed) with their types, ranges,
 * defaults and help: the table the CLI's flags, the study specs and the playground's controls are built from.
 */
export const DATA_PARAMS: readonly ParamDef[] = [
  {
    key: 'd',
    type: 'int',
    default: 50,
    min: 1,
    max: 100_000,
    short: 'd',
    help: 'input dimension d',
    formula: 'x ∈ R^d',
  },
  { key: 'n', type: 'int', default: 200, min: 1, max: 10_000_000, log: true, short: 'n', help: 'number of samples n' },
  {
    key: 'r',
    type: 'int',
    default: 1,
    min: 1,
    max: 1000,
    short: 'r',
    help: 'number of indices r (≤ d)',
    formula: 'U ∈ R^{r×d}, U Uᵀ = I_r',
  },
  {
    key: 'links',
    type: 'string',
    default: 'relu',
    short: 'g',
    help: 'links: sum of single-index links joined by + (relu, abs, linear, tanh, sign, relu-pow:p, abs-pow:p, hermite:c0,c1,…; one link is used for every index), or a multi-index link: product, max, norm',
    formula: 'sum: f*(x) = Σ_l c_l g_l(u_lᵀx);  multi: f*(x) = g(Uᵀx)',
  },
  {
    key: 'coeffs',
    type: 'string',
    default: '',
    short: 'c',
    help: 'sum targets: comma-separated weights c_1,…,c_r (default all 1)',
    formula: 'f*(x) = Σ_l c_l g_l(u_lᵀx)',
  },
  {
    key: 'noise',
    type: 'number',
    default: 0,
    min: 0,
    max: 1e3,
    short: 'e',
    help: 'label noise σ_ε',
    formula: 'y = f*(x) + σ_ε ε,  ε ~ N(0, 1)',
  },
  {
    key: 'input',
    type: 'string',
    default: 'gaussian',
    short: 'x',
    help: 'input law: gaussian, sphere (radius √d), rademacher, anisotropic:s1,…,sd or anisotropic:pow=α (s_i = i^−α)',
    formula: 'gaussian: x ~ N(0, I_d);  anisotropic: x ~ N(0, diag(s²))',
  },
  {
    key: 'index',
    type: 'enum',
    default: 'random',
    choices: ['random', 'axes'],
    short: 'u',
    help: 'index matrix U: random orthonormal (Haar) or the first r coordinate axes',
  },
  seedParam('seed of the index matrix, the inputs and the label noise (independent sub-streams)', { short: 's' }),
];

/**
 * Validate a raw record (CLI flags as strings, a spec, URL state) into DataParams.
 *
 * @example
 * ```ts
 * import { makeDataset, parseDataParams } from 'flatlab';
 *
 * const p = parseDataParams({ d: '10', n: '50', r: '2', links: 'relu+abs', seed: '3' }); // strings, as flags give them
 * console.log(p.r, makeDataset(p).n); // 2 50
 * ```
 */
export function parseDataParams(raw: Record<string, unknown>, context = ''): DataParams {
  // Without r, the links say it (as specs do): relu+abs has r = 2, a multi-index link takes 2 indices.
  if (raw.r === undefined && typeof raw.links === 'string') {
    const t = raw.links.trim();
    const r = ['product', 'max', 'norm'].includes(t) ? 2 : t.split('+').length;
    if (r > 1) raw = { ...raw, r };
  }
  const p = parseParams(DATA_PARAMS, raw, context) as {
    d: number;
    n: number;
    r: number;
    links: string;
    coeffs: string;
    noise: number;
    input: string;
    index: IndexKind;
    seed: number;
  };
  if (p.r > p.d) throw new InputError(`${context}r must be an integer in [1, d = ${p.d}] (got ${p.r})`);
  if (p.n * p.d > MAX_ENTRIES)
    throw new InputError(`${context}n·d = ${p.n * p.d} exceeds the limit of ${MAX_ENTRIES} entries`);
  const choice = parseLinksSyntax(p.links, p.r);
  let coeffs: number[] | undefined;
  if (p.coeffs.trim() !== '') {
    if (choice.kind === 'multi')
      throw new InputError(`${context}coeffs apply to sum targets only (links = ${p.links})`);
    coeffs = p.coeffs.split(',').map((v) => {
      const x = v.trim() === '' ? Number.NaN : Number(v);
      if (!Number.isFinite(x))
        throw new InputError(`${context}coeffs must be r = ${p.r} comma-separated numbers (got "${p.coeffs}")`);
      return x;
    });
    if (coeffs.length !== p.r)
      throw new InputError(`${context}coeffs must be r = ${p.r} comma-separated numbers (got ${coeffs.length})`);
  }
  return {
    d: p.d,
    n: p.n,
    r: p.r,
    links: choice.kind === 'multi' ? choice.link : choice.links,
    coeffs,
    noise: p.noise,
    input: parseInputSyntax(p.input, p.d),
    index: p.index,
    seed: p.seed,
  };
}
