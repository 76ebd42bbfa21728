"""A8 (QT beyond the Fed) against the ECB's files and the NY Fed summary, read here without
qtlab's loaders, at today's vantage and at past ones, in English and Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from _endpoints import ECB_FILES, SUMMARY
from qtlab.analyses import get_analysis

# private on purpose: the ECB decisions and pace rules behind A8 are checked one by one
from qtlab.analyses._intl_data import decisions, runoff_pace, runoff_start
from qtlab.analyses.result import AnalysisResult
from qtlab.i18n import t

CJK = re.compile(r"[\u4e00-\u9fff]")
_MONTHS = {
    m: i for i, m in enumerate(pd.date_range("2000-01", periods=12, freq="MS").strftime("%B"), 1)
}


def _ecb_table(raw_data: Path, name: str, ncols: int) -> pd.DataFrame:
    """The ECB file's month lines as numbers (euro millions), indexed by month."""
    df = pd.read_csv(
        raw_data / ECB_FILES[name], skiprows=3, header=None, dtype=str, keep_default_na=False
    )
    df = df[df[1].isin(_MONTHS)].copy()
    year = pd.to_numeric(df[0].where(df[0] != ""), errors="coerce").ffill().astype(int)
    idx = pd.PeriodIndex(
        [pd.Period(year=y, month=_MONTHS[m], freq="M") for y, m in zip(year, df[1], strict=True)]
    )
    vals = df[list(range(2, 2 + ncols))].apply(lambda c: c.str.replace(",", "").astype(float))
    vals.index = idx
    return vals


@pytest.fixture(scope="module")
def app_raw(raw_data: Path) -> pd.DataFrame:
    return _ecb_table(raw_data, "APP_breakdown_history.csv", 12)


@pytest.fixture(scope="module")
def pepp_raw(raw_data: Path) -> pd.DataFrame:
    return _ecb_table(raw_data, "PEPP_purchase_history.csv", 2)


@pytest.fixture(scope="module")
def today() -> AnalysisResult:
    return get_analysis("A8").run(shared(), lang="en")


def _row(res: AnalysisResult, table: str, programme_key: str) -> pd.Series:
    tab = res.table(table)
    name = t(f"a8.prog.{programme_key}", res.lang)
    col = t("a8.col.programme", res.lang)
    return tab[tab[col] == name].iloc[0]


# --- today ---------------------------------------------------------------------------------


def test_a8_levels_and_peaks_in_eur_bn(today: AnalysisResult, app_raw, pepp_raw) -> None:
    holdings = app_raw[[10, 11, 12, 13]].sum(axis=1) / 1000  # the four holdings columns
    app = _row(today, "a8_runoff", "app")
    assert app[t("a8.col.peak", "en", unit="EUR bn")] == pytest.approx(holdings.max())
    assert app[t("a8.col.peak_month", "en")] == str(holdings.idxmax()) == "2022-06"
    # ECB APP breakdown, end of June 2022: 24,131+... = 3,265,144 mn (sum of the four)
    assert holdings.max() == pytest.approx(3265.144)
    assert app[t("a8.col.level_last", "en", unit="EUR bn")] == pytest.approx(holdings.iloc[-1])
    pepp = _row(today, "a8_runoff", "pepp")
    assert pepp[t("a8.col.peak", "en", unit="EUR bn")] == pytest.approx(pepp_raw[3].max() / 1000)
    # every money column of the ECB table is in euros; no dollar column
    cols = list(today.table("a8_runoff").columns)
    assert any("[EUR bn]" in c for c in cols) and not any("USD" in c for c in cols)
    monthly = today.table("a8_monthly")
    assert monthly.index[-1] == "2026-08" and len(monthly) == 143
    assert all("EUR bn" in c for c in monthly.columns)


def test_a8_runoff_starts_found_in_the_data_match_the_ecb_decisions(today: AnalysisResult) -> None:
    assert today.meta["runoff_start"] == {"app": "2023-03", "pepp": "2024-07"}
    assert today.meta["runoff_confirmed"] == {"app": True, "pepp": True}
    for key in ("app", "pepp"):
        v = [n.values for n in today.notes if n.key == "a8.note.decision"]
        assert any(x["matches"] and x["partial"] == str(decisions()[key].partial_start) for x in v)
    assert str(decisions()["app"].full_start) == "2023-07"
    assert str(decisions()["pepp"].full_start) == "2025-01"


def test_a8_partial_phases_reproduce_the_announced_average_decline(
    today: AnalysisResult, app_raw, pepp_raw
) -> None:
    partial = {n.values["first"]: n.values for n in today.notes if n.key == "a8.note.partial"}
    # ECB, 15 December 2022: the APP portfolio declines by EUR 15 bn a month on average,
    # March to June 2023. Realized net purchases: -14.96 bn a month (tolerance 0.1 bn).
    app = partial["2023-03"]
    assert app["end"] == "2023-06" and app["months"] == 4
    expected = app_raw.loc["2023-03":"2023-06", [2, 3, 4, 5]].sum(axis=1).mean() / 1000
    assert app["avg"] == pytest.approx(expected)
    assert app["avg"] == pytest.approx(-15.0, abs=0.1)
    # ECB, 14 December 2023: the PEPP portfolio declines by EUR 7.5 bn a month on average
    # over July-December 2024. Realized: -7.51 bn a month (tolerance 0.05 bn).
    pepp = partial["2024-07"]
    assert pepp["avg"] == pytest.approx(pepp_raw.loc["2024-07":"2024-12", 2].mean() / 1000)
    assert pepp["avg"] == pytest.approx(-7.5, abs=0.05)


