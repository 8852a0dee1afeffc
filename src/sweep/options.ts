/**
 * Flag parsing shared by `flatlab sweep` and `flatlab worker`: integers with their allowed range, and
 * the Redis URL, which may come from FLATLAB_REDIS_URL so that a password never shows in `ps` output
 * or shell history.
 */
import { InputError } from '../errors.js';

export function intFlag(raw: string | number | undefined, flag: string, lo: number, hi: number, dflt: number): number {
  if (raw === undefined) return dflt;
  const v = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new InputError(`${flag} must be an integer in ${lo}…${hi} (got "${raw}")`);
  return v;
}

export function redisUrlFlag(raw: string | undefined): string {
  const url = raw ?? process.env.FLATLAB_REDIS_URL;
  if (!url) throw new InputError('--redis is required (a redis:// or rediss:// URL; or set FLATLAB_REDIS_URL)');
  return url;
}
