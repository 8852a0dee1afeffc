/**
 * WebAssembly SIMD micro-kernel for the portable GEMM (browser and Node without the addon). The
 * module is assembled here from its bytes, so no toolchain or binary file is needed: one function
 * `k(kc, mPanels, nPanels, aPtr, bPtr, cPtr, ldc)` that, for every 4-row panel of packed A and
 * 4-column panel of packed B, sums the kc rank-1 updates of a 4×4 tile in eight f64x2 registers and
 * stores the tile (row stride ldc doubles). Each lane does exactly what the TypeScript kernel does —
 * c += a·b in order of p, a multiply then an add, no FMA — so both give bit-identical products.
 * Returns null where WebAssembly SIMD is unavailable; the TypeScript kernel then runs.
 */

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const str = (s: string): number[] => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Opcodes (WebAssembly core + SIMD).
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...leb(i)];
const set = (i: number) => [0x21, ...leb(i)];
const i32c = (v: number) => [0x41, ...leb(v)]; // non-negative constants < 2^31 only (used with small values)
const ADD = 0x6a;
const MUL = 0x6c;
const SUB = 0x6b;
const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
const memarg = (align: number, offset: number) => [...leb(align), ...leb(offset)];
const vload = (offset: number) => simd(0, ...memarg(4, offset));
const vsplat = (offset: number) => simd(10, ...memarg(3, offset)); // v128.load64_splat
const vstore = (offset: number) => simd(11, ...memarg(4, offset));
const fadd = simd(0xf0);
const fmul = simd(0xf2);

// Params 0..6: kc, mPanels, nPanels, aPtr, bPtr, cPtr, ldc. Locals: 7 ib, 8 jb, 9 p, 10 a, 11 b, 12 c,
// then v128 13..20 = accumulators c0..c7 (row r, half h → 13 + 2r + h), 21 = b0, 22 = b1.
function kernelBody(): number[] {
  const [KC, MP, NP, AP, BP, CP, LDC, IB, JB, P, A, B, C] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const acc = (r: number, h: number) => 13 + 2 * r + h;
  const B0 = 21;
  const B1 = 22;
  const zero = simd(12, ...new Array(16).fill(0)); // v128.const 0
  const code: number[] = [];
  const loopWhileLess = (counter: number, limit: number, body: number[]) => [
    ...i32c(0),
    ...set(counter),
    0x02,
    0x40, // block
    ...get(limit),
    0x45, // i32.eqz
    0x0d,
    0, // br_if out when limit = 0
    0x03,
    0x40, // loop
    ...body,
    ...get(counter),
    ...i32c(1),
    ADD,
    0x22,
    ...leb(counter), // local.tee
    ...get(limit),
    0x49, // i32.lt_u
    0x0d,
    0, // br_if loop
    0x0b,
    0x0b,
  ];
  // Inner: kc rank-1 updates (kc ≥ 1 is guaranteed by the caller).
  const update: number[] = [...get(B), ...vload(0), ...set(B0), ...get(B), ...vload(16), ...set(B1)];
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      update.push(...get(acc(r, h)), ...get(A), ...vsplat(8 * r), ...get(h === 0 ? B0 : B1), ...fmul, ...fadd);
      update.push(...set(acc(r, h)));
    }
  }
  update.push(...get(A), ...i32c(32), ADD, ...set(A), ...get(B), ...i32c(32), ADD, ...set(B));
  update.push(...get(P), ...i32c(1), SUB, 0x22, ...leb(P), 0x0d, 0); // p−−, loop while p ≠ 0
  const tile: number[] = [];
  // a = aPtr + ib·kc·32, b = bPtr + jb·kc·32, c = cPtr + (ib·4·ldc + jb·4)·8
  tile.push(...get(AP), ...get(IB), ...get(KC), MUL, ...i32c(32), MUL, ADD, ...set(A));
  tile.push(...get(BP), ...get(JB), ...get(KC), MUL, ...i32c(32), MUL, ADD, ...set(B));
  tile.push(...get(CP), ...get(IB), ...get(LDC), MUL, ...i32c(32), MUL, ...get(JB), ...i32c(32), MUL, ADD, ADD);
  tile.push(...set(C));
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) tile.push(...zero, ...set(acc(r, h)));
  tile.push(...get(KC), ...set(P), 0x03, 0x40, ...update, 0x0b);
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) tile.push(...get(C), ...get(acc(r, h)), ...vstore(16 * h));
    tile.push(...get(C), ...get(LDC), ...i32c(8), MUL, ADD, ...set(C));
  }
  code.push(...loopWhileLess(IB, MP, loopWhileLess(JB, NP, tile)));
  const locals = [2, ...leb(6), I32, ...leb(10), V128];
  const body = [...locals, ...code, 0x0b];
  return [...leb(body.length), ...body];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const type = section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]);
  const imp = section(2, [1, ...str('e'), ...str('m'), 0x02, 0x00, 1]); // memory, min 1 page
  const func = section(3, [1, 0]);
  const exp = section(7, [1, ...str('k'), 0x00, 0]);
  const code = section(10, [1, ...kernelBody()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imp, ...func, ...exp, ...code]);
}

