"""Tables and figures as readers see them: labelled headers, Chinese money in 亿美元.

The analyses' results keep stable column keys in USD bn (tests and scripts read them);
the report and the dashboard show each table and figure through
:mod:`qtlab.present.localize`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.i18n import catalogue
from qtlab.present.localize import (
    column_label,
    localized_figure,
    localized_table,
    localized_title,
)

EVE_OF_QT2 = "2022-05-31"
SNAKE_HEADER = re.compile(r"^[a-z][a-z0-9_]*( \[.*\])?$")


def test_every_column_label_exists_in_both_languages():
    en = {k for k in catalogue("en") if k.startswith(("columns.", "present."))}
    zh = {k for k in catalogue("zh") if k.startswith(("columns.", "present."))}
    assert en == zh and len(en) > 150
    assert not any("十亿" in catalogue("zh")[k] for k in zh)


@pytest.mark.parametrize(
    ("header", "lang", "label", "money"),
    [
        ("bills_maturing [USD bn]", "en", "Bills maturing [USD bn]", True),
        ("bills_maturing [USD bn]", "zh", "到期国库券 [亿美元]", True),
        ("error_pct [%]", "zh", "误差 [%]", False),
        ("paydowns_+100bp [USD bn]", "en", "Paydowns (+100 bp) [USD bn]", True),
        ("paydowns_-250bp [USD bn]", "zh", "本金偿还（-250 个基点） [亿美元]", True),
        ("soma_total_at 2030-12 [USD bn]", "en", "SOMA holdings 2030-12 [USD bn]", True),
        ("month", "zh", "月份", False),
        ("总资产 [十亿美元]", "zh", "总资产 [亿美元]", True),  # written in Chinese already
        ("Total assets [USD bn]", "en", "Total assets [USD bn]", False),  # already a label
        ("no_such_key", "en", "no_such_key", False),  # unknown keys are kept as they are
        (2017, "zh", 2017, False),
    ],
)
def test_a_header_becomes_its_label(header, lang, label, money):
    assert column_label(header, lang) == (label, money)


def test_chinese_tables_show_money_in_hundreds_of_millions():
    frame = pd.DataFrame(
        {
            "reserves [USD bn]": [3000.5, 2900.25],
            "error_pct [%]": [1.5, 2.0],
            "qt2_projected": [False, True],
            "months_of_runoff": [12, 13],
        },
        index=pd.Index(["2022-06", "2022-07"], name="month"),
    )
    before = frame.copy()
    zh = localized_table(frame, "zh")
    assert list(zh.columns) == ["准备金 [亿美元]", "误差 [%]", "QT2 为预测值", "缩表月数"]
    assert zh.index.name == "月份"
    assert zh["准备金 [亿美元]"].tolist() == [30005.0, 29002.5]
    assert zh["误差 [%]"].tolist() == [1.5, 2.0]  # percent is not money
    assert zh["QT2 为预测值"].tolist() == ["否", "是"]
    assert zh["缩表月数"].tolist() == [12, 13]
    en = localized_table(frame, "en")
    assert en["Reserves [USD bn]"].tolist() == [3000.5, 2900.25]
    assert en["QT2 projected"].tolist() == [False, True]
    pd.testing.assert_frame_equal(frame, before)  # the analysis's table is not changed


def test_rows_in_a_money_unit_are_scaled_and_relabelled():
    """E1 and F2 tables give each row its unit: only the money rows change."""
    frame = pd.DataFrame(
        {
            "quantity": ["soma_total", "ten_year_peak_level", "runoff_end_month"],
            "units": ["USD bn", "%", "month"],
            "forecast": [5900.0, 3.5, "2024-08"],
            "horizon": [12, 12, 12],
            "error_pct [%]": [1.0, 2.0, 3.0],
        }
    )
    zh = localized_table(frame, "zh")
    assert zh["单位"].tolist() == ["亿美元", "%", "month"]
    assert zh["预测值"].tolist() == [59000.0, 3.5, "2024-08"]
    assert zh["预测期"].tolist() == [12, 12, 12]  # counts are not amounts
    assert zh["误差 [%]"].tolist() == [1.0, 2.0, 3.0]


def test_a_chinese_title_states_the_unit_its_numbers_are_in():
    money = pd.DataFrame({"reserves [USD bn]": [1.0]})
    unitless = pd.DataFrame({"treasury_tye": [1.0]})
    assert localized_title("负债（十亿美元）", "zh", money) == "负债（亿美元）"
    assert localized_title("负债（十亿美元）", "zh", unitless) == "负债（十亿美元）"
    assert localized_title("Liabilities (USD bn)", "en", money) == "Liabilities (USD bn)"


def test_chinese_figures_scale_what_is_drawn_on_a_money_axis():
    fig = go.Figure()
    fig.add_scatter(x=[1, 2], y=[10.0, 20.0], name="准备金", hovertemplate="%{y} 十亿美元")
    fig.add_scatter(x=[1, 2], y=[1.0, 2.0], yaxis="y2", name="比率")
    fig.add_hline(y=15.0, annotation_text="下限")
    fig.update_layout(
        yaxis={"title": {"text": "十亿美元"}, "range": [0, 30]},
        yaxis2={"title": {"text": "%"}, "overlaying": "y", "side": "right"},
    )
    zh = localized_figure(fig, "zh")
    assert list(zh.data[0].y) == [100.0, 200.0] and list(zh.data[1].y) == [1.0, 2.0]
    assert zh.data[0].hovertemplate == "%{y} 亿美元"
    assert zh.layout.yaxis.title.text == "亿美元" and list(zh.layout.yaxis.range) == [0, 300]
    assert zh.layout.shapes[0].y0 == zh.layout.shapes[0].y1 == 150.0
    assert list(fig.data[0].y) == [10.0, 20.0]  # a copy: the analysis's figure is unchanged
    en = localized_figure(fig, "en")
    assert list(en.data[0].y) == [10.0, 20.0]


@pytest.mark.parametrize("aid", ["B2", "C2", "F1"])
def test_a_real_figure_reads_ten_times_its_billions_in_chinese(aid: str):
    res = get_analysis(aid).run(shared(EVE_OF_QT2), lang="zh")
    for f in res.figures:
        zh = localized_figure(f.figure, "zh")
        assert "十亿美元" not in zh.to_json()
        for a, b in zip(f.figure.data, zh.data, strict=True):
            ya = np.asarray(a.y, dtype=float)
            np.testing.assert_allclose(np.asarray(b.y, dtype=float), ya * 10)


@pytest.mark.parametrize("aid", ["B1", "B2", "B3", "B4", "C2", "C3", "D3", "E2", "F1"])
def test_no_table_header_is_a_bare_key_after_localizing(aid: str):
    """Every keyed header these sections write has a label in both languages."""
    ctx = shared(EVE_OF_QT2)
    for lang in ("en", "zh"):
        for tb in get_analysis(aid).run(ctx, lang=lang).tables:
            shown = localized_table(tb.frame, lang)
            names = [str(c) for c in shown.columns] + [str(n) for n in shown.index.names if n]
            bare = [c for c in names if SNAKE_HEADER.match(c)]
            assert bare == [], (aid, tb.name, lang, bare)
            if lang == "zh":
                assert not any("十亿美元" in c for c in names)


def test_chinese_date_axes_are_numbers_not_english_month_names():
    """Plotly writes "Jan 2023" on a date axis; a Chinese figure reads 2023-01 (ticks) and
    2023年01月 (hover); an English one keeps its format."""
    res = get_analysis("B2").run(shared(EVE_OF_QT2), lang="zh")
    zh = localized_figure(res.figures[0].figure, "zh")
    assert zh.layout.xaxis.tickformat == "%Y-%m" and zh.layout.xaxis.hoverformat == "%Y年%m月"
    en_res = get_analysis("B2").run(shared(EVE_OF_QT2), lang="en")
    en = localized_figure(en_res.figures[0].figure, "en")
    assert en.layout.xaxis.tickformat is None and en.layout.xaxis.hoverformat == "%b %Y"
