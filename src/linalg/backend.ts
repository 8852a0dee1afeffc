/**
 * The one linear-algebra layer. Every dense product and every fused pass over Z = X Wᵀ goes through a
 * `Backend`, so that the native OpenBLAS addon can replace the portable TypeScript kernels without
 * touching the science code. All matrices are row-major Float64Arrays with implicit leading dimension.
 *
 * The fused kernels work on one row block of Z (`rows` × `m`) at a time; the science code loops over
 * row blocks so that peak memory is O(block · m), not O(n · m). `blockPass` takes X itself and keeps Z
 * inside the backend (the native one never writes it to memory), so it is called once for all rows.
 */

/** Activation identity as the kernels see it (see ACTIVATION_CODES). */
export interface ActKernel {
  readonly code: number;
  readonly param: number;
}

/** What `Backend.blockPass` computes besides the residuals; every part is optional. */
export interface BlockPassOut {
  /** Receives the block's Z = X Wᵀ (rows×m), or, with `ga`, the gradient factor r a σ′ that gradPass leaves. */
  Z?: Float64Array;
  /** Trace sums (traceSums, with the block's residuals): q = ‖x_i‖² of the block's rows. */
  trace?: { q: Float64Array; A: Float64Array; B: Float64Array; C: Float64Array };
  /** Gradient pass (gradPass: ga += Σ r σ, Z ← r a σ′, the gradient factor G). */
  ga?: Float64Array;
  /** With `ga`: the first-layer gradient, un-normalized: gW (m×d) += Gᵀ X. */
  gW?: Float64Array;
  /**
   * With `ga`: ga and gW are multiplied by gradScale once their sums are complete (default 1), as
   * `x *= gradScale` after the sums, so the result is the same bits as scaling afterwards; dataPass
   * passes 1/n, which spares a separate pass over gW's m·d entries.
   */
  gradScale?: number;
}

/**
 * The linear-algebra backend: a row-major GEMM plus the fused kernels of the data pass. The portable
 * TypeScript one is always registered; the Node entry adds the native addon when it loaded.
 */
