/**
 * A bounded memo of deterministic per-trial computations, one per worker process (each worker thread
 * loads its own copy of this module). A study uses it where two trials of its grid ask for the very
 * same computation (same inputs, same seeds), so the second reuses the first's result instead of
 * recomputing it. Only pure computations may be memoized: then a hit returns exactly what the
 * computation would have returned, so a trial's result does not depend on which trials ran before it
 * in the process (resume and any executor give the same bits). Least-recently-used entries are dropped
 * beyond `limit`.
 */
export interface Memo<V> {
  /** The value for `key`: the stored one, or `compute()` (then stored). */
  get(key: string, compute: () => V): V;
  /** Stored entries (for tests). */
  readonly size: number;
  /** Lookups answered from the store since creation or the last clear (for tests and profiles). */
  readonly hits: number;
  clear(): void;
}

export function boundedMemo<V>(limit: number): Memo<V> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`boundedMemo: limit must be an integer ≥ 1 (got ${limit})`);
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  const store = new Map<string, V>();
  let hits = 0;
  return {
    get(key, compute) {
      if (store.has(key)) {
        const v = store.get(key) as V;
        store.delete(key);
        store.set(key, v);
        hits++;
        return v;
      }
      const v = compute();
      store.set(key, v);
      if (store.size > limit) store.delete(store.keys().next().value as string);
      return v;
    },
    get size() {
      return store.size;
    },
    get hits() {
      return hits;
    },
    clear() {
      store.clear();
      hits = 0;
    },
  };
}
