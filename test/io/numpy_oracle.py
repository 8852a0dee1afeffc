"""An independent numpy computation of what `flatlab measure` reports (docs/math.md#flatness, #invariant-flatness).

usage: python3 numpy_oracle.py DATA.npz MODEL.npz ACTIVATION   (ACTIVATION: relu or relu_pow:p)
prints {"trace", "invariantFlatness", "trainLoss"} as JSON. f(x) = sum_j a_j s(w_j.x), L = 1/(2n) sum r_i^2,
A_j = mean s(z)^2, B_j = a_j^2 mean s'(z)^2 |x|^2, C_j = a_j mean r s''(z) |x|^2, trace = sum A+B+C,
F* = sum (k+1) k^(-k/(k+1)) A^(1/(k+1)) B^(k/(k+1)) (k = 1: sum 2 sqrt(A B)).
"""
import json
import sys

import numpy as np

data, model, act = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3]
x, y, a, W = data["x"], data["y"], model["a"], model["W"]
p = 1.0 if act == "relu" else float(act.split(":")[1])
z = x @ W.T
pos = z > 0
s = np.where(pos, z, 0.0) ** p
s1 = np.where(pos, p * np.where(pos, z, 0.0) ** (p - 1), 0.0)
s2 = np.where(pos, p * (p - 1) * np.where(pos, z, 1.0) ** (p - 2), 0.0) if p != 1 else np.zeros_like(z)
r = s @ a - y
q = (x * x).sum(axis=1)
A = (s**2).mean(axis=0)
B = a**2 * ((s1**2) * q[:, None]).mean(axis=0)
C = a * ((r[:, None] * s2) * q[:, None]).mean(axis=0)
k = p
fstar = ((k + 1) * k ** (-k / (k + 1)) * A ** (1 / (k + 1)) * B ** (k / (k + 1))).sum()
print(json.dumps({"trace": float((A + B + C).sum()), "invariantFlatness": float(fstar), "trainLoss": float((r**2).mean() / 2)}))
