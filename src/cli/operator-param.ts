/** The `--operator` flag of the commands that work on a curvature matrix (estimate-trace, spectrum). */
import { OPERATOR_KINDS, type OperatorKind } from '../measures/operators.js';
import type { ParamDef } from '../params/table.js';

export const OPERATOR_PARAM: ParamDef<OperatorKind> = {
  key: 'operator',
  type: 'enum',
  choices: OPERATOR_KINDS,
  default: 'hessian',
  help: 'which curvature matrix',
};