type Kernel = (kc: number, mp: number, np: number, a: number, b: number, c: number, ldc: number) => void;

interface Wasm {
  mem: WebAssembly.Memory;
  k: Kernel;
  f64: Float64Array;
}

let wasm: Wasm | null | undefined;

function instance(): Wasm | null {
  if (wasm !== undefined) return wasm;
  try {
    const bytes = moduleBytes();
    if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) {
      wasm = null;
      return null;
    }
    const mem = new WebAssembly.Memory({ initial: 16 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: mem } });
    wasm = { mem, k: inst.exports.k as Kernel, f64: new Float64Array(mem.buffer) };
  } catch {
    wasm = null;
  }
  return wasm;
}

/** True when the SIMD kernel can run here. */
export function wasmGemmAvailable(): boolean {
  return instance() !== null;
}

const KC = 256;
const MC = 64; // rows of A per packed chunk: 16 panels

/** Doubles of wasm memory, grown on demand (growing detaches the old view, so it is re-made). */
function memory(w: Wasm, doubles: number): Float64Array {
  const need = doubles * 8;
  if (w.mem.buffer.byteLength < need) {
    w.mem.grow(Math.ceil((need - w.mem.buffer.byteLength) / 65536));
    w.f64 = new Float64Array(w.mem.buffer);
  }
  return w.f64;
}

/** The portable GEMM's core: C (m×n) += alpha · P Qᵀ with P m×k and Q n×k row-major (rows contiguous in k). */
export type RowsRowsGemm<R> = (
  m: number,
  n: number,
  k: number,
  alpha: number,
  P: Float64Array,
  Q: Float64Array,
  C: Float64Array,
) => R;

/**
 * The RowsRowsGemm of the TypeScript gemmRowsRows, with the same per-KC-slice order of additions.
 * Returns false (nothing done) where WebAssembly SIMD is unavailable.
 */
export const wasmGemmRowsRows: RowsRowsGemm<boolean> = (m, n, k, alpha, P, Q, C) => {
  const w = instance();
  if (!w) return false;
  if (alpha === 0 || k === 0 || m === 0 || n === 0) return true;
  const np = (n + 3) & ~3;
  const kcMax = Math.min(KC, k);
  // Layout (in doubles): B panels np·kc | A panels MC·kc | C tile rows MC·np.
  const bOff = 0;
  const aOff = np * kcMax;
  const cOff = aOff + MC * kcMax;
  const f = memory(w, cOff + MC * np);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // B panel jb holds columns 4jb…4jb+3 interleaved: Bp[jb·4kc + 4p + j] = Q[(4jb+j)·k + p0 + p].
    for (let j = 0; j < np; j++) {
      const base = bOff + (j >> 2) * 4 * kc + (j & 3);
      if (j < n) {
        const src = j * k + p0;
        for (let p = 0; p < kc; p++) f[base + 4 * p] = Q[src + p];
      } else for (let p = 0; p < kc; p++) f[base + 4 * p] = 0;
    }
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      const mp = (mc + 3) & ~3;
      for (let i = 0; i < mp; i++) {
        const base = aOff + (i >> 2) * 4 * kc + (i & 3);
        if (i < mc) {
          const src = (i0 + i) * k + p0;
          for (let p = 0; p < kc; p++) f[base + 4 * p] = P[src + p];
        } else for (let p = 0; p < kc; p++) f[base + 4 * p] = 0;
      }
      w.k(kc, mp >> 2, np >> 2, aOff * 8, bOff * 8, cOff * 8, np);
      for (let i = 0; i < mc; i++) {
        const src = cOff + i * np;
        const dst = (i0 + i) * n;
        for (let j = 0; j < n; j++) C[dst + j] += alpha * f[src + j];
      }
    }
  }
  return true;
};
