"""PyTorch peer of the deep-MLP row of `npm run bench` (Debian's python3-torch at /usr/bin/python3):
the exact Hessian trace of a biased ReLU MLP's loss L = (1/(2n)) Σ ‖f(x_i) − y_i‖² by autograd.

- deep-trace-autograd: Tr ∇²L = (1/n) Σ_i Σ_o ‖∇_θ f_o(x_i)‖² (for ReLU f is linear in each parameter,
  so the Hessian trace equals the Gauss–Newton trace), one backward pass per sample and output: the
  per-sample-gradient trace as a torch user computes it without functorch. Timed on the first `sub`
  samples and scaled to n (each sample costs the same).
- deep-hutchinson100: 100 Rademacher probes of double-backward Hessian-vector products on the full
  loss (PyHessian's method); timed with fewer probes and scaled to 100.
float64, torch.set_num_threads(threads). Prints one JSON line {rows, info}."""
import json
import sys

import torch

from peer_common import log, median_timing


def arg(name, default):
    a = sys.argv[1:]
    return a[a.index("--" + name) + 1] if "--" + name in a else default


n = int(arg("n", "10000"))
widths = json.loads(arg("widths", "[64,256,256,256,1]"))
budget_ms = float(arg("budget-ms", "2000"))
threads = int(arg("threads", "1"))
sub = min(n, int(arg("sub", "500")))
probes = int(arg("probes", "10"))
torch.set_num_threads(threads)
torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(0)
layers = []
for i in range(len(widths) - 1):
    lin = torch.nn.Linear(widths[i], widths[i + 1])
    with torch.no_grad():
        lin.weight.copy_(torch.randn(widths[i + 1], widths[i], generator=g) / widths[i] ** 0.5)
        lin.bias.zero_()
    layers += [lin, torch.nn.ReLU()]
model = torch.nn.Sequential(*layers[:-1])
params = list(model.parameters())
X = torch.randn(n, widths[0], generator=g)
Y = torch.randn(n, widths[-1], generator=g)


def per_sample_trace():
    s = 0.0
    for i in range(sub):
        out = model(X[i : i + 1])[0]
        for o in range(out.shape[0]):
            grads = torch.autograd.grad(out[o], params, retain_graph=o + 1 < out.shape[0])
            s += sum((gr * gr).sum().item() for gr in grads)
    return s / sub


def hutchinson():
    loss = ((model(X) - Y) ** 2).sum() / (2 * n)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    est = 0.0
    for k in range(probes):
        v = [torch.randint(0, 2, p.shape, generator=torch.Generator().manual_seed(k)).to(p.dtype) * 2 - 1 for p in params]
        hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=k + 1 < probes)
        est += sum((a * b).sum().item() for a, b in zip(hv, v))
    return est / probes


shape = [n] + widths
rows = []
ms, reps = median_timing(per_sample_trace, budget_ms, 3)
rows.append({"op": "deep-trace", "shape": shape, "impl": "torch-autograd", "medianMs": ms * n / sub, "reps": reps,
             "note": f"per-sample loop timed on {sub} of {n} samples, scaled to n"})
log(f"  torch per-sample-gradient trace ({shape}) {ms * n / sub:.1f} ms (from {sub} samples)")
ms, reps = median_timing(hutchinson, budget_ms, 3)
rows.append({"op": "deep-trace", "shape": shape, "impl": "torch-hutchinson100", "medianMs": ms * 100 / probes,
             "reps": reps, "note": f"{probes} probes timed, scaled to 100"})
log(f"  torch Hutchinson-100 ({shape}) {ms * 100 / probes:.1f} ms (from {probes} probes)")
print(json.dumps({"rows": rows, "info": {"torch": torch.__version__, "threads": threads}}))
