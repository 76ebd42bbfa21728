"""F1: the forward projection from the latest holdings (embedded snapshot).

One forward run (default pace plus three alternatives) is shared by the module; the
as-of run and the report sections are one run each.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from _helpers import run_cli
from qtlab.analyses import get_analysis
from qtlab.engine import SplicedPaydowns
from qtlab.errors import SpecError
from qtlab.i18n import t
from qtlab.policy import load_preset
from qtlab.present import policy_label
from qtlab.report import build_report
from qtlab.runs import RunContext
from qtlab.runs.forward import MAX_MONTHS, Forward, forward_projection
from qtlab.runs.forward_checks import CHECK_KINDS, h41_check, start_check
from qtlab.runs.runoff import realized_holdings, run_projection
from qtlab.store.dataset import Dataset

ALTS = (20, 40, "60", "qt2-announced")


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return RunContext()


@pytest.fixture(scope="module")
def fw(ds: Dataset) -> Forward:
    return forward_projection(ds, alternatives=ALTS)


def _full(fw: Forward, name: str) -> pd.DataFrame:
    p = fw.projections[name]
    return pd.concat([p.carry_forward, p.frame])


def test_starts_after_the_latest_data(fw: Forward, ds: Dataset):
    # the carry-forward is checked on the last weekly summary (2026-03-11); the H.4.1
    # runs to 2026-08, so the projection starts 2026-09 from its balance sheet (as C2, F2)
    last = pd.Timestamp(ds.series("soma.bills").index.max())
    assert fw.anchor == last
    assert fw.start == max(last.to_period("M"), fw.state.month) + 1
    assert fw.state.month >= last.to_period("M")
    # the default buys the bills that hold reserves at the FOMC's December 2025 target
    assert fw.names == ["rmp-target", "rmp-20", "rmp-40", "rmp-60", "qt2-announced"]
    assert fw.months == 36 and all(len(fw.path(n)) == 36 for n in fw.names)
    assert fw.holdings_files == {"treasury": "2022-02-16", "mbs": "2024-10-02"}


def test_balance_sheet_identities_hold(fw: Forward):
    for n in fw.names:
        f = fw.path(n)
        coupons = f["notes_bonds"] + f["tips"] + f["frn"]
        np.testing.assert_allclose(f["treasury"], f["bills"] + coupons, atol=1e-6)
        parts = f["treasury"] + f["agency"] + f["mbs"] + f["cmbs"]
        np.testing.assert_allclose(f["total_securities"], parts, atol=1e-6)
        liab = f["reserves"] + f["on_rrp"] + f["tga"] + f["currency_other"]
        np.testing.assert_allclose(f["total_assets"], liab, atol=1e-6)
        other = f["total_assets"] - f["total_securities"] - f["tips_inflation_comp"]
        np.testing.assert_allclose(other, fw.other_assets, atol=1e-6)


def test_no_treasury_runoff_after_2025_12_under_the_regime_in_force(fw: Forward):
    f = _full(fw, fw.default)
    after = f.loc[pd.Period("2025-12", "M") :]
    assert (after["treasury_redemptions"] == 0).all()
    assert (after["treasury_cap"] == 0).all() and (after["agency_cap"] == 0).all()
    # QT2 did run Treasuries off before: the check is not vacuous
    assert f.loc[: pd.Period("2025-11", "M"), "treasury_redemptions"].sum() > 1000


def test_bills_grow_by_the_pace_plus_mbs_principal(fw: Forward):
    """Checked against the engine's own flow columns, which the kernel fills
    independently of the holdings it steps."""
    f = _full(fw, "rmp-40").loc[fw.start - 1 :]
    nxt = f.iloc[1:]
    d = f.drop(columns=["regime", "endpoint"]).diff().iloc[1:]
    # all agency principal (MBS paydowns and agency debt maturing: 0.486 bn in 2029-05)
    # goes to bills, nothing to MBS
    agency = nxt["mbs_paydowns"] - d["agency"]
    assert (d["agency"] <= 0).all() and d["agency"].sum() < 0
    np.testing.assert_allclose(nxt["agency_to_treasuries"], agency, atol=1e-9)
    np.testing.assert_allclose(nxt["mbs_reinvested"], 0.0, atol=1e-9)
    np.testing.assert_allclose(nxt["bill_purchases"], 40.0 + agency, atol=1e-9)
    np.testing.assert_allclose(d["mbs"], -nxt["mbs_paydowns"], atol=1e-6)
    # Treasuries grow by purchases + reinvested principal (+ TIPS compensation paid as par)
    np.testing.assert_allclose(d["treasury"], 40.0 + agency + nxt["tips_ic_maturing"], atol=1e-6)
    # so securities at par grow by the pace alone
    np.testing.assert_allclose(d["total_securities"], 40.0 + nxt["tips_ic_maturing"], atol=1e-6)
    assert (d["bills"].sum() - 36 * 40.0) > 0.5 * nxt["mbs_paydowns"].sum()


def test_higher_pace_means_more_bills_and_reserves(fw: Forward):
    lo, mid, hi = (fw.path(n) for n in ("rmp-20", "rmp-40", "rmp-60"))
    k = np.arange(1, 37)
    for a, b in ((lo, mid), (mid, hi)):
        assert (b["bills"] > a["bills"]).all() and (b["reserves"] > a["reserves"]).all()
        # same holdings, 20 a month more bills: securities and total assets 20 bn a month apart
        np.testing.assert_allclose(b["total_securities"] - a["total_securities"], 20 * k)
        np.testing.assert_allclose(b["total_assets"] - a["total_assets"], 20 * k)
        np.testing.assert_allclose(b["mbs"], a["mbs"])
    # with ON RRP near its floor, the extra assets are reserves
    np.testing.assert_allclose(hi["reserves"] - lo["reserves"], 40 * k, atol=1.0)


def test_a_runoff_alternative_shrinks_the_balance_sheet(fw: Forward):
    qt, mid = fw.path("qt2-announced"), fw.path("rmp-40")
    assert (qt["treasury_redemptions"] > 0).any()
    assert (qt["total_securities"].diff().iloc[1:] < 0).all()
    assert qt["reserves"].iloc[-1] < mid["reserves"].iloc[-1] - 1000
    # every alternative starts from the same carried-forward holdings
    for n in fw.names:
        assert (
            fw.projections[n].start_holdings().equals(fw.projections[fw.default].start_holdings())
        )


def test_starting_gap_is_small_and_measured_against_the_weekly_summary(fw: Forward, ds: Dataset):
    chk = fw.start_check
    day = str(fw.anchor.date())
    real = realized_holdings(ds, day, day).iloc[0]
    for k in ("bills", "notes_bonds", "mbs", "treasury"):
        assert chk.loc[k, "weekly"] == pytest.approx(float(real[k]))
    obs = fw.projections[fw.default].observed_frame().iloc[0]
    assert chk.loc["bills", "carried_forward"] == pytest.approx(float(obs["bills"]))
    # the QT2 backtest of the same carry-forward is within 0.06%; by 2026-03 the
    # reserve-management bills add timing within the month
    assert abs(chk.loc["total", "gap_pct"]) < 0.5
    assert abs(chk.loc["treasury", "gap_pct"]) < 1.0
    assert abs(chk.loc["mbs", "gap_pct"]) < 0.5  # realized paydowns to 2026-02
    assert chk.loc["total", "gap"] == pytest.approx(
        chk.loc["total", "carried_forward"] - chk.loc["total", "weekly"]
    )


def test_the_start_checks_come_from_their_own_module(fw: Forward, ds: Dataset):
    """forward_checks makes both checks F1 reports (moved out of runs.forward whole)."""
    chk = start_check(fw.projections[fw.default], ds, fw.anchor)
    pd.testing.assert_frame_equal(chk, fw.start_check)
    assert tuple(chk.index) == CHECK_KINDS and chk.attrs["cmbs"] > 0
    p = fw.projections[fw.default]
    every = pd.concat([p.carry_forward, p.frame])
    month = fw.anchor.to_period("M")
    h41 = SimpleNamespace(securities=fw.history["securities"], last_month=fw.start - 1)
    pd.testing.assert_frame_equal(h41_check(h41, every, month), fw.h41_check)
    # one month in common with the weekly summary's month: the H.4.1 adds nothing
    one = SimpleNamespace(securities=fw.history["securities"], last_month=month)
    assert h41_check(one, every, month).empty


def test_spliced_paydowns_are_realized_then_the_model(fw: Forward):
    src = fw.paydowns
    assert isinstance(src, SplicedPaydowns) and src.realized is not None
    last = src.last_realized
    assert last == pd.Period("2026-02", "M")
    m = pd.period_range("2025-06", "2026-08", freq="M")
    r = src.rates(m)
    real = m <= last
    np.testing.assert_allclose(r[real], src.realized.observed.reindex(m[real]).to_numpy())
    np.testing.assert_allclose(r[~real], np.asarray(src.model.rates(m[~real])).reshape(-1))


def test_shared_inputs_match_run_projection(fw: Forward, ds: Dataset):
    """The forward runs read the engine inputs once; they must equal run_projection's."""
    # (an exogenous pace: the default's purchases depend on its liabilities)
    pol = fw.projections["rmp-40"].policy
    ref = run_projection(ds, pol, fw.start, fw.months, mbs_paydowns=fw.paydowns)
    cols = ["bills", "notes_bonds", "tips", "frn", "tips_inflation_comp", "mbs", "purchases"]
    pd.testing.assert_frame_equal(ref.frame[cols], fw.projections["rmp-40"].frame[cols])


