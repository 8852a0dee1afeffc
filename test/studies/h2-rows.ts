/** Planted H2 metrics for the H2 tests: an exact-risk interpolator of the given F* and width. */
import { NO_CERTIFICATE, type NongeneralizingRow } from '../../src/studies/nongeneralizing/schema.js';

export const h2Metrics = (fStar: number, width: number, extra: Record<string, unknown> = {}) =>
  ({
    fStar,
    trace: fStar,
    trainLoss: 0,
    maxResidual: 0,
    risk: 0.5,
    riskStderr: 0,
    riskMethod: 'exact',
    varF: 1,
    varY: 1,
    pathNorm: 1,
    steps: 0,
    interpolates: true,
    width,
    ...NO_CERTIFICATE,
    ...extra,
  }) as unknown as NongeneralizingRow['metrics'];
