import type { Snapshot } from '../hooks/useTrainingWorker.js';
import type { ToWorker } from '../protocol.js';
import { Readout } from './Readout.js';

const FINISHED =
  'the trainer has finished (train loss ≤ tol, or the horizon T and the polish are done); reset or change a parameter';

function statusOf(snap: Snapshot | null, error: string | null): string {
  if (error) return 'error';
  if (!snap) return 'loading';
  if (snap.replaying) return 'replaying';
  return snap.playing ? 'playing' : 'idle';
}

/** The run's controls (reset, new seed, play, steps) and its state: step, speed, status, phase, errors. */
export function Toolbar(props: {
  snap: Snapshot | null;
  error: string | null;
  rate: number | null;
  send: (m: ToWorker) => void;
  onReset: () => void;
  onReseed: () => void;
}) {
  const { snap, error, send } = props;
  const playing = snap?.playing ?? false;
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
  const status = statusOf(snap, error);
  return (
    <div class="toolbar">
      <button
        type="button"
        data-testid="btn-reset"
        title="rebuild data and network from the seed (step 0)"
        onClick={props.onReset}
      >
        ⟲ reset
      </button>
      <button
        type="button"
        data-testid="btn-reseed"
        title="next seed (s + 1): new data, initialization and batches"
        onClick={props.onReseed}
      >
        ⚄ new seed
      </button>
      <button
        type="button"
        class="play"
        data-testid="btn-play"
        disabled={busy || !canTrain}
        title={canTrain ? (playing ? 'pause training' : 'start training') : FINISHED}
        onClick={() => send({ type: playing ? 'pause' : 'play' })}
      >
        {playing ? '❚❚ pause' : '▶ play'}
      </button>
      {stepButton(1, 'btn-step', 'one training step', '+1 step')}
      {stepButton(10, 'btn-step10', 'ten training steps', '+10')}
      <Readout q="step" value={snap?.step ?? 0} testid="readout-step" />
      <Readout q="stepsPerSec" value={props.rate} testid="readout-steps-per-sec" />
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
  );
}
