"""A non-editable install works: build a wheel, install it into a folder, load the data from elsewhere.

The wheel is built from a copy of the project's sources in a temporary folder, not in the working tree:
``pip wheel`` on the tree itself writes build/ and *.egg-info/ into it (other people's working copy), and
setuptools re-packs whatever is left in build/lib, so a module deleted from nbhelpers/ would still ship and
the test could pass on a stale file. Build isolation fetches setuptools from the package index.
(About 5 s here, so it is not marked slow.)
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.specifiers import SpecifierSet

REPO = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".ipynb_checkpoints",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
)

CHECK = r"""
import json, sys
import nbhelpers
import nbhelpers.panels  # every subpackage came along
from nbhelpers.panels.training import TrainingPanel
d = nbhelpers.load_dataset("regression")
c = nbhelpers.load_dataset("classification")
h = nbhelpers.train(d.X, d.y, "regression", nbhelpers.Params.notes_init(), 1e-5, 100)
print(json.dumps({
    "module": nbhelpers.__file__,
    "source": d.source,
    "X": d.X.tolist(), "y": d.y.tolist(), "features": list(d.feature_names), "target": d.target_name,
    "cy": c.y.tolist(), "first_loss": float(h.losses[0]), "last_loss": float(h.losses[-1]),
}))
"""


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def test_wheel_install_loads_the_datasets_from_any_directory(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(REPO, src, ignore=IGNORE)
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()

    _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(wheels)])
    (wheel,) = wheels.glob("nbhelpers-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {"nbhelpers/data/regression.csv", "nbhelpers/data/classification.csv"} <= names
    modules = {str(p.relative_to(REPO)) for p in (REPO / "nbhelpers").rglob("*.py")}
    assert modules and modules <= names, f"modules left out of the wheel: {sorted(modules - names)}"

    _run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)])
    assert (target / "nbhelpers" / "data" / "regression.csv").is_file()

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONPATH"] = str(target)
    out = _run([sys.executable, "-c", CHECK], cwd=elsewhere, env=env)
    got = json.loads(out.stdout.strip().splitlines()[-1])

    # the installed copy was imported, and it read its own packaged CSV (not the repository's data/)
    assert Path(got["module"]).resolve().is_relative_to(target.resolve())
    assert Path(got["source"]).resolve().is_relative_to(target.resolve())
    # the notes' regression table
    assert got["X"] == [[80.0, 8.0], [70.0, 7.0], [60.0, 6.0], [50.0, 5.0]]
    assert got["y"] == [8.0, 7.0, 6.0, 5.0]
    assert got["features"] == ["iq", "cgpa"] and got["target"] == "package"
    assert got["cy"] == [1.0, 1.0, 0.0, 0.0]
    assert got["first_loss"] == 19183.5 and got["last_loss"] < 1e-3


# --- the dependency lists: the runtime needs only what the notebooks import, everywhere the same ------------------
RUNTIME = {"numpy": "1.24", "matplotlib": "3.7.2", "ipywidgets": "8.0.5", "anywidget": "0.9", "pillow": "9"}
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)\s*(?:;\s*(.*))?$")


def declared_requirements():
    """(name, lower bound, extra or None) for each requirement of the installed nbhelpers (its own metadata)."""
    found = []
    for line in importlib.metadata.requires("nbhelpers") or []:
        match = REQUIREMENT.match(line)
        assert match, f"a requirement without a lower bound, or not understood: {line!r}"
        name, bound, marker = match.groups()
        extra = re.search(r'extra\s*==\s*"([^"]+)"', marker or "")
        found.append((name.lower(), bound, extra.group(1) if extra else None))
    return found


def test_the_runtime_needs_only_what_the_notebooks_import():
    runtime = {name: bound for name, bound, extra in declared_requirements() if extra is None}
    assert runtime == RUNTIME, f"runtime requirements {runtime}; expected {RUNTIME} (JupyterLab is the 'lab' extra)"
    lab = {name for name, _, extra in declared_requirements() if extra == "lab"}
    assert lab == {"jupyterlab"}


CONDA_DEPENDENCY = re.compile(r"^\s{0,4}-\s+([A-Za-z0-9_.-]+)\s*(?:(>=|==|=)\s*([0-9][0-9.]*))?\s*(?:#.*)?$")


def conda_dependencies(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """{name: (operator, version)} for each conda package under an environment file's dependencies: (not pip:)."""
    found, section = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        top = re.match(r"^([A-Za-z_]+):", line)
        section = top.group(1) if top else section
        match = CONDA_DEPENDENCY.match(line)
        if match and section == "dependencies":
            name, operator, version = match.groups()
            assert name.lower() not in found, f"{path.name}: {name} listed twice"
            found[name.lower()] = (operator, version)
    return found


