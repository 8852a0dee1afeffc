/**
 * One case style for enum values: kebab-case (`relu-pow`, `leaky-relu`, `gauss-newton`, like the CLI's
 * `label-noise` and `random-features`). flatlab 0.1 spelled four values in snake_case; those old
 * spellings are still accepted wherever they are part of a file format or a command line (model and
 * data files, `--activation`, `--links`, `--operator`, playground URLs) and are deprecated: outputs
 * always use the kebab-case spelling. Field names and measure names (`top_hessian_eigenvalue`) are keys,
 * not enum values, and stay snake_case.
 */

/** Deprecated spelling → current spelling. */
export const DEPRECATED_SPELLINGS: Readonly<Record<string, string>> = {
  leaky_relu: 'leaky-relu',
  relu_pow: 'relu-pow',
  abs_pow: 'abs-pow',
  gauss_newton: 'gauss-newton',
};

/** The current spelling of an enum value (a deprecated spelling is mapped; anything else is returned as is). */
export function currentSpelling<T>(value: T): T {
  return typeof value === 'string' && Object.hasOwn(DEPRECATED_SPELLINGS, value)
    ? (DEPRECATED_SPELLINGS[value] as T)
    : value;
}
