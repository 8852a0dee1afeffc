/**
 * The index matrix U (r × d, orthonormal rows u_l): either the first r coordinate axes, or a random
 * Haar-distributed frame from a seeded Gaussian matrix orthonormalized by modified Gram–Schmidt
 * (applied twice, which keeps ‖UUᵀ − I‖ at rounding level).
 */
import { InputError } from '../errors.js';
import { Rng } from '../rng/xoshiro.js';

/** How the index matrix U is chosen: a seeded random orthonormal one, or the first r coordinate axes. */
export type IndexKind = 'random' | 'axes';

export function indexMatrix(d: number, r: number, kind: IndexKind, seed: number): number[][] {
  if (!Number.isInteger(r) || r < 1 || r > d) throw new InputError(`r must be an integer in [1, d = ${d}] (got ${r})`);
  if (kind === 'axes') {
    return Array.from({ length: r }, (_, l) => Array.from({ length: d }, (_, k) => (k === l ? 1 : 0)));
  }
  if (kind !== 'random') throw new InputError(`index must be one of random, axes (got "${String(kind)}")`);
  const rng = new Rng(seed);
  const rows: Float64Array[] = [];
  for (let l = 0; l < r; l++) {
    const v = rng.fillNormal(new Float64Array(d));
    for (let pass = 0; pass < 2; pass++) for (const u of rows) project(v, u);
    normalize(v);
    rows.push(v);
  }
  return rows.map((v) => Array.from(v));
}

/** v ← v − (u·v) u: removes v's component along the unit vector u (one Gram–Schmidt step). */
function project(v: Float64Array, u: Float64Array): void {
  let dot = 0;
  for (let k = 0; k < v.length; k++) dot += u[k] * v[k];
  for (let k = 0; k < v.length; k++) v[k] -= dot * u[k];
}

/** v ← v / ‖v‖. */
function normalize(v: Float64Array): void {
  let nrm = 0;
  for (let k = 0; k < v.length; k++) nrm += v[k] * v[k];
  nrm = Math.sqrt(nrm);
  for (let k = 0; k < v.length; k++) v[k] /= nrm;
}

/** max |U Uᵀ − I|: the orthonormality defect of the rows. */
export function orthonormalityDefect(U: readonly (readonly number[])[]): number {
  let worst = 0;
  for (let a = 0; a < U.length; a++) {
    for (let b = a; b < U.length; b++) {
      let dot = 0;
      for (let k = 0; k < U[a].length; k++) dot += U[a][k] * U[b][k];
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}
