import type { Trial } from '../../src/studies/trial-types.js';
import { PROBE_STUDY } from '../../src/sweep/probe-study.js';

/** Small probe trials (a few ms each) with distinct keys; `failing` adds one that always diverges. */
export function probeTrials(count: number, opts: { steps?: number; failing?: boolean; n?: number } = {}): Trial[] {
  const trials: Trial[] = [];
  for (let s = 0; s < count; s++) {
    const params = { d: 8, n: opts.n ?? 64, m: 8, steps: opts.steps ?? 20, lr: 0.05 };
    trials.push({ key: `probe${s.toString(16).padStart(4, '0')}`, study: PROBE_STUDY, params, seed: 1000 + s });
  }
  if (opts.failing)
    trials.push({
      key: 'probediverges',
      study: PROBE_STUDY,
      params: { d: 8, n: 64, m: 8, steps: 50, lr: 1e6 },
      seed: 7,
    });
  return trials;
}

/** What must agree bit for bit between executors: the metrics (and series) as JSON. */
export function resultJson(r: { metrics: unknown; series?: unknown; error?: string }): string {
  return JSON.stringify({ metrics: r.metrics, series: r.series ?? null, error: r.error ?? null });
}
