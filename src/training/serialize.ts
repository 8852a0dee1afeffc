/**
 * Exact, browser-safe serialization of Float64Arrays (base64 of the IEEE bytes): JSON numbers would
 * lose the sign of −0 and make resumed runs differ from uninterrupted ones in the last bit.
 */
export function encodeF64(v: Float64Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = '';
  const CH = 0x8000;
  for (let i = 0; i < bytes.length; i += CH) s += String.fromCharCode(...bytes.subarray(i, i + CH));
  return btoa(s);
}

export function decodeF64(b64: string): Float64Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

/** FNV-1a hash of a data set's bytes: a resumed run checks it trains on the same data. */
export function hashArrays(...arrs: Float64Array[]): string {
  let h = 0x811c9dc5;
  for (const a of arrs) {
    const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
