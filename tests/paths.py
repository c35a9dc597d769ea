"""Where the shared test data lives: ../shared beside the repository (as in CI)."""

import os
from pathlib import Path

SHARED = Path(
    os.environ.get("NEWSROOM_SHARED", Path(__file__).resolve().parents[2] / "shared")
)
TESTDATA = SHARED / "testdata"
SEEDS = SHARED / "seeds"
