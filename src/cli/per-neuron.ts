/**
 * `measure --per-neuron`: the exact trace split by neuron (docs/math.md#flatness): A_j (second layer),
 * B_j (first-layer Gauss–Newton), C_j (residual), with, for homogeneous σ, each neuron's share F*_j of
 * the invariant flatness, its optimal rescaling factor c*_j and its invariant mass s_j = a_j‖w_j‖^k.
 * Σ_j (A_j + B_j + C_j) is the printed trace and Σ_j F*_j the printed F*, by construction.
 */
import type { Dataset } from '../data/dataset.js';
import { traceParts } from '../flatness/trace.js';
import type { Network } from '../model/network.js';
import { formatNumber } from '../number-format.js';
import { invariantFlatness } from '../symmetry/invariant.js';
import { neuronMasses, rowNorm } from '../symmetry/rescale.js';

export interface NeuronRow {
  j: number;
  a: number;
  wNorm: number;
  A: number;
  B: number;
  C: number;
  /** Present for homogeneous activations only. */
  fStar?: number;
  cStar?: number;
  mass?: number;
}

export function perNeuronRows(net: Network, data: Dataset): NeuronRow[] {
  const parts = traceParts(net, data);
  const homogeneous = net.act.degree !== null;
  const inv = homogeneous ? invariantFlatness(net, data, parts) : null;
  const mass = homogeneous ? neuronMasses(net) : null;
  return Array.from({ length: net.m }, (_, j) => ({
    j,
    a: net.a[j],
    wNorm: rowNorm(net, j),
    A: parts.A[j],
    B: parts.B[j],
    C: parts.C[j],
    ...(inv && mass ? { fStar: inv.perNeuron[j], cStar: inv.factors[j], mass: mass[j] } : {}),
  }));
}

export function formatPerNeuron(rows: readonly NeuronRow[]): string {
  const hom = rows.length > 0 && rows[0].fStar !== undefined;
  const cols = ['j', 'a_j', '‖w_j‖', 'A_j', 'B_j', 'C_j', ...(hom ? ['F*_j', 'c*_j', 's_j'] : [])];
  const cells = rows.map((r) => [
    String(r.j),
    ...[r.a, r.wNorm, r.A, r.B, r.C, ...(hom ? [r.fStar, r.cStar, r.mass] : [])].map((v) => formatNumber(v as number)),
  ]);
  const width = cols.map((c, k) => Math.max(c.length, ...cells.map((row) => row[k].length)));
  const line = (row: string[]) => row.map((c, k) => c.padStart(width[k])).join('  ');
  const note = hom ? '' : '\n(F*_j, c*_j and s_j need a homogeneous activation)';
  return `per-neuron parts (trace = Σ_j A_j + B_j + C_j${hom ? '; F* = Σ_j F*_j' : ''})\n${[cols, ...cells].map(line).join('\n')}${note}\n`;
}