export interface Backend {
  readonly name: 'js' | 'native';
  /**
   * C ← alpha · op(A) · op(B) + beta · C, with op(A) m×k and op(B) k×n. A is stored m×k (k×m when
   * transA), B is stored k×n (n×k when transB), C is m×n.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    A: Float64Array,
    B: Float64Array,
    beta: number,
    C: Float64Array,
  ): void;
  /** f[i] = Σ_j a[j] σ(Z[i,j]) for i < rows. */
  forwardRows(act: ActKernel, Z: Float64Array, rows: number, m: number, a: Float64Array, f: Float64Array): void;
  /**
   * Gradient pass: ga[j] += Σ_i r[i] σ(Z[i,j]); then, in place, Z[i,j] ← r[i] a[j] σ′(Z[i,j])
   * (the first-layer gradient is then Zᵀ X).
   */
  gradPass(
    act: ActKernel,
    Z: Float64Array,
    rows: number,
    m: number,
    a: Float64Array,
    r: Float64Array,
    ga: Float64Array,
  ): void;
  /**
   * Trace pass (un-normalized): A[j] += Σ_i σ(z)², B[j] += Σ_i σ′(z)² q[i], C[j] += Σ_i r[i] σ″(z) q[i].
   * The caller applies the 1/n and a_j factors. `r` may be null (then C is left untouched).
   */
  traceSums(
    act: ActKernel,
    Z: Float64Array,
    rows: number,
    m: number,
    r: Float64Array | null,
    q: Float64Array,
    A: Float64Array,
    B: Float64Array,
    C: Float64Array,
  ): void;
  /**
   * Hessian-vector pass for v = (va, V), given T = X Vᵀ for the block:
   * u[i] = Σ_j [va[j] σ(z) + a[j] σ′(z) T[i,j]];  ha[j] += Σ_i [u[i] σ(z) + r[i] σ′(z) T[i,j]];
   * then, in place, T[i,j] ← u[i] a[j] σ′(z) + r[i] (va[j] σ′(z) + a[j] σ″(z) T[i,j])
   * (the first-layer part is then Tᵀ X). `u` receives the block's u.
   */
  hvpPass(
    act: ActKernel,
    Z: Float64Array,
    T: Float64Array,
    rows: number,
    m: number,
    a: Float64Array,
    va: Float64Array,
    r: Float64Array,
    u: Float64Array,
    ha: Float64Array,
  ): void;
  /**
   * Penalty pass of a flatness-penalized gradient step (docs/math.md#algorithms, §6), fusing the loss
   * gradient's pass with the Gauss–Newton trace parts' (un-normalized):
   * A[j] += Σ_i σ(z)², B[j] += Σ_i σ′(z)² q[i], and, when r is given, ga[j] += Σ_i r[i] σ(z); then, in
   * place, Z[i,j] ← r[i] a[j] σ′(z) + wA[j] σ(z) σ′(z) + wB[j] σ′(z) σ″(z) q[i] (the r term only when r
   * is given), so that one GEMM Zᵀ X gives the first-layer gradient of L + Σ_j (α_j A_j + β_j B_j)
   * with wA = 2α, wB = 2β a² (times n). `r` and `ga` are both null or both given.
   */
  penaltyPass(
    act: ActKernel,
    Z: Float64Array,
    rows: number,
    m: number,
    a: Float64Array,
    r: Float64Array | null,
    q: Float64Array,
    wA: Float64Array,
    wB: Float64Array,
    ga: Float64Array | null,
    A: Float64Array,
    B: Float64Array,
  ): void;
  /**
   * The forward pass of one row block fused with the passes that read its Z = X Wᵀ: for X (rows×d)
   * and W (m×d), r[i] ← Σ_j a[j] σ(Z[i,j]) − y[i] (y null: no subtraction), then `out.trace`'s sums
   * as traceSums adds them (with these r), `out.ga`'s pass as gradPass runs it, and `out.gW` += Gᵀ X.
   * Equal to gemm, forwardRows, the subtraction, traceSums, gradPass and gemm in that order
   * (`blockPassByParts`) up to the rounding of the GEMM kernel; the native backend computes Z a
   * cache-sized slice of rows at a time and never writes it to memory unless `out.Z` asks for it.
   */
  blockPass(
    act: ActKernel,
    X: Float64Array,
    W: Float64Array,
    rows: number,
    m: number,
    d: number,
    a: Float64Array,
    y: Float64Array | null,
    r: Float64Array,
    out: BlockPassOut,
  ): void;
  /** Elementwise σ^(order)(Z) into out (order 0, 1 or 2). */
  activate(act: ActKernel, Z: Float64Array, len: number, order: 0 | 1 | 2, out: Float64Array): void;
  /** Number of threads the backend's BLAS uses (1 for the portable backend). */
  threads(): number;
  /** Set the number of threads (ignored by the portable backend). */
  setThreads(n: number): void;
}

let current: Backend | null = null;
const registry = new Map<string, Backend>();

/** Register a backend (the Node entry registers the native one when the addon loads). */
export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

/**
 * The names of the registered linear-algebra backends (`js` always; `native` when the addon loaded).
 *
 * @example
 * ```ts
 * import { availableBackends } from 'flatlab';
 *
 * console.log(availableBackends().includes('js')); // true
 * ```
 */
export function availableBackends(): string[] {
  return [...registry.keys()];
}

/**
 * Select the backend used by every core function from now on.
 *
 * @example
 * ```ts
 * import { getBackend, useBackend } from 'flatlab';
 *
 * useBackend('js');
 * console.log(getBackend().name); // 'js'
 * ```
 */
export function useBackend(name: 'js' | 'native'): Backend {
  const b = registry.get(name);
  if (!b) throw new Error(`backend "${name}" is not available (available: ${availableBackends().join(', ')})`);
  current = b;
  return b;
}

/**
 * The backend in use (the portable one unless another was selected or registered first).
 *
 * @example
 * ```ts
 * import { getBackend } from 'flatlab';
 *
 * // C = A B for 2×2 row-major matrices
 * const C = new Float64Array(4);
 * getBackend().gemm(false, false, 2, 2, 2, 1, Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 0, 0, 1), 0, C);
 * console.log([...C]); // [1, 2, 3, 4]
 * ```
 */
export function getBackend(): Backend {
  if (!current) {
    const js = registry.get('js');
    if (!js) throw new Error('no linear-algebra backend registered');
    current = js;
  }
  return current;
}
