"""test_browser.py's tests on the other half of the notebooks (03, 04, 05): a module of its own, so that
pytest-xdist's two workers share the per-notebook browser runs."""

from __future__ import annotations

from test_browser import *  # noqa: F403 (the tests, their fixtures and pytest_generate_tests)
from test_browser import ALL
from test_browser import NAMES as FIRST_HALF

NAMES = [name for name in ALL if name not in FIRST_HALF]
del test_frames_drawn_ahead_reach_the_page_decoded  # noqa: F821 (02's panel only: ONLY; 02 is in the first half)
