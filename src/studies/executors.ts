/**
 * The default executor: runs trials one after another in this thread. It yields to the event loop
 * between trials so the progress display and signal handlers stay responsive.
 */
import { runTrialAsync } from './run-trial.js';
import type { Trial, TrialExecutor, TrialResult } from './trial-types.js';

export function inProcessExecutor(
  run: (t: Trial) => TrialResult | Promise<TrialResult> = runTrialAsync,
): TrialExecutor {
  let closed = false;
  return {
    name: 'in-process',
    async run(trials, onResult) {
      for (const t of trials) {
        if (closed) throw new Error('executor is closed');
        onResult(t, await run(t));
        await new Promise<void>((r) => setTimeout(r, 0));
      }
    },
    async close() {
      closed = true;
    },
  };
}
