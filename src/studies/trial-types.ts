/**
 * The contract between studies (which expand a spec into trials and store results) and executors
 * (in-process, a local worker-thread pool, or distributed workers over Redis). A trial is plain JSON,
 * fully determined by its parameters and seed, and `runTrial` is pure and deterministic: the same
 * trial gives bit-identical results wherever it runs (on the same backend).
 */

export interface Trial {
  /** Stable hash of (study type, params, seed, study version): the identity used for resume and de-duplication. */
  readonly key: string;
  /** Study type, e.g. "symmetry", "nongeneralizing", "flattest", "ordering", "algorithms", "estimators". */
  readonly study: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** The study module's computation version (part of the key); absent on pre-versioning trials. */
  readonly studyVersion?: number;
}

export interface TrialResult {
  readonly key: string;
  /** Scalar outputs (null where a quantity is unavailable, e.g. risk on imported data). */
  readonly metrics: Readonly<Record<string, number | string | boolean | null>>;
  /** Optional curves (e.g. F along an orbit), as named arrays of equal length. */
  readonly series?: Readonly<Record<string, number[]>>;
  /** Set when the trial failed deterministically (bad parameters, divergence). */
  readonly error?: string;
  /** Provenance: flatlab version and backend that produced it. */
  readonly version: string;
  readonly backend: string;
  readonly elapsedMs: number;
}

export interface TrialExecutor {
  readonly name: string;
  /** Run the trials, calling onResult for each as it finishes (any order). Resolves when all are done. */
  run(trials: readonly Trial[], onResult: (trial: Trial, result: TrialResult) => void): Promise<void>;
  close(): Promise<void>;
}
