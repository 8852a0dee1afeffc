/**
 * Seeded randomness. One generator (xoshiro128**, 32-bit arithmetic so that Node and the browser
 * give bit-identical streams without BigInt), seeded through splitmix32 so that small consecutive
 * seeds (0, 1, 2, …) still give well-mixed, unrelated streams.
 */

/** splitmix32 step: a good 32-bit mixer, used for seeding and for deriving sub-seeds. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Validate a user seed: a non-negative safe integer. */
export function checkSeed(seed: number, field = 'seed'): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${field} must be a non-negative integer (got ${seed})`);
  }
  return seed;
}

/**
 * Derive an independent seed from a parent seed and a tag (string or number), so that e.g. the data,
 * the initialization and the probes of one trial draw from unrelated streams. Deterministic.
 *
 * @example
 * ```ts
 * import { deriveSeed } from 'flatlab';
 *
 * const a = deriveSeed(0, 'inputs');
 * console.log(a === deriveSeed(0, 'inputs'), a !== deriveSeed(0, 'noise')); // true true
 * ```
 */
export function deriveSeed(seed: number, ...tags: (string | number)[]): number {
  let h = mix32((seed >>> 0) ^ mix32(Math.floor(seed / 4294967296)));
  for (const tag of tags) {
    const s = String(tag);
    for (let i = 0; i < s.length; i++) h = mix32(h ^ Math.imul(s.charCodeAt(i), 0x01000193));
    h = mix32(h ^ 0x5bd1e995);
  }
  // Keep derived seeds in 0..2^31-1 so they print and serialize as small integers.
  return h & 0x7fffffff;
}

/** Serializable generator state (see Rng.getState). */
export interface RngState {
  s: [number, number, number, number];
  spare: number;
  hasSpare: boolean;
}

/**
 * The seeded generator of every random draw in flatlab (xoshiro128**): uniform, integer, normal
 * (Marsaglia polar) and Rademacher draws, with a state that can be saved and restored exactly.
 *
 * @example
 * ```ts
 * import { Rng } from 'flatlab';
 *
 * const rng = new Rng(42);
 * const saved = rng.getState();
 * const x = rng.fillNormal(new Float64Array(3));
 * const again = new Rng(0).setState(saved).fillNormal(new Float64Array(3));
 * console.log(x.every((v, i) => v === again[i])); // true
 * ```
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;
  readonly seed: number;

  constructor(seed: number) {
    checkSeed(seed);
    this.seed = seed;
    let h = mix32((seed >>> 0) ^ 0x243f6a88) ^ mix32(Math.floor(seed / 4294967296) + 0x13198a2e);
    h = mix32(h);
    this.s0 = h;
    h = mix32(h);
    this.s1 = h;
    h = mix32(h);
    this.s2 = h;
    h = mix32(h);
    this.s3 = h;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * Standard normal by Marsaglia's polar method; caches the second draw. It needs only +, ×, ÷, √
   * (exactly rounded by IEEE 754 everywhere) and `portableLog`, so the same seed gives the same bits
   * in Node and in every browser — Math.log/sin/cos may differ in the last bit between engines.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let q = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const mul = Math.sqrt((-2 * portableLog(q)) / q);
    this.spare = v * mul;
    this.hasSpare = true;
    return u * mul;
  }

  /** ±1 with equal probability. */
  rademacher(): number {
    return this.nextU32() & 1 ? 1 : -1;
  }

  /** Fill `out` with independent N(0, scale²) draws and return it. */
  fillNormal(out: Float64Array, scale = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = scale * this.normal();
    return out;
  }

  /** Fill `out` with independent ±1 draws and return it. */
  fillRademacher(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.rademacher();
    return out;
  }

  /**
   * The full generator state (four 32-bit words plus the cached second normal), so that a
   * checkpointed run can resume the exact same stream. Plain JSON-safe numbers.
   */
  getState(): RngState {
    return {
      s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spare: this.spare,
      hasSpare: this.hasSpare,
    };
  }

  /** Restore a state from getState (the draws that follow are those that followed it). */
  setState(state: RngState): this {
    const [a, b, c, d] = state.s;
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    this.spare = state.spare;
    this.hasSpare = state.hasSpare;
    return this;
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** fdlibm's Lg1 … Lg7, the coefficients of log(1+f) ≈ s (2 + Σ Lgᵢ s^{2i}) with s = f/(2+f). */
const [LG1, LG2, LG3, LG4, LG5, LG6, LG7] = [
  0.6666666666666735, 0.3999999999940942, 0.2857142874366239, 0.22222198432149784, 0.1818357216161805,
  0.15313837699209373, 0.14798198605116586,
];
const logView = new DataView(new ArrayBuffer(8));

/**
 * Natural logarithm for positive normal doubles, after fdlibm's e_log.c (error < 1 ulp). Written with
 * basic arithmetic only so that its result is the same bit pattern on every JavaScript engine.
 */
export function portableLog(x: number): number {
  if (!(x > 0) || x === Number.POSITIVE_INFINITY || x < 2.2250738585072014e-308) return Math.log(x);
  logView.setFloat64(0, x);
  let hi = logView.getUint32(0);
  const lo = logView.getUint32(4);
  let k = (hi >>> 20) - 1023;
  hi &= 0x000fffff;
  // Choose the exponent so that the mantissa m lies in [√2/2, √2).
  const i = (hi + 0x95f64) & 0x100000;
  logView.setUint32(0, hi | (i ^ 0x3ff00000));
  logView.setUint32(4, lo);
  k += i >>> 20;
  const f = logView.getFloat64(0) - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
