/**
 * An exclusive lock on an output folder while a run writes it: two `train` (or `reproduce`) runs into
 * one `--out` would interleave their logs and overwrite each other's checkpoints. The lock is a file
 * `.flatlab.lock` holding the writer's pid, created with O_EXCL (atomic on every local file system). A
 * lock whose process is gone (killed, crashed) is stale and taken over, so no signal handler is needed
 * to release it. It is released when the process exits; a folder the lock itself created is removed
 * again if the run left it empty (a refused run writes nothing).
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { fsReason } from './safe-write.js';

export const LOCK_NAME = '.flatlab.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holder(lock: string): number | null {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * One attempt at the lock file: true when taken. A live holder is refused (naming its pid); a stale
 * lock (its process is gone) or one being written this instant is removed and taken over once.
 */
function tryLock(lock: string, dir: string, flag: string, attempt: number): boolean {
  try {
    const fd = openSync(lock, 'wx', 0o644);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new InputError(`cannot lock ${flag} ${dir}: ${fsReason(e)}`);
  }
  const pid = holder(lock);
  if (pid !== null && pid !== process.pid && alive(pid))
    throw new InputError(
      `${flag} ${dir} is being written by flatlab process ${pid} (lock file ${lock}); wait for it to finish or choose another folder`,
    );
  if (attempt > 0) throw new InputError(`cannot lock ${flag} ${dir}: the lock file ${lock} keeps changing`);
  try {
    unlinkSync(lock);
  } catch {
    // removed by its owner meanwhile
  }
  return false;
}

/** Take the lock on `dir` (created if absent) for this process; returns the release (also run at exit). */
export function lockOutFolder(dir: string, flag = '--out'): () => void {
  const abs = resolve(dir);
  let created: string | undefined;
  try {
    created = mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new InputError(`cannot create ${flag} ${dir}: ${fsReason(e)}`);
  }
  const lock = join(abs, LOCK_NAME);
  for (let attempt = 0; !tryLock(lock, dir, flag, attempt); attempt++);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (holder(lock) === process.pid) unlinkSync(lock);
      if (created !== undefined && readdirSync(created).length === 0) rmdirSync(created);
    } catch {
      // best effort at exit
    }
  };
  process.on('exit', release);
  return release;
}
