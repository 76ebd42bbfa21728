"""A snapshot build refuses raw files that do not cover what is expected of them: less
than the committed snapshot holds, values beyond the glossary's bounds, gaps, and a
reconciliation that cannot run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from _helpers import flat, run_cli
from qtlab.errors import ParseError, ReconciliationError
from qtlab.sources import fred
from qtlab.store.build import build_snapshot
from qtlab.store.coverage import coverage_checks
from qtlab.store.paths import packaged_snapshot_dir
from qtlab.store.snapshot import load_manifest


@pytest.fixture
def raw(tmp_path: Path, raw_data: Path) -> Path:
    dst = tmp_path / "raw"
    shutil.copytree(raw_data, dst)
    return dst


def _lines(p: Path) -> list[str]:
    return p.read_text().splitlines(keepends=True)


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_a_truncated_file_is_refused(raw: Path, tmp_path: Path) -> None:
    f = raw / "fred" / "WALCL.csv"
    lines = _lines(f)
    f.write_text("".join(lines[: len(lines) // 2]))
    out = tmp_path / "snap"
    res = run_cli("data", "build-snapshot", "--from", raw, "--out", out)
    text = flat(res.output)
    assert res.exit_code == 1, text
    # the H.4.1 tables' reconciliation with WALCL fails first (no common weeks left) ...
    assert "the snapshot was not written" in text and "WALCL" in text
    assert not out.exists()
    # ... and coverage names the truncation itself
    checks = coverage_checks(
        {"fred.WALCL": fred.read_fred_csv(f)}, load_manifest(packaged_snapshot_dir())
    )
    walcl = next(c for c in checks if c.name == "fred.WALCL: coverage")
    assert not walcl.passed and "before the committed snapshot's 2026-08-19" in walcl.detail


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_a_missing_file_fails_its_reconciliation_and_its_coverage(raw: Path) -> None:
    (raw / "fred" / "TREAST.csv").unlink()
    with pytest.raises(ReconciliationError) as err:
        build_snapshot(raw, raw.parent / "snap")
    msg = flat(str(err.value))
    # the SOMA summary check and the two H.4.1 tables' checks against TREAST cannot run
    assert re.search(r"\b3 of \d+ reconciliation checks failed", msg), msg
    assert "TREAST (H.4.1) vs SOMA summary" in msg and "cannot run" in msg
    # with the reconciliation fixed by hand, coverage still names the missing dataset
    items = {}
    checks = coverage_checks(items, load_manifest(packaged_snapshot_dir()))
    treast = next(c for c in checks if c.name == "fred.TREAST: coverage")
    assert not treast.passed and "TREAST.csv) is missing" in treast.detail


def _walcl_with(raw_data: Path, tmp_path: Path, value: str) -> dict[str, object]:
    lines = _lines(raw_data / "fred" / "WALCL.csv")
    last = lines[-1].split(",")[0]
    lines[-1] = f"{last},{value}\n"
    f = tmp_path / "WALCL.csv"
    f.write_text("".join(lines))
    return {"fred.WALCL": fred.read_fred_csv(f)}


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("1e308", "beyond the bound of 200000 for a series in USD bn"),
        ("6745699000", "up to 6.7457e+06 USD bn, beyond the bound"),  # x1000
        ("-6745699", "1 negative values"),
    ],
)
def test_values_beyond_the_glossary_bounds_are_refused(
    raw_data: Path, tmp_path: Path, value: str, why: str
) -> None:
    if value.startswith("-"):
        # the FRED parser refuses a negative level of a non-negative series first ...
        with pytest.raises(ParseError, match="non-negative"):
            _walcl_with(raw_data, tmp_path, value)
        # ... and coverage refuses one that reached the build another way
        items = _walcl_with(raw_data, tmp_path, "1")
        frame = items["fred.WALCL"].data
        frame.loc[frame.index[-1], "value"] = float(value) / 1000
    else:
        items = _walcl_with(raw_data, tmp_path, value)
    (check,) = coverage_checks(items, None)  # glossary checks alone
    assert not check.passed and why in check.detail, check.detail
    assert check.name == "fred.WALCL: coverage"


def test_a_new_dataset_is_checked_on_the_glossary_gaps(raw_data: Path, tmp_path: Path) -> None:
    # WLRRAL (H.4.1 reverse repos, weekly) is in the glossary but not in the committed
    # snapshot: a new dataset. A file with a year missing is refused.
    lines = _lines(raw_data / "fred" / "WALCL.csv")
    body = [ln for ln in lines[1:] if not ln.startswith("2015-")]
    f = tmp_path / "WLRRAL.csv"
    f.write_text(lines[0].replace("WALCL", "WLRRAL") + "".join(body))
    item = fred.read_fred_csv(f)
    committed = load_manifest(packaged_snapshot_dir())
    checks = {c.name: c for c in coverage_checks({"fred.WLRRAL": item}, committed)}
    c = checks["fred.WLRRAL: coverage"]
    assert not c.passed and "the glossary (new dataset)" in c.tolerance
    assert "no observation from 2014-12-31 to 2016-01-06 (371 days; weekly_wed data allow 14)" in (
        c.detail
    )


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_the_raw_files_cover_what_is_expected(raw_data: Path) -> None:
    from qtlab.store.build import discover

    datasets, _ = discover(raw_data)
    items = {d.id: d.load() for d in datasets}
    checks = coverage_checks(items, load_manifest(packaged_snapshot_dir()))
    assert [c.detail for c in checks if not c.passed] == []
    assert len(checks) == len(items)
