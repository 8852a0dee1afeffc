import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LoadedModelReport } from '../loaded-model.js';
import type { FromWorker, HistoryPoint, InterpolatorResult, ToWorker } from '../protocol.js';
import type { State } from '../tables.js';

export type Snapshot = Extract<FromWorker, { type: 'snapshot' }>;
export type InterpolatorReply = { points: InterpolatorResult[]; notes: string[] };

export interface TrainingSession {
  snap: Snapshot | null;
  error: string | null;
  interp: InterpolatorReply | null;
  interpBusy: boolean;
  /** Every measured point of the current run, oldest first. */
  history: HistoryPoint[];
  /** The last training speed the worker reported (null before the first). */
  lastRate: number | null;
  send: (m: ToWorker) => void;
  /** Begin a new run of `s` from step 0; replies of earlier runs are ignored from now on. */
  start: (s: State) => void;
  computeInterpolators: () => void;
}

/**
 * The training worker and its replies. Every run carries an epoch so that a reply still in flight from a
 * replaced run cannot overwrite the new one. A snapshot writes the URL unless it is a replay of the steps
 * a link asked for.
 */
export function useTrainingWorker(
  stateRef: RefObject<State>,
  syncUrl: (s: State, steps: number) => void,
  onModel: (report: LoadedModelReport | null, error: string | null) => void,
): TrainingSession {
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [interp, setInterp] = useState<InterpolatorReply | null>(null);
  const [interpBusy, setInterpBusy] = useState(false);
  const history = useRef<HistoryPoint[]>([]);
  const lastRate = useRef<number | null>(null);
  const worker = useRef<Worker | null>(null);
  const epoch = useRef(0);

  const send = (m: ToWorker) => worker.current?.postMessage(m);

  const start = (s: State) => {
    epoch.current += 1;
    history.current = [];
    lastRate.current = null;
    setInterp(null);
    setInterpBusy(false);
    setError(null);
    send({ type: 'init', state: s, epoch: epoch.current });
  };

  const onSnapshot = (msg: Snapshot) => {
    if (msg.resetHistory) history.current = [];
    if (msg.history.length) history.current = history.current.concat(msg.history);
    if (msg.stepsPerSec !== null) lastRate.current = msg.stepsPerSec;
    setSnap(msg);
    if (!msg.replaying) syncUrl(stateRef.current, msg.step);
  };

  useEffect(() => {
    const w = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (ev: MessageEvent<FromWorker>) => {
      const msg = ev.data;
      if (msg.epoch !== epoch.current) return;
      if (msg.type === 'snapshot') {
        onSnapshot(msg);
      } else if (msg.type === 'model') {
        onModel(msg.report, msg.error);
      } else if (msg.type === 'interpolators') {
        setInterp({ points: msg.points, notes: msg.notes });
        setInterpBusy(false);
      } else {
        setError(msg.message);
        setInterpBusy(false);
      }
    };
    w.onerror = (e) => setError(`worker failed: ${e.message}`);
    return () => w.terminate();
  }, []);

  const computeInterpolators = () => {
    setInterpBusy(true);
    send({ type: 'interpolators' });
  };

  return {
    snap,
    error,
    interp,
    interpBusy,
    history: history.current,
    lastRate: lastRate.current,
    send,
    start,
    computeInterpolators,
  };
}
