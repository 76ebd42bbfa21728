"""Shared fixtures: the raw official files in data/raw are the offline fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles: "ci" (the default) runs a few seeded examples per property so the
# suite stays fast; "long" hunts longer (pytest --hypothesis-profile=long). The fuzz
# suites (tests/test_fuzz_*.py) count the hostile inputs they run and print the total.
settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=400,
    derandomize=False,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci")

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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many hostile inputs the fuzz suites ran (per suite), when any ran."""
    try:
        from _fuzz import COUNTS
    except ImportError:
        return
    if COUNTS:
        parts = ", ".join(f"{k} {v:,}" for k, v in sorted(COUNTS.items()))
        failed = [r for r in terminalreporter.stats.get("failed", []) if "test_fuzz_" in r.nodeid]
        terminalreporter.write_line(
            f"hostile inputs run: {sum(COUNTS.values()):,} ({parts}); "
            f"fuzz tests failed: {len(failed)}"
        )
