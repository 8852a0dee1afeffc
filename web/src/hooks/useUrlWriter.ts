import type { RefObject } from 'preact';
import { useRef } from 'preact/hooks';
import type { State } from '../tables.js';
import { encodeState } from '../url.js';

export interface UrlWriter {
  /** The fragment last written or about to be written; a hashchange to it is our own echo. */
  written: RefObject<string>;
  /** Mirror the state (with the steps trained so far) into the URL without adding history entries. */
  syncUrl: (s: State, steps: number) => void;
}

/**
 * Writes are batched (≤ 5 per second): browsers throttle frequent replaceState calls, and a dragged
 * slider or a playing run would otherwise exceed that.
 */
export function useUrlWriter(): UrlWriter {
  const written = useRef('');
  const urlTimer = useRef<number | null>(null);
  const syncUrl = (s: State, steps: number) => {
    written.current = encodeState({ ...s, trained: steps });
    if (urlTimer.current !== null) return;
    urlTimer.current = window.setTimeout(() => {
      urlTimer.current = null;
      if (window.location.hash !== written.current) window.history.replaceState(null, '', written.current);
    }, 200);
  };
  return { written, syncUrl };
}
