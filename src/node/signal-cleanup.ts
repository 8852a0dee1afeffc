/**
 * Temp files removed when SIGINT or SIGTERM ends the process mid-write. Node runs a signal listener
 * only when the event loop turns, so a listener cannot interrupt a synchronous write; it runs right
 * after it, removes what is still registered and re-raises the signal with its default action, so the
 * process still ends as the user asked (exit by signal). A listener left installed would delay Ctrl-C
 * until the next turn of the loop — for a synchronous training loop, until the end of training — so it
 * is installed only around large writes (where a signal mid-write is plausible) and removed shortly
 * after, once any signal that arrived during the write has been delivered to it.
 */
import { unlinkSync } from 'node:fs';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const pending = new Set<string>();
let installed = false;
let holders = 0;
/** How long the listeners outlive the last write (the poll phase reads pending signals meanwhile). */
const DELIVERY_MS = 25;

function onSignal(sig: NodeJS.Signals): void {
  for (const p of pending) {
    try {
      unlinkSync(p);
    } catch {
      // already renamed or removed
    }
  }
  pending.clear();
  const others = process.listenerCount(sig) - 1;
  uninstall();
  // Another listener (serve, worker, sweep) handles its own shutdown; otherwise end as the signal asks.
  if (others === 0) process.kill(process.pid, sig);
}

function uninstall(): void {
  if (!installed) return;
  for (const s of SIGNALS) process.off(s, onSignal);
  installed = false;
}

/**
 * Remove `path` if SIGINT/SIGTERM arrives before `done()` is called. The listeners stay until the next
 * turn of the event loop after the last `done()`, so a signal that arrived during the write is handled.
 */
export function removeOnSignal(path: string): () => void {
  pending.add(path);
  holders++;
  if (!installed) {
    for (const s of SIGNALS) process.on(s, onSignal);
    installed = true;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    pending.delete(path);
    holders--;
    // Not setImmediate: the check phase runs before a signal that arrived during the write is read from
    // libuv's signal pipe, so the signal would be lost. A short timer lets the poll phase deliver it first.
    setTimeout(() => {
      if (holders === 0) uninstall();
    }, DELIVERY_MS);
  };
}
