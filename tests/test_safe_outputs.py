"""Output folders are never lost nor wrongly deleted: ``build-snapshot --out``, the swap,
leftovers of killed runs, folder modes."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qtlab._fsutil import recover, replace_dir, temp_dir_for
from qtlab.cli import app
from qtlab.runs import RunContext
from qtlab.store.paths import packaged_snapshot_dir
from qtlab.store.snapshot import MANIFEST_NAME

runner = CliRunner()


def _tree(p: Path) -> dict[str, bytes]:
    return {str(f.relative_to(p)): f.read_bytes() for f in sorted(p.rglob("*")) if f.is_file()}


def _build(src: Path, out: Path | str) -> tuple[int, str]:
    res = runner.invoke(app, ["data", "build-snapshot", "--from", str(src), "--out", str(out)])
    return res.exit_code, " ".join(res.output.split())


@pytest.fixture
def small_raw(tmp_path: Path, raw_data: Path) -> Path:
    """A throwaway copy of data/raw (a wrongly accepted --out may delete it)."""
    dst = tmp_path / "raw"
    shutil.copytree(raw_data, dst)
    return dst


def test_build_refuses_a_user_folder_and_keeps_it(tmp_path: Path, raw_data: Path) -> None:
    out = tmp_path / "mine"
    (out / "chapter1").mkdir(parents=True)
    (out / "thesis.txt").write_text("three years of work")
    (out / "chapter1" / "draft.md").write_text("draft")
    before = _tree(out)
    code, text = _build(raw_data, out)
    assert code == 2, text
    assert "is not empty and is not a snapshot (no manifest.json)" in text
    assert "thesis.txt" in text
    assert _tree(out) == before


def test_build_refuses_a_file_as_out(tmp_path: Path, raw_data: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("keep me")
    code, text = _build(raw_data, f)
    assert code == 2 and "is a file or a symbolic link, not a directory" in text, text
    assert f.read_text() == "keep me"


def test_build_refuses_out_equal_to_or_inside_from(small_raw: Path) -> None:
    before = _tree(small_raw)
    for out in (small_raw, small_raw / "fred", small_raw / "new"):
        code, text = _build(small_raw, out)
        assert code == 2 and "would delete the raw files" in text, (out, text)
    assert _tree(small_raw) == before
    assert not (small_raw / "new").exists()


def test_build_refuses_out_holding_from_or_the_working_directory(
    small_raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tree(small_raw)
    code, text = _build(small_raw, small_raw.parent)
    assert code == 2 and "holds the raw-file directory" in text, text
    empty = small_raw.parent / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    code, text = _build(small_raw, ".")
    assert code == 2 and "is the working directory" in text, text
    assert _tree(small_raw) == before and empty.is_dir()


def test_build_refuses_a_snapshot_holding_foreign_files(tmp_path: Path, raw_data: Path) -> None:
    out = tmp_path / "snap"
    shutil.copytree(packaged_snapshot_dir(), out)
    (out / "notes.txt").write_text("mine")
    code, text = _build(raw_data, out)
    assert code == 2 and "also holds notes.txt" in text, text
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_build_replaces_a_snapshot_keeps_its_mode_and_recovers_a_killed_swap(
    tmp_path: Path, raw_data: Path
) -> None:
    out = tmp_path / "snap"
    shutil.copytree(packaged_snapshot_dir(), out)
    out.chmod(0o755)
    # what a build killed between the two renames of the old swap left: no --out,
    # the old copy set aside, an unfinished new one, and leftovers of earlier kills
    old = tmp_path / f".snap.old-{2**22 + 17}-123"
    out.rename(old)
    (tmp_path / ".snap.tmp-4194399-5" / "series").mkdir(parents=True)
    (tmp_path / ".snapshot-ab12cd34" / "series").mkdir(parents=True)
    (tmp_path / ".snapshot-user" / "x").mkdir(parents=True)  # not ours: kept
    code, text = _build(raw_data, out)
    assert code == 0, text
    assert (out / MANIFEST_NAME).is_file()
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == [".snapshot-user", "snap"]


def test_new_output_folder_gets_the_umask_mode(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        out = tmp_path / "r"
        tmp = temp_dir_for(out)
        (tmp / "a").write_text("x")
        replace_dir(tmp, out)
        assert stat.S_IMODE(out.stat().st_mode) == 0o755
    finally:
        os.umask(mask)


def test_recover_puts_the_complete_new_copy_in_place(tmp_path: Path) -> None:
    out = tmp_path / "r"
    ready = tmp_path / f".r.ready-{2**22 + 5}-20"
    old = tmp_path / f".r.old-{2**22 + 5}-10"
    ready.mkdir()
    (ready / "new.txt").write_text("new")
    old.mkdir()
    (old / "old.txt").write_text("old")
    recover(out)
    assert _tree(out) == {"new.txt": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_recover_restores_the_old_copy_without_a_complete_new_one(tmp_path: Path) -> None:
    out = tmp_path / "r"
    old = tmp_path / f".r.old-{2**22 + 5}-10"
    (tmp_path / f".r.tmp-{2**22 + 5}-11").mkdir()
    old.mkdir()
    (old / "old.txt").write_text("old")
    recover(out)
    assert _tree(out) == {"old.txt": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_recover_leaves_a_running_process_alone(tmp_path: Path) -> None:
    # pid 1 is always alive: its working copy is not a leftover
    busy = tmp_path / ".r.tmp-1-5"
    busy.mkdir()
    (tmp_path / "r").mkdir()
    recover(tmp_path / "r")
    assert busy.is_dir()


# --- the report folder ------------------------------------------------------------------


def _report(out: Path, *extra: str) -> tuple[int, str]:
    res = runner.invoke(app, ["report", "--out", str(out), "--sections", "A7", "--no-png", *extra])
    return res.exit_code, " ".join(res.output.split())


def test_report_rerun_keeps_the_users_files(tmp_path: Path) -> None:
    import json

    out = tmp_path / "R"
    code, text = _report(out)
    assert code == 0, text
    marker = json.loads((out / ".qtlab-report.json").read_text())
    written = sorted(str(f.relative_to(out)) for f in out.rglob("*") if f.is_file())
    assert marker["files"] == written  # the marker lists exactly what the report wrote
    (out / "MY_NOTES.txt").write_text("notes")
    (out / "figures" / "mine.png").write_bytes(b"\x89PNG mine")
    (out / "drafts" / "deep").mkdir(parents=True)
    (out / "drafts" / "deep" / "d.md").write_text("d")
    (out / "empty").mkdir()
    code, text = _report(out, "--lang", "zh")
    assert code == 0, text
    assert "抵押贷款" in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "MY_NOTES.txt").read_text() == "notes"
    assert (out / "figures" / "mine.png").read_bytes() == b"\x89PNG mine"
    assert (out / "drafts" / "deep" / "d.md").read_text() == "d"
    assert (out / "empty").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R"]


def test_report_refuses_to_overwrite_a_users_file_at_a_report_path(tmp_path: Path) -> None:
    out = tmp_path / "R"
    assert _report(out)[0] == 0
    import json

    m = out / ".qtlab-report.json"
    info = json.loads(m.read_text())
    info["files"].remove("tables/provenance.csv")  # as if the user had put it there
    m.write_text(json.dumps(info))
    (out / "tables" / "provenance.csv").write_text("the user's own")
    code, text = _report(out)
    assert code == 2 and "would now overwrite" in text and "tables/provenance.csv" in text, text
    assert (out / "tables" / "provenance.csv").read_text() == "the user's own"


def test_report_refuses_a_malformed_marker(tmp_path: Path) -> None:
    out = tmp_path / "R"
    out.mkdir()
    (out / ".qtlab-report.json").write_text("{not json")
    (out / "thesis.txt").write_text("keep")
    code, text = _report(out)
    assert code == 2 and "unreadable" in text, text
    assert (out / "thesis.txt").read_text() == "keep"


def test_report_recovers_a_killed_swap_and_keeps_the_folder_mode(tmp_path: Path) -> None:
    out = tmp_path / "R"
    assert _report(out)[0] == 0
    out.chmod(0o755)
    (out / "MY_NOTES.txt").write_text("notes")
    # killed between the renames of the old swap: --out missing, old copy aside,
    # and a working folder of an earlier version (mkdtemp name)
    out.rename(tmp_path / f".R.old-{2**22 + 3}-1")
    (tmp_path / ".R.tmp-abcd_123" / "tables").mkdir(parents=True)
    code, text = _report(out)
    assert code == 0, text
    assert (out / "MY_NOTES.txt").read_text() == "notes"
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R"]


def test_a_reader_puts_back_a_snapshot_a_killed_build_left_aside(tmp_path: Path) -> None:

    snap = tmp_path / "snapshot"
    shutil.copytree(packaged_snapshot_dir(), tmp_path / f".snapshot.old-{2**22 + 9}-1")
    assert not snap.exists()
    s = RunContext(snapshot_dir=snap, use_store=False).series("WALCL")
    assert len(s) > 1000 and (snap / MANIFEST_NAME).is_file()