def test_h41_overlap_is_reported(fw: Forward, ds: Dataset):
    h = fw.h41_check
    # securities held outright (WSHOSHO) end 2026-06 in the embedded data, before the H.4.1
    # balance sheet (2026-08)
    assert h.index.min() == fw.anchor.to_period("M") and h.index.max() <= fw.start - 1
    assert (h["securities_h41"] > 0).all()
    assert h["securities_gap"].to_numpy() == pytest.approx(
        (h["securities_projected"] - h["securities_h41"]).to_numpy()
    )
    # the projection starts from the H.4.1 liabilities of the month before the start
    f = fw.path(fw.default)
    assert fw.state.month == fw.start - 1
    assert fw.state.reserves == pytest.approx(float(fw.history["reserves"].loc[fw.state.month]))
    assert len(f) == fw.months


def test_as_of_runs_from_the_data_visible_then():
    f = forward_projection(RunContext("2023-06-30"), months=12, alternatives=(20,))
    assert f.anchor <= pd.Timestamp("2023-06-30") and f.start == pd.Period("2023-07", "M")
    assert f.holdings_files["mbs"] <= "2023-06-30"
    reg = f.projections[f.default].policy.regime_at(f.start)
    assert reg.name.startswith("qt2-full-pace") and reg.bill_purchases == 0
    assert f.default == "rmp-0"
    assert (f.path()["treasury_redemptions"] > 0).all()
    assert f.history.index.max() <= pd.Period("2023-06", "M")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alternatives": ("nope",)}, r"unknown alternative 'nope'.*qt2-announced"),
        ({"alternatives": (-10,)}, r"alternative pace=-10.*>= 0"),
        ({"alternatives": ("-10",)}, r"alternative pace=-10.*>= 0"),
        ({"bill_purchases": -5}, r"bill_purchases=-5 must be a finite number >= 0"),
        ({"bill_purchases": float("nan")}, "bill_purchases=nan"),
        ({"bill_purchases": "40"}, "bill_purchases='40' is not a number"),
        ({"months": 0}, f"months=0 must be between 1 and {MAX_MONTHS}"),
        ({"months": MAX_MONTHS + 1}, f"months={MAX_MONTHS + 1} must be between 1"),
        ({"months": 2.5}, "months=2.5 must be an integer"),
        ({"shock_bp": float("inf")}, "shock_bp=inf"),
    ],
)
def test_bad_input_is_a_clear_spec_error(kwargs, match, ds: Dataset):
    with pytest.raises(SpecError, match=match):
        forward_projection(ds, **kwargs)


