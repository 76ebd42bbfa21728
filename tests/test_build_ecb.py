"""The snapshot builder reads the ECB files (data/raw/intl) and records their identities."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from _endpoints import ECB_FILES, SUMMARY, replace_once
from qtlab.errors import ParseError, ReconciliationError
from qtlab.sources import SourceData
from qtlab.sources.ecb import read_app
from qtlab.store import reconcile
from qtlab.store.build import build_snapshot, discover
from qtlab.store.reconcile_intl import check_ecb_identities

APP = ECB_FILES["APP_breakdown_history.csv"]
PEPP = ECB_FILES["PEPP_purchase_history.csv"]


#: The H.4.1 lines reconciled with the SOMA summary: a reconciliation that cannot run fails.
H41 = ("fred/TREAST.csv", "fred/WSHOMCB.csv", "fred/WSHOSHO.csv")


def _small_src(raw_data: Path, dest: Path) -> Path:
    """A raw folder with the SOMA summary and the H.4.1 lines (the builder needs them to
    reconcile) and the two ECB files."""
    for rel in (SUMMARY, *H41, APP, PEPP):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(raw_data / rel, dest / rel)
    return dest


def test_discover_maps_the_ecb_files(raw_data: Path) -> None:
    found, skipped = discover(raw_data)
    by_id = {d.id: d for d in found}
    assert by_id["ecb.app"].raw == raw_data / APP
    assert by_id["ecb.pepp"].raw == raw_data / PEPP
    assert "day after each month ends" in by_id["ecb.app"].vintage_basis
    assert not [s for s in skipped if s.startswith("intl/")]


def test_build_records_the_identities_and_says_transcribed(raw_data: Path, tmp_path: Path) -> None:
    src = _small_src(raw_data, tmp_path / "raw")
    res = build_snapshot(src, tmp_path / "snap", expect_committed=False)
    checks = {c.name: c for c in res.manifest.checks if c.name.startswith("ECB")}
    assert len(checks) == 2
    app = next(c for n, c in checks.items() if "APP" in n)
    pepp = next(c for n, c in checks.items() if "PEPP" in n)
    assert app.passed and app.compared == 143 * 4
    assert app.max_abs_diff is not None and app.max_abs_diff <= 2.0
    assert pepp.passed and pepp.compared == 78
    assert pepp.max_abs_diff is not None and pepp.max_abs_diff <= 1.0
    entries = {e.id: e for e in res.manifest.datasets}
    for rid in ("ecb.app", "ecb.pepp"):
        assert entries[rid].source == "ecb"
        assert set(entries[rid].units.values()) == {"EUR bn"}
        assert any(n.startswith("transcribed") for n in entries[rid].notes)


def test_identity_check_fails_on_a_broken_frame(raw_data: Path) -> None:
    # a frame that bypassed the parser (edited in memory) fails the build check; a file
    # with the same error is refused by the loader first (next test)
    app = read_app(raw_data / APP)
    df = app.data.copy()
    sel = (df["series_id"] == "ecb.app.cspp.holdings") & (df["date"] == "2024-05-31")
    df.loc[sel, "value"] += 0.01  # 10 mn
    checks = check_ecb_identities({"ecb.app": SourceData(df, replace(app.meta))})
    assert len(checks) == 1 and not checks[0].passed
    # the residual there was -1 mn (rounding); +10 mn makes it +9, and June's -10
    assert "2024-05 cspp (+9 mn), 2024-06 cspp (-10 mn)" in checks[0].detail
    with pytest.raises(ReconciliationError, match="ECB APP"):
        reconcile.raise_on_failure(checks)


def test_build_refuses_a_copying_error_and_keeps_the_old_snapshot(
    raw_data: Path, tmp_path: Path
) -> None:
    src = _small_src(raw_data, tmp_path / "raw")
    out = tmp_path / "snap"
    build_snapshot(src, out, expect_committed=False)  # a subset of the committed datasets
    before = (out / "manifest.json").read_bytes()
    p = src / PEPP
    p.write_text(
        replace_once(p.read_text(), ",March,-105,1713707", ",March,-105,1713807"),
        encoding="utf-8",
    )
    with pytest.raises(ParseError, match="2024-03") as err:
        build_snapshot(src, out, expect_committed=False)
    assert err.value.field == "ecb.pepp.cumulative_net_purchases"
    assert (out / "manifest.json").read_bytes() == before
