/**
 * The whole playground state in the URL fragment, TF-Playground style: `#d=20&r=2&m=100&…`, one
 * `short=value` pair per table row. Numbers are written with `String(x)`, the shortest text that reads
 * back as the same double, so a link reproduces the state bit for bit. Reading a fragment never fails:
 * a bad value (garbage, out of range, inconsistent with another field) falls back to its default and is
 * reported, by field name, in `problems` (the page shows them in a notice).
 */
import { parseParam } from '../../src/params/table.js';
import { crossCheck } from './constraints.js';
import { OLD_ACTIVATION_VALUES } from './params.js';
import { defaults, type State, TABLE } from './tables.js';

export function encodeState(state: State): string {
  const parts: string[] = [];
  for (const p of TABLE) {
    const v = state[p.key] ?? p.default;
    const text = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    parts.push(`${p.short}=${encodeURIComponent(text)}`);
  }
  return `#${parts.join('&')}`;
}

export interface Decoded {
  state: State;
  /** One line per bad field, naming it and what it must be. */
  problems: string[];
}

/** `short=value`, the value percent-decoded; one that is not valid percent-encoding is taken as written. */
function splitPair(pair: string): { short: string; raw: string } {
  const eq = pair.indexOf('=');
  const short = eq < 0 ? pair : pair.slice(0, eq);
  let raw: string;
  try {
    raw = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
  } catch {
    raw = pair.slice(eq + 1);
  }
  return { short, raw };
}

export function decodeState(hash: string): Decoded {
  const state = defaults();
  const problems: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.trim() === '') return { state, problems };
  const byShort = new Map(TABLE.map((p) => [p.short, p]));
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const { short, raw } = splitPair(pair);
    const def = byShort.get(short);
    if (!def) {
      problems.push(`unknown field "${short}" ignored`);
      continue;
    }
    try {
      const value = def.key === 'activation' ? (OLD_ACTIVATION_VALUES[raw] ?? raw) : raw;
      state[def.key] = parseParam(def, value, `${def.key} (${def.short})`);
    } catch (e) {
      problems.push(`${(e as Error).message} — using the default ${JSON.stringify(def.default)}`);
    }
  }
  for (const p of crossCheck(state)) problems.push(p);
  return { state, problems };
}
