/**
 * The training worker: holds the data, the network and the trainer, so the page never freezes. It
 * trains in short chunks (≈ 50 ms) and answers with snapshots; messages (pause, a new state) are
 * handled between chunks. All numbers come from the core through lab.ts and science.ts.
 */
import '../../src/linalg/index.js';
import type { Network } from '../../src/model/network.js';
import {
  displayed,
  type Heatmap,
  heatmap,
  measure,
  type NeuronPoint,
  neuronView,
  type OrbitCurve,
  orbitCurve,
  type Plane,
  plane,
  type Readouts,
  type SymmetryView,
} from './lab.js';
import { measureLoadedModel } from './loaded-model.js';
import type { FromWorker, HistoryPoint, ToWorker } from './protocol.js';
import { buildProblem, createStepper, type Problem, referenceInterpolators, type Stepper } from './science.js';
import type { State } from './tables.js';

/** Stepping time per chunk: long enough to amortize the measurements, short enough for 10 updates/s. */
const CHUNK_MS = 100;
/** During play the heatmap and the neuron view refresh at most this often. */
const VIEWS_EVERY_MS = 400;

let epoch = -1;
let state: State | null = null;
let problem: Problem | null = null;
let stepper: Stepper | null = null;
let step = 0;
let playing = false;
let replaying = false;
let view: SymmetryView = { symLog: 0, symMode: 'global', balanced: false };
let pending: HistoryPoint[] = [];
let grid: Plane | null = null;
let gridTarget: Float64Array | null = null;
/** The last measurement of the trained θ, reused for the readouts when the view is the identity. */
let lastTrained: { step: number; r: Readouts } | null = null;
let views: { at: number; neurons: NeuronPoint[]; heatmap: Heatmap | null } | null = null;
/**
 * The heatmap is drawn from the displayed network, and compared with the trained θ's f on the same
 * grid: the largest difference is the visible proof that f does not move along the orbit.
 */
let heat: { key: string; h: Heatmap | null; shift: number | null } | null = null;
let heatTrained: { step: number; f: Float64Array } | null = null;
/** The orbit curve depends on θ, the mode and the base point, not on the slider position. */
let orbitCache: { key: string; curve: OrbitCurve } | null = null;
let viewScheduled = false;
let resetHistory = true;
/** The last model file the user dropped, re-measured whenever the data change. */
let loaded: { name: string; bytes: Uint8Array; activation: string } | null = null;

function post(msg: FromWorker): void {
  (self as unknown as Worker).postMessage(msg);
}

function current(): Network {
  return (stepper as Stepper).net;
}

function record(): void {
  const m = measure(current(), problem as Problem);
  lastTrained = { step, r: m };
  pending.push({ step, loss: m.loss, risk: m.risk, F: m.F, fStar: m.fStar });
}

function snapshot(opts: { orbit: boolean; stepsPerSec?: number | null }): void {
  if (!problem || !state) return;
  const net = current();
  const seed = state.seed as number;
  const shownNet = displayed(net, problem, view, seed);
  const shown = shownNet === net && lastTrained?.step === step ? lastTrained.r : measure(shownNet, problem);
  // While playing, the heavier views refresh a few times a second; otherwise every time.
  const now = performance.now();
  if (!views || !playing || now - views.at >= VIEWS_EVERY_MS || opts.orbit) {
    const key = `${step}|${view.symLog}|${view.symMode}|${view.balanced}`;
    if (heat?.key !== key) heat = heatFor(key, net, shownNet);
    views = { at: now, neurons: neuronView(shownNet, problem), heatmap: heat.h };
  }
  let orbit: OrbitCurve | null = null;
  if (opts.orbit) {
    const key = `${epoch}|${step}|${view.symMode}|${view.balanced}`;
    if (orbitCache?.key !== key) orbitCache = { key, curve: orbitCurve(net, problem, view, seed, orbitPoints(net)) };
    orbit = orbitCache.curve;
  }
  post({
    type: 'snapshot',
    epoch,
    step,
    playing,
    replaying,
    view,
    shown,
    history: pending,
    resetHistory,
    neurons: views.neurons,
    heatmap: views.heatmap,
    fShift: heat?.shift ?? null,
    orbit,
    stepsPerSec: opts.stepsPerSec ?? null,
    phase: (stepper as Stepper).phase,
    riskUnavailable: problem.riskUnavailable,
    k: net.act.degree ?? 0,
  });
  pending = [];
  resetHistory = false;
}

function heatFor(
  key: string,
  net: Network,
  shownNet: Network,
): { key: string; h: Heatmap | null; shift: number | null } {
  if (!grid || !gridTarget) return { key, h: null, shift: null };
  const h = heatmap(shownNet, grid, gridTarget);
  if (shownNet === net) return { key, h, shift: 0 };
  if (heatTrained?.step !== step) heatTrained = { step, f: heatmap(net, grid, gridTarget).f };
  let shift = 0;
  for (let i = 0; i < h.f.length; i++) shift = Math.max(shift, Math.abs(h.f[i] - heatTrained.f[i]));
  return { key, h, shift };
}

