"""E1's shipped forecast files: every file validates, every published number is there
with its source, the new quantities' realized values match the raw files by hand, the
vantage filter, and both languages."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources

import pandas as pd
import pytest
import yaml

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.analyses.scorecard import (
    QUANTITIES,
    Forecast,
    load_forecasts,
    parse_forecasts,
    realized,
    score,
    shipped_files,
)
from qtlab.errors import ParseError
from qtlab.i18n import t
from qtlab.present.localize import localized_table, localized_title
from qtlab.store import Dataset

M = pd.Period


@pytest.fixture(scope="module")
def today() -> Dataset:
    return shared()


def _f(q: str, value, horizon: str, made: str = "2022-05-31", **kw) -> Forecast:
    return Forecast(q, value, date.fromisoformat(made), M(horizon, freq="M"), "test", **kw)


def _raw(raw_data, name: str) -> pd.Series:
    df = pd.read_csv(raw_data / "fred" / f"{name}.csv", parse_dates=["date"])
    return df.set_index("date")["value"]


def _soma(raw_data, field: str) -> pd.Series:
    doc = json.loads((raw_data / "soma" / "soma_summary_2003-07-09_2026-03-11.json").read_text())
    rows = pd.DataFrame(doc["soma"]["summary"])
    s = pd.Series(
        pd.to_numeric(rows[field], errors="coerce").to_numpy() / 1e9,
        index=pd.to_datetime(rows["asOfDate"]),
    ).dropna()
    return s.groupby(s.index.to_period("M")).last()  # last weekly observation of the month


@pytest.mark.parametrize("name", shipped_files())
def test_each_shipped_file_loads_and_validates(name):
    text = (resources.files("qtlab.analyses") / "forecasts" / name).read_text(encoding="utf-8")
    fs = parse_forecasts(yaml.safe_load(text), file=name)
    assert fs and all(f.source and f.quantity in QUANTITIES for f in fs)
    if not name.startswith("qtlab_"):  # published numbers say where they were published
        assert all(f.cite for f in fs)


# (file, quantity, horizon, value): the numbers the publications give (see each file's cite)
PUBLISHED = [
    ("soochow_2022-05.yaml", "coupons_short_of_cap", "2022-09", True),
    ("soochow_2022-05.yaml", "coupons_short_of_cap", "2022-10", True),
    ("soochow_2022-05.yaml", "coupons_short_of_cap", "2022-12", True),
    ("soochow_2022-05.yaml", "bill_runoff", "2023-05", 44.1),
    ("soochow_2022-05.yaml", "first_mbs_sale_month", "2024-05", M("2022-09", freq="M")),
    ("soochow_2022-05.yaml", "ten_year_first_above", "2023-12", M("2022-11", freq="M")),
    ("soochow_2022-05.yaml", "dollar_index_peak", "2022-12", 108.0),
    ("soochow_2022-05.yaml", "assets_to_gdp_at", "2025-05", 20.0),
    ("industrial_2022-05.yaml", "fit_r_squared", "2022-06", 0.7587),
    ("industrial_2022-05.yaml", "ten_year_peak_level", "2024-12", 3.55),
    ("industrial_2022-05.yaml", "ten_year_peak_level", "2024-12", 4.14),
    ("industrial_2022-05.yaml", "ten_year_peak_level", "2024-12", 3.9),
    ("industrial_2022-05.yaml", "ten_year_peak_level", "2024-12", 4.77),
    ("industrial_2022-05.yaml", "ten_year_peak_month", "2024-12", M("2022-06", freq="M")),
    (
        "industrial_2022-05.yaml",
        "ten_year_peak_month",
        "2024-12",
        M("2022-06", freq="M"),
    ),  # reserves / GDP
    ("industrial_2022-05.yaml", "ten_year_annual_average", "2022-12", 2.7),
    ("industrial_2022-05.yaml", "ten_year_annual_average", "2023-12", 3.35),
    ("industrial_2022-05.yaml", "ten_year_annual_average", "2024-12", 3.0),
    ("industrial_2022-05.yaml", "reserve_change", "2024-05", -50.0),
    ("industrial_2022-05.yaml", "interest_above_gfc_peak", "2024-12", True),
    ("nyfed_2022-05.yaml", "soma_change", "2025-06", -2500.0),
    ("nyfed_2022-05.yaml", "soma_total_at", "2025-06", 5900.0),
    ("nyfed_2022-05.yaml", "reserves_to_gdp_at_runoff_end", "2025-12", 8.0),
    ("nyfed_2022-05.yaml", "soma_to_gdp_at_runoff_end", "2025-12", 22.0),
    ("nyfed_2022-05.yaml", "mbs_at", "2030-12", 1000.0),
    ("nyfed_2023-04.yaml", "soma_total_at", "2025-06", 5950.0),
    ("nyfed_2023-04.yaml", "treasuries_at", "2025-12", 3900.0),
    ("nyfed_2023-04.yaml", "reserves_at", "2026-12", 2400.0),
    ("nyfed_2023-04.yaml", "reserves_at", "2030-12", 2800.0),
    ("nyfed_2023-04.yaml", "mbs_at", "2030-12", 1200.0),
    ("nyfed_2023-04.yaml", "soma_total_at", "2030-12", 7200.0),
    ("dealers_2023-09.yaml", "runoff_end_month", "2025-12", M("2024-08", freq="M")),
    ("dealers_2023-09.yaml", "soma_at_runoff_end", "2025-12", 6750.0),
]
SOURCES = {
    "soochow_2022-05.yaml": "Soochow Securities (东吴证券)",
    "industrial_2022-05.yaml": "Industrial Securities (兴业证券)",
    "nyfed_2022-05.yaml": "Open Market Operations during 2021",
    "nyfed_2023-04.yaml": "Open Market Operations during 2022",
    "dealers_2023-09.yaml": "Survey of Primary Dealers, September 2023",
}


@pytest.mark.parametrize(("name", "quantity", "horizon", "value"), PUBLISHED)
def test_each_published_number_is_shipped_with_its_source(name, quantity, horizon, value):
    text = (resources.files("qtlab.analyses") / "forecasts" / name).read_text(encoding="utf-8")
    fs = parse_forecasts(yaml.safe_load(text), file=name)
    hits = [
        f for f in fs if f.quantity == quantity and str(f.horizon) == horizon and f.value == value
    ]
    assert len(hits) >= 1, (name, quantity, horizon, value)
    assert SOURCES[name] in hits[0].source


def test_published_files_are_all_in_the_list():
    """Every published forecast is checked above (a new one needs its test row)."""
    shipped = [n for n in shipped_files() if not n.startswith("qtlab_")]
    n = sum(
        len(load_forecasts(resources.files("qtlab.analyses") / "forecasts" / f)) for f in shipped
    )
    assert n == len(PUBLISHED)
    assert set(shipped) == set(SOURCES)


def test_ten_year_quantities_by_hand(raw_data, today):
    y = _raw(raw_data, "DGS10").dropna()
    monthly = y.groupby(y.index.to_period("M")).mean()
    after = monthly.loc["2022-06":"2023-12"]
    first = after[after > 3.2].index[0]
    got = realized(_f("ten_year_first_above", None, "2023-12", threshold=3.2), today)
    assert got == first == M("2022-09", freq="M")  # monthly averages; June 2022 averaged 3.14
    for year in (2022, 2023, 2024):
        got = realized(_f("ten_year_annual_average", 3.0, f"{year}-12"), today)
        assert got == pytest.approx(y[y.index.year == year].mean(), abs=1e-9)


def test_dollar_peak_by_hand(raw_data, today):
    d = _raw(raw_data, "DXY").loc["2022-06-01":"2022-12-31"]
    got = realized(_f("dollar_index_peak", 108.0, "2022-12"), today)
    assert got == pytest.approx(d.max()) and got == pytest.approx(114.11, abs=0.01)


def test_soma_quantities_by_hand(raw_data, today):
    total, bills = _soma(raw_data, "total"), _soma(raw_data, "bills")
    assert realized(_f("soma_total_at", 5900.0, "2025-06"), today) == pytest.approx(
        total[M("2025-06", freq="M")]
    )
    assert realized(_f("soma_change", -2500.0, "2025-06"), today) == pytest.approx(
        total[M("2025-06", freq="M")] - total[M("2022-05", freq="M")]
    )
    fall = bills[M("2022-05", freq="M")] - bills[M("2023-05", freq="M")]
    assert realized(_f("bill_runoff", 44.1, "2023-05"), today) == pytest.approx(fall)
    tsy = sum(_soma(raw_data, k) for k in ("bills", "notesbonds", "tips", "frn"))
    assert realized(_f("treasuries_at", 3900.0, "2025-12"), today) == pytest.approx(
        tsy[M("2025-12", freq="M")]
    )
    assert realized(_f("mbs_at", 1000.0, "2025-12"), today) == pytest.approx(
        _soma(raw_data, "mbs")[M("2025-12", freq="M")]
    )
    assert realized(_f("mbs_at", 1000.0, "2030-12"), today) == "pending"


def test_reserves_and_gdp_ratios_by_hand(raw_data, today):
    res = _raw(raw_data, "WRESBAL") / 1000.0  # millions in the raw file
    res_m = res.groupby(res.index.to_period("M")).mean()
    gdp = _raw(raw_data, "GDP")
    gdp_q = pd.Series(gdp.to_numpy(), index=gdp.index.to_period("Q"))
    assert realized(_f("reserves_at", 3000.0, "2025-06"), today) == pytest.approx(
        res_m[M("2025-06", freq="M")]
    )
    change = 100 * (res_m[M("2024-05", freq="M")] / res_m[M("2022-05", freq="M")] - 1)
    assert realized(_f("reserve_change", -50.0, "2024-05"), today) == pytest.approx(change)
    end = 100 * res_m[M("2025-11", freq="M")] / gdp_q[M("2025Q4", freq="Q")]
    got = realized(_f("reserves_to_gdp_at_runoff_end", 8.0, "2025-12"), today)
    assert got == pytest.approx(end)
    walcl = _raw(raw_data, "WALCL") / 1000.0
    a = walcl.groupby(walcl.index.to_period("M")).mean()[M("2025-05", freq="M")]
    got = realized(_f("assets_to_gdp_at", 20.0, "2025-05"), today)
    assert got == pytest.approx(100 * a / gdp_q[M("2025Q2", freq="Q")])
    assert 20.0 < got < 24.0


def test_yes_no_quantities_by_hand(raw_data, today):
    h = pd.read_csv(raw_data / "soma" / "soma_tsy_agency_cmbs_2022-02-16.csv")
    h = h[h["Security Type"].isin(["NotesBonds", "TIPS", "FRN"])]
    due = h["Maturity Date"].str[:7]
    for month, cap in (("2022-09", 60.0), ("2022-10", 60.0), ("2022-12", 60.0)):
        par = h.loc[due == month, "Par Value"].astype(float).sum() / 1e9
        got = realized(_f("coupons_short_of_cap", True, month), today)
        assert got is bool(par < cap), (month, par)
    i, g = _raw(raw_data, "A091RC1Q027SBEA"), _raw(raw_data, "GDP")
    ratio = (100 * i / g).dropna()
    above = ratio[ratio.index.year == 2024].mean() > ratio.loc["2007":"2009"].max()
    assert realized(_f("interest_above_gfc_peak", True, "2024-12"), today) is bool(above)
    assert realized(_f("fit_r_squared", 0.7587, "2022-06"), today) == "n/a"


def test_yes_no_and_threshold_format_errors():
    base = {"made": "2022-05-31", "horizon": "2022-09", "source": "s"}
    with pytest.raises(ParseError, match=r"forecasts\[0\].value.*yes or no"):
        parse_forecasts({"forecasts": [{**base, "quantity": "coupons_short_of_cap", "value": 3}]})
    with pytest.raises(ParseError, match=r"forecasts\[0\].threshold"):
        parse_forecasts(
            {"forecasts": [{**base, "quantity": "ten_year_first_above", "value": "2022-10"}]}
        )
    ok = parse_forecasts(
        {"forecasts": [{**base, "quantity": "coupons_short_of_cap", "value": "no"}]}
    )
    assert ok[0].value is False


def test_scored_table_and_hits(today):
    table = score(load_forecasts(), today)
    sooc = table[table["source"].str.startswith("Soochow")]
    assert sooc.loc[sooc["quantity"] == "coupons_short_of_cap", "hit"].tolist() == [True] * 3
    sale = sooc[sooc["quantity"] == "first_mbs_sale_month"].iloc[0]
    assert sale["realized"] == "none" and sale["hit"] is False  # no MBS were sold in QT2
    r2 = table[table["quantity"] == "fit_r_squared"].iloc[0]
    assert r2["realized"] == "n/a" and pd.isna(r2["error"])


def test_comparison_table_has_every_source_and_the_realized_path(today):
    paths = get_analysis("E1").run(today, lang="en").table("e1_paths")
    made = set(paths["made"])
    assert {"2022-05-31", "2023-04-30", "2023-09-30"} <= made  # NY Fed and qtlab at each date
    real = paths[paths["source"] == "realized (data)"].iloc[0]
    assert real["soma_total_at 2030-12 [USD bn]"] == "pending"
    assert float(real["soma_total_at 2025-06 [USD bn]"]) == pytest.approx(6242.1, abs=1.0)
    ny = paths[paths["source"].str.contains("during 2022")].iloc[0]
    assert ny["soma_total_at 2030-12 [USD bn]"] == 7200.0
    assert ny["mbs_at 2030-12 [USD bn]"] == 1200.0
    assert "qtlab 2023-04" in {
        tr.name for tr in get_analysis("E1").run(today).figure("e1_errors").data
    }


@pytest.mark.parametrize(
    ("vantage", "has", "lacks"),
    [
        ("2022-05-31", "Open Market Operations during 2021", "Open Market Operations during 2022"),
        ("2023-04-30", "Open Market Operations during 2022", "Survey of Primary Dealers"),
        ("2023-09-30", "Survey of Primary Dealers", "no such source"),
    ],
)
def test_e1_at_a_vantage_shows_only_what_was_made_by_then(vantage, has, lacks):
    res = get_analysis("E1").run(shared(vantage), lang="en")
    tb = res.table("e1_scorecard")
    assert (tb["made"] <= vantage).all()
    assert tb["source"].str.contains(has).any()
    assert not tb["source"].str.contains(lacks).any()
    # scoring reads the outcomes after the vantage, and says so
    assert any("after the vantage" in n.text for n in res.notes)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_e1_words_in_both_languages(lang, today):
    for q in QUANTITIES:
        assert t(f"e1.how.{q}", lang) and t(f"e1.short.{q}", lang)
    res = get_analysis("E1").run(today, lang=lang)
    assert {tb.name for tb in res.tables} == {"e1_scorecard", "e1_paths"}
    if lang == "zh":
        assert "预测" in res.title and "准备金" in t("e1.short.reserves_at", "zh")


CJK = re.compile(r"[\u4e00-\u9fff]")
_SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def test_e1_in_chinese_names_quantities_units_and_sources_in_chinese(today):
    """The zh scorecard: quantities as catalogue labels (no id, no snake_case), units as
    words, publishers named in Chinese, qtlab's own notes in Chinese; third parties'
    notes quoted as published and marked so; the paths table in 亿美元 (x10)."""
    c = get_analysis("E1").compute(today)
    raw = c.table("scorecard")
    zh = get_analysis("E1").render(c, "zh")
    tb = zh.table("e1_scorecard")
    assert len(tb) == len(raw)
    ids = set(QUANTITIES)
    for label in tb["quantity"]:
        assert label not in ids and not _SNAKE.search(label) and CJK.search(label), label
    assert set(tb["quantity"]) == {t(f"e1.quantity.{q}", "zh") for q in raw["quantity"]}
    assert not set(tb["units"]) & {"month", "months", "yes/no", "% of GDP", "R-squared"}
    assert "月份" in set(tb["units"])
    own = raw["source"].str.startswith("qtlab").to_numpy()
    assert own.any() and (~own).any()
    assert all(CJK.search(s) for s in tb["source"]), set(tb["source"])  # shipped files only
    assert all(
        CJK.search(n) and not _SNAKE.search(n.split("；默认设定")[0]) for n in tb["note"][own]
    )
    assert (tb["note"][~own] == raw["note"][~own]).all()  # quoted as published
    assert set(tb["note_by"][~own]) <= {t("e1.note_by.quoted", "zh"), ""}
    assert set(tb["note_by"][own]) == {t("e1.note_by.qtlab", "zh")}
    assert (tb["cite"] == raw["cite"]).all()
    # the shown table: quantity column in Chinese; USD bn rows in 亿美元 (x10)
    shown = localized_table(tb, "zh")
    money = (raw["units"] == "USD bn").to_numpy() & raw["forecast"].map(
        lambda v: isinstance(v, float)
    ).to_numpy()
    assert money.any()
    fc = t("columns.forecast", "zh")
    assert [float(v) for v in shown[fc][money]] == pytest.approx(
        [10.0 * float(v) for v in raw["forecast"][money]]
    )
    assert set(shown[t("columns.units", "zh")][money]) == {"亿美元"}
    # the paths table: every point in USD bn, shown in 亿美元 (x10) under a title that says so
    paths = zh.table("e1_paths")
    points = [col for col in paths.columns if col not in ("source", "made")]
    assert points and all(col.endswith(" [USD bn]") for col in points)
    shown_paths = localized_table(paths, "zh")
    assert all("[亿美元]" in str(col) for col in shown_paths.columns[2:])
    en_paths = get_analysis("E1").render(c, "en").table("e1_paths")
    col = "soma_total_at 2025-06 [USD bn]"
    assert float(shown_paths.iloc[0, 2]) == pytest.approx(10.0 * float(en_paths[col].iloc[0]))
    title = next(x.title for x in zh.tables if x.name == "e1_paths")
    assert "亿美元" in localized_title(title, "zh", paths) and "十亿" not in localized_title(
        title, "zh", paths
    )
    assert paths["source"].iloc[-1] == t("e1.realized_row", "zh")
    # the notes name quantities by their labels, not their ids
    assert not any(q in n.text for n in zh.notes for q in ids)
