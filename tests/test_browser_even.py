"""test_browser.py's tests on the other half of the notebooks (02, 04, 06): a module of its own, so that
pytest-xdist's two workers share the per-notebook browser runs."""

from __future__ import annotations

from test_browser import *  # noqa: F403 (the tests, their fixtures and pytest_generate_tests)
from test_browser import ALL

NAMES = ALL[1::2]
