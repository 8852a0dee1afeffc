/**
 * The playground page: controls generated from the parameter table, the state mirrored into the URL
 * fragment, and views fed by snapshots from the training worker.
 */
import { render } from 'preact';
import { usePlayground, viewOf } from './hooks/usePlayground.js';
import { DATA_PARAMS, NETWORK_PARAMS, TRAIN_PARAMS } from './tables.js';
import { ControlGroup } from './views/Controls.js';
import { InterpolatorPanel } from './views/Interpolators.js';
import { ModelPanel } from './views/ModelPanel.js';
import { NeuronPanel } from './views/NeuronPanel.js';
import { Notice } from './views/Notice.js';
import { RunView } from './views/RunView.js';
import { SymmetryPanel } from './views/Symmetry.js';
import { Toolbar } from './views/Toolbar.js';
import './style.css';

function App() {
  const p = usePlayground();
  const { state, session, model } = p;
  const { snap } = session;
  const playing = snap?.playing ?? false;
  const busy = !snap || snap.replaying;
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
      <Notice notice={p.notice} onDismiss={p.dismissNotice} />
      <Toolbar
        snap={snap}
        error={session.error}
        rate={session.lastRate}
        send={session.send}
        onReset={p.reset}
        onReseed={p.reseed}
      />
      <main>
        <aside class="controls">
          <ControlGroup title="Data" params={DATA_PARAMS} state={state} onChange={p.change} />
          <ControlGroup title="Network" params={NETWORK_PARAMS} state={state} onChange={p.change} />
          <ControlGroup title="Training" params={TRAIN_PARAMS} state={state} onChange={p.change} />
        </aside>
        <RunView snap={snap} history={session.history} />
        <section class="right">
          <SymmetryPanel
            view={viewOf(state)}
            orbit={snap?.orbit ?? null}
            shownF={snap?.shown?.F}
            fShift={snap?.fShift ?? null}
            onView={p.setView}
          />
          <NeuronPanel snap={snap} />
        </section>
      </main>
      <InterpolatorPanel
        result={session.interp}
        busy={session.interpBusy}
        disabled={busy || playing || session.interpBusy}
        onCompute={session.computeInterpolators}
      />
      <ModelPanel
        report={model.report}
        error={model.error}
        busy={model.busy}
        activation={model.activation}
        onActivation={model.changeActivation}
        onFile={model.choose}
        dragging={p.dragging}
      />
      <footer>
        Same core as the flatlab CLI (portable backend, in a Web Worker). Every number is exact float64; the link
        reproduces it.
      </footer>
    </div>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
