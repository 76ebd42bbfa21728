"""Atomic directory replacement, shared by the snapshot build and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from qtlab._fsutil import replace_dir


def _tree(p: Path) -> dict[str, str]:
    return {str(f.relative_to(p)): f.read_text() for f in sorted(p.rglob("*")) if f.is_file()}


def test_replace_dir_swaps_and_leaves_nothing_behind(tmp_path: Path):
    out, tmp = tmp_path / "out", tmp_path / "new"
    out.mkdir()
    (out / "a.txt").write_text("old")
    tmp.mkdir()
    (tmp / "b.txt").write_text("new")
    replace_dir(tmp, out)
    assert _tree(out) == {"b.txt": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_dir_restores_the_old_copy_when_the_final_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out, tmp = tmp_path / "out", tmp_path / "new"
    out.mkdir()
    (out / "a.txt").write_text("old")
    tmp.mkdir()
    real_rename = Path.rename

    def failing(self: Path, target: Path) -> Path:
        if self == tmp:
            raise OSError("disk full")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError, match="disk full"):
        replace_dir(tmp, out)
    assert _tree(out) == {"a.txt": "old"}
