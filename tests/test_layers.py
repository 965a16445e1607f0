"""The package is layered: each module imports only from its own layer or the layers below, and only the panels
import widget code. (README.md, "Architecture", draws the same picture.)"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import nbhelpers

PACKAGE = Path(nbhelpers.__file__).resolve().parent

# Module -> layer; a module may import from its own layer and the layers with smaller numbers.
LAYERS = {
    "params": 1,
    "notation": 1,
    "validate": 1,
    "data": 1,
    "activations": 2,
    "loss_functions": 2,
    "arguments": 2,
    "network": 2,
    "backprop": 2,
    "training": 2,
    "matrix_form": 2,
    "lessons": 3,
    "playground": 3,
    "landscape": 3,
    "exercises": 3,
    "plots": 4,
    "tables": 4,
    "panels": 5,
    "__init__": 4,  # the package's public names (layers 1 and 2, and the plot style); never the panels
}
WIDGET_PACKAGES = ("ipywidgets", "IPython")
LAZY_IMPORTS_ALLOWED = {"matplotlib.pyplot", "tqdm.auto"}  # pyplot only for a standalone figure; tqdm is optional


def modules():
    """(dotted name, path) of every module of the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts), path


def layer_of(dotted: str) -> int:
    parts = dotted.split(".")[1:] or ["__init__"]
    if parts[0] not in LAYERS:
        raise AssertionError(f"{dotted} is in no layer: add it to LAYERS in tests/test_layers.py and the README")
    return LAYERS[parts[0]]


def imports_of(dotted: str, path: Path):
    """(imported nbhelpers module, line, inside a function) for every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = dotted.split(".") if path.name == "__init__.py" else dotted.split(".")[:-1]
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    nested = {id(inner) for f in functions for inner in ast.walk(f) if inner is not f}
    for node in ast.walk(tree):
        lazy = id(node) in nested
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            else:
                names = [node.module]
            for name in names:
                yield name, node.lineno, lazy
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, lazy


def upward_imports(dotted: str, path: Path) -> list[str]:
    own = layer_of(dotted)
    return [
        f"{path.name}:{line} (layer {own}) imports {name} (layer {layer_of(name)})"
        for name, line, _ in imports_of(dotted, path)
        if name.startswith("nbhelpers.") and layer_of(name) > own
    ]


def test_every_import_points_down_or_sideways():
    wrong = [line for dotted, path in modules() for line in upward_imports(dotted, path)]
    assert not wrong, "imports that point up a layer:\n" + "\n".join(wrong)


def test_no_hidden_import_edges():
    """Imports inside functions hide dependencies: only the two optional ones are allowed there."""
    lazy = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} inside a function"
        for dotted, path in modules()
        for name, line, inside in imports_of(dotted, path)
        if inside and name not in LAZY_IMPORTS_ALLOWED
    ]
    assert not lazy, "\n".join(lazy)


def test_only_the_panels_import_widget_code_in_the_source():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for dotted, path in modules()
        if not dotted.startswith("nbhelpers.panels")
        for name, line, _ in imports_of(dotted, path)
        if name.split(".")[0] in WIDGET_PACKAGES
    ]
    assert not found, "\n".join(found)


def test_only_the_panels_pull_in_widget_code_when_imported():
    """In a fresh interpreter: the package and every module outside the panels leave ipywidgets and IPython out of
    sys.modules (indirect imports included); importing the panels brings ipywidgets in (so the check can fail)."""
    names = [dotted for dotted, _ in modules() if not dotted.startswith("nbhelpers.panels")]
    script = f"""
import sys
for name in {names!r}:
    __import__(name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in {WIDGET_PACKAGES!r})
    if loaded:
        print(f"{{name}} pulled in {{loaded[:3]}}")
        raise SystemExit(1)
import nbhelpers.panels
assert "ipywidgets" in sys.modules
print("ok", len({names!r}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("ok"), result.stdout + result.stderr
    assert int(result.stdout.split()[1]) >= 20  # every module was imported: the list is not empty by mistake


@pytest.mark.parametrize(
    "name, planted, kind",
    [
        ("network", "from .lessons import PATH", "up"),
        ("plots/model", "from ..panels import base", "up"),
        ("tables", "def later():\n    import ipywidgets", "widgets"),
        ("lessons", "from IPython.display import HTML", "widgets"),
    ],
)
def test_the_checks_catch_a_planted_import(tmp_path, name, planted, kind):
    """The source checks read what they should: an import planted in a copy of a module is reported."""
    copy = tmp_path / "planted.py"
    copy.write_text((PACKAGE / f"{name}.py").read_text("utf-8") + "\n\n" + planted + "\n", encoding="utf-8")
    dotted = "nbhelpers." + name.replace("/", ".")
    if kind == "up":
        assert upward_imports(dotted, copy)
    else:
        assert any(n.split(".")[0] in WIDGET_PACKAGES for n, _, _ in imports_of(dotted, copy))