/** Fewer orbit points for big problems (each point is one pass over the data). */
function orbitPoints(net: Network): number {
  const work = (problem as Problem).data.n * net.m * net.d;
  return work > 2e8 ? 7 : work > 5e7 ? 13 : work > 5e6 ? 25 : 49;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Run `k` steps in chunks, yielding between chunks; stops early if a newer init arrived. */
async function advance(k: number, myEpoch: number): Promise<void> {
  const s = stepper as Stepper;
  let left = k;
  while (left > 0 && myEpoch === epoch && !s.done) {
    const t0 = performance.now();
    while (left > 0 && performance.now() - t0 < CHUNK_MS && !s.done) {
      // One iteration at a time: `step` must count exactly the iterations taken (a link replays them).
      s.step(1);
      step += 1;
      left -= 1;
    }
    record();
    if (left > 0) {
      snapshot({ orbit: false });
      await tick();
    }
  }
}

async function init(next: State, myEpoch: number): Promise<void> {
  epoch = myEpoch;
  playing = false;
  state = next;
  view = {
    symLog: next.symLog as number,
    symMode: next.symMode as SymmetryView['symMode'],
    balanced: next.balanced as boolean,
  };
  problem = buildProblem(next);
  stepper = createStepper(next, problem);
  grid = plane(problem);
  gridTarget = grid ? problem.targetValues(grid.X, grid.G * grid.G) : null;
  views = null;
  heat = null;
  heatTrained = null;
  orbitCache = null;
  lastTrained = null;
  step = 0;
  pending = [];
  resetHistory = true;
  record();
  const target = next.trained as number;
  if (target > 0 && stepper) {
    replaying = true;
    snapshot({ orbit: false });
    await advance(target, myEpoch);
    replaying = false;
    if (myEpoch !== epoch) return;
  }
  snapshot({ orbit: true });
  if (loaded) measureLoaded();
}

function measureLoaded(): void {
  if (!loaded || !state || !problem) return;
  try {
    const report = measureLoadedModel(loaded.name, loaded.bytes, loaded.activation, state, problem);
    post({ type: 'model', epoch, report, error: null });
  } catch (e) {
    post({ type: 'model', epoch, report: null, error: e instanceof Error ? e.message : String(e) });
  }
}

async function play(myEpoch: number): Promise<void> {
  if (!stepper || playing || stepper.done) return;
  playing = true;
  // Rate over the whole play session and wall time, measurements and snapshots included.
  const t0 = performance.now();
  const step0 = step;
  while (playing && myEpoch === epoch) {
    const c0 = performance.now();
    while (performance.now() - c0 < CHUNK_MS && !stepper.done) {
      stepper.step(1);
      step += 1;
    }
    if (stepper.done) playing = false;
    record();
    const rate = ((step - step0) * 1000) / (performance.now() - t0);
    snapshot({ orbit: !playing, stepsPerSec: rate });
    await tick();
  }
}

function fail(e: unknown): void {
  playing = false;
  replaying = false;
  post({ type: 'error', epoch, message: e instanceof Error ? e.message : String(e) });
  // Report the state the trainer kept (the last good parameters) so the page leaves "playing".
  try {
    snapshot({ orbit: false });
  } catch {
    // Nothing more to show (e.g. the problem itself could not be built).
  }
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case 'init':
        init(msg.state, msg.epoch).catch(fail);
        break;
      case 'play':
        play(epoch).catch(fail);
        break;
      case 'pause':
        playing = false;
        // Let the running chunk finish, then report with the orbit curve.
        setTimeout(() => snapshot({ orbit: true }), 0);
        break;
      case 'step':
        if (stepper && !playing && !replaying) {
          const my = epoch;
          advance(msg.k, my)
            .then(() => {
              if (my === epoch) snapshot({ orbit: true });
            })
            .catch(fail);
        }
        break;
      case 'view':
        view = msg.view;
        // A dragged slider sends a burst of views: answer once for the latest.
        if (!playing && !replaying && !viewScheduled) {
          viewScheduled = true;
          setTimeout(() => {
            viewScheduled = false;
            if (!playing && !replaying) snapshot({ orbit: true });
          }, 0);
        }
        break;
      case 'model':
        loaded = { name: msg.name, bytes: msg.bytes, activation: msg.activation };
        measureLoaded();
        break;
      case 'interpolators': {
        if (!problem || !state) break;
        const ref = referenceInterpolators(state, problem);
        const points = ref.nets.map(({ name, net }) => {
          const m = measure(net, problem as Problem);
          return { name, fStar: m.fStar, risk: m.risk, loss: m.loss };
        });
        const t = measure(current(), problem);
        points.push({ name: 'trained', fStar: t.fStar, risk: t.risk, loss: t.loss });
        post({ type: 'interpolators', epoch, points, notes: ref.notes });
        break;
      }
    }
  } catch (e) {
    fail(e);
  }
};