def test_two_different_alternatives_with_one_name_are_refused(ds: Dataset, tmp_path: Path):
    pol = load_preset("qt2-announced")
    y = tmp_path / "mine.yaml"
    text = Path(__file__).parents[1] / "src/qtlab/policy/data/qt1-2017.yaml"
    y.write_text(text.read_text().replace("name: qt1-2017", "name: qt2-announced"))
    with pytest.raises(SpecError, match="two alternatives are named 'qt2-announced'"):
        forward_projection(ds, months=3, alternatives=(pol, y))


def test_yaml_alternative_starting_later_keeps_the_regime_in_force(ds: Dataset, tmp_path: Path):
    y = tmp_path / "later.yaml"
    y.write_text(
        "name: pause-2027\nregimes:\n  - name: pause\n    start: '2027-01'\n"
        "    treasury_cap: 0\n    agency_cap: 0\n    mbs_excess_to: bills\n"
        "    source: {title: test, date: '2026-01-01', url: 'https://example.org'}\n"
    )
    f = forward_projection(ds, months=12, alternatives=(y,))
    p = f.path("pause-2027")
    assert (p.loc[: pd.Period("2026-12", "M"), "bill_purchases"] > 40).all()
    assert (p.loc[pd.Period("2027-01", "M") :, "regime"] == "pause").all()
    np.testing.assert_allclose(
        p.loc[pd.Period("2027-01", "M") :, "bill_purchases"],
        p.loc[pd.Period("2027-01", "M") :, "mbs_paydowns"],
    )


