"""Regenerate tests/data/torch_reference.npz: PyTorch's values and autograd derivatives.

Run from the repository root with torch installed (it is not a dependency of the project):
    .venv/bin/pip install torch==2.13.0
    .venv/bin/python tests/data/make_torch_reference.py

Points: those PyTorch's own activation tests use (0, −0, ±0.001, ±0.25, ±1, ±π/2, ±501,
±1001.2, ±13437.7, ±4988429.2, ±1e20, ±inf, NaN), plus the kinks of the piecewise functions
(±0.5, ±1.2, ±2, ±3, 6) and ±1e200 (where PyTorch's gelu_tanh′ overflows), in float32 and
float64. For each case the file holds ``<key>/<dtype>/x``, ``/f`` and ``/g`` (g is df/dx from
``autograd``, NaN where PyTorch has none), and ``cases``: rows "key;activation id;params".
Softmax: ``softmax/<i>/<dtype>/x``, ``/softmax``, ``/log_softmax`` for a few vectors.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

POINTS = [0.0, 0.001, 0.25, 1.0, math.pi / 2, 501.0, 1001.2, 13437.7, 4988429.2, 1e20, math.inf]
EXTRA = [0.5, 1.2, 2.0, 3.0, 6.0, 1e200]


def points() -> np.ndarray:
    pos = POINTS + EXTRA
    return np.array([-0.0, *pos, *(-p for p in pos if p != 0.0), math.nan])


# key: (activation id, params, torch function)
CASES = {
    "identity": ("identity", {}, lambda x: x * 1),
    "step": ("step", {}, None),
    "sigmoid": ("sigmoid", {}, torch.sigmoid),
    "hard_sigmoid": ("hard_sigmoid", {}, F.hardsigmoid),
    "tanh": ("tanh", {}, torch.tanh),
    "hard_tanh": ("hard_tanh", {}, F.hardtanh),
    "hard_tanh|-2,0.5": (
        "hard_tanh",
        {"min_val": -2.0, "max_val": 0.5},
        lambda x: F.hardtanh(x, -2.0, 0.5),
    ),
    "relu": ("relu", {}, F.relu),
    "leaky_relu": ("leaky_relu", {}, F.leaky_relu),
    "leaky_relu|0.2": ("leaky_relu", {"negative_slope": 0.2}, lambda x: F.leaky_relu(x, 0.2)),
    "prelu": ("prelu", {}, lambda x: F.prelu(x, torch.tensor([0.25], dtype=x.dtype))),
    "relu6": ("relu6", {}, F.relu6),
    "elu": ("elu", {}, F.elu),
    "elu|0.5": ("elu", {"alpha": 0.5}, lambda x: F.elu(x, 0.5)),
    "selu": ("selu", {}, F.selu),
    "celu": ("celu", {}, F.celu),
    "celu|2": ("celu", {"alpha": 2.0}, lambda x: F.celu(x, 2.0)),
    "gelu": ("gelu", {}, F.gelu),
    "gelu_tanh": ("gelu_tanh", {}, lambda x: F.gelu(x, approximate="tanh")),
    "silu": ("silu", {}, F.silu),
    "swish|2": ("swish", {"beta": 2.0}, lambda x: x * torch.sigmoid(2.0 * x)),
    "hard_swish": ("hard_swish", {}, F.hardswish),
    "mish": ("mish", {}, F.mish),
    "softplus": ("softplus", {}, F.softplus),
    "softplus|3": ("softplus", {"beta": 3.0}, lambda x: F.softplus(x, beta=3.0)),
    "softsign": ("softsign", {}, F.softsign),
    "log_sigmoid": ("log_sigmoid", {}, F.logsigmoid),
    "tanhshrink": ("tanhshrink", {}, F.tanhshrink),
    "softshrink": ("softshrink", {}, F.softshrink),
    "softshrink|1.2": ("softshrink", {"lambd": 1.2}, lambda x: F.softshrink(x, 1.2)),
    "hardshrink": ("hardshrink", {}, F.hardshrink),
    "hardshrink|2": ("hardshrink", {"lambd": 2.0}, lambda x: F.hardshrink(x, 2.0)),
    "sine": ("sine", {}, torch.sin),
    "gaussian": ("gaussian", {}, lambda x: torch.exp(-x * x)),
}

SOFTMAX_VECTORS = [
    [1.0, 5.0, 2.0, 0.0, 6.0, 7.0],
    [1e300, -1e300, 0.0, 3.0],
    [-math.inf, 0.0, 1.0],
    [1000.0, 1000.0, 999.0],
    [-0.5, 0.25, 3.0, -12.0, 40.0],
]


def main() -> None:
    torch.set_num_threads(1)
    out: dict[str, np.ndarray] = {"torch_version": np.array(torch.__version__)}
    rows = []
    for dtype, tdt in (("float32", torch.float32), ("float64", torch.float64)):
        with np.errstate(over="ignore"):
            x = points().astype(dtype)
        for key, (name, params, fn) in CASES.items():
            if fn is None:  # step: torch.heaviside has no derivative
                t = torch.from_numpy(x)
                f = torch.heaviside(t, torch.zeros((), dtype=tdt)).numpy()
                g = np.full_like(x, np.nan)
            else:
                t = torch.from_numpy(x.copy()).requires_grad_(True)
                y = fn(t)
                y.backward(torch.ones_like(y))
                f = y.detach().numpy()
                g = t.grad.numpy()
            out[f"{key}/{dtype}/x"] = x
            out[f"{key}/{dtype}/f"] = f
            out[f"{key}/{dtype}/g"] = g
            if dtype == "float32":
                rows.append(f"{key};{name};" + ",".join(f"{k}={v!r}" for k, v in params.items()))
        for i, v in enumerate(SOFTMAX_VECTORS):
            t = torch.tensor(v, dtype=tdt)
            out[f"softmax/{i}/{dtype}/x"] = t.numpy()
            out[f"softmax/{i}/{dtype}/softmax"] = torch.softmax(t, -1).numpy()
            out[f"softmax/{i}/{dtype}/log_softmax"] = torch.log_softmax(t, -1).numpy()
    out["cases"] = np.array(rows)
    out["n_softmax"] = np.array(len(SOFTMAX_VECTORS))
    path = Path(__file__).with_name("torch_reference.npz")
    np.savez_compressed(path, **out)
    print("wrote", path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
