"""``qtlab project --rule``: the engine stops runoff where the first endpoint rule binds.

Runs on the embedded data, from the holdings visible on 2022-05-31 (QT2's start).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from _helpers import flat, run_cli
from qtlab.engine import default_issuance_mix
from qtlab.policy import load_preset
from qtlab.runs import RunContext

BASE = ("project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "48")
LIABILITIES = ["total_assets", "reserves", "on_rrp", "tga", "currency_other"]


def _json(*args: str | Path) -> dict[str, Any]:
    res = run_cli(*args, "--json")
    assert res.exit_code == 0, res.output
    out: dict[str, Any] = json.loads(res.stdout)
    return out


@pytest.fixture(scope="module")
def stopped() -> dict[str, Any]:
    return _json(*BASE, "--rule", "reserves_peak_fraction=0.5", "--rule", "assets_to_gdp=0.2")


def test_rule_stops_runoff_where_reserves_reach_half_their_peak(stopped: dict[str, Any]) -> None:
    ep = stopped["summary"]["endpoint"]
    assert ep["rules"] == ["reserves_peak_fraction=0.5", "assets_to_gdp=0.2"]
    assert ep["then"] == "endpoint-reinvest"
    rows = {m["month"]: m for m in stopped["rows"]}
    end = ep["end_month"]
    assert ep["rule"] == "reserves_peak_fraction=0.5" and end is not None
    assert [m for m, r in rows.items() if r["endpoint"]] == [end]
    # by hand: the peak of monthly mean reserves (H.4.1 WRESBAL) visible at the start
    w = RunContext("2022-05-31").series("WRESBAL")
    peak = float(w.groupby(w.index.to_period("M")).mean().max())
    months = list(rows)
    k = months.index(end)
    assert rows[end]["reserves"] <= 0.5 * peak < min(rows[m]["reserves"] for m in months[:k])
    assert ep["terminal_reserves"] == rows[end]["reserves"]
    assert ep["months_of_runoff"] == k + 1  # runoff from 2022-06 through the end month
    # full reinvestment after the end month: no Treasury runoff, the regime named
    after = [rows[m] for m in months[k + 1 :]]
    assert after and all(r["regime"] == "endpoint-reinvest" for r in after)
    assert all(r["treasury_cap"] == 0.0 and r["coupon_redemptions"] == 0.0 for r in after)
    # the balance sheet adds up every month
    for r in stopped["rows"]:
        parts = r["reserves"] + r["on_rrp"] + r["tga"] + r["currency_other"]
        assert r["total_assets"] == pytest.approx(parts, abs=1e-4)
    assert any("grows 4.0% a year" in a for a in stopped["assumptions"])


def test_rule_adds_liability_columns_before_the_regime(stopped: dict[str, Any]) -> None:
    keys = list(stopped["rows"][0])
    assert keys[0] == "month" and keys[-2:] == ["endpoint", "regime"]
    assert keys[-7:-2] == LIABILITIES
    plain = _json(*BASE[:-1], "3")
    assert "endpoint" not in plain["summary"] and "endpoint" not in plain["rows"][0]
    assert not set(LIABILITIES) & set(plain["rows"][0])


def test_rule_replaces_a_policy_files_rules_and_keeps_its_regime(tmp_path: Path) -> None:
    d = load_preset("qt2-announced").to_dict()
    d["endpoint"] = {
        "rules": [{"reserves_to_gdp": 0.01}],  # never binds
        "then": {
            "name": "stop-and-hold",
            "source": {"title": "test", "date": "2022-05-04", "url": "https://example.org"},
        },
    }
    f = tmp_path / "ep.yaml"
    f.write_text(yaml.safe_dump(d), encoding="utf-8")
    args = ("project", "--policy", f, "--start", "2022-06", "--months", "48")
    own = _json(*args)["summary"]["endpoint"]
    assert (own["rules"], own["rule"], own["end_month"]) == (["reserves_to_gdp=0.01"], None, None)
    ruled = _json(*args, "--rule", "reserves_peak_fraction")["summary"]["endpoint"]
    assert ruled["rules"] == ["reserves_peak_fraction=0.5"] and ruled["then"] == "stop-and-hold"
    assert ruled["end_month"] is not None


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("reserves_to_gnp=0.1", "valid rules are 'reserves_peak_fraction'"),
        ("assets_to_gdp=20", "must be a fraction strictly between 0 and 1"),
        ("assets_to_gdp=x", "value 'x' is not a number"),
        ("reserves_to_bank_assets=0.12", "qtlab endpoint --bank-assets"),
    ],
)
def test_bad_rules_exit_2_and_say_what_is_valid(rule: str, words: str) -> None:
    res = run_cli(*BASE[:-1], "2", "--rule", rule)
    assert res.exit_code == 2, res.output
    assert words in flat(res.output)


# --issuance-mix: a YAML file in the form of IssuanceMix.to_dict


@pytest.fixture(scope="module")
def mix_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("mix")
    default = default_issuance_mix().to_dict()
    four_week = {
        **default,
        "bills": [{"weeks": 4, "share": 1.0}],
        "source": "test: every bill rolled into 4-week bills",
    }
    files = {
        "default": (d / "default.yaml", yaml.safe_dump(default)),
        "four_week": (d / "four_week.yaml", yaml.safe_dump(four_week)),
        "no_bills": (d / "no_bills.yaml", yaml.safe_dump({**default, "bills": None})),
        "bad_sum": (
            d / "bad_sum.yaml",
            yaml.safe_dump({**default, "bills": [{"weeks": 4, "share": 0.5}]}),
        ),
        "list": (d / "list.yaml", "- 1\n- 2\n"),
        "not_yaml": (d / "not_yaml.yaml", "bills: [\n"),
    }
    for path, text in files.values():
        path.write_text(text, encoding="utf-8")
    return {k: p for k, (p, _) in files.items()}


PROJECT = ("project", "--policy", "qt2-realized", "--start", "2022-06", "--months", "12")


def test_a_mix_file_of_the_default_mix_projects_as_the_default(
    mix_files: dict[str, Path],
) -> None:
    plain = run_cli(*PROJECT, "--json")
    same = run_cli(*PROJECT, "--issuance-mix", mix_files["default"], "--json")
    assert plain.exit_code == same.exit_code == 0, same.output
    a, b = json.loads(same.stdout), json.loads(plain.stdout)
    assert a["options"]["issuance_mix"] == str(mix_files["default"])
    assert (a["rows"], a["summary"]) == (b["rows"], b["summary"])
    # another mix changes where the money goes, not how much: bills rolled into 4-week
    # bills mature, and roll, every month (measured: 3,698 bn rolled in 12 months, 1,255
    # with the default mix), while the caps keep redemptions and holdings as they were
    four = run_cli(*PROJECT, "--issuance-mix", mix_files["four_week"], "--json")
    assert four.exit_code == 0, four.output
    new, base = json.loads(four.stdout)["rows"], json.loads(plain.stdout)["rows"]
    assert sum(m["rolled_over"] for m in new) > 2 * sum(m["rolled_over"] for m in base)
    for k in ("bill_redemptions", "coupon_redemptions", "treasury"):
        assert [m[k] for m in new] == pytest.approx([m[k] for m in base], abs=1e-6), k


def test_ladder_and_backtest_take_a_mix_file(mix_files: dict[str, Path]) -> None:
    lad = ("ladder", "--policy", "qt2-realized", "--start", "2022-06", "--months", "6", "--json")
    a = json.loads(run_cli(*lad, "--issuance-mix", mix_files["default"]).stdout)
    b = json.loads(run_cli(*lad).stdout)
    assert (a["rows"], a["summary"]) == (b["rows"], b["summary"])
    res = run_cli("backtest", "--issuance-mix", mix_files["four_week"], "--json")
    base = run_cli("backtest", "--json")
    assert res.exit_code == base.exit_code == 0, res.output
    # 4-week bills only: the bill holdings drift further from the weekly summary
    # (measured: worst 8.1 bn against 4.5 with the default mix)
    worst = json.loads(res.stdout)["summary"]["errors"]["bills"]["max_abs_bn"]
    assert worst > json.loads(base.stdout)["summary"]["errors"]["bills"]["max_abs_bn"] + 2
    qt1 = run_cli("backtest", "--episode", "qt1", "--issuance-mix", mix_files["default"])
    assert qt1.exit_code == 2 and "applies to qt2" in flat(qt1.output)


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("missing", "cannot read the file"),
        ("no_bills", "malformed mapping"),
        ("bad_sum", "sum to"),
        ("list", "holds list, not a mapping"),
        ("not_yaml", "not a YAML file"),
    ],
)
@pytest.mark.parametrize("command", ["project", "ladder", "backtest"])
def test_bad_mix_files_exit_2_naming_the_file_and_the_form(
    mix_files: dict[str, Path], tmp_path: Path, key: str, words: str, command: str
) -> None:
    path = tmp_path / "missing.yaml" if key == "missing" else mix_files[key]
    args = {
        "project": PROJECT,
        "ladder": ("ladder", "--policy", "qt2-realized", "--start", "2022-06"),
        "backtest": ("backtest",),
    }[command]
    res = run_cli(*args, "--issuance-mix", path)
    assert res.exit_code == 2, res.output
    msg = flat(res.output)
    assert f"--issuance-mix '{path}'" in msg and words in msg
    if key in ("missing", "list", "not_yaml"):
        assert "treasury_bill_share" in msg  # what a mix file holds
