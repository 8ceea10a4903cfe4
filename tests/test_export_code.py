"""The network as code: the NumPy script, run in a fresh interpreter with nothing but NumPy,
reproduces the app's predictions; the PyTorch code too where torch is installed."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from activations import registry
from activations.clouds import make_dataset, make_regression
from activations.export_code import activation_code, numpy_script, torch_code, weights_json
from activations.formula import parse_formula
from activations.nn import MLP, LayerSpec, TrainConfig, train

GRID = np.stack(np.meshgrid(np.linspace(-3, 3, 25), np.linspace(-3, 3, 25)), -1).reshape(-1, 2)
FORMULAS = (
    "x * sigmoid(b*x)",
    "max(a*x, x)",
    "where(x > 0, x, a*(exp(x)-1))",
    "log1p(abs(x)) + gelu(x)/3",
    "clip(x, -a, 6)",
    "piecewise(x < -1, -1, x < 1, x, 1)",
    "leaky_relu6(x) + atan(x)",
)

# Runs a script in an isolated interpreter (-I: no site-packages of this project on the path
# beyond NumPy's, no PYTHONPATH) and prints its predictions on the points read from stdin.
RUNNER = """
import json, runpy, sys
import numpy
namespace = runpy.run_path(sys.argv[1])
points = numpy.array(json.loads(sys.stdin.read()))
name = sys.argv[2]
out = numpy.asarray(namespace[name](points), dtype=float)
assert "scipy" not in sys.modules and "activations" not in sys.modules, "needs only NumPy"
print(json.dumps(out.tolist()))
"""


def run_script(path, function: str, points: np.ndarray, python: str = sys.executable):
    done = subprocess.run(
        [python, "-I", "-c", RUNNER, str(path), function],
        input=json.dumps(points.tolist()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return np.array(json.loads(done.stdout), dtype=np.float64)


def expected_proba(model: MLP, x: np.ndarray) -> np.ndarray:
    p = model.predict_proba(x)
    return np.column_stack((1 - p, p)) if p.ndim == 1 else p


def models():
    """Every registry activation (2 and 3 classes, untrained but random), some formulas, a
    trained 3-class network and a trained regression network."""
    out = []
    for k, entry in enumerate(registry.ENTRIES):
        config = TrainConfig(
            hidden=(LayerSpec(5, entry.name), LayerSpec(3, entry.name)),
            classes=2 + k % 2,
            init="normal",
            seed=k,
        )
        out.append((entry.name, MLP.from_config(config)))
    for text in FORMULAS:
        act = parse_formula(text, {})
        config = TrainConfig(hidden=(LayerSpec(4, act), LayerSpec(3, "relu")), classes=3, seed=1)
        out.append((text, MLP.from_config(config)))
    data = make_dataset("spirals", 300, 0.05, 0, classes=3)
    config = TrainConfig(hidden=(LayerSpec(8, "leaky_relu"),) * 2, classes=3, epochs=200)
    out.append(("trained spirals", train(data, config)[0]))
    return out


def test_the_numpy_script_reproduces_the_predictions(tmp_path):
    # One script per network, all run in one interpreter each (several hundred points).
    for name, model in models():
        path = tmp_path / "net.py"
        path.write_text(numpy_script(model))
        got = run_script(path, "predict_proba", GRID)
        want = expected_proba(model, GRID)
        assert got.shape == want.shape, name
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6, err_msg=name)
        assert np.array_equal(np.isnan(got), np.isnan(want)), name


def test_the_regression_script_defines_predict(tmp_path):
    data = make_regression("abs", 120, 0.02, 0)
    config = TrainConfig(hidden=(LayerSpec(8, "relu"),) * 2, task="regress", epochs=200)
    model, _ = train(data, config)
    path = tmp_path / "fit.py"
    path.write_text(numpy_script(model))
    xs = np.linspace(-2, 2, 50)
    got = run_script(path, "predict", xs[:, None])
    np.testing.assert_allclose(got, model.predict_proba(xs[:, None]), atol=1e-6)
    assert "def predict_proba" not in path.read_text()


def test_activation_code_comes_from_the_symbolic_forms():
    assert activation_code(registry.get("relu"), {}) == "fmax(0, x)"
    assert "0.2" in activation_code(registry.get("leaky_relu"), {"negative_slope": 0.2})
    # Constants are numbers: PyTorch's sqrt takes no Python int.
    assert "sqrt" not in activation_code(registry.get("gelu_tanh"), {})


def test_weights_json_describes_the_network():
    act = parse_formula("x * sigmoid(b*x)", {})
    config = TrainConfig(hidden=(LayerSpec(4, act), LayerSpec(2, "elu")), classes=4)
    model = MLP.from_config(config)
    doc = json.loads(weights_json(model))
    assert (doc["format"], doc["output"], doc["classes"]) == ("activation-lab-mlp", "softmax", 4)
    layers = doc["layers"]
    assert [np.shape(layer["weights"]) for layer in layers] == [(2, 4), (4, 2), (2, 4)]
    assert layers[0]["formula"] == "x * sigmoid(b*x)" and layers[1]["activation"] == "elu"
    assert layers[1]["params"] == {"alpha": 1.0}
    np.testing.assert_array_equal(np.array(layers[2]["bias"]), model.biases[-1])


def test_the_pytorch_code_compiles_and_makes_modules_of_every_activation():
    act = parse_formula("leaky_relu6(x)", {})
    model = MLP.from_config(TrainConfig(hidden=(LayerSpec(4, act), LayerSpec(3, "gelu"))))
    code = torch_code(model)
    compile(code, "torch_net.py", "exec")
    assert "class Layer1Custom(nn.Module)" in code and "class Layer2Gelu(nn.Module)" in code
    assert "nn.Sequential(" in code and "import numpy" not in code


def test_the_pytorch_code_reproduces_the_predictions(tmp_path):
    # torch is not a dependency of the app (it is large); where it is installed, e.g. on a
    # practitioner's machine or a CI job that adds it, its predictions are checked too.
    pytest.importorskip("torch", reason="torch is not installed (not a dependency of the app)")
    for name, model in models():
        path = tmp_path / "torch_net.py"
        path.write_text(torch_code(model))
        got = run_script(path, "predict_proba", GRID)
        np.testing.assert_allclose(got, expected_proba(model, GRID), atol=1e-6, err_msg=name)
