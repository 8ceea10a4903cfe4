"""Every third-party package the code imports is declared, and the locks are complete.

Declared means: in ``requirements.in`` (the app: what app.py, pages/, ui/, charts/, i18n/ and
activations/ import), ``requirements-dev.in`` (tests, bench, docs tools) or, for the library
alone, ``pyproject.toml``'s dependencies. The locks (``requirements*.txt``, made by pip-compile
from those files) must pin every declared package and everything those need, so that two
installs a month apart are identical.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
APP_DIRS = ("activations", "charts", "ui", "pages", "i18n")
SKIP_DIRS = {".venv", "build", "dist", "__pycache__", ".git", "node_modules"}
# Imported only by scripts run by hand, inside `try: ... except ImportError`, or both; not
# installed by either lock on purpose (PyTorch is several GB).
OPTIONAL = {
    "torch": "tests/data/make_torch_reference.py (makes a reference file by hand) and "
    "bench/bench_activations.py (compares with PyTorch when it is installed)",
}


def _python_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
    ]


@cache
def _local_names() -> frozenset[str]:
    """Modules of the repository itself: packages, and scripts that sit next to their users
    (tests/actkit.py, bench/load_test.py)."""
    names = {path.stem for path in _python_files()}
    names |= {path.parent.name for path in _python_files() if path.name == "__init__.py"}
    return frozenset(names)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _third_party(paths: list[Path]) -> dict[str, set[str]]:
    """{import name: files importing it} for the imports that are neither stdlib nor local."""
    result: dict[str, set[str]] = {}
    for path in paths:
        for name in _imports(path):
            if name in sys.stdlib_module_names or name in _local_names():
                continue
            result.setdefault(name, set()).add(
                path.name if not path.is_relative_to(ROOT) else str(path.relative_to(ROOT))
            )
    return result


def _declared(file: str) -> set[str]:
    names = set()
    for line in (ROOT / file).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(canonicalize_name(Requirement(line).name))
    return names


def _locked(file: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / file).read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line):
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _distributions(import_name: str) -> set[str]:
    return {canonicalize_name(d) for d in md.packages_distributions().get(import_name, [])}


def _undeclared(paths: list[Path], declared: set[str]) -> list[str]:
    problems = []
    for name, files in sorted(_third_party(paths).items()):
        if name in OPTIONAL:
            continue
        dists = _distributions(name)
        if not dists:
            problems.append(f"{name} (not installed; imported by {sorted(files)})")
        elif not dists & declared:
            problems.append(f"{name} -> {sorted(dists)} (imported by {sorted(files)[:3]})")
    return problems


def test_the_app_declares_every_package_it_imports() -> None:
    app = [p for p in _python_files() if p.relative_to(ROOT).parts[0] in APP_DIRS]
    app.append(ROOT / "app.py")
    assert _undeclared(app, _declared("requirements.in")) == []


def test_tests_bench_and_tools_declare_every_package_they_import() -> None:
    declared = _declared("requirements.in") | _declared("requirements-dev.in")
    assert _undeclared(_python_files(), declared) == []


def test_the_library_imports_only_its_declared_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    library = [p for p in _python_files() if p.relative_to(ROOT).parts[0] == "activations"]
    assert _undeclared(library, declared) == []
    assert declared <= _declared("requirements.in")


def test_an_undeclared_import_is_caught(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import numpy\nfrom PIL import Image\nimport yaml\nimport nothing_installed_xyz\n"
        "from . import sibling\nimport json\n",
        encoding="utf-8",
    )
    problems = _undeclared([probe], _declared("requirements.in"))
    assert [p.split()[0] for p in problems] == ["nothing_installed_xyz", "yaml"]


def test_the_locks_pin_every_declared_package() -> None:
    runtime, dev = _locked("requirements.txt"), _locked("requirements-dev.txt")
    assert _declared("requirements.in") <= set(runtime)
    assert _declared("requirements-dev.in") <= set(dev)
    # One version of each package across both locks (dev is compiled against the runtime lock).
    assert {k: v for k, v in dev.items() if k in runtime} == {
        k: v for k, v in runtime.items() if k in dev
    }


def test_the_locks_are_complete() -> None:
    """Everything a locked package needs (on this Python) is locked too."""
    pins = _locked("requirements.txt") | _locked("requirements-dev.txt")
    unsafe = {"pip", "setuptools"}  # pip-compile leaves the installer's own tools out
    missing = []
    for name in pins:
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue  # not installed here: nothing to read its needs from
        for text in requires:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            dep = canonicalize_name(req.name)
            if dep not in pins and dep not in unsafe:
                missing.append(f"{name} needs {dep}")
    assert missing == []


def test_refresh_command_is_in_each_lock_and_its_input() -> None:
    for stem in ("requirements", "requirements-dev"):
        assert "pip-compile" in (ROOT / f"{stem}.in").read_text(encoding="utf-8")
        lock = (ROOT / f"{stem}.txt").read_text(encoding="utf-8")
        assert "pip-compile" in lock and f"{stem}.in" in lock
