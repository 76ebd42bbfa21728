"""A2 (plans compared) and A5 (portfolio at a date) against the FOMC plans and the raw files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.analyses.a2_plans import plan_summary, visible_plan
from qtlab.errors import SpecError
from qtlab.policy import load_preset
from qtlab.store import Dataset


@pytest.fixture(scope="module")
def latest() -> Dataset:
    return shared()


@pytest.fixture(scope="module")
def eve() -> Dataset:
    return shared("2022-05-31")


# --- A2 ---------------------------------------------------------------------------------
def test_a2_qt1_phase_in_matches_the_2017_addendum():
    # FOMC addendum of 2017-06-14: 6/4 a month rising by 6/4 every three months to 30/20
    s = plan_summary(load_preset("qt1-2017"))
    assert (s["first_treasury"], s["first_agency"]) == (6.0, 4.0)
    assert (s["peak_treasury"], s["peak_agency"], s["peak_combined"]) == (30.0, 20.0, 50.0)
    assert s["phase_in_months"] == 12  # 30/20 from October 2018
    assert s["cum_12m"] == pytest.approx(3 * (10 + 20 + 30 + 40))  # 3 months per step


def test_a2_qt2_as_announced_matches_the_may_2022_plan():
    # Plans of 2022-05-04: 30/17.5 for June-August 2022, then 60/35
    s = plan_summary(load_preset("qt2-announced"))
    assert (s["first_treasury"], s["first_agency"]) == (30.0, 17.5)
    assert (s["peak_treasury"], s["peak_agency"]) == (60.0, 35.0)
    assert s["phase_in_months"] == 3
    assert s["cum_12m"] == pytest.approx(3 * 47.5 + 9 * 95)


def test_a2_tables_notes_and_figure(latest: Dataset):
    res = get_analysis("A2").run(latest, lang="en")
    plans = res.table("a2_plans")
    assert list(plans["Plan"]) == ["QT1 (2017)", "QT2 as announced (May 2022)", "QT2 as realized"]
    regimes = res.table("a2_regimes")
    realized = regimes[regimes["Plan"] == "QT2 as realized"]
    assert list(realized["From"]) == ["2022-06", "2022-09", "2024-06", "2025-04", "2025-12"]
    assert list(realized["Treasury cap [USD bn per month]"]) == [30, 60, 25, 5, 0]
    assert realized["Source"].str.contains("2024-05-01").sum() == 1
    end = res.note_values("a2.note.end")
    assert end["start"] == "2025-12" and end["bills"] == 40
    amend = [n.values["start"] for n in res.notes if n.key == "a2.note.amendment"]
    assert amend == ["2024-06", "2025-04"]  # 2022-09 is part of the plan as announced
    fig = res.figure("a2_cap_paths")
    qt1 = next(tr for tr in fig.data if tr.name == "QT1 (2017)")
    assert list(qt1.y[:13]) == [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40, 50]


def test_a2_as_of_shows_only_what_was_announced(eve: Dataset):
    res = get_analysis("A2").run(eve, lang="en")
    regimes = res.table("a2_regimes")
    realized = regimes[regimes["Plan"] == "QT2 as realized"]
    assert list(realized["From"]) == ["2022-06", "2022-09"]  # the later amendments are unknown
    assert not [n for n in res.notes if n.key in ("a2.note.amendment", "a2.note.end")]
    refs = res.meta["references"]  # the provenance appendix cites each visible regime
    assert {r["vintage"] for r in refs} == {"2017-06-14", "2019-03-20", "2019-07-31", "2022-05-04"}
    p = visible_plan(load_preset("qt2-realized"), pd.Timestamp("2022-05-03"))
    assert p is None  # the plan was announced on 2022-05-04


def test_a2_unknown_plan(latest: Dataset):
    with pytest.raises(SpecError, match=r"unknown plan 'qt3'.*'qt1-2017'"):
        get_analysis("A2").run(latest, lang="en", plans=("qt3",))


# --- A5 ---------------------------------------------------------------------------------
def _summary_week(shared: Path, day: str) -> dict[str, float]:
    doc = json.loads((shared / "soma" / "soma_summary_2003-07-09_2026-03-11.json").read_text())
    rec = next(r for r in doc["soma"]["summary"] if r["asOfDate"] == day)
    return {k: float(v or 0) / 1e9 for k, v in rec.items() if k != "asOfDate"}


def test_a5_composition_on_the_eve_of_qt2_and_at_qt1_start(eve: Dataset, raw_data: Path):
    res = get_analysis("A5").run(eve, lang="en")
    comp = res.table("a5_composition").set_index("Kind")
    now, then = _summary_week(raw_data, "2022-05-25"), _summary_week(raw_data, "2017-10-04")
    assert comp.loc["Agency MBS", "Par on 2022-05-25 [USD bn]"] == pytest.approx(now["mbs"])
    assert comp.loc["Bills", "Par on 2017-10-04 [USD bn]"] == pytest.approx(then["bills"])
    total = sum(now[k] for k in ("bills", "notesbonds", "tips", "frn", "mbs", "cmbs", "agencies"))
    assert comp["Share on 2022-05-25 [%]"].sum() == pytest.approx(100)
    assert res.note_values("a5.note.composition")["total"] == pytest.approx(total)
    assert total == pytest.approx(now["total"], abs=1e-3)  # the summary's own total


def test_a5_wam_from_the_2022_cusip_file(eve: Dataset, raw_data: Path):
    raw = pd.read_csv(raw_data / "soma" / "soma_tsy_agency_cmbs_2022-02-16.csv")
    tsy = raw[raw["Security Type"].isin(["Bills", "NotesBonds", "TIPS", "FRNs"])]
    par = tsy["Par Value"].astype(float)
    yrs = (pd.to_datetime(tsy["Maturity Date"]) - pd.Timestamp("2022-02-16")).dt.days / 365.25
    keep = yrs > 0
    expect = float((par[keep] * yrs[keep]).sum() / par[keep].sum())
    res = get_analysis("A5").run(eve, lang="en")
    assert res.note_values("a5.note.wam")["wam"] == pytest.approx(expect, rel=1e-9)
    buckets = res.table("a5_buckets")
    assert buckets["Share [%]"].sum() == pytest.approx(100)
    assert buckets["Total [USD bn]"].sum() == pytest.approx(par[keep].sum() / 1e9)
    # no Treasury CUSIP file at QT1 start: said, not invented
    assert any("2017-10-04" in g for g in res.meta["gaps"])
    assert len(res.figures) == 2
