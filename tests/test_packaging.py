"""The library installs: a wheel built from the clone imports in a fresh venv, from outside it.

The wheel is built from a copy of what it ships (pyproject.toml, README.md, LICENSE,
activations/), so the build leaves nothing in the clone and parallel test runs do not meet.
The fresh venv sees this environment's site-packages for numpy, SciPy and SymPy (a .pth file),
so the test needs no network for them; the wheel itself goes in with ``--no-deps``.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "README.md", "LICENSE", "activations")


def _pip(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SHIPPED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    out = tmp_path_factory.mktemp("wheelhouse")
    _pip("wheel", "--no-deps", "-w", str(out), str(src))
    (built,) = out.glob("activation_lab-*.whl")
    return built


def test_wheel_holds_the_library_its_dependencies_and_licence(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if name.endswith(".py")}
    assert packages == {"activations"}, "only the library ships; the app stays in the clone"
    assert "activations/formula/__init__.py" in names
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = Parser().parsestr(zipfile.ZipFile(wheel).read(meta_name).decode())
    requires = {
        r.split(">")[0].split("=")[0].split("<")[0].strip() for r in meta.get_all("Requires-Dist")
    }
    assert requires == {"numpy", "scipy", "sympy"}
    assert meta["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_installed_wheel_imports_from_outside_the_clone(wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    target = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # numpy, SciPy, SymPy from this environment (after the venv's own site-packages).
    (target / "zz_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel))
    elsewhere = tmp_path / "notebook"
    elsewhere.mkdir()
    code = (
        "import numpy as np, activations\n"
        "print(activations.__file__)\n"
        "y, dy = activations.get('gelu').value_and_grad(np.array([0.0, 1.0]))\n"
        "assert abs(dy[0] - 0.5) < 1e-15 and abs(y[1] - 0.8413447460685429) < 1e-15\n"
        "assert activations.properties('tanh').zero_centred\n"
        "from activations.formula import parse_formula\n"
    )
    result = subprocess.run(
        [str(python), "-I", "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve().is_relative_to(target.resolve())
