"""Money in prose: the ``{x:money}`` field of :mod:`qtlab.i18n`.

Amounts reach every template in USD bn; Chinese texts write them as a Chinese research
note does (亿美元 below 1,000 bn, 万亿美元 from there), English ones as "1,234.5 bn".
"""

from __future__ import annotations

import math
import re
import string
from typing import Any

import pandas as pd
import pytest

from qtlab.analyses import get_analysis
from qtlab.errors import SpecError
from qtlab.i18n import catalogue, money, t
from qtlab.store import Dataset

_FMT = string.Formatter()
_MONEY_SPECS = ("money", "+money")


@pytest.mark.parametrize(
    ("bn", "text"),
    [
        (8965.5, "8.97 万亿美元"),
        (1000.0, "1.00 万亿美元"),
        (999.96, "1.00 万亿美元"),  # 9,999.6 亿 rounds to 10,000 亿: the larger unit
        (999.94, "9999 亿美元"),
        (14.0, "140 亿美元"),
        (10.0, "100 亿美元"),
        (9.996, "100 亿美元"),  # 99.96 亿 rounds to 100 亿: no decimals
        (9.994, "99.9 亿美元"),
        (2.5, "25 亿美元"),
        (0.35, "3.5 亿美元"),
        (0.0, "0 亿美元"),
        (-0.001, "0 亿美元"),  # no "-0"
        (-1200.0, "-1.20 万亿美元"),
        (-14.0, "-140 亿美元"),
    ],
)
def test_zh_money_units_and_decimals(bn: float, text: str) -> None:
    assert money(bn, "zh") == text


@pytest.mark.parametrize(
    ("bn", "text"),
    [
        (14.0, "+140 亿美元"),
        (-1200.0, "-1.20 万亿美元"),
        (0.0, "+0 亿美元"),
        (2500.0, "+2.50 万亿美元"),
    ],
)
def test_zh_money_sign(bn: float, text: str) -> None:
    assert money(bn, "zh", sign=True) == text
    assert t("c1.note.stretch", "zh", **_stretch(d_rrp=bn)).count(text) == 1


def _stretch(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        start="2021-12-08",
        end="2022-05-25",
        rrp0=1474.6,
        rrp1=1999.0,
        d_rrp=524.4,
        reserves0=4277.0,
        reserves1=3307.4,
        d_reserves=-969.6,
    )
    return values | over


@pytest.mark.parametrize("bn", [8965.5, 14.0, 0.35, -2.25, 0.0, 123456.78])
def test_en_money_is_what_en_templates_write(bn: float) -> None:
    assert money(bn, "en") == f"{bn:,.1f} bn"
    assert money(bn, "en", sign=True) == f"{bn:+,.1f} bn"


@pytest.mark.parametrize("missing", [None, math.nan, float("nan"), pd.NA])
def test_missing_amount_is_the_no_data_word(missing: Any) -> None:
    assert money(missing, "zh") == t("common.gap.no_data", "zh") == "无数据"
    assert money(missing, "en") == t("common.gap.no_data", "en")
    text = t("a4.note.peak", "zh", date="2022-04-13", total=missing)
    assert text == "总资产于 2022-04-13 达到峰值 无数据。"


def test_t_keeps_its_errors_for_money_templates() -> None:
    with pytest.raises(SpecError, match=r"needs the value 'total'"):
        t("a4.note.peak", "zh", date="2022-04-13")
    with pytest.raises(SpecError, match=r"no text for key"):
        t("a4.note.peek", "zh", total=1.0)
    with pytest.raises(SpecError, match=r"a4\.note\.peak.*amount \[USD bn\].*'lots'"):
        t("a4.note.peak", "zh", date="2022-04-13", total="lots")


