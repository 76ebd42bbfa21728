"""The report's first screen: key numbers read from the sections' notes, linked to them."""

from __future__ import annotations

import re

import pytest

from qtlab.analyses import get_analysis
from qtlab.report.html import render_page
from qtlab.report.summary import SUMMARY_ITEMS, summary_items
from qtlab.store import Dataset

SECTIONS = sorted({spec[1] for spec in SUMMARY_ITEMS})


@pytest.fixture(scope="module")
def today_en():
    ds = Dataset()
    return [get_analysis(s).run(ds, lang="en") for s in SECTIONS]


def _note(results, aid, key):
    res = next(r for r in results if r.id == aid)
    return [n.values for n in res.notes if n.key == key]


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_every_tile_is_there_today_and_says_what_its_section_says(today_en):
    items = summary_items(today_en, "en")
    assert [i.key for i in items] == [spec[0] for spec in SUMMARY_ITEMS]
    by = {i.key: i for i in items}
    latest = _note(today_en, "A4", "a4.note.latest")[0]
    assert by["balance_sheet"].value == f"{latest['total']:,.0f} bn"
    assert latest["date"] in by["balance_sheet"].detail
    reserves = next(v for v in _note(today_en, "C1", "c1.note.peak") if v["key"] == "reserves")
    assert by["reserves"].value == f"{reserves['latest']:,.0f} bn"
    peak = _note(today_en, "D2", "d2.note.peak")[0]
    assert by["ten_year"].value == f"{peak['mean']:.2f}%" and peak["month"] in by["ten_year"].detail
    assert {i.anchor for i in items} <= {s.lower() for s in SECTIONS}


def test_the_week_change_is_the_difference_of_the_last_two_weeks(today_en):
    ch = _note(today_en, "A4", "a4.note.changes")[0]
    res = next(r for r in today_en if r.id == "A4")
    tab = res.table("a4_assets")
    total = tab[next(c for c in tab.columns if c.startswith("Total assets"))]
    assert ch["d_total"] == pytest.approx(float(total.iloc[-1] - total.iloc[-2]), abs=1e-6)
    assert ch["date"] == str(tab.index[-1])[:10] and ch["prev"] == str(tab.index[-2])[:10]


def test_tiles_of_sections_not_run_are_left_out(today_en):
    only = [r for r in today_en if r.id in ("A4", "D2")]
    assert [i.key for i in summary_items(only, "en")] == ["balance_sheet", "changes", "ten_year"]
    assert summary_items([], "en") == []


def test_the_chinese_summary_writes_money_in_yi_and_links_every_tile():
    ds = Dataset(as_of="2022-05-31")
    results = [get_analysis(s).run(ds, lang="zh") for s in ("A4", "C1")]
    items = summary_items(results, "zh")
    assert [i.key for i in items] == ["balance_sheet", "changes", "reserves", "on_rrp"]
    text = " ".join(f"{i.value} {i.detail}" for i in items)
    assert "十亿美元" not in text and "亿美元" in text
    latest = _note(results, "A4", "a4.note.latest")[0]
    assert latest["date"] <= "2022-05-31"
    page = render_page(
        lang="zh",
        sections=(),
        provenance="",
        as_of="2022-05-31",
        generated="x",
        version="0",
        summary=items,
    )
    hrefs = re.findall(r'class="tile" href="#([a-z0-9]+)"', page)
    assert hrefs == [i.anchor for i in items] and 'id="summary"' in page
