from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "CDNOW_sample.txt").exists():
        pytest.skip("reference data ../shared/data is absent on this machine")
    return SHARED_DATA.resolve()
