/**
 * Eigen-decomposition of a symmetric tridiagonal matrix by the implicit QL algorithm with Wilkinson-
 * type shifts (EISPACK tql2, as in JAMA). Lanczos and stochastic Lanczos quadrature need it for the
 * small projected matrix T_k. Only the requested rows of the eigenvector matrix are accumulated
 * (Lanczos residuals need the last row, quadrature weights the first), which makes each call O(k²).
 */

export interface TridiagEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /**
   * Requested rows of the eigenvector matrix S (T = S diag(values) Sᵀ): rows[r][i] is the component
   * `rowIndex[r]` of the eigenvector of values[i].
   */
  readonly rows: Float64Array[];
}

const EPS = 2 ** -52;

/**
 * @param alpha diagonal (length k)
 * @param beta off-diagonal (length ≥ k − 1; beta[i] couples i and i + 1)
 * @param rowIndex which rows of the eigenvector matrix to return (all rows when omitted)
 */
export function tridiagEigen(
  alpha: ArrayLike<number>,
  beta: ArrayLike<number>,
  rowIndex?: readonly number[],
): TridiagEigen {
  const n = alpha.length;
  const want = rowIndex ?? Array.from({ length: n }, (_, i) => i);
  const d = Float64Array.from(alpha);
  const e = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) e[i] = beta[i];
  // V holds only the wanted rows of the accumulated rotations (rotations act on columns).
  const V = want.map((r) => {
    const row = new Float64Array(n);
    row[r] = 1;
    return row;
  });
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 300) throw new Error('tridiagonal eigensolver did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (const row of V) {
            const t = row[i + 1];
            row[i + 1] = s * row[i] + c * t;
            row[i] = c * row[i] - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = Float64Array.from(order, (i) => d[i]);
  const rows = V.map((row) => Float64Array.from(order, (i) => row[i]));
  return { values, rows };
}
