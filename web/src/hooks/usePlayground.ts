import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { MAX_SEED } from '../../../src/params/table.js';
import { crossCheck } from '../constraints.js';
import type { SymmetryView } from '../lab.js';
import type { LoadedModelReport } from '../loaded-model.js';
import { activationDegree, type State, withAlgoDefaults } from '../tables.js';
import { decodeState, encodeState } from '../url.js';
import { useFileDrop } from './useFileDrop.js';
import { type ModelFile, useModelFile } from './useModelFile.js';
import { type TrainingSession, useTrainingWorker } from './useTrainingWorker.js';
import { useUrlWriter } from './useUrlWriter.js';

export type NoticeState = { from: 'url' | 'controls'; items: string[] };

export interface Playground {
  state: State;
  notice: NoticeState;
  dismissNotice: () => void;
  session: TrainingSession;
  model: ModelFile;
  dragging: boolean;
  /** A control changed `key`: a new experiment from step 0. */
  change: (key: string, v: unknown) => void;
  /** Rebuild data and network from the seed (step 0). */
  reset: () => void;
  reseed: () => void;
  setView: (v: Partial<SymmetryView>) => void;
}

export function viewOf(s: State): SymmetryView {
  return { symLog: s.symLog as number, symMode: s.symMode as SymmetryView['symMode'], balanced: s.balanced as boolean };
}

/**
 * The playground's state, mirrored into the URL fragment: a link opens the same experiment (and replays the
 * steps it records), and editing the fragment by hand starts the experiment it names.
 */
export function usePlayground(): Playground {
  const first = useMemo(() => decodeState(window.location.hash), []);
  const [state, setState] = useState<State>(first.state);
  const [notice, setNotice] = useState<NoticeState>({ from: 'url', items: first.problems });
  const stateRef = useRef(state);
  stateRef.current = state;
  const { written, syncUrl } = useUrlWriter();
  // The model hook needs the worker's `send` and the worker hands model replies back to it.
  const modelSink = useRef<ModelFile['received']>(() => {});
  const session = useTrainingWorker(stateRef, syncUrl, (report: LoadedModelReport | null, error: string | null) =>
    modelSink.current(report, error),
  );
  const model = useModelFile(session.send);
  modelSink.current = model.received;
  const { start, send } = session;

  useEffect(() => {
    syncUrl(first.state, first.state.trained as number);
    start(first.state);
    const onHash = () => {
      if (window.location.hash === written.current) return;
      const d = decodeState(window.location.hash);
      // The canonical form of the new state; a batched write still pending must not restore the old one.
      written.current = encodeState(d.state);
      setNotice({ from: 'url', items: d.problems });
      setState(d.state);
      start(d.state);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // A model file dropped anywhere on the page (the file input in the model panel does the same).
  const dragging = useFileDrop(model.choose);

  const change = (key: string, v: unknown) => {
    let next: State = { ...state, [key]: v };
    // A new algorithm or activation brings its own defaults from the core's per-algorithm table.
    if (key === 'algo' || key === 'activation') next = withAlgoDefaults(next, activationDegree(next));
    // Any other change defines a new experiment: rebuild and start from step 0. A value that conflicts
    // with another field (r > d, batch > n, …) is reported and the conflicting field reset.
    next.trained = 0;
    const problems = crossCheck(next);
    setState(next);
    setNotice({ from: 'controls', items: problems });
    syncUrl(next, 0);
    start(next);
  };

  return {
    state,
    notice,
    dismissNotice: () => setNotice({ from: notice.from, items: [] }),
    session,
    model,
    dragging,
    change,
    reset: () => {
      const next = { ...state, trained: 0 };
      setState(next);
      syncUrl(next, 0);
      start(next);
    },
    reseed: () => change('seed', Math.min((state.seed as number) + 1, MAX_SEED)),
    // The symmetry view changes what is shown, not the run.
    setView: (v: Partial<SymmetryView>) => {
      const next = { ...stateRef.current, ...v };
      stateRef.current = next;
      setState(next);
      syncUrl(next, session.snap?.step ?? 0);
      send({ type: 'view', view: viewOf(next) });
    },
  };
}
