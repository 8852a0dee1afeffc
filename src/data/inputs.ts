/**
 * Input laws (docs/math.md#data, §1): gaussian N(0, I_d) (default), uniform on the sphere of radius √d,
 * Rademacher coordinates, and anisotropic N(0, diag(scales²)). Every draw takes an explicit generator.
 */
import { InputError } from '../errors.js';
import type { Rng } from '../rng/xoshiro.js';
import { INPUT_LAWS, type InputSpec } from './target.js';

/** Validate an input law for dimension d (InputError naming the problem). */
export function checkInputSpec(input: unknown, d: number, where = 'input'): InputSpec {
  if (!input || typeof input !== 'object' || typeof (input as { law?: unknown }).law !== 'string') {
    throw new InputError(`${where} must be an object with a "law" (one of ${INPUT_LAWS.join(', ')})`);
  }
  const law = (input as { law: string }).law;
  switch (law) {
    case 'gaussian':
    case 'sphere':
    case 'rademacher':
      return { law };
    case 'anisotropic': {
      const scales = (input as { scales?: unknown }).scales;
      if (!Array.isArray(scales) || scales.length !== d) {
        throw new InputError(
          `${where}.scales must be a list of d = ${d} numbers > 0 (got ${Array.isArray(scales) ? `${scales.length} values` : JSON.stringify(scales)})`,
        );
      }
      scales.forEach((s, i) => {
        if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) {
          throw new InputError(`${where}.scales[${i}] must be a finite number > 0 (got ${JSON.stringify(s)})`);
        }
      });
      return { law, scales: [...scales] };
    }
    default:
      throw new InputError(`unknown input law "${law}" (allowed: ${INPUT_LAWS.join(', ')})`);
  }
}

/** Fill `row` with a uniform point on the sphere of the given radius (a normalized Gaussian vector). */
function sphereRow(row: Float64Array, radius: number, rng: Rng): void {
  const d = row.length;
  let s = 0;
  // A zero Gaussian vector has probability 0; redraw rather than divide by 0.
  while (s === 0) {
    rng.fillNormal(row);
    s = 0;
    for (let k = 0; k < d; k++) s += row[k] * row[k];
  }
  const c = radius / Math.sqrt(s);
  for (let k = 0; k < d; k++) row[k] *= c;
}

/** Fill `out` (rows × d, row-major) with i.i.d. rows from the input law. */
export function sampleInputs(
  input: InputSpec,
  d: number,
  rows: number,
  rng: Rng,
  out = new Float64Array(rows * d),
): Float64Array {
  switch (input.law) {
    case 'gaussian':
      rng.fillNormal(out.subarray(0, rows * d));
      break;
    case 'rademacher':
      rng.fillRademacher(out.subarray(0, rows * d));
      break;
    case 'sphere': {
      const radius = Math.sqrt(d);
      for (let i = 0; i < rows; i++) sphereRow(out.subarray(i * d, (i + 1) * d), radius, rng);
      break;
    }
    case 'anisotropic': {
      const sc = input.scales;
      for (let i = 0; i < rows; i++) for (let k = 0; k < d; k++) out[i * d + k] = sc[k] * rng.normal();
      break;
    }
  }
  return out;
}

/** Parse the CLI/spec syntax: gaussian | sphere | rademacher | anisotropic:s1,…,sd | anisotropic:pow=α (s_i = i^{−α}). */
export function parseInputSyntax(text: string, d: number): InputSpec {
  const s = text.trim();
  const [head, rest] = s.includes(':') ? [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)] : [s, undefined];
  if (head !== 'anisotropic') {
    if (rest !== undefined)
      throw new InputError(`input "${s}": only anisotropic takes parameters (allowed: ${INPUT_LAWS.join(', ')})`);
    return checkInputSpec({ law: head }, d);
  }
  if (rest === undefined || rest.trim() === '') {
    throw new InputError('input anisotropic needs scales: anisotropic:s1,…,sd or anisotropic:pow=α');
  }
  const pow = /^pow=(.+)$/.exec(rest.trim());
  if (pow) {
    const alpha = Number(pow[1]);
    if (!Number.isFinite(alpha) || alpha < 0 || alpha > 4)
      throw new InputError(`input anisotropic:pow=α needs α in [0, 4] (got "${pow[1]}")`);
    return { law: 'anisotropic', scales: Array.from({ length: d }, (_, i) => (i + 1) ** -alpha) };
  }
  const scales = rest.split(',').map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  return checkInputSpec({ law: 'anisotropic', scales }, d);
}
