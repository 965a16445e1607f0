import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # shared test helpers (panel_checks, browser_support)


def pytest_configure(config):
    # The harsher setting for every kernel the suite starts (nbval's strict run of the notebooks included): with
    # MPLBACKEND=Agg (a shell profile, a container or CI may set it) a notebook that left the backend to its
    # environment would lose its figures. The committed outputs come from `make notebooks`, run without it; strict
    # nbval under Agg shows the notebooks print the same either way (they choose the inline backend themselves).
    os.environ["MPLBACKEND"] = "Agg"
    # tests/test_browser*.py: real JupyterLab + Chromium; `-m "not browser"` leaves them out
    config.addinivalue_line("markers", "browser: runs notebooks in JupyterLab in Chromium (needs /usr/bin/chromium)")


# --- the browser tests' fixtures (tests/test_browser*.py): each pytest-xdist worker that runs one starts its own
# JupyterLab, once, and shares it between the browser modules it is given.
@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright's ``browser``: Debian's Chromium, headless (Playwright cannot download its own here)."""
    import browser_support as bs

    return bs.LAUNCH_ARGS


@pytest.fixture(scope="session")
def lab():
    import browser_support as bs

    # MPLBACKEND=Agg in the kernels' environment: the notebooks must choose their inline backend themselves
    with bs.LabServer(env=bs.KERNEL_ENV) as server:  # stopped by process group; raises if anything had to be killed
        yield server


@pytest.fixture
def tab(request, lab):
    import browser_support as bs

    yield from bs.new_tab(request, lab)
