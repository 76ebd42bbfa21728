"""Library errors name Python parameters; the CLI shows its flags instead.

The library (``qtlab.runs``, ``qtlab.policy``, ``qtlab.scenarios``) is called from
Python, where ``--mbs-paydowns`` means nothing: its messages name the parameter
(``mbs_paydowns=``). Each command maps those names to its flags
(:func:`qtlab.cli._common.to_flags`), so a user of ``qtlab`` still reads the flag.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from _helpers import flat, run_cli

# private on purpose: the CLI's map from library parameters to flags
from qtlab.cli._common import COMMON_FLAGS, to_flags
from qtlab.errors import SpecError
from qtlab.policy import load_preset
from qtlab.report.build import resolve_sections
from qtlab.runs.backtest import backtest
from qtlab.runs.context import RunContext
from qtlab.runs.endpoint import project_with_endpoint
from qtlab.scenarios import check_sweep_memory
from qtlab.store.build import build_snapshot

#: A command-line flag written in a message (not inside a longer word).
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _failed(*args: str) -> str:
    res = run_cli(*args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    return flat(res.output)


def test_to_flags_replaces_parameters_bare_names_and_phrases() -> None:
    flags = {"the phrase x=": "--x", "shock_bp": "--shock-bp", "mbs_paydowns": "--mbs-paydowns"}
    assert to_flags("shock_bp=50 is bad", flags) == "--shock-bp 50 is bad"
    assert to_flags("mbs_paydowns=/shock_bp= apply", flags) == "--mbs-paydowns/--shock-bp apply"
    assert to_flags("give shock_bp=", flags) == "give --shock-bp"
    assert to_flags("pick the phrase x= now", flags) == "pick --x now"
    # a longer name or an attribute is not the parameter
    assert to_flags("my_shock_bp=1, a.shock_bp=2", flags) == "my_shock_bp=1, a.shock_bp=2"
    assert to_flags("no parameter here", flags) == "no parameter here"


def test_library_messages_name_parameters_not_flags() -> None:
    with pytest.raises(SpecError) as err:
        load_preset("qt2-announced", rmp_pace=20)
    assert "(bills=, coupons=; load_preset's rmp_pace=)" in str(err.value)
    with pytest.raises(SpecError) as err2:
        check_sweep_memory(10_000_000, 36, 1)
    assert "(n_paths=)" in str(err2.value) and "chunk_size=" in str(err2.value)
    with pytest.raises(SpecError) as err3:
        backtest("qt1", mbs_paydowns="model")
    assert "mbs_paydowns=/mortgage_rate=/shock_bp= apply to qt2" in str(err3.value)
    for e in (err, err2, err3):
        assert not FLAG.search(str(e.value)), str(e.value)


def test_library_paydown_and_endpoint_messages_name_parameters() -> None:
    with pytest.raises(SpecError) as err:
        backtest("qt2", shock_bp=50)
    msg = str(err.value)
    assert "shock_bp=50 is for the prepayment model only" in msg
    assert "need mbs_paydowns='model' (got mbs_paydowns='realized')" in msg
    pol = load_preset("qt2-announced")
    ctx = RunContext("2022-05-31")
    with pytest.raises(SpecError) as err2:
        project_with_endpoint(ctx, pol, "2022-06", 6, ["reserves_to_bank_assets=0.12"])
    assert "qtlab.runs.liabilities.endpoint(bank_assets=)" in str(err2.value)
    for e in (err, err2):
        assert not FLAG.search(str(e.value)), str(e.value)


PROJECT = ("project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "6")


def test_the_cli_shows_its_flags_for_the_library_parameters() -> None:
    msg = _failed(*PROJECT, "--rmp-pace", "20")
    assert "a purchase pace (--rmp-pace) would change nothing" in msg
    msg = _failed(*PROJECT, "--rule", "reserves_to_bank_assets=0.12")
    assert "`qtlab endpoint --bank-assets LEVEL[:GROWTH]` takes them as a path" in msg
    msg = _failed("backtest", "--episode", "qt1", "--mbs-paydowns", "model")
    assert "--mbs-paydowns/--mortgage-rate/--shock-bp apply to qt2" in msg
    msg = _failed("sweep", "--paths", "10000000")
    assert "use fewer paths (--paths), months, policies or a smaller --chunk-size" in msg
    assert "n_paths=" not in msg and "chunk_size=" not in msg


SRC = Path(__file__).resolve().parents[1] / "src" / "qtlab"


def _raised_texts(source: str) -> list[str]:
    """The literal text of every message built in a ``raise`` statement of ``source``,
    without the parts in backticks (a whole command to run, e.g. `qtlab data update`)."""
    texts = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            parts = [
                n.value
                for n in ast.walk(node.exc)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            texts.append(re.sub(r"`[^`]*`", "", "".join(parts)))
    return texts


def test_no_library_error_names_a_command_line_flag() -> None:
    """Outside ``qtlab.cli`` a raised message names parameters (``shock_bp=``), never
    flags (``--shock-bp``): the library is called from Python too."""
    bad = [
        f"{p.relative_to(SRC)}: {text[:80]}"
        for p in sorted(SRC.rglob("*.py"))
        if "cli" not in p.relative_to(SRC).parts
        for text in _raised_texts(p.read_text(encoding="utf-8"))
        if FLAG.search(text)
    ]
    assert bad == []


def test_snapshot_and_report_messages_name_parameters_the_cli_flags(tmp_path: Path) -> None:
    src = tmp_path / "raw"
    src.mkdir()
    with pytest.raises(SpecError) as err:
        build_snapshot(src, src / "inside")
    assert f"out={str(src / 'inside')!r} is the raw-file directory src={str(src)!r}" in str(
        err.value
    )
    assert not FLAG.search(str(err.value))
    with pytest.raises(SpecError, match=r"^sections: unknown analysis 'Z9'"):
        resolve_sections(["Z9"])
    msg = _failed("data", "build-snapshot", "--from", str(src), "--out", str(src / "inside"))
    assert "--out" in msg and "is the raw-file directory --from" in msg
    msg = _failed("report", "--out", str(tmp_path / "r"), "--sections", "Z9", "--no-png")
    assert "--sections: unknown analysis 'Z9'" in msg


def test_every_command_shows_data_dir_as_its_flag() -> None:
    store = "cannot write the store x: the file is read-only. Make it writable, or pass "
    assert to_flags(store + "data_dir= to use another directory", COMMON_FLAGS) == (
        store + "--data-dir to use another directory"
    )


def test_data_import_shows_scale_for_units_scale(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("date,value\n2024-01-31,8900.5\n")
    msg = _failed(
        "data", "import", "agency_mbs.outstanding", str(good), "--scale", "1e-320",
        "--data-dir", str(tmp_path / "store"),
    )  # fmt: skip
    assert "--scale 1e-320 is outside" in msg and "units_scale" not in msg


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--indicator", "bogus"], "--indicator 'bogus' is unknown"),
        (["--spec", "bogus"], "--spec 'bogus' is unknown"),
        (["--recipe", "bogus"], "--recipe 'bogus' is unknown"),
        (["--sep-statistic", "bogus"], "--sep-statistic 'bogus' is unknown"),
    ],
)
def test_fit_yield_checks_its_choices_before_reading_data(
    args: list[str], flag: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_data(*a: object, **k: object) -> None:
        raise AssertionError("fit-yield read data before checking its arguments")

    monkeypatch.setattr(RunContext, "__init__", no_data)
    msg = _failed("fit-yield", *args)
    assert flag in msg and "valid:" in msg
