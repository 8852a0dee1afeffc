/**
 * Progress of a sweep: trials done / total, rate and ETA. Pure formatting; the caller supplies where to
 * write (stderr in the CLI). On a terminal the line is redrawn in place; otherwise a line is written
 * at most every `intervalMs` so logs stay short.
 */
export interface Progress {
  start(total: number, alreadyDone: number): void;
  tick(label: string, failed: boolean): void;
  stop(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds - 60 * m)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function textProgress(
  write: (s: string) => void,
  opts: { tty?: boolean; intervalMs?: number; clock?: () => number } = {},
): Progress {
  const clock = opts.clock ?? Date.now;
  const interval = opts.intervalMs ?? 5000;
  /** Trials in the sweep, resumed from the store, finished (resumed included), failed. */
  const tally = { total: 0, skipped: 0, done: 0, failed: 0 };
  let t0 = 0;
  let lastWrite = 0;
  const line = (label: string): string => {
    const { total, skipped, done, failed } = tally;
    const elapsed = (clock() - t0) / 1000;
    const ran = done - skipped;
    const rate = elapsed > 0 ? ran / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.NaN;
    const pct = total ? ((100 * done) / total).toFixed(0) : '100';
    return `trials ${done}/${total} (${pct}%)${skipped ? `, ${skipped} resumed` : ''}${failed ? `, ${failed} failed` : ''} · ${rate.toFixed(2)}/s · ETA ${formatDuration(eta)}${label ? ` · ${label}` : ''}`;
  };
  return {
    start(t, already) {
      Object.assign(tally, { total: t, skipped: already, done: already });
      t0 = clock();
      write(`${line('')}\n`);
      lastWrite = t0;
    },
    tick(label, isFailed) {
      tally.done++;
      if (isFailed) tally.failed++;
      const now = clock();
      if (opts.tty) write(`\r\x1b[2K${line(label)}`);
      else if (now - lastWrite >= interval || tally.done === tally.total) {
        write(`${line(label)}\n`);
        lastWrite = now;
      }
    },
    stop() {
      if (opts.tty) write('\n');
    },
  };
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };
