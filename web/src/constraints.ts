/**
 * Checks across fields that a single table row cannot express (r ≤ d, n·d, link syntax against r,
 * batch ≤ n, even width for the symmetric init…), done by the core's own parsers. Each offending
 * field is reset to its default in place and reported by name.
 */
import { parseDataParams } from '../../src/data/params.js';
import { checkConfigAgainstData, resolveTrainConfig } from '../../src/training/params.js';
import { byKey, dataFields, type State, TABLE, trainFields } from './tables.js';

/** The table key an error message is about: core messages start with the field name. */
function blame(message: string, candidates: string[]): string | null {
  for (const key of candidates) {
    if (message.startsWith(`${key} `) || message.startsWith(`${key}:`)) return key;
  }
  for (const key of candidates) if (new RegExp(`\\b${key}\\b`).test(message)) return key;
  return null;
}

function check(state: State): void {
  const data = parseDataParams(dataFields(state));
  const cfg = resolveTrainConfig(trainFields(state), { n: data.n, searchPlan: false });
  checkConfigAgainstData(cfg, data.n);
}

export function crossCheck(state: State): string[] {
  const out: string[] = [];
  const keys = TABLE.map((p) => p.key);
  // The train table calls the width "width"; order matters for blame (more specific names first).
  const order = ['links', 'coeffs', 'input', 'microBatch', 'batch', 'width', 'init', ...keys];
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      check(state);
      return out;
    } catch (e) {
      const msg = (e as Error).message;
      const key = blame(msg, order) ?? 'links';
      const def = byKey(key);
      out.push(`${msg} — ${key} (${def.short}) reset to ${JSON.stringify(def.default)}`);
      if (state[key] === def.default) break;
      state[key] = def.default;
    }
  }
  return out;
}