def lower_bounds(path: Path) -> dict[str, str]:
    return {name: version for name, (operator, version) in conda_dependencies(path).items() if operator == ">="}


def test_environment_yml_asks_for_the_same_versions():
    """environment.yml (conda) lists the runtime requirements with the same lower bounds, plus JupyterLab
    (a conda user opens the notebooks in it) and tqdm (the optional progress bar)."""
    listed = lower_bounds(REPO / "environment.yml")
    declared = {name: bound for name, bound, extra in declared_requirements()}
    assert {k: v for k, v in listed.items() if k in RUNTIME} == RUNTIME, listed
    for name in ("jupyterlab", "tqdm"):
        assert listed.get(name) == declared.get(name), (name, listed.get(name), declared.get(name))
    assert set(listed) - set(RUNTIME) <= {"python", "jupyterlab", "tqdm"}, f"more than the notebooks need: {listed}"


def test_binder_asks_for_the_same_packages_with_an_exact_python():
    """binder/environment.yml (repo2docker reads only binder/ when it exists) lists exactly the packages and lower
    bounds of environment.yml, but Python as `python=X.Y`: repo2docker takes no range (python>=3.10 would silently
    give its default Python)."""
    binder = conda_dependencies(REPO / "binder" / "environment.yml")
    conda = conda_dependencies(REPO / "environment.yml")
    operator, version = binder.pop("python", (None, None))
    assert operator == "=" and re.fullmatch(r"3\.[0-9]+", version or ""), f"binder: python {operator} {version}"
    requires_python = SpecifierSet(importlib.metadata.metadata("nbhelpers")["Requires-Python"])
    assert f"{version}.0" in requires_python, f"binder's Python {version} is outside requires-python {requires_python}"
    expected = {name: spec for name, spec in conda.items() if name not in ("python", "pip")}  # pip: the -e . below
    assert binder == expected, f"binder/environment.yml {binder}\nenvironment.yml {expected}"
    declared = {name: bound for name, bound, _ in declared_requirements()}
    assert {name: version for name, (_, version) in binder.items()} == {
        name: declared[name] for name in (*RUNTIME, "jupyterlab", "tqdm")
    }


def test_binder_installs_nbhelpers_itself_without_its_requirements():
    """binder/postBuild installs the project from the repository's root (where repo2docker runs it), with --no-deps
    so that pip leaves conda-forge's packages alone, and stops the build if that fails."""
    post_build = REPO / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    lines = [line.split("#", 1)[0].strip() for line in post_build.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == "" and post_build.read_text(encoding="utf-8").startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in lines
    installs = [line for line in lines if re.match(r"python -m pip install\b", line)]
    assert len(installs) == 1 and installs[0].split()[4:] == ["--no-deps", "--no-cache-dir", "."], installs


def test_the_notebooks_are_checked_with_mplbackend_agg():
    """conftest.py sets MPLBACKEND=Agg for every kernel the suite starts, so the strict nbval run compares the
    committed outputs (made without it) with a run under it; each notebook chooses the inline backend itself, in a
    code cell before any figure."""
    import json
    import os

    assert os.environ.get("MPLBACKEND") == "Agg"
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        sources = ["".join(c["source"]) for c in cells]
        chooses = [i for i, s in enumerate(sources) if "%matplotlib inline" in s.splitlines()]
        figures = [i for i, c in enumerate(cells) if any("image/png" in o.get("data", {}) for o in c["outputs"])]
        assert chooses and (not figures or chooses[0] < figures[0]), f"{path.name}: no %matplotlib inline before"
