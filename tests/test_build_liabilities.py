"""The liability files in the snapshot build: the H.4.1 downloads reconciled with FRED.

Tolerances are those of :mod:`qtlab.store.reconcile` (stated in each check): the Board's
whole millions must agree exactly; WCURCIR may differ from the Board's 2023 download by the
later revision of currency in circulation (up to 0.7 bn, after 2022-01-05 only).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qtlab.errors import ReconciliationError
from qtlab.store.build import _checks as build_checks
from qtlab.store.build import build_snapshot, discover
from qtlab.store.paths import packaged_snapshot_dir
from qtlab.store.snapshot import Check, load_manifest

FACTORS = "h41/FRB_H41_factors_2021-04-28_2023-03-22.csv"
TABLE5 = "h41/FRB_H41_table5_2016-02-03_2017-12-27.csv"


@pytest.fixture(scope="module")
def checks(raw_data: Path) -> dict[str, Check]:
    datasets, skipped = discover(raw_data)
    assert skipped == []
    items = {d.id: d.load() for d in datasets}
    return {c.name: c for c in build_checks(items)}


def test_liability_datasets_are_discovered(raw_data: Path) -> None:
    ids = {d.id for d in discover(raw_data)[0]}
    assert {
        "fred.WTREGEN",
        "fred.WTREGEN_millions_2002-12-18_2025-11-19",
        "fred.WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED",
        "fred.WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED",
        "fred.CURRCIR_1917-08_2024-11",
        "fred.MBCURRCIR_1959-01_2023-10",
        "frb.FRB_H41_factors_2021-04-28_2023-03-22",
        "frb.FRB_H41_table5_2016-02-03_2017-12-27",
    } <= ids


def test_h41_tables_reconcile_with_fred(checks: dict[str, Check]) -> None:  # type: ignore[name-defined]
    fac, t5 = (
        "frb.FRB_H41_factors_2021-04-28_2023-03-22",
        "frb.FRB_H41_table5_2016-02-03_2017-12-27",
    )
    exact = {
        f"{fac} h41.reserves.week_avg vs fred.WRESBAL (WRESBAL)",
        f"{fac} h41.treasuries vs fred.TREAST (TREAST)",
        f"{fac} h41.mbs vs fred.WSHOMCB (WSHOMCB)",
        f"{fac} h41.tga vs fred.WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED (WDTGAL)",
        f"{fac} h41.tga.week_avg vs fred.WTREGEN (WTREGEN)",
        f"{fac} h41.tga.week_avg vs fred.WTREGEN_millions_2002-12-18_2025-11-19 (WTREGEN)",
        f"{t5} h41.total_assets vs fred.WALCL (WALCL)",
        f"{t5} h41.treasuries vs fred.TREAST (TREAST)",
        f"{t5} h41.mbs vs fred.WSHOMCB (WSHOMCB)",
        f"{t5} h41.tga vs fred.WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED (WDTGAL)",
    }
    for name in exact:
        c = checks[name]
        assert c.passed and c.compared == 100 and c.max_abs_diff == 0.0, name  # 100 weeks
    cur = checks[
        f"{fac} h41.currency_in_circulation.week_avg vs "
        "fred.WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED (WCURCIR)"
    ]
    # SOURCES.md: equal for 37 weeks to 2022-01-05, later weeks 0.007-0.67 bn apart
    assert cur.passed and cur.detail.startswith("63 dates beyond the tolerance (allowed 63)")
    assert cur.max_abs_diff == pytest.approx(0.671, abs=1e-9)
    tga = checks[
        "fred.WTREGEN vs fred.WTREGEN_millions_2002-12-18_2025-11-19 "
        "(WTREGEN vintages, each converted to USD bn)"
    ]
    assert tga.passed and tga.compared == 578 and tga.max_abs_diff == 0.0
    for name, c in checks.items():
        assert c.passed, name


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_tampered_h41_table_fails_the_build(raw_data: Path, tmp_path: Path) -> None:
    """$2 mn more TGA in one week of the factors download: the build stops, naming the
    check, and the old snapshot stays."""
    src = tmp_path / "data"
    shutil.copytree(raw_data, src)
    f = src / FACTORS
    text = f.read_bytes().decode()
    row = next(r for r in text.splitlines() if r.startswith("2022-06-01,"))
    header = text.splitlines()[5].split(",")
    j = header.index('"RESPPLLDT_N.WW"')
    cells = row.split(",")
    cells[j] = str(int(cells[j]) + 2)
    f.write_bytes(text.replace(row, ",".join(cells)).encode())
    out = tmp_path / "snapshot"
    shutil.copytree(packaged_snapshot_dir(), out)  # an earlier snapshot, to be kept
    before = sorted(p.name for p in out.rglob("*"))
    with pytest.raises(ReconciliationError) as err:
        build_snapshot(src, out)
    msg = str(err.value)
    assert "reconciliation checks failed" in msg and "not written" in msg
    assert "h41.tga vs fred.WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED (WDTGAL)" in msg
    n = len(load_manifest(packaged_snapshot_dir()).checks)  # every check of a good build
    assert f"1 of {n} reconciliation checks failed" in msg  # that one check only
    assert "max |diff| 0.00199999" in msg and "1 dates beyond the tolerance (allowed 0)" in msg
    assert sorted(p.name for p in out.rglob("*")) == before


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_tampered_wtregen_vintage_fails_the_build(raw_data: Path, tmp_path: Path) -> None:
    """One week of the millions vintage changed: the two WTREGEN vintages disagree."""
    src = tmp_path / "data"
    shutil.copytree(raw_data, src)
    f = src / "fred" / "WTREGEN_millions_2002-12-18_2025-11-19.csv"
    text = f.read_text()
    assert text.count("2024-06-26,765417.0") == 1
    f.write_text(text.replace("2024-06-26,765417.0", "2024-06-26,765418.0"))
    with pytest.raises(ReconciliationError, match="WTREGEN vintages"):
        build_snapshot(src, tmp_path / "snapshot")
