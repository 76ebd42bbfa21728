"""Shared fixtures: the raw official files in data/raw are the offline fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW_DATA = REPO / "data" / "raw"


@pytest.fixture(scope="session")
def raw_data() -> Path:
    """The repository's raw official files (``data/raw``, provenance in its SOURCES.md)."""
    if not (RAW_DATA / "SOURCES.md").is_file():
        pytest.fail(
            f"raw official files not found at {RAW_DATA}: the repository keeps them in data/raw"
        )
    return RAW_DATA


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never let a test touch the user's real qtlab store."""
    monkeypatch.setenv("QTLAB_DATA_DIR", str(tmp_path_factory.mktemp("qtlab-store")))
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    yield
