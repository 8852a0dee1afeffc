/**
 * The curvature operators of a deep network's loss (Hessian, Gauss–Newton, residual), seen through
 * their exact products (src/model/mlp-hvp.ts) and carrying the exact trace of src/flatness/mlp-trace.ts,
 * so that Hutchinson / Hutch++ run on deep models as on two-layer ones.
 */
import { InputError } from '../errors.js';
import { type MlpTrace, mlpTrace } from '../flatness/mlp-trace.js';
import { checkMlpData, type Mlp, type MlpData, mlpParamCount } from '../model/mlp.js';
import { mlpCurvatureProduct } from '../model/mlp-hvp.js';
import { currentSpelling } from '../spellings.js';
import { type CurvatureOperator, OPERATOR_KINDS, type OperatorKind } from './operators.js';

export function mlpCurvatureOperator(net: Mlp, data: MlpData, given: OperatorKind = 'hessian'): CurvatureOperator {
  const kind = currentSpelling(given);
  if (!OPERATOR_KINDS.includes(kind))
    throw new InputError(`operator must be one of ${OPERATOR_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
  checkMlpData(net, data);
  const dim = mlpParamCount(net);
  let trace: MlpTrace | null = null;
  return {
    name: kind,
    dim,
    matvec(v: Float64Array, out = new Float64Array(dim)): Float64Array {
      out.set(mlpCurvatureProduct(net, data, v, kind));
      return out;
    },
    exactTrace(): number {
      trace ??= mlpTrace(net, data);
      return kind === 'hessian' ? trace.trace : kind === 'gauss-newton' ? trace.traceGaussNewton : trace.traceResidual;
    },
  };
}
