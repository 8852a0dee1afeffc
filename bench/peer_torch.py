"""PyTorch peer of `npm run bench` (Debian's python3-torch, run with /usr/bin/python3): autograd
gradient step, exact trace in closed form, double-backward HVP, and PyHessian-style Hutchinson (first
derivatives once with create_graph, then one backward per Rademacher probe with retain_graph).
float64 throughout; torch.set_num_threads(threads). Prints one JSON line {rows, info}."""
import json
import time

import torch

from peer_common import log, median_timing, parse_args

shapes, budget_ms, threads, probes_arg = parse_args()
torch.set_num_threads(threads)
torch.set_default_dtype(torch.float64)
LR = 1e-3
PROBES = 100
rows = []


def run_shape(n, d, m):
    g = torch.Generator().manual_seed(1000 + n + d + m)
    X = torch.randn(n, d, generator=g)
    y = torch.randn(n, generator=g)
    a = (torch.randn(m, generator=g) / m**0.5).requires_grad_()
    W = (torch.randn(m, d, generator=g) / d**0.5).requires_grad_()
    a0, W0 = a.detach().clone(), W.detach().clone()
    q = (X * X).sum(1)

    def loss_fn():
        r = torch.relu(X @ W.T) @ a - y
        return (r @ r) / (2 * n)

    def step():
        loss = loss_fn()
        ga, gW = torch.autograd.grad(loss, (a, W))
        with torch.no_grad():
            a.sub_(LR * ga)
            W.sub_(LR * gW)

    def trace():
        # Exact trace in closed form (relu: σ″ = 0, so only A and B).
        with torch.no_grad():
            Z = X @ W0.T
            S = torch.relu(Z)
            D = (Z > 0).to(torch.float64)
            A = (S * S).sum(0) / n
            B = a0 * a0 * (q @ D) / n
            return (A.sum() + B.sum()).item()

    va = torch.randint(0, 2, (m,), generator=torch.Generator().manual_seed(7)).to(torch.float64) * 2 - 1
    vW = torch.randint(0, 2, (m, d), generator=torch.Generator().manual_seed(8)).to(torch.float64) * 2 - 1

    def hvp():
        loss = loss_fn()
        ga, gW = torch.autograd.grad(loss, (a, W), create_graph=True)
        return torch.autograd.grad((ga, gW), (a, W), grad_outputs=(va, vW))

    # At the big shapes time fewer probes: total = graph set-up + (100 / probes) × probe loop.
    probes = probes_arg or (PROBES if 2 * n * d * m <= 5e8 else 20)
    parts = {}

    def hutchinson():
        pg = torch.Generator().manual_seed(11)
        t0 = time.perf_counter()
        loss = loss_fn()
        grads = torch.autograd.grad(loss, (a, W), create_graph=True)
        t1 = time.perf_counter()
        s = 0.0
        for _ in range(probes):
            v = [torch.randint(0, 2, p.shape, generator=pg).to(torch.float64) * 2 - 1 for p in (a, W)]
            Hv = torch.autograd.grad(grads, (a, W), grad_outputs=v, retain_graph=True)
            s += sum((x * y).sum() for x, y in zip(Hv, v)).item()
        parts["setup"], parts["loop"] = (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3
        return s / probes

    Z = torch.empty(n, m)

    def gemm():
        torch.matmul(X, W0.T, out=Z)

    # The step updates a, W in place; restore them so the other operations see the initial point.
    med, reps = median_timing(step, budget_ms)
    rows.append({"op": "step", "shape": [n, d, m], "impl": "torch", "threads": threads, "medianMs": med, "reps": reps})
    log(f"  torch step ({n},{d},{m}) {med:.1f} ms × {reps}")
    with torch.no_grad():
        a.copy_(a0)
        W.copy_(W0)
    for op, fn in (("trace", trace), ("hvp", hvp), ("hutchinson100", hutchinson), ("gemm", gemm)):
        row = {"op": op, "shape": [n, d, m], "impl": "torch", "threads": threads}
        if op == "hutchinson100" and probes != PROBES:
            hutchinson()  # warm-up
            hutchinson()
            med, reps = parts["setup"] + parts["loop"] * PROBES / probes, 1
            row["note"] = f"timed {probes} probes: set-up {parts['setup']:.0f} ms + loop scaled x{PROBES // probes}"
        else:
            med, reps = median_timing(fn, budget_ms, 3 if op == "hutchinson100" else 51)
        row.update(medianMs=med, reps=reps)
        rows.append(row)
        log(f"  torch {op} ({n},{d},{m}) {med:.1f} ms × {reps}")


for n, d, m in shapes:
    run_shape(n, d, m)

print(json.dumps({"rows": rows, "info": {"torch": torch.__version__, "threads": torch.get_num_threads(), "config": torch.__config__.parallel_info().split("\n")[:6]}}))
