/** Messages between the page and the training worker (structured-clone friendly). */
import type { Heatmap, NeuronPoint, OrbitCurve, Readouts, SymmetryView } from './lab.js';
import type { LoadedModelReport } from './loaded-model.js';
import type { State } from './tables.js';

export type ToWorker =
  /** (Re)build data and network from the state and replay `state.steps` training steps. */
  | { type: 'init'; state: State; epoch: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; k: number }
  | { type: 'view'; view: SymmetryView }
  | { type: 'interpolators' }
  /** A dropped model file: measured now and again after every init (new data). */
  | { type: 'model'; name: string; bytes: Uint8Array; activation: string };

export interface HistoryPoint {
  step: number;
  loss: number;
  risk: number | null;
  F: number;
  fStar: number;
}

export interface InterpolatorResult {
  name: string;
  fStar: number;
  risk: number | null;
  loss: number;
}

export type FromWorker =
  | {
      type: 'snapshot';
      /** Id of the init this snapshot belongs to (stale snapshots are dropped). */
      epoch: number;
      step: number;
      playing: boolean;
      /** True while a link's steps are being replayed. */
      replaying: boolean;
      /** The symmetry view the readouts were computed for. */
      view: SymmetryView;
      /** Readouts of the displayed network (the trained θ moved along its orbit). */
      shown: Readouts;
      /** History points added since the previous snapshot (measured on the trained θ, c = 1). */
      history: HistoryPoint[];
      resetHistory: boolean;
      neurons: NeuronPoint[];
      /** f and f* on the plane (f of the displayed network). */
      heatmap: Heatmap | null;
      /** max |f_displayed − f_trained| over the plane's grid (0 when the view is the identity). */
      fShift: number | null;
      orbit: OrbitCurve | null;
      /** Training steps per second over the last play chunk. */
      stepsPerSec: number | null;
      /** Trainer phase: train → polish → done. */
      phase: string;
      /** Why the exact population risk is unavailable (null when shown). */
      riskUnavailable: string | null;
      k: number;
    }
  | { type: 'interpolators'; epoch: number; points: InterpolatorResult[]; notes: string[] }
  | { type: 'error'; epoch: number; message: string }
  | { type: 'model'; epoch: number; report: LoadedModelReport | null; error: string | null };
