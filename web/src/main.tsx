/**
 * The playground page: controls generated from the parameter table, the state mirrored into the URL
 * fragment, and views fed by snapshots from the training worker.
 */
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { MAX_SEED } from '../../src/params/table.js';
import type { SymmetryView } from './lab.js';
import type { FromWorker, HistoryPoint, InterpolatorResult, ToWorker } from './protocol.js';
import { QUANTITIES, tip } from './quantities.js';
import { activationDegree, DATA_PARAMS, NETWORK_PARAMS, TRAIN_PARAMS, type State, withAlgoDefaults } from './tables.js';
import { crossCheck } from './constraints.js';
import { decodeState, encodeState } from './url.js';
import { curvesChart, heatmapChart, heatmapLegend, neuronChart } from './views/charts.js';
import { ControlGroup } from './views/Controls.js';
import { InterpolatorPanel } from './views/Interpolators.js';
import { ModelPanel } from './views/ModelPanel.js';
import type { LoadedModelReport } from './loaded-model.js';
import { PlotView } from './views/PlotView.js';
import { Readout } from './views/Readout.js';
import { SymmetryPanel } from './views/Symmetry.js';
import './style.css';

type Snapshot = Extract<FromWorker, { type: 'snapshot' }>;

function viewOf(s: State): SymmetryView {
  return { symLog: s.symLog as number, symMode: s.symMode as SymmetryView['symMode'], balanced: s.balanced as boolean };
}

