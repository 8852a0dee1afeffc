/**
 * H1 and H4 for deep networks (docs/math.md#hypotheses, §9, and #deep-networks, §11): networks of depth
 * L ≥ 2 trained by flatlab's deep trainer, moved along their per-neuron rescaling orbit (H1) and ranked by
 * F* against their population risk (H4). One module: fields, run, analysis and verdict of the `depth`
 * study type.
 */

import { makeActivation } from '../../model/activations.js';
import { sizeCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { activationSpec } from '../fields.js';
import { analyseDepth } from './analysis.js';
import { runDepth } from './run.js';
import { DEPTH_DEFAULTS, depthMetrics, depthParams } from './schema.js';

export const depthStudy = defineStudy({
  name: 'depth',
  hypothesis: 'H1, H4',
  version: 2,
  defaults: DEPTH_DEFAULTS,
  params: depthParams,
  metrics: depthMetrics,
  // F* is the infimum of the trace on the orbit only where the trace is the Gauss–Newton trace at every
  // point: a piecewise-linear 1-homogeneous activation (docs/math.md#deep-networks, §11).
  check: (p) =>
    sizeCheck(p) ??
    (makeActivation(activationSpec(p.activation)).degree === 1
      ? null
      : `activation "${p.activation}": the depth study needs a 1-homogeneous activation (relu, leaky-relu, abs)`),
  run: runDepth,
  analyse: analyseDepth,
});
