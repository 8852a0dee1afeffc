"""Independent brute-force oracle for the d = 2 flattest interpolator (docs/math.md#convex-flattest).

Reads {"X": [[x1, x2], ...], "y": [...], "alpha": slope on t < 0} as JSON on stdin, builds the dense LP
  min Σ_k g(v_k) (s⁺_k + s⁻_k)  s.t.  Φ (s⁺ − s⁻) = y,  s± ≥ 0,
over K equally spaced angles v_k = (cos θ_k, sin θ_k), Φ_ik = σ(v_kᵀx_i), with numpy, solves it with
scipy's HiGHS, and prints {"value": ..., "atoms": ...}. Written from the formulas, sharing no code with
the TypeScript solver.
"""
import json
import sys

import numpy as np
from scipy.optimize import linprog

inp = json.load(sys.stdin)
X = np.array(inp["X"], dtype=float)
y = np.array(inp["y"], dtype=float)
alpha = float(inp["alpha"])
K = int(inp["angles"])
n = X.shape[0]
theta = 2 * np.pi * np.arange(K) / K
V = np.stack([np.cos(theta), np.sin(theta)], axis=1)
Z = X @ V.T
sig = np.where(Z > 0, Z, alpha * Z)
dsig = np.where(Z > 0, 1.0, alpha)
q = (X**2).sum(axis=1)
g = 2 * np.sqrt((sig**2).mean(axis=0) * ((dsig**2) * q[:, None]).mean(axis=0))
keep = g > 0
Phi = sig[:, keep]
gk = g[keep]
c = np.concatenate([gk, gk])
A = np.hstack([Phi, -Phi])
res = linprog(c, A_eq=A, b_eq=y, bounds=(0, None), method="highs")
if res.status != 0:
    raise SystemExit(f"brute-force LP failed: {res.message}")
s = res.x[: len(gk)] - res.x[len(gk) :]
print(json.dumps({"value": float(res.fun), "atoms": int((np.abs(s) > 1e-9 * np.abs(s).max()).sum())}))
