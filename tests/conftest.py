import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # shared test helpers (panel_checks)


def pytest_configure(config):
    # tests/test_browser.py: real JupyterLab + Chromium; `-m "not browser"` leaves them out
    config.addinivalue_line("markers", "browser: runs notebooks in JupyterLab in Chromium (needs /usr/bin/chromium)")
