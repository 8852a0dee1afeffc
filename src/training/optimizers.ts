/**
 * Update rules on the flat parameter vector θ = [a, W], given a direction g (a gradient, a SAM
 * gradient, a penalized gradient…). The state is plain arrays so that it checkpoints exactly.
 */
export interface OptimizerState {
  kind: 'sgd' | 'adam';
  /** Momentum buffer (sgd) or first moment (adam); null when unused. */
  m1: Float64Array | null;
  /** Adam second moment. */
  m2: Float64Array | null;
  /** Number of updates applied (Adam bias correction). */
  t: number;
}

export interface OptimizerHyper {
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  adamEps: number;
}

export function createOptimizerState(kind: 'sgd' | 'adam', P: number, h: OptimizerHyper): OptimizerState {
  if (kind === 'adam') return { kind, m1: new Float64Array(P), m2: new Float64Array(P), t: 0 };
  return { kind, m1: h.momentum > 0 ? new Float64Array(P) : null, m2: null, t: 0 };
}

/** θ ← update(θ, g) in place. */
export function applyUpdate(
  theta: Float64Array,
  g: Float64Array,
  lr: number,
  st: OptimizerState,
  h: OptimizerHyper,
): void {
  const P = theta.length;
  st.t += 1;
  if (st.kind === 'adam') {
    const m1 = st.m1 as Float64Array;
    const m2 = st.m2 as Float64Array;
    const { beta1: b1, beta2: b2, adamEps: eps } = h;
    const c1 = 1 / (1 - b1 ** st.t);
    const c2 = 1 / (1 - b2 ** st.t);
    for (let p = 0; p < P; p++) {
      const gp = g[p];
      m1[p] = b1 * m1[p] + (1 - b1) * gp;
      m2[p] = b2 * m2[p] + (1 - b2) * gp * gp;
      theta[p] -= (lr * (m1[p] * c1)) / (Math.sqrt(m2[p] * c2) + eps);
    }
    return;
  }
  const v = st.m1;
  if (!v) {
    for (let p = 0; p < P; p++) theta[p] -= lr * g[p];
    return;
  }
  const mu = h.momentum;
  for (let p = 0; p < P; p++) {
    v[p] = mu * v[p] + g[p];
    theta[p] -= lr * (h.nesterov ? g[p] + mu * v[p] : v[p]);
  }
}
