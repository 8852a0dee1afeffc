/**
 * A model the user dropped on the page (.npz, .safetensors or flatlab JSON), measured against the
 * playground's current data set — or, when its input dimension differs, against a data set of the same
 * target family in the model's own d. Parsing is the core's pure readers (src/io), the numbers the same
 * functions as the CLI's `flatlab measure`. Pure and synchronous; the worker calls it.
 */

import { InputError } from '../../src/errors.js';
import { modelFromTensorBytes, tensorFormat } from '../../src/io/model-tensors.js';
import { modelToNetwork } from '../../src/model/model-json.js';
import type { Network } from '../../src/model/network.js';
import { exactUnavailableReason } from '../../src/risk/exact.js';
import { populationRisk } from '../../src/risk/population.js';
import { measure, type NeuronPoint, neuronView, type OrbitCurve, orbitCurve, type Readouts } from './lab.js';
import { buildProblem, type Problem } from './science.js';
import type { State } from './tables.js';

export interface LoadedModelReport {
  name: string;
  m: number;
  d: number;
  activation: string;
  /** Which data the numbers are on: the current data set, or one built in the model's own d. */
  dataNote: string;
  readouts: Readouts;
  neurons: NeuronPoint[];
  orbit: OrbitCurve;
}

/** Parse the file by its extension; `activation` (CLI spelling) is used when the file carries none. */
export function parseModelFile(name: string, bytes: Uint8Array, activation: string): Network {
  const fmt = tensorFormat(name);
  if (fmt === 'npz' || fmt === 'safetensors') {
    const where = name;
    try {
      // The file's own activation wins; the page's choice only fills in when the file has none.
      return modelFromTensorBytes(bytes, fmt, {}, where).net;
    } catch (e) {
      if (!(e instanceof InputError) || !/carries no activation/.test(e.message)) throw e;
      return modelFromTensorBytes(bytes, fmt, { activation }, where).net;
    }
  }
  if (/\.json$/i.test(name)) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new InputError(`${name} is not valid JSON`);
    }
    return modelToNetwork(json, name).net;
  }
  throw new InputError(`${name}: drop a .npz, .safetensors or flatlab .json model`);
}

export function measureLoadedModel(
  name: string,
  bytes: Uint8Array,
  activation: string,
  state: State,
  current: Problem,
): LoadedModelReport {
  const net = parseModelFile(name, bytes, activation);
  if (net.act.degree === null) {
    throw new InputError(`${name}: activation ${net.act.label} is not homogeneous, so F* and the orbit do not exist`);
  }
  let problem = current;
  let dataNote = `current data (n = ${current.data.n}, d = ${current.data.d})`;
  if (net.d !== current.data.d) {
    const r = Math.min(state.r as number, net.d);
    problem = buildProblem({ ...state, d: net.d, r });
    dataNote = `the model has d = ${net.d} ≠ ${current.data.d}: a data set of the same target family in d = ${net.d} (n = ${problem.data.n}, r = ${r})`;
  }
  const readouts = measure(net, problem);
  // The exact risk depends on the model's activation, not the playground's.
  readouts.risk = exactUnavailableReason(net, problem.target)
    ? null
    : populationRisk(net, problem.target, { method: 'exact' }).value;
  const view = { symLog: 0, symMode: 'global' as const, balanced: false };
  return {
    name,
    m: net.m,
    d: net.d,
    activation: net.act.label,
    dataNote,
    readouts,
    neurons: neuronView(net, problem),
    orbit: orbitCurve(net, problem, view, state.seed as number),
  };
}
