"""Speed of every activation: ns per element of f, f′ and both, next to a plain copy and PyTorch.

    .venv/bin/python bench/bench_activations.py [--n 1000000] [--repeat 7] [--ids relu,gelu]

Inputs: n standard-normal numbers ×3 (float64 and float32). Each timing is the best of
``--repeat`` runs. PyTorch columns (one thread; f′ is a forward + autograd backward) appear
when torch is importable, using the same functions as tests/data/make_torch_reference.py.
Targets (issue 2): relu within 1.5× of the copy; every f within 2× of PyTorch.

glibc returns memory to the OS once more than 16 MB lie free at the top of the heap, so code
that keeps two 8 MB arrays alive (value_and_grad at n = 1e6) page-faults on every call: about
4 ns per element, more than the arithmetic. The bench raises glibc's trim and mmap thresholds
first, as a long-running process may; ``--raw-malloc`` keeps the defaults.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import activations  # noqa: E402


def keep_freed_memory() -> bool:
    """Ask glibc not to trim the heap or mmap big blocks (M_TRIM_THRESHOLD, M_MMAP_THRESHOLD);
    False where that is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(-1, 1 << 30)) and bool(libc.mallopt(-3, 1 << 30))


def best_ns(func: Callable[[], object], n: int, repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in ns per element."""
    func()  # warm up (allocator, lazy imports)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best * 1e9 / n


def torch_functions() -> tuple[object, dict[str, Callable]] | None:
    """(torch, {id: torch function at default parameters}) or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    path = ROOT / "tests" / "data" / "make_torch_reference.py"
    spec = importlib.util.spec_from_file_location("make_torch_reference", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fns = {}
    for name, params, fn in mod.CASES.values():
        act = activations.get(name)
        if fn is not None and act.check_params(**params) == act.defaults():
            fns.setdefault(name, fn)
    fns.setdefault("swish", fns.get("silu"))  # swish at β = 1 is SiLU
    return torch, fns


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--ids", default="", help="comma-separated ids (default: all)")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--raw-malloc", action="store_true", help="keep glibc's malloc defaults")
    args = ap.parse_args(argv)
    tuned = not args.raw_malloc and keep_freed_memory()
    n, rep = args.n, args.repeat
    ids = [s for s in args.ids.split(",") if s] or list(activations.names())
    tf = None if args.no_torch else torch_functions()

    x64 = np.random.default_rng(0).standard_normal(n) * 3.0
    x32 = x64.astype(np.float32)
    copy64 = best_ns(lambda: np.copy(x64), n, rep)
    copy32 = best_ns(lambda: np.copy(x32), n, rep)
    print(
        f"n = {n:,}, best of {rep}, glibc malloc {'tuned' if tuned else 'defaults'}; "
        f"np.copy: {copy64:.2f} ns (float64), {copy32:.2f} ns (float32)"
    )
    if tf is not None:
        print(f"torch {tf[0].__version__}, 1 thread; torch f′ = forward + autograd backward")
    head = f"{'id':<13}{'f64 f':>7}{'f′':>7}{'f,f′':>7}{'f32 f':>8}{'f′':>7}{'f,f′':>7}"
    if tf is not None:
        head += f"{'torch64 f':>11}{'f′':>7}{'torch32 f':>11}{'f′':>7}{'f/torch 64':>12}{'32':>7}"
    print(head)
    print("-" * len(head))
    slow = []
    for name in ids:
        act = activations.get(name)
        row = f"{name:<13}"
        ours = {}
        for dt, x in (("64", x64), ("32", x32)):
            ours[dt] = best_ns(lambda x=x, a=act: a.fn(x), n, rep)
            g = best_ns(lambda x=x, a=act: a.grad(x), n, rep)
            vg = best_ns(lambda x=x, a=act: a.value_and_grad(x), n, rep)
            row += f"{ours[dt]:>{7 if dt == '64' else 8}.2f}{g:>7.2f}{vg:>7.2f}"
        fn = tf[1].get(name) if tf is not None else None
        if tf is not None and fn is not None:
            torch = tf[0]
            ratios = []
            for dt, x in (("64", x64), ("32", x32)):
                t = torch.from_numpy(x)
                tg = t.clone().requires_grad_(True)
                tf_ns = best_ns(lambda t=t, fn=fn: fn(t), n, rep)

                def fwd_bwd(tg=tg, fn=fn, torch=torch):
                    tg.grad = None
                    y = fn(tg)
                    y.backward(torch.ones_like(y))

                tg_ns = best_ns(fwd_bwd, n, rep)
                ratios.append(ours[dt] / tf_ns)
                row += f"{tf_ns:>11.2f}{tg_ns:>7.2f}"
            row += f"{ratios[0]:>11.2f}×{ratios[1]:>6.2f}×"
            if ratios[0] > 2.0:
                slow.append(name)
        elif tf is not None:
            row += f"{'—':>11}{'':>7}{'—':>11}{'':>7}"
        print(row, flush=True)
    # relu against a copy, alternating the two so that both see the same machine load
    relu = activations.get("relu")
    c = r = float("inf")
    for _ in range(rep):
        c = min(c, best_ns(lambda: np.copy(x64), n, 1))
        r = min(r, best_ns(lambda: relu.fn(x64), n, 1))
    print(f"\nrelu / copy (float64): {r:.2f} / {c:.2f} ns = {r / c:.2f}× (target ≤ 1.5×)")
    if tf is not None:
        print("f (float64) more than 2× slower than PyTorch:", ", ".join(slow) or "none")


if __name__ == "__main__":
    main()