def test_a_change_beside_two_levels_never_contradicts_them() -> None:
    # two levels 4 bn apart print equal at two decimals of 万亿: the sentence asks for
    # as many decimals as the change needs (1 亿 here), so the printed levels differ by it
    text = t("c1.note.stretch", "zh", **_stretch(rrp0=1501.2, rrp1=1505.2, d_rrp=4.0))
    assert "从 1.5012 万亿美元增至 1.5052 万亿美元（+40 亿美元）" in text
    # a change of 5,244 亿 beside levels in 万亿 keeps the default two decimals
    text = t("c1.note.stretch", "zh", **_stretch())
    assert "从 1.47 万亿美元增至 2.00 万亿美元（+5244 亿美元）" in text
    assert "从 4.28 万亿美元变为 3.31 万亿美元（-9696 亿美元）" in text
    # levels that differ print differently, so the verb beside them holds
    text = t("f1.note.composition", "zh", name="x", end="2029-08", bills0=15.8, bills1=33.3,
             bills_move="升至", mbs0=1890.0, mbs1=1893.0, mbs_move="升至")  # fmt: skip
    assert "MBS 由 1.890 万亿美元升至 1.893 万亿美元" in text


def _money_fields(template: str) -> list[str]:
    return [f for _, f, spec, _ in _FMT.parse(template) if f and spec in _MONEY_SPECS]


def test_no_zh_prose_writes_ten_billion_dollars_after_a_number() -> None:
    prose = re.compile(r"\{[^{}]*\}\s*十亿美元")
    bad = {k: v for k, v in catalogue("zh").items() if prose.search(v)}
    assert bad == {}


def test_zh_money_fields_are_amounts_in_the_en_twin() -> None:
    """Every zh money field is an amount the English text writes in bn: a number there,
    not a percent, months, years or basis points, in a text that speaks of bn."""
    en, zh = catalogue("en"), catalogue("zh")
    fields = {k: f for k, v in zh.items() if (f := _money_fields(v))}
    assert len(fields) >= 65 and sum(map(len, fields.values())) >= 150
    for key, names in fields.items():
        assert " bn" in en[key], key
        for name in names:
            twin = re.search(r"\{" + name + r":([^{}]*)\}(.{0,6})", en[key])
            assert twin is not None, (key, name)
            spec, after = twin.groups()
            assert re.fullmatch(r"\+?,?\.?\d*[fg]", spec), (key, name, spec)
            assert not re.match(r"%| (months?|years?|pp|bp)\b", after), (key, name, after)


# --- the real report sections -------------------------------------------------------

_AMOUNT = r"([+-]?[\d.]+) (亿美元|万亿美元)|(无数据)"


def _note_pattern(template: str) -> tuple[re.Pattern[str], list[str]]:
    """A regex matching a note rendered from ``template``: one group per money field."""
    parts, names = [], []
    for literal, field, spec, _ in _FMT.parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if spec in _MONEY_SPECS:
            parts.append(f"(?:{_AMOUNT})")
            names.append(field)
        else:
            parts.append("(?:.*?)")
    return re.compile("".join(parts), re.DOTALL), names


def _check_amounts(key: str, text: str, values: dict[str, Any]) -> int:
    """How many amounts of the note agree with ``values`` [USD bn] (fails on any that does not)."""
    pattern, names = _note_pattern(catalogue("zh")[key])
    match = pattern.fullmatch(text)
    assert match is not None, (key, text)
    checked = 0
    for i, name in enumerate(names):
        number, unit, na = match.group(3 * i + 1, 3 * i + 2, 3 * i + 3)
        if name not in values:
            continue
        bn = float(values[name])
        if na:
            assert math.isnan(bn), (key, name)
            continue
        shown = float(number)
        decimals = len(number.split(".")[1]) if "." in number else 0
        scaled = bn * 10.0 if unit == "亿美元" else bn / 1000.0
        assert abs(shown - scaled) <= 0.5 * 10.0**-decimals + 1e-9, (key, name, bn, number, unit)
        checked += 1
    return checked


@pytest.fixture(scope="module")
def today() -> Dataset:
    return Dataset()


@pytest.mark.parametrize("section", ["A4", "C1", "B2", "F1"])
def test_zh_sections_write_money_in_yi_and_wan_yi_equal_to_their_values(
    today: Dataset, section: str
) -> None:
    res = get_analysis(section).run(today, lang="zh")
    zh = catalogue("zh")
    checked = 0
    for note in res.notes:
        assert "十亿美元" not in note.text, (note.key, note.text)
        if _money_fields(zh.get(note.key, "")):
            checked += _check_amounts(note.key, note.text, dict(note.values))
    assert checked >= 1, section