@pytest.fixture(scope="module")
def f1_results(ds: Dataset):
    spec = get_analysis("F1")
    return {lang: spec.run(ds, lang=lang) for lang in ("en", "zh")}


def test_f1_result_tables_figures_and_notes(f1_results, fw: Forward):
    en, zh = f1_results["en"], f1_results["zh"]
    assert [tb.name for tb in en.tables] == [
        "f1_paths",
        "f1_start_check",
        "f1_summary",
        "f1_h41_check",
    ]
    assert [fg.name for fg in en.figures] == ["f1_securities", "f1_reserves", "f1_composition"]
    assert [n.key for n in en.notes] == [n.key for n in zh.notes]
    assert zh.title == t("f1.title", "zh") and "资产负债表" in zh.title
    gap = en.note_values("f1.note.start_gap")
    assert gap["gap"] == pytest.approx(fw.start_check.loc["total", "gap"])
    summ = en.table("f1_summary")
    assert list(summ["horizon [months]"].unique()) == [12, 24, 36]
    assert set(summ["alternative"]) == {"rmp-target", "rmp-20", "rmp-60"}
    paths = en.table("f1_paths")
    assert "reserves [USD bn]" in paths.columns and len(paths) == 3 * 36
    # figures: one line per alternative after the realized history
    sec = en.figure("f1_securities")
    # named by their labels (the table keeps the ids)
    names = [policy_label(n, "en") for n in ("rmp-target", "rmp-20", "rmp-60")]
    assert [tr.name for tr in sec.data][1:] == names


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_f1_in_the_report_in_both_languages(tmp_path: Path):
    build_report(tmp_path / "en", lang="en", sections=["F1"], png=False)
    build_report(tmp_path / "zh", lang="zh", sections=["F1"], as_of="2025-12-31", png=False)
    en = (tmp_path / "en" / "index.html").read_text(encoding="utf-8")
    zh = (tmp_path / "zh" / "index.html").read_text(encoding="utf-8")
    assert t("f1.title", "en") in en and t("f1.title", "zh") in zh
    assert (tmp_path / "en" / "tables" / "f1_start_check.csv").is_file()
    assert "2025-12-31" in zh


def test_cli_forward_json_and_errors():
    res = run_cli("forward", "--json", "--months", "12", "--alt", "20", "--bill-purchases", "30")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["units"]["reserves"] == "USD bn" and obj["default"] == "rmp-30"
    assert list(obj["alternatives"]) == ["rmp-30", "rmp-20"]
    rows = [r for r in obj["rows"] if r["alternative"] == "rmp-30"]
    assert len(rows) == 12 and rows[0]["month"] == obj["start"]
    assert {"bills", "mbs", "reserves", "total_assets", "regime"} <= set(rows[0])
    assert set(obj["start_check"]["total"]) == {"carried_forward", "weekly", "gap", "gap_pct"}
    assert obj["summary"]["rmp-20"][0]["horizon_months"] == 12
    bad = run_cli("forward", "--alt", "nope")
    assert bad.exit_code == 2 and "unknown alternative 'nope'" in bad.output