def test_a8_pace_beside_qt2_from_the_soma_summary(today: AnalysisResult, raw_data: Path) -> None:
    doc = json.loads((raw_data / SUMMARY).read_text())
    weekly = pd.Series(
        {pd.Timestamp(r["asOfDate"]): float(r["total"]) / 1e9 for r in doc["soma"]["summary"]}
    ).sort_index()
    month_end = weekly.groupby(weekly.index.to_period("M")).last()
    before, last = month_end[pd.Period("2022-05")], month_end[pd.Period("2025-11")]
    peak = month_end[: pd.Period("2022-06")].max()
    fed = _row(today, "a8_pace", "fed_qt2")
    pm = t("intl.unit.pct_peak_per_month", "en")
    assert fed[t("a8.col.months", "en")] == 42  # June 2022 to November 2025
    assert fed[t("a8.col.per_all", "en", unit=pm)] == pytest.approx(
        100 * (before - last) / peak / 42, rel=1e-9
    )
    assert fed[t("a8.col.currency", "en")] == "USD"
    app = _row(today, "a8_pace", "app")
    assert app[t("a8.col.currency", "en")] == "EUR"
    assert app[t("a8.col.months", "en")] == 42  # March 2023 to August 2026
    axis = today.table("a8_axis")
    assert axis.index[0] == 0 and axis.iloc[:, 2].dropna().index[-1] == 42
    # the common axis is each stock over its own peak: 100 or less
    assert (axis.max() <= 100.0 + 1e-9).all()
    assert [f.name for f in today.figures] == ["a8_holdings", "a8_net_purchases", "a8_pace"]
    assert any(n.key == "a8.note.levels" for n in today.notes)


def test_runoff_rules_on_a_plain_series() -> None:
    months = pd.period_range("2020-01", periods=8, freq="M")
    stock = pd.Series([100.0, 100, 100, 99, 98, 97, 96, 96], index=months)
    flow = stock.diff().fillna(0.0)
    assert runoff_start(stock, flow) == (pd.Period("2020-04", freq="M"), True)
    assert runoff_start(stock.iloc[:5], flow.iloc[:5]) == (pd.Period("2020-04", freq="M"), False)
    assert runoff_start(stock.iloc[:3], flow.iloc[:3]) is None
    p = runoff_pace(stock, pd.Period("2020-04", freq="M"))
    assert p is not None and p.months == 5 and p.decline_pct == pytest.approx(4.0)
    assert p.per_month_pct == pytest.approx(0.8) and p.per_month_12_pct is None


# --- past vantage dates ------------------------------------------------------------------


def test_a8_at_a_past_vantage_shows_only_months_ended_before_it() -> None:
    res = get_analysis("A8").run(shared("2023-05-15"), lang="en")
    assert res.table("a8_monthly").index[-1] == "2023-04"
    # March and April 2023 are published: the APP start is provisional; no PEPP runoff
    assert res.meta["runoff_start"] == {"app": "2023-03"}
    assert res.meta["runoff_confirmed"] == {"app": False}
    pepp = _row(res, "a8_runoff", "pepp")
    assert pepp[t("a8.col.partial_start", "en")] == ""  # decided on 2023-12-14
    assert [r["series"] for r in res.meta["references"]] == ["app"]
    fed = _row(res, "a8_pace", "fed_qt2")
    assert fed[t("a8.col.months", "en")] == 11  # June 2022 to April 2023
    # the last day of a month does not see that month
    end_march = get_analysis("A8").run(shared("2023-03-31"), lang="en")
    assert end_march.table("a8_monthly").index[-1] == "2023-02"
    assert end_march.meta["runoff_start"] == {}
    assert "a8_pace" in [f.name for f in end_march.figures]  # the Fed was running off


def test_a8_before_any_ecb_figure_says_so() -> None:
    res = get_analysis("A8").run(shared("2014-10-31"), lang="zh")
    assert res.table("a8_monthly").empty
    assert res.meta["gaps"][0] == t("a8.gap.no_data", "zh", date="2014-10-31")
    assert [f.name for f in res.figures] == ["a8_holdings", "a8_net_purchases"]
    first = get_analysis("A8").run(shared("2014-11-01"), lang="en")
    assert list(first.table("a8_monthly").index) == ["2014-10"]


# --- Chinese -------------------------------------------------------------------------------


def test_a8_in_chinese() -> None:
    res = get_analysis("A8").run(shared(), lang="zh")
    assert CJK.search(res.title)
    assert all(CJK.search(n.text) for n in res.notes)
    peak = next(n for n in res.notes if n.key == "a8.note.peak")
    # money in Chinese prose in 亿欧元: the APP peak of EUR 3,265.144 bn is 32,651 亿欧元
    assert "32,651 亿欧元" in peak.text and "十亿" not in peak.text
    assert "十亿欧元" in res.table("a8_runoff").columns[3]
    for f in res.figures:
        assert CJK.search(f.figure.layout.title.text)
