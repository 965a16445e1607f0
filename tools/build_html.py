"""Static pages of the notebooks: `python tools/build_html.py [OUT [NOTEBOOK ...]]` (`make html`: build/html/).

One page per notebook from its committed outputs (nothing is executed), figures embedded as PNG data URIs, and an
index.html listing the notebooks in order. A page loads nothing from the network:

- an interactive panel has no saved widget state, so instead of nbconvert's text fallback ("run this cell to bring the
  panel back") its output becomes one line saying that the figures above show what it draws (PanelNotePreprocessor);
- the template drops require.js, the widget manager and mermaid (all loaded from CDNs by nbconvert's lab template,
  none needed here), and MathJax 2.7 comes from the local copy that the jupyter-server-mathjax package ships
  (the `html` extra), copied to OUT/mathjax/;
- links to other notebooks point to their pages, and links into the repository (../docs/notes.md) are rewritten to
  be relative to OUT.
"""

from __future__ import annotations

import argparse
import html as html_text
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from bs4 import BeautifulSoup
from jinja2 import DictLoader, pass_context
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MATHJAX_DIR = "mathjax"  # OUT/mathjax/: MathJax 2.7 as jupyter-server-mathjax ships it
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
NOTE_CLASS = "static-panel-note"
NOTE = "The {name} is interactive: the figures above show what it draws; run the notebook to bring it back."

# nbconvert's lab page without the scripts it would fetch from CDNs (require.js, the widget manager, mermaid),
# plus the style of the panels' note.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script type="text/x-mathjax-config">
// jupyter-server-mathjax ships the STIX-Web fonts only (as the classic notebook configured it)
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], webFont: "STIX-Web", imageFont: null, preferredFont: null}});
</script>
{%- endblock html_head_js_mathjax -%}
{%- block extra_css -%}
<style type="text/css">
.static-panel-note { margin: 0.3em 0; padding: 0.4em 0.8em; border-left: 4px solid #4a90d9; background: #eef4fb;
  font-style: italic; color: #333; }
</style>
{%- endblock extra_css -%}
"""

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Backpropagation, step by step: the notebooks</title>
<style type="text/css">
body {{ font-family: system-ui, sans-serif; max-width: 48em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
li {{ margin: 0.3em 0; }}
</style>
</head>
<body>
<h1>Backpropagation, step by step: the notebooks</h1>
<p>Each page is a notebook with the outputs it was committed with. The interactive panels need a running notebook
(<code>make lab</code>); on these pages the figures before each panel show what it draws.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def notebook_title(nb: nbformat.NotebookNode) -> str:
    """The text of the notebook's first markdown heading (its file name stands in when it has none)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"#{1,6}\s+(.+?)\s*#*\s*$", line)
            if match:
                return match.group(1)
    return ""


class PanelNotePreprocessor(Preprocessor):
    """Replace each widget view (a panel) with one line pointing to the figures above. A notebook saved with its
    widget state (`make lab` turns that on) loses it here, so nbconvert neither embeds it nor loads a widget manager."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [
                self.note(output) if WIDGET_VIEW in output.get("data", {}) else output for output in cell.outputs
            ]
        return cell, resources

    @staticmethod
    def note(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
        # The panel's own fallback text starts with its name: "[training panel (η, epochs, ...): run this cell ...]".
        match = re.match(r"\[([^(:\]]+?)\s*[(:]", output.data.get("text/plain", ""))
        name = match.group(1) if match else "panel"
        html = f'<p class="{NOTE_CLASS}">{html_text.escape(NOTE.format(name=name))}</p>'
        return nbformat.v4.new_output("display_data", data={"text/html": html})


class StaticPageExporter(HTMLExporter):
    """nbconvert's HTML exporter with the template above, the panels' notes, the local MathJax, and the links of the
    markdown cells fixed for a page in OUT (pages: notebook file name -> its page)."""

    def __init__(self, out: Path, pages: dict[str, str]):
        super().__init__(
            extra_loaders=[DictLoader({"static_page.html.j2": TEMPLATE})],
            template_file="static_page.html.j2",
            mathjax_url=MATHJAX_URL,
        )
        self.register_preprocessor(PanelNotePreprocessor(), enabled=True)
        self.out, self.pages = out, pages

    @pass_context
    def markdown2html(self, context, source):
        folder = Path(context.get("resources", {}).get("metadata", {}).get("path", NOTEBOOKS))
        return self.fix_links(super().markdown2html(context, source), folder)

    def fix_links(self, html: str, folder: Path) -> str:
        """Links to a notebook point to its page, other relative links (../docs/notes.md) to the same file from OUT."""
        soup = BeautifulSoup(html, "html.parser")
        for a in soup.select("a[href]"):
            url = urlsplit(a["href"])
            if url.scheme or url.netloc or not url.path or url.path.startswith("/"):
                continue  # the web, this page's own anchors, absolute paths
            fragment = f"#{url.fragment}" if url.fragment else ""
            if url.path in self.pages:
                a["href"] = self.pages[url.path] + fragment
            else:
                a["href"] = Path(os.path.relpath(folder / url.path, self.out)).as_posix() + fragment
        return str(soup)


def copy_mathjax(out: Path) -> None:
    try:
        import jupyter_server_mathjax
    except ImportError:
        sys.exit("tools/build_html.py needs MathJax from jupyter-server-mathjax: pip install -e '.[html]'")
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.rmtree(out / MATHJAX_DIR, ignore_errors=True)
    shutil.copytree(static, out / MATHJAX_DIR)


def build(out: Path, notebooks: list[Path] | None = None) -> list[Path]:
    """Write OUT/<notebook>.html for every notebook, OUT/index.html and OUT/mathjax/; return the pages written."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb")) if notebooks is None else notebooks
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    pages = {path.name: path.stem + ".html" for path in notebooks}
    html = StaticPageExporter(out, pages)
    written, items = [], []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        title = notebook_title(nb) or path.stem
        nb.metadata["title"] = title  # the page's <title>; the notebook file itself is not touched
        resources = {"metadata": {"name": path.stem, "path": str(path.parent.resolve())}}
        page, _ = html.from_notebook_node(nb, resources=resources)
        target = out / pages[path.name]
        target.write_text(page, encoding="utf-8")
        written.append(target)
        items.append(f'<li><a href="{pages[path.name]}">{html_text.escape(title)}</a></li>')
    (out / "index.html").write_text(INDEX.format(items="\n".join(items)), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(REPO / "build" / "html"), help="output folder (build/html)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to build (all of notebooks/)")
    args = parser.parse_args(argv)
    pages = build(Path(args.out), args.notebooks or None)
    print(f"wrote {len(pages)} pages and index.html to {args.out}")


if __name__ == "__main__":
    main()
