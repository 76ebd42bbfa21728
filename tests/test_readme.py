"""Every Python example of the README runs as written, on the packaged data, and uses
only public names (no ``qtlab`` module or name starting with an underscore)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_the_readme_has_python_examples():
    assert len(_blocks()) >= 3


@pytest.mark.parametrize("code", _blocks(), ids=lambda c: c.splitlines()[0][:40])
def test_readme_example_runs_with_public_names(code: str, capsys: pytest.CaptureFixture[str]):
    private = re.findall(r"qtlab(?:\.\w+)*\._\w+|import _\w+|\b_[a-z]\w*\(", code)
    assert not private, f"the README example uses private names: {private}"
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
