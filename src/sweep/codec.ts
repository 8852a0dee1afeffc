/**
 * Exact JSON encoding of trial results for transport through Redis. BullMQ stores return values with
 * JSON.stringify, which turns NaN and ±Infinity into null and −0 into 0; results must arrive bit for bit,
 * so those values travel as tagged strings and are restored on the collector side. (Finite doubles
 * already round-trip exactly through JSON: it prints the shortest decimal that parses back to them.)
 */
import type { TrialResult } from '../studies/trial-types.js';

const TAG = '\u0000num:';

function encodeNumber(x: number): number | string {
  if (Number.isNaN(x)) return `${TAG}NaN`;
  if (x === Infinity) return `${TAG}Infinity`;
  if (x === -Infinity) return `${TAG}-Infinity`;
  if (x === 0 && 1 / x < 0) return `${TAG}-0`;
  return x;
}

function decodeString(s: string): number | string {
  if (!s.startsWith(TAG)) return s;
  const v = s.slice(TAG.length);
  return v === '-0' ? -0 : Number(v);
}

export function encodeResult(result: TrialResult): string {
  return JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' ? encodeNumber(v) : v));
}

export function decodeResult(text: string): TrialResult {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' ? decodeString(v) : v)) as TrialResult;
}
