"""Point the Binder and Colab links, and the notebooks' Colab set-up line, at the repository that pyproject.toml names.

The repository's URL is declared once: ``Repository`` under ``[project.urls]`` in pyproject.toml. After changing it
(a fork, a move), run ``python tools/routes.py``; it rewrites, in README.md and notebooks/0*.ipynb:

- the Binder badge's link, https://mybinder.org/v2/gh/OWNER/REPO/HEAD?urlpath=lab/tree/notebooks/01_...ipynb;
- the "Open In Colab" badges, https://colab.research.google.com/github/OWNER/REPO/blob/main/notebooks/NAME.ipynb:
  one after each notebook's name in the README's numbered list and one under each notebook's title (added where
  missing, and always pointing at the notebook it stands beside);
- the README's "[this project's repository](URL)" link;
- every GitHub URL in each notebook's first code cell: the Colab set-up line ``%pip install -q git+URL``.

``python tools/routes.py --check`` writes nothing and exits with 1 if a file would change. tests/test_routes.py checks
the same and that the set-up cell installs only in Colab.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BRANCH = "main"  # the branch the Colab badges open
FIRST_NOTEBOOK = "01_regression_forward.ipynb"  # the one the Binder link opens in JupyterLab
COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE_IMAGE = "https://mybinder.org/badge_logo.svg"

SLUG = r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"  # OWNER/REPO
GITHUB_URL = re.compile(rf"https://github\.com/{SLUG}")
BINDER_PREFIX = re.compile(rf"https://mybinder\.org/v2/gh/{SLUG}/")
COLAB_PREFIX = re.compile(rf"https://colab\.research\.google\.com/github/{SLUG}/blob/")
REPOSITORY_LINK = re.compile(rf"\[this project's repository\]\(https://github\.com/{SLUG}\)")
COLAB_BADGE = re.compile(r"\[!\[Open In Colab\]\([^)\s]*\)\]\([^)\s]*\)")
COLAB_TEXT_LINK = re.compile(r"\[Open in Colab\]\([^)\s]*\)")


def repository_url(pyproject: str) -> str:
    """The ``Repository`` URL of pyproject.toml's ``[project.urls]`` table (read without tomllib: Python 3.10 too)."""
    table = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", pyproject, re.M | re.S)
    entry = table and re.search(r'^Repository\s*=\s*"([^"]*)"', table.group(1), re.M)
    if not entry:
        raise ValueError('pyproject.toml: no Repository = "..." under [project.urls]')
    url = entry.group(1)
    if not GITHUB_URL.fullmatch(url):
        raise ValueError(
            f"pyproject.toml: Repository must be https://github.com/OWNER/REPO for Binder and Colab: {url!r}"
        )
    return url


def slug(url: str) -> str:
    return url.removeprefix("https://github.com/")


def binder_link(url: str) -> str:
    return f"https://mybinder.org/v2/gh/{slug(url)}/HEAD?urlpath=lab/tree/notebooks/{FIRST_NOTEBOOK}"


def colab_link(url: str, name: str) -> str:
    return f"https://colab.research.google.com/github/{slug(url)}/blob/{BRANCH}/notebooks/{name}"


def colab_badge(url: str, name: str) -> str:
    """The README's badge (an image GitHub shows)."""
    return f"[![Open In Colab]({COLAB_BADGE_IMAGE})]({colab_link(url, name)})"


def colab_text_link(url: str, name: str) -> str:
    """A notebook's link to itself in Colab: text, not the badge image, which a notebook opened offline (a hub
    without internet, the browser tests) would try to fetch, and fail, on every load."""
    return f"[Open in Colab]({colab_link(url, name)})"


def _links(text: str, url: str) -> str:
    text = BINDER_PREFIX.sub(f"https://mybinder.org/v2/gh/{slug(url)}/", text)
    return COLAB_PREFIX.sub(f"https://colab.research.google.com/github/{slug(url)}/blob/", text)


def rewrite_readme(text: str, url: str, names: list[str]) -> str:
    """README.md with its Binder, Colab and repository links pointing at ``url``; a Colab badge after each notebook's
    name in the numbered list ("1. **`01_....ipynb`**")."""
    text = REPOSITORY_LINK.sub(f"[this project's repository]({url})", _links(text, url))
    for name in names:
        item = re.compile(rf"^(\d+\. \*\*`{re.escape(name)}`\*\*)(?: {COLAB_BADGE.pattern})?", re.M)
        text = item.sub(lambda m, name=name: f"{m.group(1)} {colab_badge(url, name)}", text)
    return text


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _set_source(cell: dict, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def rewrite_notebook(text: str, url: str, name: str) -> str:
    """A notebook's JSON (as committed: indent 1, UTF-8 unescaped, one trailing newline) with its Colab badge under
    the title of the first markdown cell, and its first code cell's GitHub URLs, pointing at ``url``."""
    nb = json.loads(text)
    markdown = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in markdown:
        _set_source(cell, _links(_source(cell), url))
    if markdown:
        first, badge = _source(markdown[0]), colab_text_link(url, name)
        if COLAB_TEXT_LINK.search(first):
            first = COLAB_TEXT_LINK.sub(lambda _: badge, first, count=1)
        elif COLAB_BADGE.search(first):
            first = COLAB_BADGE.sub(lambda _: badge, first, count=1)
        else:
            title, _, rest = first.partition("\n")
            first = f"{title}\n{badge}\n\n{rest.lstrip(chr(10))}".rstrip("\n")
        _set_source(markdown[0], first)
    if code:
        _set_source(code[0], GITHUB_URL.sub(url, _source(code[0])))
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def notebook_names(repo: Path = REPO) -> list[str]:
    return sorted(p.name for p in (repo / "notebooks").glob("0*.ipynb"))


def rewritten(repo: Path = REPO) -> dict[Path, tuple[str, str]]:
    """{file: (its text now, its text as it should be)} for README.md and every notebook."""
    url = repository_url((repo / "pyproject.toml").read_text(encoding="utf-8"))
    names = notebook_names(repo)
    files = {repo / "README.md": lambda text: rewrite_readme(text, url, names)}
    for name in names:
        files[repo / "notebooks" / name] = lambda text, name=name: rewrite_notebook(text, url, name)
    out = {}
    for path, rewrite in files.items():
        text = path.read_text(encoding="utf-8")
        out[path] = (text, rewrite(text))
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = {path: new for path, (old, new) in rewritten().items() if old != new}
    for path, new in changed.items():
        if not check:
            path.write_text(new, encoding="utf-8")
        print(f"{'would rewrite' if check else 'rewrote'} {path.relative_to(REPO)}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
