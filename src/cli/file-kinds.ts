/**
 * The extension of a model or data set path decides its format, and a path whose extension names no
 * format flatlab writes is refused rather than silently written as JSON (a path without an extension is
 * JSON). PyTorch pickles (.pt, .pth,
 * .ckpt, .pkl) are never read — unpickling runs arbitrary code — and the refusal carries the one-line
 * recipe that converts them (docs/python.md).
 */
import { extname } from 'node:path';
import { InputError } from '../errors.js';

const PICKLES = new Set(['.pt', '.pth', '.ckpt', '.pkl', '.pickle', '.bin']);
const MODEL_RECIPE =
  "save the weights as safetensors in Python: from safetensors.torch import save_file; save_file(model.state_dict(), 'model.safetensors')";
const DATA_RECIPE = "save the arrays with numpy: np.savez('data.npz', x=X, y=y)";

const MODEL_OUT = ['.json', '.npz', '.safetensors'];
const DATA_OUT = ['.json', '.npz'];

function ext(path: string): string {
  return extname(path).toLowerCase();
}

/** Refuse reading a pickle as a model or a data set, with the conversion recipe. */
export function checkReadable(path: string, kind: 'model' | 'data set'): void {
  if (PICKLES.has(ext(path)))
    throw new InputError(
      `${kind} file ${path}: PyTorch/pickle files are not read (unpickling runs code); ${kind === 'model' ? MODEL_RECIPE : DATA_RECIPE}`,
    );
}

/** Refuse an output path whose extension is not a format flatlab writes for `kind`. */
export function checkWritable(path: string, kind: 'model' | 'data set'): void {
  const allowed = kind === 'model' ? MODEL_OUT : DATA_OUT;
  const e = ext(path);
  // No extension at all stays flatlab JSON (and lets the safe writer name a folder or device target).
  if (e === '' || allowed.includes(e)) return;
  const hint = PICKLES.has(e)
    ? `; flatlab writes no pickles: write .safetensors and load it with safetensors.torch.load_file`
    : e === '.csv'
      ? '; a CSV table is read with flatlab data --from-csv, not written'
      : '';
  throw new InputError(
    `--out ${path}: a ${kind} is written as ${allowed.join(', ')} (the extension decides the format)${hint}`,
  );
}