function App() {
  const first = useMemo(() => decodeState(window.location.hash), []);
  const [state, setState] = useState<State>(first.state);
  const [notice, setNotice] = useState<{ from: 'url' | 'controls'; items: string[] }>({
    from: 'url',
    items: first.problems,
  });
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [interp, setInterp] = useState<{ points: InterpolatorResult[]; notes: string[] } | null>(null);
  const [interpBusy, setInterpBusy] = useState(false);
  const [model, setModel] = useState<{ report: LoadedModelReport | null; error: string | null; busy: boolean }>({
    report: null,
    error: null,
    busy: false,
  });
  const [modelAct, setModelAct] = useState('relu');
  const modelActRef = useRef(modelAct);
  modelActRef.current = modelAct;
  const [dragging, setDragging] = useState(false);
  const history = useRef<HistoryPoint[]>([]);
  const lastRate = useRef<number | null>(null);
  const worker = useRef<Worker | null>(null);
  const epoch = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;
  const written = useRef('');

  const send = (m: ToWorker) => worker.current?.postMessage(m);

  /**
   * Mirror the state (with the steps trained so far) into the URL without adding history entries.
   * Writes are batched (≤ 5 per second): browsers throttle frequent replaceState calls, and a dragged
   * slider or a playing run would otherwise exceed that.
   */
  const urlTimer = useRef<number | null>(null);
  const syncUrl = (s: State, steps: number) => {
    written.current = encodeState({ ...s, trained: steps });
    if (urlTimer.current !== null) return;
    urlTimer.current = window.setTimeout(() => {
      urlTimer.current = null;
      if (window.location.hash !== written.current) window.history.replaceState(null, '', written.current);
    }, 200);
  };

  const start = (s: State) => {
    epoch.current += 1;
    history.current = [];
    lastRate.current = null;
    setInterp(null);
    setInterpBusy(false);
    setError(null);
    send({ type: 'init', state: s, epoch: epoch.current });
  };

  useEffect(() => {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (ev: MessageEvent<FromWorker>) => {
      const msg = ev.data;
      if (msg.epoch !== epoch.current) return;
      if (msg.type === 'snapshot') {
        if (msg.resetHistory) history.current = [];
        if (msg.history.length) history.current = history.current.concat(msg.history);
        if (msg.stepsPerSec !== null) lastRate.current = msg.stepsPerSec;
        setSnap(msg);
        if (!msg.replaying) syncUrl(stateRef.current, msg.step);
      } else if (msg.type === 'model') {
        setModel({ report: msg.report, error: msg.error, busy: false });
      } else if (msg.type === 'interpolators') {
        setInterp({ points: msg.points, notes: msg.notes });
        setInterpBusy(false);
      } else {
        setError(msg.message);
        setInterpBusy(false);
      }
    };
    w.onerror = (e) => setError(`worker failed: ${e.message}`);
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
    // A model file dropped anywhere on the page (the file input in the model panel does the same).
    const onDragOver = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const onDragLeave = () => setDragging(false);
    const onDrop = (e: DragEvent) => {
      const f = e.dataTransfer?.files[0];
      if (!f) return;
      e.preventDefault();
      setDragging(false);
      lastFile.current = f;
      loadModel(f);
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('hashchange', onHash);
      w.terminate();
    };
  }, []);

  /** Read a model file and hand its bytes to the worker, which parses and measures it on the current data. */
  const loadModel = (f: File, activation = modelActRef.current) => {
    setModel((m) => ({ ...m, busy: true, error: null }));
    f.arrayBuffer()
      .then((buf) => send({ type: 'model', name: f.name, bytes: new Uint8Array(buf), activation }))
      .catch((e: unknown) => setModel({ report: null, error: `cannot read ${f.name}: ${String(e)}`, busy: false }));
  };
  const lastFile = useRef<File | null>(null);

  /** The symmetry view changes what is shown, not the run. */
  const setView = (v: Partial<SymmetryView>) => {
    const next = { ...stateRef.current, ...v };
    stateRef.current = next;
    setState(next);
    syncUrl(next, snap?.step ?? 0);
    send({ type: 'view', view: viewOf(next) });
  };

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

  const playing = snap?.playing ?? false;
  const heatmap = snap?.heatmap;
  const busy = !snap || snap.replaying;
  const canTrain = snap ? snap.phase !== 'done' : false;
  const stepButton = (k: number, testid: string, title: string, label: string) => (
    <button
      type="button"
      data-testid={testid}
      disabled={busy || playing || !canTrain}
      title={title}
      onClick={() => send({ type: 'step', k })}
    >
      {label}
    </button>
  );
  const shown = snap?.shown;
  const hist = history.current;
  const status = error ? 'error' : !snap ? 'loading' : snap.replaying ? 'replaying' : playing ? 'playing' : 'idle';
  const heatDomain = useMemo<[number, number]>(() => {
    if (!snap?.heatmap) return [-1, 1];
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of snap.heatmap.target) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const a = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
    return [-a, a];
  }, [snap?.heatmap]);

  return (
    <div class="app">
      <header>
        <h1>
          flatlab <span>playground</span>
        </h1>
        <p>
          Train a homogeneous 2-layer network on a Gaussian multi-index target and watch flatness, its rescaling
          symmetry and generalization.
        </p>
      </header>
      {notice.items.length > 0 ? (
        <div class="notice" data-testid={notice.from === 'url' ? 'url-notice' : 'control-notice'} role="alert">
          <strong>
            {notice.from === 'url'
              ? 'Some values in the link were invalid and were replaced by defaults:'
              : 'Conflicting values were reset:'}
          </strong>
          <ul>
            {notice.items.map((n) => (
              <li>{n}</li>
            ))}
          </ul>
          <button type="button" onClick={() => setNotice({ from: notice.from, items: [] })}>
            dismiss
          </button>
        </div>
      ) : null}
      <div class="toolbar">
        <button
          type="button"
          data-testid="btn-reset"
          title="rebuild data and network from the seed (step 0)"
          onClick={() => {
            const next = { ...state, trained: 0 };
            setState(next);
            syncUrl(next, 0);
            start(next);
          }}
        >
          ⟲ reset
        </button>
        <button
          type="button"
          data-testid="btn-reseed"
          title="next seed (s + 1): new data, initialization and batches"
          onClick={() => change('seed', Math.min((state.seed as number) + 1, MAX_SEED))}
        >
          ⚄ new seed
        </button>
        <button
          type="button"
          class="play"
          data-testid="btn-play"
          disabled={busy || !canTrain}
          title={
            canTrain
              ? playing
                ? 'pause training'
                : 'start training'
              : 'the trainer has finished (train loss ≤ tol, or the horizon T and the polish are done); reset or change a parameter'
          }
          onClick={() => send({ type: playing ? 'pause' : 'play' })}
        >
          {playing ? '❚❚ pause' : '▶ play'}
        </button>
        {stepButton(1, 'btn-step', 'one training step', '+1 step')}
        {stepButton(10, 'btn-step10', 'ten training steps', '+10')}
        <Readout q="step" value={snap?.step ?? 0} testid="readout-step" />
        <Readout q="stepsPerSec" value={lastRate.current} testid="readout-steps-per-sec" />
        <span class="status" data-testid="status" data-state={status}>
          {status}
        </span>
        <span
          class="phase"
          data-testid="phase"
          title="trainer phase: train (the algorithm) → polish (to an interpolator) → done"
        >
          {snap?.phase ?? ''}
        </span>
        {snap?.riskUnavailable ? (
          <span class="warn" title={snap.riskUnavailable}>
            exact risk unavailable for this activation/target
          </span>
        ) : null}
        {error ? (
          <span class="error" data-testid="error">
            {error}
          </span>
        ) : null}
      </div>
      <main>
        <aside class="controls">
          <ControlGroup title="Data" params={DATA_PARAMS} state={state} onChange={change} />
          <ControlGroup title="Network" params={NETWORK_PARAMS} state={state} onChange={change} />
          <ControlGroup title="Training" params={TRAIN_PARAMS} state={state} onChange={change} />
        </aside>
        <section class="center">
          <div
            class="readouts"
            data-testid="readouts"
            data-view={snap ? `${snap.view.symLog}|${snap.view.symMode}|${snap.view.balanced ? 1 : 0}` : ''}
          >
            <Readout q="loss" value={shown?.loss} testid="readout-loss" />
            <Readout q="risk" value={shown?.risk} testid="readout-risk" />
            <Readout q="F" value={shown?.F} testid="readout-F" />
            <Readout q="fStar" value={shown?.fStar} testid="readout-fStar" />
            <Readout q="pathNorm" value={shown?.pathNorm} testid="readout-pathnorm" />
          </div>
          <h2 title="measured on the trained network θ (c = 1) every training chunk">Training curves</h2>
          <div
            class="curves"
            data-testid="curves"
            data-points={hist.length}
            data-last-step={hist.length ? hist[hist.length - 1].step : 0}
          >
            <PlotView make={() => curvesChart(hist, 'loss')} deps={[hist]} empty="press play or +1 step to train" />
            <PlotView make={() => curvesChart(hist, 'flatness')} deps={[hist]} empty="" />
          </div>
          <h2 title="the network f and the target f* on the plane x = α u₁ + β u₂">Function on span(u₁, u₂)</h2>
          {heatmap ? (
            <div class="heatmaps" data-testid="heatmap">
              <figure title="f(x; θ) = Σ_j a_j σ(w_jᵀx)">
                <figcaption>network f</figcaption>
                <PlotView make={() => heatmapChart(heatmap, 'f', heatDomain)} deps={[heatmap, heatDomain]} />
              </figure>
              <figure title="f*(x) = Σ_l g_l(u_lᵀx)">
                <figcaption>target f*</figcaption>
                <PlotView make={() => heatmapChart(heatmap, 'target', heatDomain)} deps={[heatmap, heatDomain]} />
              </figure>
              <PlotView make={() => heatmapLegend(heatDomain)} deps={[heatDomain]} />
            </div>
          ) : (
            <p class="empty">the heatmap is shown for r ≤ 2</p>
          )}
        </section>
        <section class="right">
          <SymmetryPanel
            view={viewOf(state)}
            orbit={snap?.orbit ?? null}
            shownF={shown?.F}
            fShift={snap?.fShift ?? null}
            onView={setView}
          />
          <div class="panel">
            <h2
              title={`${tip(QUANTITIES.align)}\nagainst ${tip(QUANTITIES.mass)}\nsize and colour: ${tip(QUANTITIES.absA)}`}
            >
              Neurons
            </h2>
            <PlotView
              make={() => (snap ? neuronChart(snap.neurons) : null)}
              deps={[snap?.neurons]}
              testid="neuron-chart"
              empty="no live neurons"
            />
          </div>
        </section>
      </main>
      <InterpolatorPanel
        result={interp}
        busy={interpBusy}
        disabled={busy || playing || interpBusy}
        onCompute={() => {
          setInterpBusy(true);
          send({ type: 'interpolators' });
        }}
      />
      <ModelPanel
        report={model.report}
        error={model.error}
        busy={model.busy}
        activation={modelAct}
        onActivation={(a) => {
          setModelAct(a);
          if (lastFile.current) loadModel(lastFile.current, a);
        }}
        onFile={(f) => {
          lastFile.current = f;
          loadModel(f);
        }}
        dragging={dragging}
      />
      <footer>
        Same core as the flatlab CLI (portable backend, in a Web Worker). Every number is exact float64; the link
        reproduces it.
      </footer>
    </div>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
