/**
 * Curvature operators: the matrices the estimators work on, seen only through their products.
 * Every operator is symmetric; vectors use the parameter layout θ = [a (m), W row-major (m·d)].
 * Where a closed form exists the operator also carries its exact trace / diagonal (docs/math.md#flatness, §3), so the
 * estimators can always be checked against the truth.
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { type TraceParts, traceParts } from '../flatness/trace.js';
import { denseHessian, hvp, type Network, paramCount } from '../model/network.js';
import { currentSpelling } from '../spellings.js';
import { type CurvatureDiagonals, curvatureDiagonals, curvatureProduct } from './curvature-pass.js';

/** A symmetric curvature matrix as a matrix-vector product, with its exact trace and diagonal where known. */
export interface CurvatureOperator {
  /** Short name for diagnostics ("hessian", "gauss-newton", "residual", "dense"). */
  readonly name: string;
  readonly dim: number;
  /** out ← A v (out is allocated when absent; v is not modified). */
  matvec(v: Float64Array, out?: Float64Array): Float64Array;
  /** The exact trace (closed form), where known. */
  exactTrace?(): number;
  /** The exact diagonal, where known. */
  exactDiagonal?(): Float64Array;
  /** The dense matrix (row-major dim×dim), only for small problems. */
  dense?(): Float64Array;
}

/** The curvature matrices: the Hessian, its Gauss–Newton part and its residual part. */
export type OperatorKind = 'hessian' | 'gauss-newton' | 'residual';
/** Every operator kind. */
export const OPERATOR_KINDS: readonly OperatorKind[] = ['hessian', 'gauss-newton', 'residual'];

function lazy<T>(f: () => T): () => T {
  let v: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v as T;
  };
}

function checkVector(v: Float64Array, dim: number): void {
  if (v.length !== dim) throw new Error(`operator: vector has length ${v.length}, expected ${dim}`);
}

/**
 * The Hessian of the empirical loss (kind "hessian") or one of its two parts, "gauss-newton"
 * (JᵀJ/n) and "residual" (H − JᵀJ/n). Products are exact (no finite differences).
 *
 * @example
 * ```ts
 * import { curvatureOperator, hessianTrace, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const H = curvatureOperator(teacher, data, 'hessian');
 * console.log(H.dim, H.exactTrace?.() === hessianTrace(teacher, data)); // 6 true
 * ```
 */
export function curvatureOperator(net: Network, data: Dataset, given: OperatorKind = 'hessian'): CurvatureOperator {
  const kind = currentSpelling(given); // gauss_newton: deprecated spelling
  if (!OPERATOR_KINDS.includes(kind)) {
    throw new InputError(`operator must be one of ${OPERATOR_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
  }
  if (net.d !== data.d) {
    throw new InputError(
      `dimension mismatch: the model has input dimension d = ${net.d} but the data have d = ${data.d}`,
    );
  }
  const { m } = net;
  const dim = paramCount(net);
  const parts = lazy<TraceParts>(() => traceParts(net, data));
  const diags = lazy<CurvatureDiagonals>(() => curvatureDiagonals(net, data));
  const matvec = (v: Float64Array, out = new Float64Array(dim)): Float64Array => {
    checkVector(v, dim);
    const va = v.subarray(0, m);
    const vW = v.subarray(m);
    const r = kind === 'hessian' ? hvp(net, data, va, vW) : curvatureProduct(net, data, va, vW, kind);
    out.set(r.ha, 0);
    out.set(r.hW, m);
    return out;
  };
  const exactTrace = (): number => {
    const p = parts();
    return kind === 'hessian' ? p.trace : kind === 'gauss-newton' ? p.traceGaussNewton : p.traceResidual;
  };
  const exactDiagonal = (): Float64Array => {
    const g = diags();
    return (kind === 'hessian' ? g.hessian : kind === 'gauss-newton' ? g.gaussNewton : g.residual).slice();
  };
  const op: CurvatureOperator = { name: kind, dim, matvec, exactTrace, exactDiagonal };
  if (kind === 'hessian') return { ...op, dense: () => denseHessian(net, data) };
  return { ...op, dense: () => materialize(op) };
}

export function hessianOperator(net: Network, data: Dataset): CurvatureOperator {
  return curvatureOperator(net, data, 'hessian');
}
export function gaussNewtonOperator(net: Network, data: Dataset): CurvatureOperator {
  return curvatureOperator(net, data, 'gauss-newton');
}
export function residualOperator(net: Network, data: Dataset): CurvatureOperator {
  return curvatureOperator(net, data, 'residual');
}

/** An explicit symmetric matrix (row-major dim×dim) as an operator: for algorithm tests. */
export function denseOperator(M: Float64Array, dim: number, name = 'dense'): CurvatureOperator {
  if (!Number.isInteger(dim) || dim < 1 || M.length !== dim * dim) {
    throw new InputError(`dense operator: matrix has ${M.length} entries, expected dim² with dim = ${dim}`);
  }
  const A = M.slice();
  return Object.freeze({
    name,
    dim,
    matvec(v: Float64Array, out = new Float64Array(dim)): Float64Array {
      checkVector(v, dim);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        const o = i * dim;
        for (let j = 0; j < dim; j++) s += A[o + j] * v[j];
        out[i] = s;
      }
      return out;
    },
    exactTrace(): number {
      let s = 0;
      for (let i = 0; i < dim; i++) s += A[i * dim + i];
      return s;
    },
    exactDiagonal(): Float64Array {
      const g = new Float64Array(dim);
      for (let i = 0; i < dim; i++) g[i] = A[i * dim + i];
      return g;
    },
    dense: () => A.slice(),
  });
}

/** The dense matrix of any operator by dim products with unit vectors (small problems only). */
export function materialize(op: CurvatureOperator): Float64Array {
  const n = op.dim;
  const M = new Float64Array(n * n);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    op.matvec(e, col);
    e[j] = 0;
    for (let i = 0; i < n; i++) M[i * n + j] = col[i];
  }
  return M;
}

/** Wraps an operator and counts its products (to check that algorithms respect their budgets). */
export function countingOperator(op: CurvatureOperator): CurvatureOperator & { readonly count: () => number } {
  let c = 0;
  return {
    ...op,
    matvec(v: Float64Array, out?: Float64Array): Float64Array {
      c++;
      return op.matvec(v, out);
    },
    count: () => c,
  };
}
