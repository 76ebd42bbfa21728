"""History analyses A1, A3, A4, A6, A7 and C1 against facts checked by hand on the raw files.

Each expected number is recomputed here from the raw official files in
data/raw (the ``raw_data`` fixture), not from qtlab's loaders.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from _helpers import reseal_snapshot
from qtlab.analyses import get_analysis
from qtlab.analyses.a1_tapers import monthly_net_purchases
from qtlab.analyses.a6_market_share import treasury_share
from qtlab.analyses.a7_mortgage_rates import highest_since
from qtlab.analyses.c1_liabilities import liabilities_weekly
from qtlab.i18n import t
from qtlab.runs import RunContext
from qtlab.store import Dataset

EVE_OF_QT2 = "2022-05-31"


@pytest.fixture(scope="module")
def latest() -> Dataset:
    return shared()


@pytest.fixture(scope="module")
def eve() -> Dataset:
    return shared(EVE_OF_QT2)


def _fred(shared: Path, sid: str) -> pd.Series:
    df = pd.read_csv(shared / "fred" / f"{sid}.csv", parse_dates=["date"])
    return df.set_index("date")["value"].astype(float)


def _soma_raw(shared: Path) -> pd.DataFrame:
    doc = json.loads((shared / "soma" / "soma_summary_2003-07-09_2026-03-11.json").read_text())
    df = pd.DataFrame(doc["soma"]["summary"])
    df["asOfDate"] = pd.to_datetime(df["asOfDate"])
    df = df.set_index("asOfDate").replace("", "0").astype(float) / 1e9
    return df


# --- A1 ---------------------------------------------------------------------------------
def test_a1_net_purchases_match_raw_month_end_holdings(latest: Dataset, raw_data: Path):
    raw = _soma_raw(raw_data)
    tsy = raw[["bills", "notesbonds", "tips", "frn"]].sum(axis=1)
    # April 2020, by hand: last Wednesday of April (04-29) minus last Wednesday of March (03-25)
    expect_t = tsy.loc["2020-04-29"] - tsy.loc["2020-03-25"]
    expect_m = raw.loc["2020-04-29", "mbs"] - raw.loc["2020-03-25", "mbs"]
    net = monthly_net_purchases(latest)
    got = net.loc[pd.Period("2020-04", freq="M")]
    assert got["treasury"] == pytest.approx(expect_t, abs=1e-6)
    assert got["mbs"] == pytest.approx(expect_m, abs=1e-6)
    # the summary ends 2026-03-11, before March's last Wednesday: no March 2026 value
    assert net.index.max() == pd.Period("2026-02", freq="M")


def test_a1_tapers_table_and_notes(latest: Dataset):
    res = get_analysis("A1").run(latest, lang="en")
    tab = res.table("a1_tapers")
    assert list(tab["Taper"]) == ["2013-14 taper", "2021-22 taper"]
    assert list(tab["End of purchases to runoff [months]"]) == [36, 3]  # 2014-10->2017-10 etc.
    assert list(tab["Full pace to zero: first reduced to last purchase month [months]"]) == [10, 5]
    net = monthly_net_purchases(latest)
    pre = net.loc[pd.Period("2021-08", freq="M") : pd.Period("2021-10", freq="M"), "treasury"]
    assert tab.loc[1, "Full pace, Treasuries [USD bn per month]"] == pytest.approx(pre.mean())
    # the FOMC's $80 bn a month of Treasuries in 2021, within reinvestment timing noise
    assert 70 < pre.mean() < 90
    peak = res.note_values("a1.note.peak")
    assert peak["month"] == "2020-04" and peak["total"] > 1000
    assert len(res.figures) == 2


def test_a1_as_of_sees_no_later_month(eve: Dataset):
    res = get_analysis("A1").run(eve, lang="en")
    months = pd.PeriodIndex(res.table("a1_net_purchases").index, freq="M")
    # 2022-05-25 is May's last Wednesday, so May is complete and nothing later is visible
    assert months.max() == pd.Period("2022-05", freq="M")
    # QT2 had not started on 2022-05-31: only the 2013-14 taper has a "months to runoff" note
    gaps = [n for n in res.notes if n.key == "a1.note.gap"]
    assert [n.values["months"] for n in gaps] == [36]


# --- A3 ---------------------------------------------------------------------------------
def test_a3_ratios_match_raw_files(latest: Dataset, raw_data: Path):
    walcl = _fred(raw_data, "WALCL") / 1000  # millions -> bn
    gdp, real = _fred(raw_data, "GDP"), _fred(raw_data, "GDPC1")
    res = get_analysis("A3").run(latest, lang="en")
    q = res.table("a3_quarterly")
    # 2020Q2: last Wednesday of the quarter is 2020-06-24
    expect = 100 * walcl.loc["2020-06-24"] / gdp.loc["2020-04-01"]
    assert q.loc["2020Q2", "Assets / nominal GDP [%]"] == pytest.approx(expect, rel=1e-12)
    expect_r = 100 * walcl.loc["2020-06-24"] / real.loc["2020-04-01"]
    assert q.loc["2020Q2", "Assets / real GDP [%]"] == pytest.approx(expect_r, rel=1e-12)
    eps = res.table("a3_episodes").set_index("Episode")
    # QT1 (2017-10 .. 2019-07): start = 2017Q3 (2017-09-27), end = 2019Q3 (2019-09-25)
    qt1 = eps.loc["QT1"]
    assert qt1["Quarter at start"] == "2017Q3" and qt1["End quarter"] == "2019Q3"
    assert qt1["Assets / nominal GDP at start [%]"] == pytest.approx(
        100 * walcl.loc["2017-09-27"] / gdp.loc["2017-07-01"]
    )
    assert qt1["Assets / nominal GDP at end [%]"] == pytest.approx(
        100 * walcl.loc["2019-09-25"] / gdp.loc["2019-07-01"]
    )
    assert len(res.figure("a3_size_to_gdp").layout.shapes) >= 5  # episodes shaded


def test_a3_as_of_2022_divides_by_chained_2012_real_gdp_of_that_vintage(eve: Dataset):
    # As analysts saw it on 2022-05-31: total assets 8,937.142 bn on 2022-03-30 (H.4.1) over
    # real GDP 2022Q1 = 19,735.9 bn in chained 2012 dollars, BEA's advance estimate as in the
    # Philadelphia Fed Real-Time Data Set vintage 2022M5 (data/raw/SOURCES.md): 45.3%.
    # (Today's GDPC1 for 2022Q1, 21,932.71 bn in chained 2017 dollars, would give 40.7%.)
    for lang in ("en", "zh"):
        res = get_analysis("A3").run(eve, lang=lang)
        q = res.table("a3_quarterly")
        col = [c for c in q.columns if "2012" in c]
        assert len(col) == 1, q.columns  # the real GDP column names its dollars
        assert q.loc["2022Q1", col[0]] == 19735.9
        assert q.iloc[-1, -1] == pytest.approx(45.28, abs=0.01)
        assert res.meta["real_gdp"] == {"vintage": date(2022, 5, 15), "base_year": 2012}
        real = next(n for n in res.notes if n.key == "a3.note.real_rtdsm")
        assert real.values["vintage"] == "2022-05-15"
        assert ("chained 2012 dollars" if lang == "en" else "2012年链式美元") in real.text


@pytest.mark.parametrize(
    ("as_of", "used", "unused"),
    [(EVE_OF_QT2, "rtdsm.routput", "GDPC1"), (None, "GDPC1", "rtdsm.routput")],
)
def test_a3_reads_only_the_real_gdp_it_uses(as_of, used, unused):
    # the report's provenance lists what an analysis read: the real GDP source chosen only
    with RunContext(as_of, use_store=False) as ctx:
        get_analysis("A3").run(ctx, lang="en")
        assert used in ctx.dataset.read_series and unused not in ctx.dataset.read_series


def test_a3_today_says_its_base_year(latest: Dataset):
    for lang, words in (("en", "chained 2017 dollars"), ("zh", "2017年链式美元")):
        res = get_analysis("A3").run(latest, lang=lang)
        real = next(n for n in res.notes if n.key.startswith("a3.note.real_"))
        assert words in real.text
        assert res.meta["real_gdp"]["base_year"] == 2017


def test_a3_as_of_has_no_qt2_and_no_later_quarter(eve: Dataset):
    res = get_analysis("A3").run(eve, lang="en")
    assert "QT2" not in set(res.table("a3_episodes")["Episode"])
    assert max(res.table("a3_quarterly").index) <= "2022Q1"


# --- A4 ---------------------------------------------------------------------------------
def test_a4_components_add_up_to_total_assets(latest: Dataset, raw_data: Path):
    res = get_analysis("A4").run(latest, lang="en")
    tab = res.table("a4_assets")
    parts = [c for c in tab.columns if c != "Total assets [USD bn]"]
    assert len(parts) == 8
    diff = (tab[parts].sum(axis=1) - tab["Total assets [USD bn]"]).abs().max()
    assert diff < 1e-6
    walcl = _fred(raw_data, "WALCL") / 1000
    peak = res.note_values("a4.note.peak")
    assert peak["date"] == walcl.idxmax().date().isoformat() == "2022-04-13"
    assert peak["total"] == pytest.approx(walcl.max())
    raw = _soma_raw(raw_data)
    row = tab.loc["2022-02-16"]
    tips = raw.loc["2022-02-16", "tips"] + raw.loc["2022-02-16", "tipsInflationCompensation"]
    assert row["TIPS (incl. inflation compensation) [USD bn]"] == pytest.approx(tips)


# --- A6 ---------------------------------------------------------------------------------
def _mspd_marketable(shared: Path, month_end: str) -> float:
    df = pd.read_csv(
        shared / "mspd" / "mspd_table1_summary_by_class_2001-01_2026-05.csv", encoding="utf-8-sig"
    )
    sub = df[(df["Record Date"] == month_end) & (df["Security Type Description"] == "Marketable")]
    classes = ["Bills", "Notes", "Bonds", "Treasury Inflation-Protected Securities"]
    sub = sub[sub["Security Class Description"].isin([*classes, "Floating Rate Notes"])]
    return float(sub["Total Public Debt Outstanding (in Millions)"].sum()) / 1000


def test_a6_share_on_qt1_eve_by_hand(latest: Dataset, raw_data: Path):
    raw = _soma_raw(raw_data).loc["2017-09-27"]
    soma = raw[["bills", "notesbonds", "frn", "tips", "tipsInflationCompensation"]].sum()
    debt = _mspd_marketable(raw_data, "2017-09-30")
    share = treasury_share(latest).loc[pd.Period("2017-09", freq="M")]
    assert share["marketable"] == pytest.approx(debt, rel=1e-9)
    assert share["share"] == pytest.approx(100 * soma / debt, rel=1e-9)
    res = get_analysis("A6").run(latest, lang="en")
    assert res.note_values("a6.note.qt1_start")["share"] == pytest.approx(100 * soma / debt)
    marks = res.table("a6_marks").set_index("Marker")
    assert marks.loc["Peak before 2020", "Month"] < "2020-01"
    assert marks.loc["Peak since 2020", "Month"] >= "2020-01"


def test_a6_says_agency_mbs_outstanding_is_missing(latest: Dataset):
    res = get_analysis("A6").run(latest, lang="en")
    assert any("Agency MBS outstanding is not in the data" in g for g in res.meta["gaps"])
    zh = get_analysis("A6").run(latest, lang="zh")
    assert any("机构抵押贷款支持证券" in g for g in zh.meta["gaps"])


def _snapshot_plus(tmp_path: Path, extra: pd.DataFrame) -> Path:
    """A copy of the packaged snapshot (symlinks) with one more series file."""
    from qtlab.store.paths import packaged_snapshot_dir

    src = packaged_snapshot_dir()
    snap = tmp_path / "snapshot"
    for sub in ("series", "holdings", "tables"):
        (snap / sub).mkdir(parents=True)
        for f in (src / sub).glob("*.parquet"):
            (snap / sub / f.name).symlink_to(f)
    shutil.copy(src / "manifest.json", snap / "manifest.json")
    extra.to_parquet(snap / "series" / "test.extra.parquet")
    reseal_snapshot(snap, {"series/test.extra.parquet": {"series": ["agency_mbs.outstanding"]}})
    return snap


def test_a6_uses_agency_mbs_outstanding_when_the_data_hold_it(tmp_path: Path, latest: Dataset):
    """The loader is ready: a dataset holding ``agency_mbs.outstanding`` fills the MBS share."""
    soma_mbs = latest.series("soma.mbs")
    month_ends = soma_mbs.groupby(soma_mbs.index.to_period("M")).last()
    # a made-up denominator of exactly 4x SOMA's holdings at each month end (a 25% share)
    fake = pd.DataFrame(
        {
            "series_id": "agency_mbs.outstanding",
            "date": month_ends.index.to_timestamp(how="end").normalize(),
            "value": 4 * month_ends.to_numpy(),
            "vintage": pd.Timestamp("2026-03-31"),
        }
    )
    snap = _snapshot_plus(tmp_path, fake[fake["value"] > 0])
    ds = RunContext(snapshot_dir=snap, use_store=False)
    res = get_analysis("A6").run(ds, lang="en")
    assert res.meta["gaps"] == []
    assert res.note_values("a6.note.mbs")["share"] == pytest.approx(25.0)
    assert "Share of agency MBS [%]" in res.table("a6_share").columns


# --- A7 ---------------------------------------------------------------------------------
def test_a7_on_the_eve_of_qt2(eve: Dataset, raw_data: Path):
    raw = _fred(raw_data, "MORTGAGE30US")
    raw = raw[raw.index <= EVE_OF_QT2]
    res = get_analysis("A7").run(eve, lang="en", years=10)
    latest = res.note_values("a7.note.latest")
    assert latest["date"] == "2022-05-26" and latest["rate"] == pytest.approx(raw.iloc[-1])
    assert latest["base_date"] == "2021-12-30"
    assert latest["ytd"] == pytest.approx(raw.iloc[-1] - raw.loc["2021-12-30"])
    # 5.10% on 2022-05-26 was not the 10-year high: 5.30% on 2022-05-12 was
    window = raw[raw.index > pd.Timestamp("2012-05-26")]
    high = res.note_values("a7.note.high_no")
    assert high["max_date"] == window.idxmax().date().isoformat() == "2022-05-12"
    assert high["max"] == pytest.approx(window.max())
    assert res.table("a7_summary").iloc[0, 3] == "no"
    # the last week at or above 5.10% before 2022-05-26, and none in between
    since = res.note_values("a7.note.since_days")["since"]  # a week earlier: counted in days
    assert raw.loc[since] >= raw.iloc[-1]
    assert (raw.loc[since:].iloc[1:-1] < raw.iloc[-1]).all()


def test_a7_highest_since_reference():
    s = pd.Series([5.0, 3.0, 4.0, 4.5], index=pd.date_range("2020-01-01", periods=4, freq="W"))
    assert highest_since(s) == s.index[0]
    assert highest_since(s.iloc[[1, 2, 3]]) is None


def test_a7_rejects_bad_years(latest: Dataset):
    from qtlab.errors import SpecError

    with pytest.raises(SpecError, match="years=0"):
        get_analysis("A7").run(latest, lang="en", years=0)


# --- C1 ---------------------------------------------------------------------------------
def test_c1_marks_gaps_and_never_fills_them(latest: Dataset, raw_data: Path):
    res = get_analysis("C1").run(latest, lang="en")
    tab = res.table("c1_liabilities")
    tga = tab["Treasury General Account (TGA) [USD bn]"]
    # the week average: the billions file to 2024-06-26, the millions vintage to 2025-11-19
    assert tga.loc[:"2025-11-19"].notna().all()
    assert tga.loc["2025-11-26":].isna().all()  # WTREGEN ends 2025-11-19: no filled value
    gaps = " ".join(res.meta["gaps"])
    assert "[WTREGEN]: no data from 2025-11-20" in gaps
    assert "WCURCIR" not in gaps and "WDTGAL" not in gaps  # both run to 2026-09-23
    notes = [n for n in res.notes if n.key == "c1.note.gap"]
    assert "WTREGEN" in {n.values["id"] for n in notes}
    assert not {"WCURCIR", "WDTGAL"} & {n.values["id"] for n in notes}
    labels = [a.text for a in res.figure("c1_liabilities").layout.annotations]
    assert t("c1.gap.short", "en", series="Treasury General Account (TGA)") in labels
    # TGA in billions in WTREGEN.csv (the mid-2024 vintage), millions in the later one
    raw_tga = _fred(raw_data, "WTREGEN")
    assert tga.loc["2024-06-26"] == pytest.approx(raw_tga.loc["2024-06-26"])
    later = _fred_named(raw_data, "WTREGEN_millions_2002-12-18_2025-11-19")
    assert tga.loc["2025-11-19"] == later.loc["2025-11-19"] / 1000  # 941,926 mn
    cur = tab["Currency in circulation [USD bn]"]
    wcur = _fred_named(raw_data, "WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED")
    assert cur.notna().all()
    # the window ends with reserves (WRESBAL, 2026-08-19); currency runs to 2026-09-23
    assert tab.index.max() == "2026-08-19"
    assert cur.loc["2026-08-19"] == wcur.loc["2026-08-19"] / 1000
    wed = tab["TGA, Wednesday level [USD bn]"]
    wdtgal = _fred_named(raw_data, "WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED")
    assert wed.loc["2026-08-19"] == wdtgal.loc["2026-08-19"] / 1000
    assert not [g for g in res.meta["gaps"] if "WRESBAL" in g or "RRPONTSYD" in g]


def _fred_named(shared: Path, stem: str) -> pd.Series:
    df = pd.read_csv(shared / "fred" / f"{stem}.csv", parse_dates=["date"])
    return df.set_index("date")["value"].dropna().astype(float)


def test_c1_on_rrp_is_the_h41_week_average_of_daily_take_up(latest: Dataset, raw_data: Path):
    """ON RRP weekly = the daily take-up averaged over the seven calendar days ending
    Wednesday, a Friday's carried over the weekend: the H.4.1's convention. It reproduces
    the Board's week average of reverse repos with others (RESPPLLRD_XAW_N.WW, H.4.1 Table 1
    download in data/raw/h41) within $1 mn in 99 of its 100 weeks (2023-01-11: 0.51 bn,
    the H.4.1 "others" line is not only the ON RRP facility)."""
    daily = _fred(raw_data, "RRPONTSYD")
    days = daily.reindex(pd.date_range("2022-09-22", "2022-09-28")).ffill()  # Thu .. Wed
    df = liabilities_weekly(latest)
    assert df.loc["2022-09-28", "on_rrp"] == pytest.approx(days.mean(), abs=1e-9)
    rows = list(csv.reader((raw_data / "h41/FRB_H41_factors_2021-04-28_2023-03-22.csv").open()))
    j = rows[5].index("RESPPLLRD_XAW_N.WW")
    board = pd.Series({pd.Timestamp(r[0]): int(r[j]) / 1000 for r in rows[6:]}, name="board")
    diff = (df["on_rrp"] - board).dropna()
    assert len(diff) == 100
    assert (diff.drop(pd.Timestamp("2023-01-11")).abs() <= 0.001).all()
    assert board.idxmax() == pd.Timestamp("2023-01-04") and board.max() == 2420.142
    assert df["on_rrp"].max() == pytest.approx(2420.142, abs=0.001)


def test_c1_on_rrp_daily_record_beside_the_weekly_peak(latest: Dataset, raw_data: Path):
    """The ON RRP record is daily: 2,553.716 bn on 2022-12-30 (FRED RRPONTSYD, exact). The
    2,334.3 bn of the week of 2022-09-28 is the mean of that week's five business days only;
    on the H.4.1 seven-day convention the weekly peak is 2,420.1 bn (week of 2023-01-04)."""
    daily = _fred(raw_data, "RRPONTSYD")
    assert daily.idxmax() == pd.Timestamp("2022-12-30") and daily.max() == 2553.716
    business_days = daily.loc["2022-09-22":"2022-09-28"]
    assert business_days.mean() == pytest.approx(2334.3016, abs=1e-9)
    for lang in ("en", "zh"):
        res = get_analysis("C1").run(latest, lang=lang)
        v = res.note_values("c1.note.rrp_daily")
        assert (v["date"], v["level"]) == ("2022-12-30", 2553.716)
        assert v["week"] == "2023-01-04"
        assert v["weekly"] == pytest.approx(2420.142, abs=0.001)
        text = next(n.text for n in res.notes if n.key == "c1.note.rrp_daily")
        assert ("2,553.7 bn" if lang == "en" else "2.55 万亿美元") in text
        peak = [n for n in res.notes if n.key == "c1.note.peak"]
        assert any(n.values["date"] == "2023-01-04" for n in peak)


def test_c1_stretch_before_runoff(eve: Dataset):
    res = get_analysis("C1").run(eve, lang="en")
    v = res.note_values("c1.note.stretch")
    assert v["start"] == "2021-12-08"  # the reserves peak
    assert v["end"] <= EVE_OF_QT2
    assert v["d_rrp"] > 0 > v["d_reserves"]
    assert max(res.table("c1_liabilities").index) <= EVE_OF_QT2


# --- both languages -------------------------------------------------------------------------
HISTORY_IDS = ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "C1")
_FIELD = re.compile(r"{[^}]*}")


def _english_fragments() -> set[str]:
    """Literal pieces of English catalogue texts that differ from their Chinese text."""
    from qtlab.i18n import catalogue

    en, zh = catalogue("en"), catalogue("zh")
    out: set[str] = set()
    for key, text in en.items():
        if text == zh[key]:
            continue
        for raw in _FIELD.split(text):
            piece = raw.strip(" ,.:;()[]")
            if len(piece) >= 8 and re.search(r"[a-z]{3}", piece) and piece not in zh[key]:
                out.add(piece)
    return out


def _texts(res) -> list[str]:
    out = [res.title, *(n.text for n in res.notes), *res.meta.get("gaps", ())]
    for tb in res.tables:
        out += [tb.title, *map(str, tb.frame.columns), str(tb.frame.index.name or "")]
        for col in tb.frame.columns:
            if tb.frame[col].dtype == object or str(tb.frame[col].dtype) == "str":
                out += [str(v) for v in tb.frame[col].unique()]
    for f in res.figures:
        lay = f.figure.layout
        out += [lay.title.text or "", lay.yaxis.title.text or "", lay.xaxis.title.text or ""]
        out += [a.text or "" for a in lay.annotations]
        out += [tr.name or "" for tr in f.figure.data]
        out += [str(x) for tr in f.figure.data for x in (getattr(tr, "text", None) or ())]
    return out


@pytest.mark.parametrize("aid", HISTORY_IDS)
def test_chinese_output_has_no_untranslated_english_label(aid: str, eve: Dataset):
    res = get_analysis(aid).run(eve, lang="zh")
    english = _english_fragments()
    leaks = {(text, e) for text in _texts(res) for e in english if e in text}
    assert not leaks
    assert re.search(r"[\u4e00-\u9fff]", res.title)


@pytest.mark.parametrize("when", ["2005-06-30", "2010-06-30", "2016-01-15"])
def test_every_history_analysis_runs_at_early_vantage_dates(when: str):
    """Before QT1 (even before the TGA and FRN data begin) each section still says what it can."""
    ds = shared(when)
    for aid in HISTORY_IDS:
        res = get_analysis(aid).run(ds, lang="en")
        for tb in res.tables:
            idx = [str(i) for i in tb.frame.index] if tb.frame.index.name else []
            assert all(i[:7] <= when[:7] for i in idx if re.match(r"^\d{4}-\d{2}", i)), aid
    a2 = get_analysis("A2").run(shared("2010-06-30"), lang="en")
    assert a2.note_values("a2.note.none") == {"date": "2010-06-30"}


def test_c1_draws_currency_from_the_data(eve: Dataset, raw_data: Path):
    """WCURCIR is in the snapshot (transcribed FRED copy): C1 draws it and marks no gap."""
    res = get_analysis("C1").run(eve, lang="en")
    cur = res.table("c1_liabilities")["Currency in circulation [USD bn]"]
    wcur = _fred_named(raw_data, "WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED")
    assert cur.notna().all()
    assert cur.loc["2022-05-25"] == wcur.loc["2022-05-25"] / 1000
    assert not [g for g in res.meta.get("gaps", ()) if "WCURCIR" in g]
    assert "WCURCIR" not in {n.values["id"] for n in res.notes if n.key == "c1.note.gap"}
