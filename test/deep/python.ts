/** The Python the deep-network tests run for torch: FLATLAB_PYTHON, else /usr/bin/python3, else python3. */
import { spawnSync } from 'node:child_process';

const CANDIDATES = [process.env.FLATLAB_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);

/** The first candidate that imports torch and numpy, or null (the caller skips and says why). */
export const PYTHON_WITH_TORCH: string | null =
  CANDIDATES.find((p) => spawnSync(p, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0) ?? null;

export const NO_TORCH_REASON = `no Python with torch and numpy among ${CANDIDATES.join(', ')}`;
