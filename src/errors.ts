/**
 * Thrown for invalid user input (bad config, bad file, bad flag). The CLI prints its message on one
 * line and exits with code 2; every other error is a bug or an environment failure.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** Thrown when training diverges (NaN/Inf); carries the step and the last good state's location. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    message: string,
    readonly step: number,
  ) {
    super(message);
  }
}
