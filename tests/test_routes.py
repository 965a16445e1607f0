"""The Binder and Colab routes: every link, and each notebook's Colab set-up line, use the one repository URL that
pyproject.toml declares (``[project.urls] Repository``), and the set-up cell installs only in Colab.

The links are checked as text and against tools/routes.py, which writes them; the set-up cell is run here, without
Colab, with a stand-in ``google.colab`` module and a stand-in IPython that records the magics it is asked to run.
Neither Binder nor Colab is reached: see the README's "Binder and Colab".
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import types
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("routes", REPO / "tools" / "routes.py")
routes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(routes)

URL = routes.repository_url((REPO / "pyproject.toml").read_text(encoding="utf-8"))
NAMES = routes.notebook_names()
FIRST = "01_regression_forward.ipynb"  # the notebook the Binder link opens
FIX = "run `python tools/routes.py` to write the URL of pyproject.toml's [project.urls] Repository into them"


def notebook(name: str) -> dict:
    return json.loads((REPO / "notebooks" / name).read_text(encoding="utf-8"))


def first_cell(name: str, kind: str) -> str:
    return "".join(next(c for c in notebook(name)["cells"] if c["cell_type"] == kind)["source"])


def section(text: str, heading: str) -> str:
    """The README's text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n")
    end = re.compile(rf"^#{{1,{len(level)}}} ", re.M).search(text, start + len(heading) + 2)
    return text[start : end.start() if end else len(text)]


def links(text: str, host: str) -> list[str]:
    return re.findall(rf"\]\((https://{re.escape(host)}/[^)\s]*)\)", text)


def test_the_repository_is_declared_once_as_a_github_url():
    assert URL == "https://github.com/" + routes.slug(URL) and routes.GITHUB_URL.fullmatch(URL)
    with pytest.raises(ValueError, match="OWNER/REPO"):
        routes.repository_url('[project.urls]\nRepository = "https://gitlab.com/a/b"\n')
    with pytest.raises(ValueError, match=r"\[project.urls\]"):
        routes.repository_url('[project]\nname = "x"\n')


def test_readme_opens_notebook_01_in_jupyterlab_on_binder():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    expected = f"https://mybinder.org/v2/gh/{routes.slug(URL)}/HEAD?urlpath=lab/tree/notebooks/{FIRST}"
    binder = section(readme, "### With conda (or Binder)")
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({expected})" in binder, f"no Binder badge: {FIX}"
    assert links(readme, "mybinder.org/v2") and set(links(readme, "mybinder.org/v2")) == {expected}, FIX
    assert (REPO / "notebooks" / FIRST).is_file()


def test_readme_has_a_colab_badge_for_every_notebook():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = section(readme, "## The notebooks")
    for name in NAMES:
        badge = f"[![Open In Colab]({routes.COLAB_BADGE_IMAGE})]({routes.colab_link(URL, name)})"
        assert re.search(rf"^\d+\. \*\*`{re.escape(name)}`\*\* {re.escape(badge)}", listed, re.M), f"{name}: {FIX}"
    colab = links(readme, "colab.research.google.com/github")
    assert sorted(colab) == sorted(routes.colab_link(URL, name) for name in NAMES), FIX
    assert f"[this project's repository]({URL})" in section(readme, "### Binder and Colab"), FIX


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_opens_itself_in_colab(name):
    link = f"https://colab.research.google.com/github/{routes.slug(URL)}/blob/main/notebooks/{name}"
    title, badge = first_cell(name, "markdown").splitlines()[:2]
    assert title.startswith("# ") and badge == f"[Open in Colab]({link})", FIX
    others = [c for c in notebook(name)["cells"] if c["cell_type"] == "markdown"]
    assert all(links("".join(c["source"]), "colab.research.google.com/github") in ([], [link]) for c in others)


@pytest.mark.parametrize("name", NAMES)
def test_each_set_up_cell_installs_from_the_declared_url(name):
    code = first_cell(name, "code")
    assert set(routes.GITHUB_URL.findall(code)) == {URL}, f"{name}: {FIX}"
    assert f"    %pip install -q git+{URL}\n" in code, name


def test_the_files_are_what_tools_routes_writes():
    stale = [str(path.relative_to(REPO)) for path, (now, due) in routes.rewritten().items() if now != due]
    assert not stale, f"{', '.join(stale)}: {FIX}"


