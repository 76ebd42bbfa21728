"""Shared fixtures: the raw official files in ../shared/data are the offline fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_data_dir() -> Path:
    env = os.environ.get("QTLAB_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The directory of raw official files (``../shared/data`` beside the repository).

    Set ``QTLAB_SHARED_DATA`` to point elsewhere.
    """
    d = _shared_data_dir()
    if not (d / "SOURCES.md").is_file():
        pytest.fail(
            f"raw official files not found at {d}: the tests read ../shared/data beside the "
            "repository (or set QTLAB_SHARED_DATA)"
        )
    return d


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never let a test touch the user's real qtlab store."""
    monkeypatch.setenv("QTLAB_DATA_DIR", str(tmp_path_factory.mktemp("qtlab-store")))
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    yield
