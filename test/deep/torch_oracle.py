"""Independent oracle for flatlab's deep-network tests: torch autograd in double precision.

Reads a JSON file of cases (network, data, optional orbit draws) and prints, per case, the Hessian trace of
L = (1/(2n)) sum_i ||f(x_i) - y_i||^2 from torch.autograd.functional.hessian, the Gauss-Newton trace
(1/n) ||J||_F^2 from the Jacobian of the outputs, the outputs, and the GN trace at random points of the
rescaling orbit drawn and applied here (numpy generator, its own rescaling code).
"""
import json
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


def activation(spec):
    name = spec["name"]
    if name == "relu":
        return torch.relu, 1
    if name == "leaky-relu":
        return (lambda t: torch.nn.functional.leaky_relu(t, spec["alpha"])), 1
    if name == "relu-pow":
        p = spec["p"]
        return (lambda t: torch.relu(t) ** p), p
    if name == "tanh":
        return torch.tanh, None
    raise ValueError(name)


def unflatten(theta, shapes):
    out, o = [], 0
    for rows, cols, bias in shapes:
        W = theta[o : o + rows * cols].reshape(rows, cols)
        o += rows * cols
        b = None
        if bias:
            b = theta[o : o + rows]
            o += rows
        out.append((W, b))
    return out


def forward(theta, shapes, sigma, X):
    h = X
    layers = unflatten(theta, shapes)
    for i, (W, b) in enumerate(layers):
        h = h @ W.T + (b if b is not None else 0)
        if i < len(layers) - 1:
            h = sigma(h)
    return h


def gn_trace(theta, shapes, sigma, X, n):
    J = torch.autograd.functional.jacobian(lambda t: forward(t, shapes, sigma, X).reshape(-1), theta, vectorize=True)
    return float((J**2).sum() / n)


def rescaled(theta, shapes, k, s):
    """Hidden neuron u of layer l scaled by s[l][u]: incoming row and bias x s, outgoing column x s^-k."""
    layers = [(W.clone(), None if b is None else b.clone()) for W, b in unflatten(theta, shapes)]
    for l in range(len(layers) - 1):
        W, b = layers[l]
        W *= s[l][:, None]
        if b is not None:
            b *= s[l]
        layers[l + 1][0].mul_(s[l][None, :] ** (-k))
    return torch.cat([t.reshape(-1) for W, b in layers for t in ([W] if b is None else [W, b])])


def run(case):
    sigma, k = activation(case["act"])
    shapes = [(case["widths"][i + 1], case["widths"][i], case["b"][i] is not None) for i in range(len(case["W"]))]
    parts = []
    for W, b in zip(case["W"], case["b"]):
        parts.append(torch.tensor(W))
        if b is not None:
            parts.append(torch.tensor(b))
    theta = torch.cat(parts)
    n, c = case["n"], case["c"]
    X = torch.tensor(case["X"]).reshape(n, case["d"])
    Y = torch.tensor(case["Y"]).reshape(n, c)

    def loss(t):
        return 0.5 * ((forward(t, shapes, sigma, X) - Y) ** 2).sum() / n

    H = torch.autograd.functional.hessian(loss, theta)
    out = {
        "trace": float(torch.trace(H)),
        "gaussNewton": gn_trace(theta, shapes, sigma, X, n),
        "outputs": forward(theta, shapes, sigma, X).detach().reshape(-1).tolist(),
        "orbit": [],
    }
    rng = np.random.default_rng(case.get("seed", 0))
    for _ in range(case.get("orbitPoints", 0)):
        s = [torch.tensor(10.0 ** rng.uniform(-case["orbitLogRange"], case["orbitLogRange"], w)) for w in case["widths"][1:-1]]
        out["orbit"].append(gn_trace(rescaled(theta, shapes, k, s), shapes, sigma, X, n))
    return out


if __name__ == "__main__":
    cases = json.load(open(sys.argv[1]))
    print(json.dumps([run(c) for c in cases]))
