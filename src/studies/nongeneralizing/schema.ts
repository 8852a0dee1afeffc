/** The nongeneralizing study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf, storedNumber } from '../definition.js';
import { INTERPOLATOR_DEFAULTS } from '../interpolator-run.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const NONGENERALIZING_DEFAULTS = {
  ...INTERPOLATOR_DEFAULTS,
  construction: 'memorizer',
} as const;

export const nongeneralizingParams = paramsOf(NONGENERALIZING_DEFAULTS);
export type NongeneralizingParams = z.output<typeof nongeneralizingParams>;

/**
 * The convex flattest construction's certificate (docs/math.md#convex-flattest, §10): the bracket
 * [convexLower, convexUpper] on F_min over all widths, whether the lower bound is certified (d ≤ 3) or
 * an estimate, the relative gap, and the LP solves it took (a deterministic measure of its cost; the
 * trial's wall time is the store's elapsedMs). Null for every other construction.
 */
export const CONVEX_CERTIFICATE_METRICS = {
  convexLower: storedNumber,
  convexUpper: storedNumber,
  convexCertified: z.boolean().nullable(),
  convexGap: storedNumber,
  convexLpSolves: storedNumber,
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
};

export const nongeneralizingMetrics = z.object({ ...INTERPOLATOR_METRICS, ...CONVEX_CERTIFICATE_METRICS });
export type NongeneralizingRow = {
  params: NongeneralizingParams;
  seed: number;
  metrics: z.output<typeof nongeneralizingMetrics>;
};
