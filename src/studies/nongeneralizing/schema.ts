/** The nongeneralizing study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { LAZY_INIT_SCALE } from '../common.js';
import { paramsOf, storedNumber } from '../definition.js';
import { INTERPOLATOR_DEFAULTS } from '../interpolator-run.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const NONGENERALIZING_DEFAULTS = {
  ...INTERPOLATOR_DEFAULTS,
  construction: 'memorizer',
  rfWidthFactor: 1,
  lazyScale: LAZY_INIT_SCALE,
} as const;

export const nongeneralizingParams = paramsOf(NONGENERALIZING_DEFAULTS);
export type NongeneralizingParams = z.output<typeof nongeneralizingParams>;

/**
 * The convex flattest construction's certificate (docs/math.md#convex-flattest, §10): the bracket
 * [convexLower, convexUpper] on F_min over all widths, whether the lower bound is certified (d ≤ 3) or
 * an estimate, the relative gap, and the LP solves it took (a deterministic measure of its cost; the
 * trial's wall time is the store's elapsedMs); the F* of the cold solve (no teacher start) and of the
 * warm one (teacher start), and which of the two the trial's network is (the smaller). Null for every
 * other construction.
 */
export const CONVEX_CERTIFICATE_METRICS = {
  convexLower: storedNumber,
  convexUpper: storedNumber,
  convexCertified: z.boolean().nullable(),
  convexGap: storedNumber,
  convexLpSolves: storedNumber,
  convexColdFStar: storedNumber,
  convexWarmFStar: storedNumber,
  convexSource: z.enum(['cold', 'warm']).nullable(),
};
export type ConvexCertificateMetrics = {
  [K in keyof typeof CONVEX_CERTIFICATE_METRICS]: z.input<(typeof CONVEX_CERTIFICATE_METRICS)[K]>;
};

/** What a construction without a certificate stores in the certificate's columns. */
export const NO_CERTIFICATE: ConvexCertificateMetrics = {
  convexLower: null,
  convexUpper: null,
  convexCertified: null,
  convexGap: null,
  convexLpSolves: null,
  convexColdFStar: null,
  convexWarmFStar: null,
  convexSource: null,
};

export const nongeneralizingMetrics = z.object({
  ...INTERPOLATOR_METRICS,
  /** The network's width m (n for the memorizer, rfWidthFactor · n for random features). */
  width: storedNumber,
  ...CONVEX_CERTIFICATE_METRICS,
});
export type NongeneralizingRow = {
  params: NongeneralizingParams;
  seed: number;
  metrics: z.output<typeof nongeneralizingMetrics>;
};
