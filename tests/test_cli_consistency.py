"""One spelling across commands: the horizon is --months, the vantage --as-of, and named
choices (presets, specifications, episodes) match in any case with the closest name
offered, before any data are read."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qtlab.cli import app

# private on purpose: the CLI's shared option machinery (qtlab.cli._common)
from qtlab.cli._common import choice
from qtlab.cli.impact import _check_choices
from qtlab.errors import SpecError
from qtlab.runs import RunContext

#: The commands that project or forecast over a number of months.
HORIZON = ["ladder", "project", "forward", "prepay", "sweep", "fit-yield", "endpoint"]
#: The commands that run on the data visible at one vantage (backtest runs fixed
#: episodes; list reads no data).
VANTAGE = [
    ["data", "status"],
    ["ladder"],
    ["project"],
    ["forward"],
    ["prepay"],
    ["sweep"],
    ["fit-yield"],
    ["endpoint"],
    ["scorecard"],
    ["report"],
    ["dashboard"],
    ["show"],
]


def _help(*cmd: str) -> str:
    res = CliRunner().invoke(app, [*cmd, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("cmd", HORIZON)
def test_the_horizon_is_months_everywhere(cmd: str) -> None:
    text = _help(cmd)
    assert "--months" in text
    assert "--horizon" not in text  # the old name works but is hidden


@pytest.mark.parametrize("cmd", VANTAGE)
def test_the_vantage_is_as_of_everywhere(cmd: list[str]) -> None:
    text = _help(*cmd)
    assert "--as-of" in text
    assert "--holdings-as-of" not in text


def test_choice_matches_any_case_and_offers_the_closest() -> None:
    assert choice(" Levels-2009 ", ("auto", "levels-2009"), "spec") == "levels-2009"
    with pytest.raises(
        SpecError, match=r"spec='levls-2009' is unknown.*did you mean 'levels-2009'"
    ):
        choice("levls-2009", ("auto", "levels-2009"), "spec")
    with pytest.raises(SpecError, match=r"--episode 'qt9' is unknown; valid: 'qt2' or 'qt1'"):
        choice("qt9", ("qt2", "qt1"), "--episode")


def test_fit_yield_choices_in_any_case_come_back_as_packaged() -> None:
    got = _check_choices("RESERVES_TO_GDP", "Levels-2009", None, "Median")
    assert got == ("reserves_to_gdp", "levels-2009", None, "median")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["fit-yield", "--spec", "levels-2003x"], "--spec 'levels-2003x' is unknown"),
        (["fit-yield", "--indicator", "reserves_to_debts"], "did you mean 'reserves_to_debt'"),
        (["backtest", "--episode", "QT3"], "did you mean 'qt2'"),
        (["sweep", "--policy", "QT2-ANOUNCED"], "did you mean 'qt2-announced'"),
        (["endpoint", "--policy", "qt2-anounced"], "did you mean 'qt2-announced'"),
        (["forward", "--alt", "rmp-2052"], "did you mean 'rmp-2025'"),
    ],
)
def test_a_misspelt_name_gets_the_closest_before_any_data_are_read(
    args: list[str], words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_data(*a: object, **k: object) -> None:
        raise AssertionError("data were read before the arguments were checked")

    monkeypatch.setattr(RunContext, "__init__", no_data)
    res = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert res.exit_code == 2, res.output
    assert words in " ".join(res.stderr.split())


def test_backtest_episode_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fake(episode: str, **kw: object) -> None:
        seen.append(episode)
        raise SpecError("stop here")

    import qtlab.runs.backtest as bt

    monkeypatch.setattr(bt, "backtest", fake)
    res = CliRunner().invoke(app, ["backtest", "--episode", "QT1"])
    assert res.exit_code == 2 and seen == ["qt1"]
