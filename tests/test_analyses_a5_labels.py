"""A5 labels every table and figure with the date of its own data, and states why the
2022 analyst report's WAM of 11.28 years is not reproduced (checked on the raw files)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.analyses.a5_portfolio import WAM_REPORTED_2022_05

TSY_FILE = "soma/soma_tsy_agency_cmbs_2022-02-16.csv"
SUMMARY = "soma/soma_summary_2003-07-09_2026-03-11.json"


def _treasury_par_weekly(raw_data: Path, day: str) -> float:
    doc = json.loads((raw_data / SUMMARY).read_text())
    rec = next(r for r in doc["soma"]["summary"] if r["asOfDate"] == day)
    return sum(float(rec[k] or 0) for k in ("bills", "notesbonds", "tips", "frn")) / 1e9


def _wam(raw_data: Path, at: str) -> float:
    raw = pd.read_csv(raw_data / TSY_FILE)
    tsy = raw[raw["Security Type"].isin(["Bills", "NotesBonds", "TIPS", "FRNs"])]
    par = tsy["Par Value"].astype(float)
    yrs = (pd.to_datetime(tsy["Maturity Date"]) - pd.Timestamp(at)).dt.days / 365.25
    keep = yrs > 0
    return float((par[keep] * yrs[keep]).sum() / par[keep].sum())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_table_and_figure_names_its_own_date(lang: str) -> None:
    res = get_analysis("A5").run(shared(), lang=lang)
    titles = {tb.name: tb.title for tb in res.tables}
    assert "2026-03-11" in titles["a5_composition"] and "2022-02-16" not in titles["a5_composition"]
    assert "2022-02-16" in titles["a5_wam"] and "2026-03-11" not in titles["a5_wam"]
    assert "2022-02-16" in titles["a5_buckets"]
    figs = {f.name: f.figure.layout.title.text for f in res.figures}
    assert "2026-03-11" in figs["a5_composition"] and "2017-10-04" in figs["a5_composition"]
    assert "2022-02-16" in figs["a5_buckets"]


def test_the_two_dates_are_stated_first(raw_data: Path) -> None:
    res = get_analysis("A5").run(shared(), lang="en")
    first = res.notes[0]
    assert first.key == "a5.note.dates"
    v = first.values
    assert (v["date"], v["file"], v["days"]) == ("2026-03-11", "2022-02-16", 1484)
    assert v["tsy_file"] == pytest.approx(_treasury_par_weekly(raw_data, "2022-02-16"))
    assert v["tsy_now"] == pytest.approx(_treasury_par_weekly(raw_data, "2026-03-11"))
    eve = get_analysis("A5").run(shared("2022-05-31"), lang="en")
    assert eve.note_values("a5.note.dates")["days"] == 98  # 2022-02-16 to 2022-05-25


def test_wam_of_11_28_years_is_stated_as_not_reproduced(raw_data: Path) -> None:
    res = get_analysis("A5").run(shared(), lang="en")
    v = res.note_values("a5.note.wam_reference")
    assert v["reported"] == WAM_REPORTED_2022_05 == 11.28
    # par-weighted Treasury WAM of the one Treasury CUSIP file, at its date and aged to
    # the end of May 2022 (same securities): far from 11.28, so it is not that measure
    assert v["wam_file"] == pytest.approx(_wam(raw_data, "2022-02-16"), rel=1e-9)
    assert v["wam_may"] == pytest.approx(_wam(raw_data, "2022-05-31"), rel=1e-9)
    assert abs(v["wam_may"] - 11.28) > 3 and abs(v["wam_all"] - 11.28) > 2
    text = next(n.text for n in res.notes if n.key == "a5.note.wam_reference")
    assert "not reproduced" in text and "definition" in text
    # not before the month it describes has ended
    eve = get_analysis("A5").run(shared("2022-05-31"), lang="en")
    assert all(n.key != "a5.note.wam_reference" for n in eve.notes)
    zh = get_analysis("A5").run(shared(), lang="zh")
    assert "未能复现" in next(n.text for n in zh.notes if n.key == "a5.note.wam_reference")
