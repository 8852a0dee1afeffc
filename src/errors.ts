/**
 * Thrown for invalid user input (bad config, bad file, bad flag). The CLI prints its message on one
 * line and exits with code 2; every other error is a bug or an environment failure.
 *
 * @example
 * ```ts
 * import { InputError, parseActivationString } from 'flatlab';
 *
 * try {
 *   parseActivationString('sigmoid');
 * } catch (e) {
 *   console.log(e instanceof InputError, (e as Error).message); // true, names the allowed activations
 * }
 * ```
 */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Thrown when training diverges (NaN/Inf); carries the step and the last good state's location.
 *
 * @example
 * ```ts
 * import { DivergenceError } from 'flatlab';
 *
 * const e = new DivergenceError('train loss is not finite', 12);
 * console.log(e.step, e instanceof Error); // 12 true
 * ```
 */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    message: string,
    readonly step: number,
  ) {
    super(message);
  }
}
