"""numpy peer of `npm run bench`: the same operations as bench/flatlab.ts, written as a competent
numpy user would (whole-matrix expressions, Z materialized). HVP and Hutchinson use the closed-form
Hessian-vector product of docs/math.md#flatness (§3) since numpy has no autograd. Thread count: OPENBLAS_NUM_THREADS,
set by bench/run.mjs before numpy loads. Prints one JSON line {rows, info}."""
import json

import numpy as np

from peer_common import log, median_timing, parse_args

shapes, budget_ms, threads, probes_arg = parse_args()
LR = 1e-3
PROBES = 100
rows = []


def run_shape(n, d, m):
    rng = np.random.default_rng(1000 + n + d + m)
    X = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    a0 = rng.standard_normal(m) / np.sqrt(m)
    W0 = rng.standard_normal((m, d)) / np.sqrt(d)
    a, W = a0.copy(), W0.copy()
    q = np.einsum("ij,ij->i", X, X)

    def grad(a, W):
        Z = X @ W.T
        S = np.maximum(Z, 0)
        r = S @ a - y
        loss = r @ r / (2 * n)
        ga = S.T @ r / n
        G = (Z > 0) * np.outer(r, a)
        gW = G.T @ X / n
        return loss, ga, gW

    def step():
        nonlocal a, W
        _, ga, gW = grad(a, W)
        a -= LR * ga
        W -= LR * gW

    def trace():
        # Exact trace, relu: σ″ = 0 so the residual part C vanishes; A and B in closed form.
        Z = X @ W0.T
        S = np.maximum(Z, 0)
        r = S @ a0 - y
        D = (Z > 0).astype(np.float64)
        A = (S * S).sum(0) / n
        B = a0 * a0 * (q @ D) / n
        return A.sum() + B.sum(), r

    def hvp(va, vW):
        # H v = (1/n) Σ_i [∇f_i (∇f_i·v) + r_i ∇²f_i v]  (docs/math.md#flatness, §3), relu: σ″ = 0.
        Z = X @ W0.T
        S = np.maximum(Z, 0)
        D = (Z > 0).astype(np.float64)
        r = S @ a0 - y
        T = X @ vW.T
        DT = D * T
        u = S @ va + DT @ a0
        ha = (S.T @ u + DT.T @ r) / n
        G = D * (np.outer(u, a0) + np.outer(r, va))
        hW = G.T @ X / n
        return ha, hW

    va = np.where(np.random.default_rng(7).random(m) < 0.5, -1.0, 1.0)
    vW = np.where(np.random.default_rng(8).random((m, d)) < 0.5, -1.0, 1.0)

    # At the big shapes time fewer probes and scale to 100 (each probe is an independent full HVP).
    probes = probes_arg or (PROBES if 2 * n * d * m <= 5e8 else 20)

    def hutchinson():
        g = np.random.default_rng(11)
        s = 0.0
        for _ in range(probes):
            pa = g.integers(0, 2, m) * 2.0 - 1
            pW = g.integers(0, 2, (m, d)) * 2.0 - 1
            ha, hW = hvp(pa, pW)
            s += pa @ ha + np.vdot(pW, hW)
        return s / probes

    Z = np.empty((n, m))

    def gemm():
        np.matmul(X, W0.T, out=Z)

    for op, fn in (("step", step), ("trace", trace), ("hvp", lambda: hvp(va, vW)), ("hutchinson100", hutchinson), ("gemm", gemm)):
        med, reps = median_timing(fn, budget_ms, 3 if op == "hutchinson100" else 51)
        row = {"op": op, "shape": [n, d, m], "impl": "numpy", "threads": threads, "medianMs": med, "reps": reps}
        if op == "hutchinson100" and probes != PROBES:
            row["medianMs"] = med * PROBES / probes
            row["note"] = f"timed {probes} probes, scaled x{PROBES // probes}"
        rows.append(row)
        med = row["medianMs"]
        log(f"  numpy {op} ({n},{d},{m}) {med:.1f} ms × {reps}")


for n, d, m in shapes:
    run_shape(n, d, m)

info = {"numpy": np.__version__}
try:
    from threadpoolctl import threadpool_info

    info["blas"] = [{k: p.get(k) for k in ("internal_api", "version", "num_threads", "architecture")} for p in threadpool_info()]
except Exception:  # threadpoolctl is optional
    pass
print(json.dumps({"rows": rows, "info": info}))
