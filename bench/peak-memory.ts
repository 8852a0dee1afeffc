/**
 * Peak memory of an exact-trace measurement (traceParts: loss + per-neuron A/B/C) at
 * (n, d, m) = (50000, 50, 256), against the bytes of X, W and the full Z = X Wᵀ. The core works in row
 * blocks, so Z is never materialized whole and the peak should stay well under 2× those bytes.
 * Prints one JSON line. Run by bench/run.mjs (full run).
 */

import { traceParts } from '../src/flatness/trace.js';
import { createNetwork } from '../src/model/network.js';
import { initBackend } from '../src/node/backend.js';
import { Rng } from '../src/rng/xoshiro.js';

const [n, d, m] = [50000, 50, 256];
const be = await initBackend();
const baselineRssBytes = process.memoryUsage().rss;
const rng = new Rng(5);
const X = rng.fillNormal(new Float64Array(n * d));
const y = rng.fillNormal(new Float64Array(n));
const net = createNetwork(
  'relu',
  rng.fillNormal(new Float64Array(m), 1 / Math.sqrt(m)),
  rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d)),
  d,
);
const t = traceParts(net, { n, d, X, y });
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
const bytesXWZ = 8 * (n * d + m * d + n * m);
process.stdout.write(
  `${JSON.stringify({ shape: [n, d, m], backend: be.name, trace: t.trace, bytesXWZ, maxRssBytes, baselineRssBytes, ratio: maxRssBytes / bytesXWZ })}\n`,
);
