/**
 * Entry of one pool thread (piscina loads the compiled dist/src/sweep/worker-thread.js). Each thread
 * selects the backend once and limits its BLAS to `threads` threads, so that N workers × BLAS threads
 * never exceeds the cores; then it runs trials one at a time. Exceptions propagate to the caller, which
 * decides whether they are recorded (local pool) or retried (Redis worker).
 */
import { workerData } from 'node:worker_threads';
import { initBackend } from '../node/backend.js';
import type { Trial, TrialResult } from '../studies/trial-types.js';
import { executeTrial } from './dispatch.js';

let ready: Promise<void> | null = null;

function setup(): Promise<void> {
  ready ??= (async () => {
    const backend = await initBackend();
    const threads = (workerData as { threads?: number } | null)?.threads ?? 1;
    backend.setThreads(threads);
  })();
  return ready;
}

export default async function runInThread(trial: Trial): Promise<TrialResult> {
  await setup();
  return executeTrial(trial);
}
