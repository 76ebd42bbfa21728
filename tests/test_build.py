"""Building the embedded snapshot from the raw files in data/raw."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from qtlab.cli import app
from qtlab.errors import ReconciliationError
from qtlab.sources import cbo
from qtlab.store.build import build_snapshot
from qtlab.store.paths import packaged_snapshot_dir
from qtlab.store.snapshot import MANIFEST_NAME, Manifest, load_manifest

TSY_FILE = "soma/soma_tsy_agency_cmbs_2022-02-16.csv"
#: The first bill of the 2022-02-16 file: '912796L80, par $14,061,293,800.
BILL_ROW = '"\'912796L80\'","Bills",,,"2022-02-17",,,,,"14061293800"'


@pytest.fixture(scope="module")
def cli_build(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """``qtlab data build-snapshot --from data/raw --out tmp`` (once per module)."""
    out = tmp_path_factory.mktemp("rebuilt") / "tmp"
    res = CliRunner().invoke(
        app, ["data", "build-snapshot", "--from", str(raw_data), "--out", str(out)]
    )
    return out, res


@pytest.fixture(scope="module")
def rebuilt(cli_build: tuple[Path, Result]) -> Path:
    """The snapshot rebuilt from data/raw into a temporary directory."""
    out, res = cli_build
    assert res.exit_code == 0, res.output
    return out


def _manifest(d: Path) -> Manifest:
    m = load_manifest(d)
    assert m is not None, f"no manifest in {d}"
    return m


def test_rebuilt_snapshot_equals_committed_one(rebuilt: Path) -> None:
    """The committed snapshot is what the builder makes from data/raw today.

    Compares the data (every Parquet frame) and every manifest field except the
    build time and the Parquet files' own checksums (bytes depend on the
    pyarrow version, the data do not). If this fails, rebuild the snapshot:
    ``qtlab data build-snapshot --from data/raw``.
    """
    committed, new = packaged_snapshot_dir(), rebuilt
    m_old, m_new = _manifest(committed), _manifest(new)
    old_entries = {e.id: e for e in m_old.datasets}
    new_entries = {e.id: e for e in m_new.datasets}
    assert sorted(old_entries) == sorted(new_entries)
    for rid, e_new in new_entries.items():
        e_old = old_entries[rid]
        assert e_old.model_dump(exclude={"sha256"}) == e_new.model_dump(exclude={"sha256"}), rid
        a = pd.read_parquet(committed / e_old.path)
        b = pd.read_parquet(new / e_new.path)
        pd.testing.assert_frame_equal(a, b, obj=rid)
        assert len(b) == e_new.rows
    assert m_old.checks == m_new.checks
    assert (m_old.format, m_old.qtlab_version) == (m_new.format, m_new.qtlab_version)


def test_cbo_actuals_vintage_basis_says_october_31(rebuilt: Path) -> None:
    m = _manifest(rebuilt)
    for rid in ("cbo.actuals", "cbo.actual_gdp"):
        e = m.entry(rid)
        # data/raw/cbo: fiscal years up to FY2025, which ended 2025-09-30
        assert e.last is not None and e.last.isoformat() == "2025-09-30"
        assert e.vintage == e.last + cbo.ACTUALS_VINTAGE_LAG
        assert e.vintage.isoformat() == "2025-10-31"
        assert e.vintage_basis.startswith("October 31 after the last fiscal year in the file")
        assert "31 days" in e.vintage_basis
    assert m.entry("cbo.baselines").vintage_basis == "baseline date of each row"


def _tree_bytes(d: Path) -> dict[str, str]:
    return {
        str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_tampered_cusip_file_fails_loudly_and_keeps_the_old_snapshot(
    raw_data: Path, tmp_path: Path
) -> None:
    src = tmp_path / "data"
    shutil.copytree(raw_data, src)
    f = src / TSY_FILE
    text = f.read_text()
    assert text.count(BILL_ROW) == 1
    # add $2 mn to one bill: 0.002 bn, twice the $1 mn tolerance
    f.write_text(text.replace(BILL_ROW, BILL_ROW.replace("14061293800", "14063293800")))

    out = tmp_path / "snapshot"
    shutil.copytree(packaged_snapshot_dir(), out)
    before = _tree_bytes(out)
    siblings = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(ReconciliationError) as err:
        build_snapshot(src, out)
    msg = str(err.value)
    n = len(_manifest(packaged_snapshot_dir()).checks)  # every check of a good build
    assert f"1 of {n} reconciliation checks failed" in msg and "not written" in msg
    assert "CUSIP sums by kind vs SOMA summary 2022-02-16" in msg  # the check and the date
    assert "bill: CUSIPs 326.046000 vs summary 326.044000 (diff +0.002000)" in msg
    assert "note_bond: CUSIPs 4,923.673452 vs summary 4,923.673452 (diff +0.000000)" in msg

    assert _tree_bytes(out) == before  # byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings  # no temporary left


def test_build_cli_writes_manifest_and_lists_checks(cli_build: tuple[Path, Result]) -> None:
    out, res = cli_build
    assert res.exit_code == 0, res.output
    m = json.loads((out / MANIFEST_NAME).read_text())
    assert len(m["datasets"]) == len(_manifest(packaged_snapshot_dir()).datasets)
    for e in m["datasets"]:
        assert (out / e["path"]).is_file()
    n = len(_manifest(packaged_snapshot_dir()).checks)  # the committed build's checks
    assert len(m["checks"]) == n >= 13 and all(c["passed"] for c in m["checks"])
    text = " ".join(res.output.split())  # rich wraps long lines
    rows = sum(e["rows"] for e in m["datasets"])
    assert f"snapshot written to {out}: {len(m['datasets'])} datasets, {rows:,} rows" in text
    assert f"{n}/{n} reconciliations passed" in text
    for c in m["checks"]:
        assert f"pass {' '.join(c['name'].split())}" in text
    assert "files not used" not in text  # every raw file is a dataset or a checked derivative
