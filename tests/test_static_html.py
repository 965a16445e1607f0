"""`make html`: the static pages that tools/build_html.py writes, built here into a temporary folder by the same
command the Makefile runs, and read back: one page per notebook and an index, the committed figures embedded,
each panel replaced by its one-line note, and nothing loaded from the network."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "tools" / "build_html.py"
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
PANEL_TAG = "nbval-ignore-output"
NOTE = re.compile(r"The (.+) is interactive: the figures above show what it draws; run the notebook to bring it back\.")
# What a page may load from outside the build folder: nothing (MathJax is copied into it, see README.md).
ALLOWED_EXTERNAL: set[str] = set()
CDN = re.compile(r"cdnjs|unpkg|jsdelivr|googleapis|require\.js|html-manager|embed-amd", re.I)


def build(out: Path, *notebooks: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BUILD), str(out), *map(str, notebooks)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # no nbconvert warning either


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html")
    build(out)
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    return {path.name: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser") for path in site.glob("*.html")}


def title(nb) -> str:
    markdown = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    return re.search(r"^#+\s+(.+?)\s*$", markdown, re.M).group(1)


def read(path: Path):
    return nbformat.read(path, as_version=4)


def png_outputs(nb) -> list[str]:
    return [
        re.sub(r"\s", "", output["data"]["image/png"])
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]


def test_make_html_runs_this_build():
    recipe = re.search(r"^html: install\n\t(.+)$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert recipe and recipe.group(1) == "$(BIN)/python tools/build_html.py build/html"


def test_one_page_per_notebook_and_an_index_listing_them_in_order(site, pages):
    assert len(NOTEBOOKS) == 6
    assert set(pages) == {"index.html"} | {path.stem + ".html" for path in NOTEBOOKS}
    links = [(a["href"], a.get_text(strip=True)) for a in pages["index.html"].select("a[href]")]
    assert links == [(path.stem + ".html", title(read(path))) for path in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_page_is_titled_and_headed_as_its_notebook(pages, path):
    page = pages[path.stem + ".html"]
    assert page.title.get_text(strip=True) == title(read(path))
    assert page.find("h1").get_text(strip=True).removesuffix("¶") == title(read(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_committed_figure_is_embedded_in_its_page(pages, path):
    embedded = [
        re.sub(r"\s", "", img["src"].removeprefix("data:image/png;base64,"))
        for img in pages[path.stem + ".html"].select("img[src]")
        if img["src"].startswith("data:image/png;base64,")
    ]
    committed = png_outputs(read(path))
    assert embedded == committed, f"{len(embedded)} PNGs on the page, {len(committed)} in the notebook"
    for data in embedded:
        assert base64.b64decode(data, validate=True).startswith(b"\x89PNG")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_panel_shows_its_note_not_a_widget(pages, path):
    nb, page = read(path), pages[path.stem + ".html"]
    panel_cells = [cell for cell in nb.cells if PANEL_TAG in cell.metadata.get("tags", [])]
    shown = page.select(f".jp-CodeCell.celltag_{PANEL_TAG}")
    assert len(shown) == len(panel_cells)
    for cell, div in zip(panel_cells, shown):
        fallback = " ".join(output["data"]["text/plain"] for output in cell.outputs)
        outputs = div.select(".jp-OutputArea-output")
        assert len(outputs) == 1 and not outputs[0].select("pre, script, img"), outputs  # no repr, no widget area
        note = NOTE.fullmatch(outputs[0].get_text(strip=True))
        assert note and f"[{note.group(1)} " in fallback, outputs[0].get_text(strip=True)
    # The "figures above": every panel comes after a figure that follows the panel before it.
    sequence = "".join("f" if el.name == "img" else "p" for el in page.select(f"img, .celltag_{PANEL_TAG}"))
    assert "pp" not in sequence and not sequence.startswith("p"), sequence
    html = str(page)
    assert "run this cell to bring the panel back" not in html
    assert not page.select(".jupyter-widgets, script[type^='application/vnd.jupyter.widget']")


def loads(page: BeautifulSoup) -> list[str]:
    """Every URL the page fetches by itself: src and href of what loads, CSS url() and @import, URLs in scripts."""
    found = [el["src"] for el in page.select("[src]")]
    found += [el["data"] for el in page.select("object[data]")]
    found += [el["href"] for el in page.select("link[href]")]
    css = " ".join(el.get_text() for el in page.select("style")) + " ".join(
        el["style"] for el in page.select("[style]")
    )
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found += [m.strip("'\"") for m in re.findall(r"url\(\s*([^)]+?)\s*\)", css)]
    found += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    scripts = " ".join(el.get_text() for el in page.select("script"))
    found += re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'\"`)]*", scripts)
    return found


@pytest.mark.parametrize("name", ["index"] + [path.stem for path in NOTEBOOKS])
def test_the_page_loads_nothing_from_the_network(site, pages, name):
    page = pages[name + ".html"]
    for url in loads(page):
        parts = urlsplit(url)
        if parts.scheme == "data" or url in ALLOWED_EXTERNAL:
            continue
        assert not parts.scheme and not parts.netloc, f"{name}.html loads {url}"
        assert (site / unquote(parts.path)).is_file(), f"{name}.html loads {url}, which the build did not write"
    assert not CDN.search(str(page)), CDN.search(str(page))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_math_is_typeset_by_the_local_mathjax_and_links_resolve(site, pages, path):
    page = pages[path.stem + ".html"]
    assert [el["src"] for el in page.select("script[src]")] == [
        "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    ]
    assert any(re.search(r"\$.+?\$", md.get_text()) for md in page.select(".jp-RenderedMarkdown"))  # math to typeset
    for a in page.select("a[href]"):
        parts = urlsplit(a["href"])
        if parts.scheme or not parts.path:
            continue
        assert (site / unquote(parts.path)).resolve().is_file(), f"{path.stem}.html links to {a['href']}"
        assert not parts.path.endswith(".ipynb"), a["href"]


def test_a_notebook_saved_with_its_widget_state_still_gets_notes(tmp_path):
    """`make lab` saves the widget state into a notebook; its page must not embed it or load a widget manager."""
    nb = read(NOTEBOOKS[0])
    model_ids = [
        output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    assert model_ids
    state = {
        mid: {"model_name": "VBoxModel", "model_module": "@jupyter-widgets/controls", "state": {}} for mid in model_ids
    }
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"version_major": 2, "version_minor": 0, "state": state}
    }
    saved = tmp_path / NOTEBOOKS[0].name
    nbformat.write(nb, saved)
    build(tmp_path / "html", saved)
    html = (tmp_path / "html" / (NOTEBOOKS[0].stem + ".html")).read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert "widget-state+json" not in html and "widget-view+json" not in html and not CDN.search(html)
    assert len(page.select(".static-panel-note")) == len(model_ids)
    assert model_ids[0] not in html
