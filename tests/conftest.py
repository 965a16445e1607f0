import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # shared test helpers (panel_checks)
