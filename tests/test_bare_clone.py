"""Every notebook runs from a clone where nbhelpers is not installed, in an environment with only numpy, matplotlib,
ipywidgets and a kernel: a JupyterHub reached by an nbgitpuller link.

The environment is built offline from what the test environment already has: a fresh virtual environment into
which the files of exactly those distributions, and of what they require, are linked (no nbhelpers, no JupyterLab,
no tqdm); a kernel spec for its Python; and a copy of the clone's notebooks/, nbhelpers/ and data/. Each notebook is
executed there with nbclient; its first code cell must find the clone's nbhelpers by itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import venv
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
HUB = ("numpy", "matplotlib", "ipywidgets", "ipykernel")  # what such a hub has: the notebooks' imports and a kernel


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_closure(names) -> set[str]:
    """The installed distributions ``names`` need, with their requirements (markers evaluated, extras left out)."""
    seen, todo = set(), list(names)
    while todo:
        name = canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.distribution(name).requires or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def bare_environment(root: Path) -> Path:
    """A virtual environment at ``root`` holding only ``HUB`` and their requirements (linked, not downloaded)."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(root)
    python = root / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    for name in sorted(requirement_closure(HUB)):
        dist = metadata.distribution(name)
        for file in dist.files or []:
            source = Path(dist.locate_file(file))
            if not source.is_file() or ".." in file.parts:  # scripts and data outside site-packages: not needed
                continue
            target = site / file
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.symlink_to(source)
    return python


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    root = tmp_path_factory.mktemp("hub")
    python = bare_environment(root / "venv")
    kernels = root / "jupyter" / "kernels" / "hub"
    kernels.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (kernels / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "hub", "language": "python"}))
    clone = root / "clone"
    for part in ("notebooks", "nbhelpers", "data"):
        shutil.copytree(REPO / part, clone / part, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return python, root / "jupyter", clone


def test_the_hub_environment_has_no_nbhelpers_and_no_jupyterlab(hub):
    python, _, clone = hub
    probe = (
        "import importlib.util as u, json; "
        "print(json.dumps({m: u.find_spec(m) is not None for m in "
        "('numpy', 'matplotlib', 'ipywidgets', 'ipykernel', 'nbhelpers', 'jupyterlab', 'tqdm')}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    found = json.loads(subprocess.check_output([str(python), "-c", probe], cwd=clone / "notebooks", env=env, text=True))
    assert found == {
        "numpy": True,
        "matplotlib": True,
        "ipywidgets": True,
        "ipykernel": True,
        "nbhelpers": False,
        "jupyterlab": False,
        "tqdm": False,
    }


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "notebooks").glob("0*.ipynb")))
def test_every_notebook_runs_from_a_clone_without_nbhelpers_installed(hub, name, monkeypatch):
    _, jupyter_path, clone = hub
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as many CI set-ups and hubs have it: the notebooks choose inline
    nb = nbformat.read(clone / "notebooks" / name, as_version=4)
    client = NotebookClient(
        nb, kernel_name="hub", timeout=180, resources={"metadata": {"path": str(clone / "notebooks")}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if any cell fails
    first = next(c for c in nb.cells if c.cell_type == "code")
    said = "".join(o.get("text", "") for o in first.outputs)
    assert said == "nbhelpers is not installed here: using the copy in this clone\n", said
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
