/** Hover help for every displayed quantity: what it is and the formula it stands for (docs/math.md). */
export interface Quantity {
  label: string;
  help: string;
  formula: string;
}

export const QUANTITIES: Record<string, Quantity> = {
  step: { label: 'step', help: 'training steps taken from the seeded initialization', formula: 't' },
  loss: {
    label: 'train loss L',
    help: 'empirical squared loss on the n training samples',
    formula: 'L(θ) = (1/(2n)) Σ_i (f(x_i; θ) − y_i)²',
  },
  risk: {
    label: 'population risk R',
    help: 'exact excess risk for Gaussian inputs (closed form, no test-set noise)',
    formula: 'R(θ) = E_x (f(x; θ) − f*(x))²',
  },
  F: {
    label: 'flatness F',
    help: 'exact trace of the Hessian of the train loss — NOT invariant under rescaling',
    formula: 'F(θ) = Tr ∇²L(θ) = Σ_j (A_j + B_j + C_j)',
  },
  fStar: {
    label: 'invariant flatness F*',
    help: 'minimum of the Gauss–Newton trace over the symmetry orbit — invariant',
    formula: 'F* = Σ_j (k+1) k^{−k/(k+1)} A_j^{1/(k+1)} B_j^{k/(k+1)}  (k = 1: Σ_j 2√(A_j B_j))',
  },
  pathNorm: {
    label: 'path norm P',
    help: 'sum of the invariant neuron masses (F* ≈ √d · P for ReLU, n ≫ d)',
    formula: 'P(θ) = Σ_j |a_j| ‖w_j‖^k',
  },
  fShift: {
    label: 'max |Δf| on the plane',
    help: 'largest change of the network function on the heatmap grid between the displayed (rescaled) and the trained network: rounding only',
    formula: 'max_x |f(x; rescale(θ, c)) − f(x; θ)|',
  },
  stepsPerSec: {
    label: 'steps/s',
    help: 'training steps per second in this browser (worker thread, portable backend)',
    formula: '',
  },
  align: {
    label: 'alignment',
    help: 'how much of neuron j lies in the relevant subspace span(U)',
    formula: '‖P_U w_j‖ / ‖w_j‖',
  },
  mass: { label: 'mass |s_j|', help: 'invariant mass of neuron j', formula: '|s_j| = |a_j| ‖w_j‖^k' },
  absA: { label: '|a_j|', help: 'output weight of neuron j (moves along the orbit)', formula: '|a_j|' },
};

export function tip(q: Quantity | { help: string; formula?: string }): string {
  return q.formula ? `${q.help}\n${q.formula}` : q.help;
}
