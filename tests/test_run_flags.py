"""The baseline's pieces as CLI flags (issue 13): ``--inflation``, ``--settlement-lag`` and
``--reserve-target`` parsed at the edge into typed options (qtlab.runs.options); bad values
name the flag and the value and list what is valid; good values change the numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _contexts import shared
from _helpers import flat, run_cli
from qtlab.cli.forward import forward_json
from qtlab.engine import InflationAssumption, MbsSettlement
from qtlab.errors import ParseError, SpecError
from qtlab.policy import load_preset
from qtlab.runs.endpoint import project_with_endpoint
from qtlab.runs.options import inflation_option, reserve_target_option, settlement_option

_PROJECT = ("project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "6")


def test_inflation_text_forms(tmp_path: Path) -> None:
    assert inflation_option("trailing") == InflationAssumption()
    flat_rate = inflation_option("2.5%")
    assert flat_rate.long_run == 2.5 and flat_rate.horizon == 1  # flat from the first month
    assert inflation_option("3") == inflation_option(3.0)
    f = tmp_path / "infl.csv"
    f.write_text("month,inflation\n2026-09,3.0\n2026-10,2.8\n", encoding="utf-8")
    got = inflation_option(str(f))
    assert got.path is not None and list(got.path) == [3.0, 2.8]
    bad = tmp_path / "bad.csv"
    bad.write_text("month,inflation\n2026-09,lots\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"bad\.csv"):
        inflation_option(str(bad))
    for text in ("lots", "45", "-20%"):
        with pytest.raises(SpecError) as err:
            inflation_option(text)
        msg = str(err.value)
        assert f"inflation='{text}'" in msg and "'trailing'" in msg and "CSV" in msg


def test_settlement_and_reserve_target_text_forms() -> None:
    assert settlement_option("0") == MbsSettlement(lag=0)
    assert settlement_option(3).lag == 3
    for text in ("7", "-1", "two", "1.5"):
        with pytest.raises(SpecError, match=rf"settlement_lag='{text}' is not .*0\.\.6"):
            settlement_option(text)
    assert reserve_target_option("fomc-2025-12") == "fomc-2025-12"
    assert reserve_target_option("3200") == "level=3200"
    assert reserve_target_option("8%gdp") == "gdp_share=0.08"
    assert reserve_target_option("10.5 %GDP") == "gdp_share=0.105"
    assert reserve_target_option("level=3000") == "level=3000"
    assert reserve_target_option("gdp_share=0.08") == "gdp_share=0.08"
    for text in ("lots", "level=abc", "8%"):
        with pytest.raises(SpecError) as err:
            reserve_target_option(text)
        assert f"reserve_target='{text}'" in str(err.value)
        assert "fomc-2025-12" in str(err.value) and "8%gdp" in str(err.value)
    with pytest.raises(SpecError, match="positive level"):
        reserve_target_option("-5")
    with pytest.raises(SpecError, match=r"\(0, 100\)"):
        reserve_target_option("150%gdp")


@pytest.mark.parametrize(
    ("args", "flag", "value", "valid"),
    [
        (("forward", "--inflation", "lots"), "--inflation", "lots", "'trailing'"),
        (("forward", "--reserve-target", "much"), "--reserve-target", "much", "8%gdp"),
        (("forward", "--settlement-lag", "9"), "--settlement-lag", "9", "0..6"),
        (
            (*_PROJECT, "--inflation", "x"),
            "--inflation",
            "x",
            "'trailing'",
        ),
        (
            (*_PROJECT, "--settlement-lag", "-2"),
            "--settlement-lag",
            "-2",
            "0..6",
        ),
    ],
)
def test_bad_flag_values_name_the_flag_the_value_and_what_is_valid(args, flag, value, valid):
    res = run_cli(*args)
    assert res.exit_code == 2, res.output
    out = flat(res.output)
    assert "Traceback" not in out
    assert f"{flag} '{value}'" in out and valid in out
    assert "inflation=" not in out and "settlement_lag=" not in out  # the flag, not the name


@pytest.fixture(scope="module")
def default_forward() -> dict:
    return forward_json(months=12)


def _paths(obj: dict, alternative: str = "rmp-target") -> list[dict]:
    """The monthly rows of one alternative of F1's JSON (version 2: ``rows`` tagged by it)."""
    return [r for r in obj["rows"] if r["alternative"] == alternative]


def test_reserve_target_changes_fs_reserves(default_forward) -> None:
    base = _paths(default_forward)
    high = forward_json(months=12, reserve_target="level=4000")
    rows = _paths(high)
    # a target far above today's reserves: purchases raise them towards it
    assert rows[-1]["reserves"] > base[-1]["reserves"] + 300
    assert rows[-1]["total_assets"] > base[-1]["total_assets"] + 300
    assert "level=4000" in high["alternatives"]["rmp-target"]["description"]


def test_inflation_changes_tips_compensation(default_forward) -> None:
    hot = forward_json(months=12, inflation=inflation_option("10"))
    base = _paths(default_forward)
    rows = _paths(hot)
    # 10% a year on about 100 bn of compensation and 300 bn of TIPS par, against ~2.3%
    assert rows[-1]["tips_inflation_comp"] > base[-1]["tips_inflation_comp"] + 10


def test_settlement_lag_changes_the_mbs_path_at_the_eve_of_qt2() -> None:
    ctx = shared("2022-05-31")
    pol = load_preset("qt2-announced")
    runs = {
        lag: project_with_endpoint(
            ctx, pol, "2022-06", 6, mbs_paydowns="model", settlement=MbsSettlement(lag=lag)
        )[0].frame
        for lag in (0, 2)
    }
    # reinvestment booked the same month (0) against two months later (2): MBS differ in
    # the first months, while the caps leave a reinvested excess to settle
    diff = (runs[0]["mbs"] - runs[2]["mbs"]).abs()
    assert float(diff.iloc[:3].max()) > 1.0


def test_project_cli_takes_the_flags() -> None:
    args = ("project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "6")
    a = run_cli(*args, "--as-of", "2022-05-31", "--json", "--mbs-paydowns", "model")
    b = run_cli(
        *args,
        "--as-of",
        "2022-05-31",
        "--json",
        "--mbs-paydowns",
        "model",
        "--settlement-lag",
        "0",
        "--inflation",
        "8",
    )
    assert a.exit_code == 0 and b.exit_code == 0, (a.output, b.output)
    ma, mb = json.loads(a.stdout)["rows"], json.loads(b.stdout)["rows"]
    assert [r["month"] for r in ma] == [r["month"] for r in mb]
    assert any(abs(x["mbs"] - y["mbs"]) > 1.0 for x, y in zip(ma, mb, strict=True))


def test_endpoint_cli_runs_renewed_runoff_and_states_the_baseline() -> None:
    res = run_cli("endpoint", "--policy", "renewed", "--rule", "reserves_to_gdp=0.08", "--json")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    stop = obj["summary"]
    assert stop["rule"] == "reserves_to_gdp=0.08" and stop["end_month"] is not None
    assert any("QT2 caps resumed" in a for a in obj["assumptions"])
    base = run_cli("endpoint", "--json")
    assert base.exit_code == 0, base.output
    lines = json.loads(base.stdout)["assumptions"]
    assert json.loads(base.stdout)["summary"]["rule"] is None  # the baseline: no runoff today
    assert any(line.startswith("Assets: F1's default run") for line in lines)
