/**
 * The serializable description of a teacher f* (docs/math.md#data, §1). Other modules (risk, interpolators,
 * studies, playground) code against exactly this shape; the data file stores it under "target".
 */

/** One link g: R → R. Hermite coefficients are in the orthonormal basis He_k(t)/√(k!). */
export type LinkSpec =
  | { name: 'relu' | 'abs' | 'linear' | 'tanh' | 'sign' }
  | { name: 'relu-pow' | 'abs-pow'; p: number }
  | { name: 'hermite'; coeffs: number[] }; // g(t) = Σ_k coeffs[k] He_k(t)/√(k!), coeffs[0] is the constant

/** The input law of x ∈ R^d. anisotropic: x ~ N(0, diag(scales²)). sphere: uniform on the sphere of radius √d. */
export type InputSpec =
  | { law: 'gaussian' }
  | { law: 'sphere' }
  | { law: 'rademacher' }
  | { law: 'anisotropic'; scales: number[] };

/**
 * U: r rows, row l is u_l ∈ R^d; the rows are orthonormal.
 * sum:   f*(x) = Σ_l coeffs[l] g_l(u_lᵀx).
 * multi: f*(x) = g(Uᵀx) with g = product / max / euclidean norm of the r projections.
 * Labels are y = f*(x) + noise · ε, ε ~ N(0, 1).
 */
export type TargetSpec =
  | {
      kind: 'sum';
      d: number;
      r: number;
      U: number[][];
      links: LinkSpec[];
      coeffs: number[];
      noise: number;
      input: InputSpec;
    }
  | {
      kind: 'multi';
      d: number;
      r: number;
      U: number[][];
      link: 'product' | 'max' | 'norm';
      noise: number;
      input: InputSpec;
    };

/** A target f*(x) = Σ_l c_l g_l(u_lᵀx). */
export type SumTarget = Extract<TargetSpec, { kind: 'sum' }>;
/** A target f*(x) = g(Uᵀx) with a multi-index link (product, max, norm). */
export type MultiTarget = Extract<TargetSpec, { kind: 'multi' }>;
/** A multi-index link name. */
export type MultiLink = MultiTarget['link'];
/** The multi-index link names. */
export const MULTI_LINKS: readonly MultiLink[] = ['product', 'max', 'norm'];
/** The input laws of x. */
export const INPUT_LAWS: readonly InputSpec['law'][] = ['gaussian', 'sphere', 'rademacher', 'anisotropic'];
