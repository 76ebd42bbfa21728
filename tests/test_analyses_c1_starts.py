"""C1's liability side at the QT1 and QT2 starts, against the Board's H.4.1 downloads.

Every expected number is read here from the raw CSVs in data/raw/h41 (the Board's Data
Download Program files, millions): the table must show each line exactly (divided by
1,000), and the lines must add up to the table's own total within the H.4.1's rounding.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.schema import USD_BN
from qtlab.store import Dataset

FILES = {
    "qt1": "h41/FRB_H41_table5_2016-02-03_2017-12-27.csv",
    "qt2": "h41/FRB_H41_factors_2021-04-28_2023-03-22.csv",
}


@pytest.fixture(scope="module")
def latest() -> Dataset:
    return shared()


def _board(raw_data: Path, episode: str, board_id: str, day: str) -> float:
    rows = list(csv.reader((raw_data / FILES[episode]).open(encoding="utf-8")))
    j = rows[5].index(board_id)
    (row,) = [r for r in rows[6:] if r[0] == day]
    return int(row[j]) / 1000


@pytest.mark.parametrize(
    ("episode", "sid", "board_id", "start", "later"),
    [
        ("qt1", "h41.fr_notes", "RESPPLLN_N.WW", "2017-10-04", "2017-12-27"),
        ("qt1", "h41.tga", "RESPPLLDT_N.WW", "2017-10-04", "2017-12-27"),
        ("qt1", "h41.deferred_availability", "RESPPMLLC_N.WW", "2017-10-04", "2017-12-27"),
        ("qt1", "h41.total_assets", "RESPPMA_N.WW", "2017-10-04", "2017-12-27"),
        ("qt2", "h41.currency_in_circulation", "RESTBC_N.WW", "2022-06-01", "2023-03-22"),
        ("qt2", "h41.reverse_repos.foreign_official", "RESPPLLRF_N.WW", "2022-06-01", "2023-03-22"),
        ("qt2", "h41.reverse_repos.others", "RESPPLLRD_N.WW", "2022-06-01", "2023-03-22"),
        ("qt2", "h41.loans.btfp", "RESPPALDK_N.WW", "2022-06-01", "2023-03-22"),
    ],
)
def test_start_tables_show_the_boards_lines(
    latest: Dataset, raw_data: Path, episode: str, sid: str, board_id: str, start: str, later: str
) -> None:
    res = get_analysis("C1").run(latest, lang="en")
    tab = res.table(f"c1_{episode}_liabilities").set_index("Series")
    assert tab.loc[sid, f"{start} [USD bn]"] == _board(raw_data, episode, board_id, start)
    assert tab.loc[sid, f"{later} [USD bn]"] == _board(raw_data, episode, board_id, later)
    assert tab.loc[sid, "Change [USD bn]"] == pytest.approx(
        _board(raw_data, episode, board_id, later) - _board(raw_data, episode, board_id, start)
    )
    # the same numbers in the computed table, language-free, with their units
    c = get_analysis("C1").compute(latest)
    tidy = c.table(f"{episode}_liabilities").set_index("series")
    assert tidy.loc[sid, "at_start"] == _board(raw_data, episode, board_id, start)
    assert tidy.loc[sid, "later"] == _board(raw_data, episode, board_id, later)
    assert c.units(f"{episode}_liabilities")["at_start"] == USD_BN
    dates = c.meta["starts"][episode]
    assert (dates["start"], dates["later"]) == (start, later)


@pytest.mark.parametrize("episode", ["qt1", "qt2"])
def test_lines_add_up_to_the_total_every_week(latest: Dataset, episode: str) -> None:
    """Table 5: liabilities + capital = total assets; Table 1: factors absorbing + reserves =
    factors supplying; each line is rounded to $1 mn, so within $3 mn (the Board's totals)."""
    c = get_analysis("C1").compute(latest)
    kinds = c.table(f"{episode}_liabilities").groupby("kind")["series"].apply(list)
    (total,) = kinds["total"]
    df = c.series[f"{episode}_side"]
    assert len(df) == 100  # SOURCES.md: 100 weeks in each download
    gap = (df[kinds["line"]].sum(axis=1) - df[total]).abs()
    assert gap.max() <= 0.003 + 1e-9


def test_qt1_and_qt2_notes_and_figures_in_both_languages(latest: Dataset) -> None:
    for lang in ("en", "zh"):
        res = get_analysis("C1").run(latest, lang=lang)
        v1, v2 = res.note_values("c1.starts.note.qt1"), res.note_values("c1.starts.note.qt2")
        assert (v1["start"], v1["later"], v1["weeks"]) == ("2017-10-04", "2017-12-27", 12)
        assert v1["currency"] == 1535.748  # Federal Reserve notes, RESPPLLN_N.WW
        assert v1["total"] == 4460.422  # total assets = WALCL 2017-10-04
        assert (v2["start"], v2["later"], v2["weeks"]) == ("2022-06-01", "2023-03-22", 42)
        assert v2["currency"] == 2280.139  # currency in circulation, RESTBC_N.WW
        assert v2["total"] == 8964.547
        shorts = [n for n in res.notes if n.key == "c1.starts.note.short"]
        assert [n.values["end"] for n in shorts] == ["2017-12-27", "2023-03-22"]
        figs = {f.name for f in res.figures}
        assert {"c1_qt1_stack", "c1_qt2_stack"} <= figs
        stack = next(f.figure for f in res.figures if f.name == "c1_qt2_stack")
        table = get_analysis("C1").compute(latest).table("qt2_liabilities")
        assert len(stack.data) == (table["kind"] == "line").sum() == 11
        assert all(tr.stackgroup == "liabilities" for tr in stack.data)
        if lang == "zh":
            text = next(n.text for n in res.notes if n.key == "c1.starts.note.qt2")
            assert "2.28 万亿美元" in text and re.search(r"[\u4e00-\u9fff]", text)
            tab = res.table("c1_qt2_liabilities")
            assert "流通中货币" in set(tab.iloc[:, 0])


def test_before_qt2_only_qt1_is_shown(latest: Dataset) -> None:
    res = get_analysis("C1").run(shared("2022-05-31"), lang="en")
    assert [t.name for t in res.tables] == ["c1_liabilities", "c1_qt1_liabilities"]
    v = res.note_values("c1.starts.note.none")
    assert v["start"] == "2022-06-01"
    df = get_analysis("C1").compute(shared("2022-05-31")).series["qt2_side"]
    assert df.index.max() <= pd.Timestamp("2022-05-31")
