"""B1, B2, B4 and the E2 backtest on the embedded data, and the engine's CLI contracts."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from qtlab.analyses import get_analysis
from qtlab.cli import app
from qtlab.errors import SpecError
from qtlab.runs import RunContext
from qtlab.runs.backtest import backtest
from qtlab.runs.ladder import ladder
from qtlab.runs.runoff import realized_taper_purchases
from qtlab.store.dataset import Dataset


@pytest.fixture(scope="module")
def qt2():
    return backtest("qt2")


def test_qt2_backtest_meets_the_targets(qt2):
    # Target of the runoff issue: with qt2-realized and realized MBS paydowns, Treasury
    # holdings within 0.5% and bills within 10 bn of the NY Fed weekly summary at every
    # month end 2022-06..2025-11. Measured: 0.05% (2.1 bn) and 4.5 bn.
    e = qt2.errors
    assert e["treasury"]["max_abs_pct"] <= 0.5
    assert e["treasury"]["max_abs_pct"] < 0.1  # the taper purchases are in the carry-forward
    assert e["bills"]["max_abs_bn"] <= 10
    assert e["coupons"]["max_abs_pct"] <= 0.5
    # MBS: reinvestment purchases that kept settling in June-September 2022 are not
    # modelled; from 2022-10 projected paydowns are the realized ones, so the gap is flat.
    assert e["mbs"]["max_abs_pct"] < 2.5
    mbs = qt2.frame[qt2.frame["series"] == "mbs"].set_index("month")["error_pct"]
    assert mbs.loc["2022-10":].max() - mbs.loc["2022-10":].min() < 0.5
    months = qt2.frame["month"].unique()
    assert (months[0], months[-1], len(months)) == ("2022-06", "2025-11", 42)


def test_carry_forward_to_the_runoff_start(qt2):
    # Issue target: totals by kind on 2022-06-01 within 0.5% of the weekly summary.
    # Measured: Treasury 0.00%, bills 0.00%, notes/bonds +0.02%, TIPS -0.24%, FRNs 0.00%,
    # MBS +0.28%, TIPS inflation compensation +0.10%. The FRNs hit because the April 2022
    # rollover follows the auction sizes Treasury announced (new FRN $24 bn of 181 bn
    # settling that day); with January's MSPD sizes they missed by -0.71% (0.22 bn).
    c = qt2.start_check
    assert c.attrs["date"] == "2022-06-01"
    for kind in ("treasury", "bills", "notes_bonds", "tips", "frn", "mbs", "tips_inflation_comp"):
        assert abs(c.loc[kind, "error_pct"]) < 0.5, kind
    assert abs(c.loc["frn", "projected"] - c.loc["frn", "realized"]) < 0.01
    assert c.attrs["taper_purchases"] == pytest.approx(16.803, abs=1e-3)


def test_taper_purchases_read_from_the_weekly_summary():
    # NY Fed weekly summary, Treasury par after the 2022-02-16 CUSIP file: +2.602 bn in the
    # week to 2022-02-23 (notes 1.601, TIPS 1.001), then +6.802, +3.398 and +4.001 bn in the
    # weeks to 2022-03-02, -09 and -16 (purchases ended in early March per the NY Fed's
    # statement of 2022-01-26); bills unchanged at 326.044 bn.
    got = realized_taper_purchases(RunContext("2022-05-31"), pd.Timestamp("2022-02-16"))
    assert got is not None
    assert got.loc[pd.Period("2022-02", "M"), "coupons"] == pytest.approx(2.602, abs=1e-6)
    assert got.loc[pd.Period("2022-03", "M"), "coupons"] == pytest.approx(14.201, abs=1e-6)
    assert (got["bills"] == 0).all()
    assert realized_taper_purchases(RunContext(), pd.Timestamp("2022-03-16")) is None


def test_qt1_in_aggregate_never_runs_off_more_than_the_caps():
    b = backtest("qt1")
    assert set(b.errors) == {"treasury", "agency_mbs"}
    # realized holdings stay at or above the cap-bound path (small slack: TIPS accrual
    # rolled into par); the shortfall of agency runoff below the 20 bn cap from 2018 is visible
    assert (b.frame["error"] < 1.0).all()
    assert b.errors["agency_mbs"]["max_abs_bn"] > 30
    assert "no SOMA Treasury CUSIP file for 2017" in b.method


def test_b1_bill_runoff_matches_the_weekly_summary():
    frame, summ = ladder(RunContext("2022-05-31"), "qt2-realized", "2022-06", 24)
    # NY Fed weekly summary: bills 326.044 on 2022-06-01 and 281.044 on 2023-05-31: 45.0 bn
    # redeemed over the first 12 months of runoff.
    assert summ["bill_runoff_first_12m"] == pytest.approx(45.0, abs=1.0)
    assert summ["first_runoff_month"] == "2022-06"
    assert summ["coupon_shortfall_months"][0] == "2022-09"  # cap 60 from September 2022
    assert (
        frame["coupon_redemptions"] + frame["bill_redemptions"] <= frame["treasury_cap"] + 1e-9
    ).all()
    assert len(frame) == 24


def _file_stock(ds: Dataset, start: str, months: int) -> tuple[float, float]:
    """Par + TIPS compensation of the CUSIP file's Treasury holdings maturing in
    ``months`` from ``start``, and of those maturing between the file and ``start``."""
    h = ds.holdings(["bill", "note_bond", "tips", "frn"])
    m = pd.to_datetime(h["maturity"])
    amt = h["par"] + h["inflation_comp"].fillna(0.0)
    a = pd.Period(start, "M").start_time
    inside = (m >= a) & (m < (pd.Period(start, "M") + months).start_time)
    before = (m > h["as_of"].max()) & (m < a)
    return float(amt[inside].sum()), float(amt[before].sum())


@pytest.mark.parametrize("months", [24, 48])
def test_b1_headline_is_the_stock_maturing_within_24_months(months: int):
    # The strategist's issue: the headline counted bills rolled again and again (3,403 bn
    # at 2022-06); the stock of holdings at the start maturing within two years is what
    # analysts quote. From the CUSIP file of 2022-02-16 to the start of 2022-03 only the
    # securities maturing in between are rolled: the stock lies between the file's own
    # maturities in the window and that plus what was rolled (and the taper purchases).
    ds = RunContext("2022-05-31")
    _, summ = ladder(ds, "qt2-announced", "2022-03", months)
    own, rolled = _file_stock(ds, "2022-03", 24)
    assert own <= summ["stock_maturing_24m"] <= own + rolled + 16.9
    assert summ["maturing_24m"] == summ["stock_maturing_24m"]
    own_h, _ = _file_stock(ds, "2022-03", months)
    assert own_h <= summ["stock_maturing"] <= own_h + rolled + 16.9
    # the rollover flow is a separate, larger number over the horizon asked
    assert summ["flow_maturing"] > 1.5 * summ["stock_maturing_24m"]
    r = get_analysis("B1").run(ds, start="2022-03", months=months)
    text = " ".join(n.text for n in r.notes)
    assert f"within 24 months: {summ['stock_maturing_24m']:,.0f} bn" in text
    assert f"{summ['flow_maturing']:,.0f} bn mature over the {months} months" in text
    if months == 48:
        assert f"Within the 48 months shown: {summ['stock_maturing']:,.0f} bn" in text


def test_b1_says_when_runoff_ends_and_no_bills_run_off():
    # from the month after the newest Treasury CUSIP file: runoff ends inside the window
    # (from today, where F1 starts, it has ended: tests/test_today_start.py)
    r = get_analysis("B1").run(RunContext(), start="2024-11", months=24)
    text = " ".join(n.text for n in r.notes)
    assert "0 months (-)" not in text and "every maturing security rolled over" not in text
    assert "no bills are redeemed" in text and "Runoff ends after 2025-11" in text


def test_cli_ladder_summary_follows_the_horizon():
    args = ["ladder", "--policy", "qt2-announced", "--start", "2022-06", "--json"]
    d24 = json.loads(runner.invoke(app, args).stdout)["summary"]
    d48 = json.loads(runner.invoke(app, [*args, "--months", "48"]).stdout)["summary"]
    assert d48["horizon_months"] == 48 and d48["maturing_24m"] == d24["maturing_24m"]
    assert d48["stock_maturing"] > d24["stock_maturing"] == d24["maturing_24m"]
    assert d48["flow_bills"] > d24["flow_bills"]


@pytest.mark.parametrize("aid", ["B1", "B2", "B4", "E2"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_analyses_return_results(aid: str, lang: str):
    r = get_analysis(aid).run(
        RunContext("2022-05-31"),
        lang=lang,
        **({} if aid == "E2" else {"months": 12} if aid != "B1" else {}),
    )
    assert r.id == aid and r.tables and r.figures and r.notes
    for tb in r.tables:
        assert not tb.frame.empty
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.title)


runner = CliRunner()
#: The fields of one month of ``qtlab ladder --json``.
LADDER_ROW_KEYS = {
    "month",
    "coupon_shortfall",
    "bills_maturing",
    "coupons_maturing",
    "treasury_cap",
    "coupon_redemptions",
    "bill_redemptions",
    "rolled_over",
}


def test_cli_ladder_json():
    res = runner.invoke(app, ["ladder", "--policy", "qt2-realized", "--start", "2022-06", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert set(d["rows"][0]) == LADDER_ROW_KEYS
    assert set(d["summary"]) == {
        "maturing_24m",
        "stock_maturing",
        "stock_bills",
        "flow_maturing",
        "flow_bills",
        "rolled_over",
        "horizon_months",
        "coupon_shortfall_months",
        "bill_runoff_first_12m",
    }
    assert d["rows"][0]["month"] == "2022-06" and len(d["rows"]) == 24


def test_cli_project_json():
    res = runner.invoke(
        app,
        ["project", "--policy", "qt2-realized", "--start", "2022-06", "--months", "3", "--json"],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    need = {
        "month",
        "bills",
        "coupons",
        "tips",
        "frn",
        "treasury",
        "mbs",
        "coupon_redemptions",
        "bill_redemptions",
        "rolled_over",
        "mbs_paydowns",
        "mbs_reinvested",
        "mbs_sales",
        "purchases",
        "total_securities",
        "regime",
    }
    assert need <= set(d["rows"][0])
    assert d["options"]["policy"] == "qt2-realized" and d["options"]["start"] == "2022-06"
    assert d["options"]["horizon_months"] == 3
    keys = list(d["rows"][0])
    assert keys[0] == "month" and keys[-1] == "regime"
    assert [m["month"] for m in d["rows"]] == ["2022-06", "2022-07", "2022-08"]
    assert all(isinstance(m["regime"], str) for m in d["rows"])


def test_cli_project_with_a_paydown_file(tmp_path):
    f = tmp_path / "p.csv"
    # the MBS file of 2022-05-11 is carried from May, so the path starts in May
    pd.DataFrame(
        {"month": ["2022-05", "2022-06", "2022-07"], "paydowns": [30.0, 25.0, 26.0]}
    ).to_csv(f, index=False)
    res = runner.invoke(
        app,
        [
            "project",
            "--policy",
            "qt2-announced",
            "--start",
            "2022-06",
            "--months",
            "2",
            "--mbs-paydowns",
            str(f),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert [m["mbs_paydowns"] for m in d["rows"]] == [25.0, 26.0]
    bad = runner.invoke(app, ["project", "--policy", "qt3", "--start", "2022-06", "--months", "2"])
    assert bad.exit_code == 2
    assert "valid presets" in bad.output


def test_cli_backtest_json():
    res = runner.invoke(app, ["backtest", "--episode", "qt2", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["options"]["episode"] == "qt2"
    assert set(d["summary"]["errors"]) == {"treasury", "bills", "coupons", "mbs"}
    assert {"max_abs_pct", "mean_abs_bn"} <= set(d["summary"]["errors"]["treasury"])
    assert set(d["rows"][0]) >= {"month", "series", "projected", "realized"}
    assert any("last weekly SOMA observation" in a for a in d["assumptions"])


def test_cli_policy_from_a_yaml_file(tmp_path):
    import yaml

    from qtlab.policy import load_preset

    f = tmp_path / "mine.yaml"
    f.write_text(yaml.safe_dump(load_preset("qt2-announced").to_dict()), encoding="utf-8")
    res = runner.invoke(
        app, ["ladder", "--policy", str(f), "--start", "2022-06", "--months", "4", "--json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert [m["treasury_cap"] for m in d["rows"]] == [30.0, 30.0, 30.0, 60.0]


def _project(*extra: str) -> dict:
    args = ["project", "--policy", "qt2-realized", "--start", "2022-06", "--months", "12"]
    res = runner.invoke(app, [*args, "--holdings-as-of", "2022-05-31", *extra, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_cli_project_with_the_prepayment_model(tmp_path):
    base = _project("--mbs-paydowns", "model")
    o = base["options"]
    assert (o["mbs_paydowns"], o["mortgage_rate"], o["shock_bp"]) == ("model", "flat", 0)
    assert [m["month"] for m in base["rows"]][:2] == ["2022-06", "2022-07"]
    pay = [m["mbs_paydowns"] for m in base["rows"]]
    assert all(5 < x < 35 for x in pay)  # [USD bn/month]
    lower = _project("--mbs-paydowns", "model", "--shock-bp", "-100")
    assert lower["options"]["shock_bp"] == -100
    low = [m["mbs_paydowns"] for m in lower["rows"]]
    # rates 1 pp lower after the vantage: more refinancing, so more paydowns by month 6
    assert sum(low[6:]) > sum(pay[6:]) + 1
    f = tmp_path / "rates.csv"
    pd.DataFrame({"month": ["2022-06", "2030-12"], "rate": [3.0, 3.0]}).to_csv(f, index=False)
    user = _project("--mbs-paydowns", "model", "--mortgage-rate", str(f))
    assert user["options"]["mortgage_rate"] == str(f)
    assert sum(m["mbs_paydowns"] for m in user["rows"][6:]) > sum(pay[6:]) + 1
    realized = _project()
    assert (realized["options"]["mortgage_rate"], realized["options"]["shock_bp"]) == (None, None)
    for bad, msg in (
        (["--shock-bp", "50"], "need --mbs-paydowns model"),
        (["--mbs-paydowns", "model", "--mortgage-rate", "sideways"], "'sideways' is not"),
    ):
        args = ["project", "--policy", "qt2-realized", "--start", "2022-06", "--months", "2"]
        res = runner.invoke(app, [*args, *bad, "--json"])
        assert res.exit_code != 0
        assert msg in res.output


def test_mbs_backtest_with_the_prepayment_model():
    # Target of the MBS issue: with the model and realized mortgage rates, MBS holdings within
    # 3% of the weekly summary at every month end 2022-06..2025-11. Measured: -2.26% at worst
    # (2025-11); about -1.8 points of it by 2022-09 are the MBS bought before June 2022 that
    # kept settling, which the projection does not model (as with realized paydowns).
    b = backtest("qt2", mbs_paydowns="model")
    mbs = b.frame[b.frame["series"] == "mbs"]
    assert len(mbs) == 42 and mbs["month"].iloc[-1] == "2025-11"
    assert (mbs["error_pct"].abs() <= 3.0).all()
    assert b.errors["treasury"]["max_abs_pct"] <= 0.5  # Treasury side unchanged
    assert "prepayment model (mortgage rates: realized)" in b.method
    with pytest.raises(SpecError, match="need mbs_paydowns='model'"):
        backtest("qt2", shock_bp=50)


def test_cli_backtest_json_with_the_model():
    res = runner.invoke(app, ["backtest", "--mbs-paydowns", "model", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    o = d["options"]
    assert (o["episode"], o["mbs_paydowns"], o["mortgage_rate"]) == ("qt2", "model", "realized")
    assert set(d["summary"]["errors"]) == {"treasury", "bills", "coupons", "mbs"}
    assert d["summary"]["errors"]["mbs"]["max_abs_pct"] <= 3.0
    months = {m["month"] for m in d["rows"]}
    assert min(months) == "2022-06" and max(months) == "2025-11"
    assert all(len(m) == 7 and m[4] == "-" for m in months)


def test_cli_contracts_give_null_for_uncapped_and_yyyy_mm_months(tmp_path):
    import yaml

    from qtlab.policy import load_preset

    d = load_preset("qt2-announced").to_dict()
    d["regimes"][1]["treasury_cap"] = "uncapped"  # from 2022-09: no Treasury cap
    f = tmp_path / "uncapped.yaml"
    f.write_text(yaml.safe_dump(d), encoding="utf-8")
    lad = runner.invoke(
        app, ["ladder", "--policy", str(f), "--start", "2022-06", "--months", "4", "--json"]
    )
    assert lad.exit_code == 0, lad.output
    rows = json.loads(lad.stdout)["rows"]
    assert [m["treasury_cap"] for m in rows] == [30.0, 30.0, 30.0, None]
    assert [m["month"] for m in rows] == ["2022-06", "2022-07", "2022-08", "2022-09"]
    assert set(rows[0]) == LADDER_ROW_KEYS
    # uncapped: everything maturing in September 2022 is redeemed, nothing rolled
    sep = rows[3]
    assert sep["rolled_over"] == pytest.approx(0.0, abs=1e-6)
    assert sep["coupon_redemptions"] + sep["bill_redemptions"] == pytest.approx(
        sep["coupons_maturing"] + sep["bills_maturing"], abs=1e-6
    )
    pro = runner.invoke(
        app, ["project", "--policy", str(f), "--start", "2022-06", "--months", "4", "--json"]
    )
    assert pro.exit_code == 0, pro.output
    months = json.loads(pro.stdout)["rows"]
    assert [m["treasury_cap"] for m in months] == [30.0, 30.0, 30.0, None]
    assert all(isinstance(m["treasury"], float) for m in months)  # [USD bn]
    assert 5000 < months[0]["treasury"] < 6000


@pytest.mark.parametrize("aid", ["B1", "B2", "B3", "B4", "E2"])
def test_analyses_run_on_the_latest_data_in_chinese(aid: str):
    r = get_analysis(aid).run(RunContext(), lang="zh")
    assert r.id == aid and r.tables and r.notes
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.title)
