/**
 * What an exact trace of 0 means for `estimate-trace`. A zero operator is common and legitimate: the
 * residual part Σ r_i ∇²f(x_i) vanishes for every ReLU-type network (σ″ = 0 almost everywhere,
 * docs/math.md) and every part vanishes for an all-zero model; its estimates are then exactly 0 and
 * there is no relative error to speak of. A zero trace of a non-zero (indefinite) operator is rarer:
 * the estimates scatter around 0 and only absolute errors are meaningful.
 */
/** Estimates this small are rounding of a zero operator (products of residuals ~1e-16 with O(1) weights). */
const ROUNDING = 1e-12;

export function zeroTraceNote(operator: string, exact: number, estimate: number, stderr: number): string | null {
  if (exact !== 0) return null;
  if (Math.abs(estimate) + stderr <= ROUNDING)
    return `the ${operator} operator is zero on these data (every product H v is 0 up to rounding: e.g. the residual part of a ReLU-type network, or an all-zero model), so the exact trace is 0 and no relative error applies`;
  return `the exact ${operator} trace is 0 but the operator is not: errors are absolute (no relative error is defined)`;
}