def test_tools_routes_moves_every_link_to_another_repository():
    """Rewritten for a fork, README.md and the notebooks keep no trace of the declared URL, and nothing else changes."""
    fork = "https://github.com/some-teacher/backprop-fork"
    old, new = routes.slug(URL), routes.slug(fork)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    moved = routes.rewrite_readme(readme, fork, NAMES)
    assert old not in moved and moved == readme.replace(old, new)
    for name in NAMES:
        text = (REPO / "notebooks" / name).read_text(encoding="utf-8")
        moved = routes.rewrite_notebook(text, fork, name)
        assert old not in moved and moved == text.replace(old, new), name


def test_tools_routes_adds_a_missing_badge_under_the_title():
    name = NAMES[0]
    committed = (REPO / "notebooks" / name).read_text(encoding="utf-8")
    nb = json.loads(committed)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    assert routes.COLAB_TEXT_LINK.fullmatch(cell["source"][1].rstrip("\n"))
    del cell["source"][1]  # the notebook as it was before it had a badge
    assert routes.rewrite_notebook(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", URL, name) == committed


# --- the set-up cell, run without Colab ---------------------------------------------------------------------------
class Shell:
    """Stands in for get_ipython(): records the line magics the cell runs instead of running them."""

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


def run_set_up_cell(name, monkeypatch, *, colab: bool, installed: bool):
    """Run ``name``'s first code cell as IPython would (magics turned into calls); return (magics, printed, widget
    manager calls, sys.path afterwards)."""
    calls = []
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab.output", raising=False)
    if colab:
        output = types.ModuleType("google.colab.output")
        output.enable_custom_widget_manager = lambda: calls.append("enable_custom_widget_manager")
        colab_module = types.ModuleType("google.colab")
        colab_module.output = output
        colab_module.__path__ = []
        google = sys.modules.get("google") or types.ModuleType("google")
        monkeypatch.setitem(sys.modules, "google", google)
        monkeypatch.setattr(google, "colab", colab_module, raising=False)
        monkeypatch.setitem(sys.modules, "google.colab", colab_module)
        monkeypatch.setitem(sys.modules, "google.colab.output", output)
    real_find_spec = importlib.util.find_spec

    def find_spec(module, *args, **kwargs):
        return real_find_spec(module, *args, **kwargs) if installed or module != "nbhelpers" else None

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = list(sys.path)
    shell, printed = Shell(), io.StringIO()
    code = TransformerManager().transform_cell(first_cell(name, "code"))
    with redirect_stdout(printed):
        exec(compile(code, f"{name}, first code cell", "exec"), {"get_ipython": lambda: shell, "__name__": "__main__"})
    added = sys.path[: len(sys.path) - len(before)]
    return shell.magics, printed.getvalue(), calls, added


@pytest.mark.parametrize("name", NAMES)
def test_the_set_up_cell_does_nothing_where_nbhelpers_is_installed(name, monkeypatch):
    assert run_set_up_cell(name, monkeypatch, colab=False, installed=True) == ([], "", [], [])


@pytest.mark.parametrize("name", NAMES)
def test_the_set_up_cell_uses_the_clone_on_a_hub_and_installs_nothing(name, monkeypatch):
    magics, printed, calls, added = run_set_up_cell(name, monkeypatch, colab=False, installed=False)
    assert (magics, calls, added) == ([], [], [".."])
    assert printed == "nbhelpers is not installed here: using the copy in this clone\n"


@pytest.mark.parametrize("name", NAMES)
def test_the_set_up_cell_installs_from_the_repository_in_colab(name, monkeypatch):
    magics, printed, calls, added = run_set_up_cell(name, monkeypatch, colab=True, installed=False)
    assert magics == [("pip", f"install -q git+{URL}")]
    assert printed == f"Colab: installing nbhelpers from {URL}\n"
    assert calls == ["enable_custom_widget_manager"] and added == []


@pytest.mark.parametrize("name", NAMES)
def test_the_set_up_cell_installs_once_per_colab_runtime(name, monkeypatch):
    magics, printed, calls, added = run_set_up_cell(name, monkeypatch, colab=True, installed=True)
    assert (magics, printed, calls, added) == ([], "", ["enable_custom_widget_manager"], [])


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_show_no_image_from_the_web(name):
    """A notebook opened offline (a hub without internet, the browser tests) must not try to fetch an image on every
    load: its Colab link is text, and no markdown cell shows a web image."""
    for cell in notebook(name)["cells"]:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            assert not re.search(r"!\[[^\]]*\]\(https?:|<img[^>]+src=.https?:", text), f"{name}: {text[:200]}"
