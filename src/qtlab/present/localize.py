"""Tables and figures as a reader of each language expects them.

Analyses name their table columns with stable keys and units (``bills_maturing
[USD bn]``), which scripts and tests rely on. What a reader sees is the catalogue's
label of the key (``columns.<key>``): "Bills maturing [USD bn]" in English,
"到期国库券 [亿美元]" in Chinese.

Chinese writes money in 亿 (hundreds of millions) and 万亿 (trillions), never in
十亿 (billions): in a Chinese table or figure every amount in USD bn is shown
multiplied by :data:`~qtlab.present.tables.MONEY_SCALE` (10) with the unit 亿美元,
so 5,525.3 (USD bn) reads 55,253 亿美元. The numbers an analysis returns
(:class:`~qtlab.analyses.AnalysisResult`, ``Note.values``) stay in USD bn; only what is
shown changes. The report and the dashboard present every table and figure through
:func:`localized_table` and :func:`localized_figure`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab.errors import SpecError
from qtlab.i18n import has, t
from qtlab.present.labels import (
    policy_label,
    rule_label,
    rules_label,
    scenario_label,
    view_label,
)
from qtlab.present.tables import MONEY_SCALE

__all__ = [
    "column_label",
    "localized_figure",
    "localized_table",
    "localized_title",
    "money_units",
]

#: A column key as analyses write it: ``reserves``, ``paydowns_-100bp``, ``mbs_at 2030-12``,
#: each optionally followed by its unit in brackets (``reserves [USD bn]``).
_KEYED = re.compile(
    r"^(?P<key>[a-z][a-z0-9_]*?)(?:_(?P<shock>[+-]\d+)bp)?"
    r"(?:_at (?P<at>\d{4}-\d{2}(?:-\d{2})?))?(?: \[(?P<unit>[^\]]+)\])?$"
)

#: Units analyses write in keyed headers and unit columns -> catalogue key of their label.
_UNITS = {
    "USD bn": "present.unit.usd_bn",
    "USD bn/month": "present.unit.usd_bn_per_month",
    "USD bn per month": "present.unit.usd_bn_per_month",
    "%": "present.unit.percent",
    "months": "present.unit.months",
    "index": "present.unit.index",
    "years": "present.unit.years",
    "EUR bn": "present.unit.eur_bn",
    "EUR bn/month": "present.unit.eur_bn_per_month",
}
_MONEY_UNITS = ("USD bn", "USD bn/month", "USD bn per month", "EUR bn", "EUR bn/month")

#: Headers of a column holding each row's unit (E1's scorecard, F2's bands).
_UNIT_COLUMN_KEYS = ("units", "unit")

#: Keys of columns whose cells are policy, regime or variant ids (B2's and B4's regime,
#: F1's alternative): a reader sees their labels (:func:`~qtlab.present.labels.policy_label`).
_ID_COLUMN_KEYS = ("regime", "policy", "alternative")

#: Keys of columns whose cells are C3's endpoint rules (``rule``: one, ``rules``: a set,
#: ``a | b``), C2's scenarios or B3's views: a reader sees the conditions and the labels
#: (:mod:`qtlab.present.labels`); other text in such a column stays as written.
_RULE_COLUMN_KEYS = ("rule", "rules", "scenario", "view")

#: Keys of columns whose cells name D2's indicators and regression terms
#: (``reserves_to_debt``, ``policy_rate``, ``const``), and those ids: a reader sees their
#: labels (``columns.<id>``, ``model_term.const``).
_TERM_COLUMN_KEYS = ("indicator", "indicator_name", "term")
_TERMS = {
    "reserves_to_debt": "columns.reserves_to_debt",
    "reserves_to_gdp": "columns.reserves_to_gdp",
    "policy_rate": "columns.policy_rate",
    "const": "model_term.const",
}

#: Keys of columns whose cells name a kind of security or a holdings series (B2's new
#: securities, E2's backtest: ``note_bond``, ``tips_inflation_comp``, ``agency_mbs``), and
#: the catalogue entries that label such an id, tried in order.
_KIND_COLUMN_KEYS = ("kind", "series")
_KIND_PREFIXES = ("common.kind.", "runoff.series.", "columns.")
_KIND_ID = re.compile(r"^[a-z][a-z0-9_]*$")

#: The quantities of D2's published-recipe comparison (``qtlab.runs.yield_recipes``) in a
#: ``quantity`` column: ``r2``, ``peak``, ``peak_month``, ``peak_upper95``, ``average_YYYY``
#: (``recipe_quantity.*``).
_RECIPE_QUANTITY = re.compile(r"^(?:(r2|peak|peak_month|peak_upper95)|average_(\d{4}))$")

#: Chinese unit texts of amounts in billions (十亿美元, 十亿美元/月, 十亿欧元) and what they
#: read once the amounts are shown in hundreds of millions (亿美元, 亿欧元).
_ZH_SCALED = (("十亿美元", "亿美元"), ("十亿欧元", "亿欧元"))


def _zh_billions(text: str) -> bool:
    return any(old in text for old, _ in _ZH_SCALED)


def _zh_rescaled(text: str) -> str:
    for old, new in _ZH_SCALED:
        text = text.replace(old, new)
    return text


def money_units(lang: str) -> frozenset[str]:
    """The unit texts that mark an amount in USD bn in ``lang`` (headers, unit cells)."""
    texts = set(_MONEY_UNITS)
    texts |= {t("common.unit.usd_bn", lang), t("common.unit.usd_bn_per_month", lang)}
    return frozenset(texts)


def column_label(header: Hashable, lang: str) -> tuple[Hashable, bool]:
    """The header a reader sees for ``header``, and whether the column holds USD bn.

    A keyed header (``bills_maturing [USD bn]``) becomes its catalogue label with the
    unit in the language; a header already written in the language is kept, except
    that Chinese money units become 亿美元. Headers that are not text (years,
    tuples) and keys without a label are returned as they are.
    """
    if not isinstance(header, str):
        return header, False
    m = _KEYED.match(header)
    if m and has(f"columns.{m['key']}", lang):
        label = t(f"columns.{m['key']}", lang)
        if m["shock"]:
            label = t("present.shock", lang, label=label, bp=m["shock"])
        if m["at"]:
            label = f"{label} {m['at']}"
        unit = m["unit"]
        if unit is None:
            return label, False
        shown = t(_UNITS[unit], lang) if unit in _UNITS else unit
        return f"{label} [{shown}]", unit in _MONEY_UNITS
    if lang == "zh" and _zh_billions(header):
        return _zh_rescaled(header), True
    return header, False


def localized_title(title: str, lang: str, frame: pd.DataFrame | None = None) -> str:
    """A table or figure title in ``lang``'s money unit (亿美元 in Chinese).

    With ``frame`` (the table as analyses wrote it), a Chinese title keeps its unit
    unless :func:`localized_table` shows the table's amounts in 亿美元 (some column
    or row carries a money unit); so a title never states a unit its numbers are not in.
    """
    if lang != "zh" or not _zh_billions(title):
        return title
    if frame is not None and not _shows_money(frame, lang):
        return title
    return _zh_rescaled(title)


def _shows_money(frame: pd.DataFrame, lang: str) -> bool:
    if any(column_label(c, lang)[1] for c in frame.columns):
        return True
    unit_col = _unit_column(frame, lang)
    return unit_col is not None and bool(frame[unit_col].isin(money_units(lang)).any())


def _unit_column(frame: pd.DataFrame, lang: str) -> Hashable | None:
    for col in frame.columns:
        if isinstance(col, str) and (
            col.lower() in _UNIT_COLUMN_KEYS or col == t("columns.units", lang)
        ):
            return col
    return None


def _scaled(values: pd.Series, scale: float) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values
    if pd.api.types.is_numeric_dtype(values):
        return values * scale
    return values.map(lambda v: _scaled_cell(v, scale))


def _scaled_cell(value: Any, scale: float) -> Any:
    if isinstance(value, bool | np.bool_) or not isinstance(value, float | np.floating):
        return value
    return float(value) * scale


def _form_label(value: object, lang: str) -> object:
    """D2's specification form ``levels``/``diff`` as ``lang`` names it (``d2.form.<id>``);
    other cells as written."""
    key = f"d2.form.{value}"
    return t(key, lang) if isinstance(value, str) and has(key) else value


def localized_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with the headers a reader of ``lang`` expects, amounts in its money unit.

    Column and index names are labelled (:func:`column_label`), and so are the policy
    and regime ids in the cells of a ``regime``, ``policy`` or ``alternative`` column
    (:func:`~qtlab.present.labels.policy_label`; a user's own names stay as written), the
    endpoint rules of a ``rule`` or ``rules`` column, C2's scenarios in a ``scenario``
    column, B3's views in a ``view`` column and D2's indicators and regression terms in an
    ``indicator``, ``indicator_name`` or ``term`` column, kinds of securities and holdings
    series in a ``kind`` or ``series`` column, the quantities of D2's recipe comparison in
    a ``quantity`` column.
    In Chinese, columns in USD bn are multiplied by 10 (亿美元), and so are the amounts
    of rows whose unit column says USD bn (the row's unit then reads 亿美元). Returns a
    new frame; ``frame`` is not changed.
    """
    scale = MONEY_SCALE[lang]
    out = frame.copy(deep=True)
    names: dict[Hashable, Hashable] = {}
    for col in frame.columns:
        label, money = column_label(col, lang)
        names[col] = label
        if money and scale != 1.0:
            out[col] = _scaled(out[col], scale)
        if lang != "en" and pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: t("present.yes", lang), False: t("present.no", lang)})
        if isinstance(col, str) and col in _ID_COLUMN_KEYS:
            out[col] = out[col].map(lambda v: _id_label(v, lang))
        if isinstance(col, str) and col in _RULE_COLUMN_KEYS:
            out[col] = out[col].map(lambda v, k=col: _cell_label(k, v, lang))
        if isinstance(col, str) and col in _TERM_COLUMN_KEYS:
            out[col] = out[col].map(lambda v: _term_label(v, lang))
        if isinstance(col, str) and col in _KIND_COLUMN_KEYS:
            out[col] = out[col].map(lambda v: _kind_label(v, lang))
        if col == "quantity":
            out[col] = out[col].map(lambda v: _quantity_label(v, lang))
        if col == "form":  # D2's specification forms (levels, first differences)
            out[col] = out[col].map(lambda v: _form_label(v, lang))
    unit_col = _unit_column(frame, lang)
    if unit_col is not None and scale != 1.0:
        _scale_rows(out, frame, unit_col, lang, scale)
    out = out.rename(columns=names)
    if out.index.nlevels == 1 and out.index.name in _KIND_COLUMN_KEYS:  # E2's by-kind tables
        out.index = out.index.map(lambda v: _kind_label(v, lang))
    out.index = out.index.set_names([column_label(n, lang)[0] for n in frame.index.names])
    return out


def _id_label(value: Any, lang: str) -> Any:
    return policy_label(value, lang, strict=False) if isinstance(value, str) else value


def _cell_label(column: str, value: Any, lang: str) -> Any:
    """A cell of a ``rule``, ``rules``, ``scenario`` or ``view`` column as a reader sees it."""
    if not isinstance(value, str):
        return value
    if column == "scenario":
        return scenario_label(value, lang, strict=False)
    if column == "view":
        return view_label(value, lang, strict=False)
    try:
        label = rule_label(value, lang) if column == "rule" else rules_label(value, lang)
    except SpecError:
        return value  # other text in a column of that name (A2's regime rules)
    return label[:1].upper() + label[1:]  # a cell reads as a phrase: "Reserves at 8% of GDP"


def _term_label(value: Any, lang: str) -> Any:
    """A D2 indicator or regression term as a reader sees it; other cells as they are."""
    key = _TERMS.get(value) if isinstance(value, str) else None
    return t(key, lang) if key else value


def _quantity_label(value: Any, lang: str) -> Any:
    """A quantity of D2's recipe comparison as a reader sees it; other cells as they are."""
    m = _RECIPE_QUANTITY.match(value) if isinstance(value, str) else None
    if m is None:
        return value
    if m[1]:
        return t(f"recipe_quantity.{m[1]}", lang)
    return t("recipe_quantity.average", lang, year=m[2])


def _kind_label(value: Any, lang: str) -> Any:
    """A kind of security or holdings series id as a reader sees it; other cells (FRED
    ids, text) as they are."""
    if not isinstance(value, str) or not _KIND_ID.match(value):
        return value
    for prefix in _KIND_PREFIXES:
        if has(prefix + value, lang):
            return t(prefix + value, lang)
    return value


def _scale_rows(
    out: pd.DataFrame, frame: pd.DataFrame, unit_col: Hashable, lang: str, scale: float
) -> None:
    """Scale the amounts of rows whose unit (in ``unit_col``) is USD bn, in place."""
    money = money_units(lang)
    rows = frame[unit_col].isin(money).to_numpy()
    if not rows.any():
        return
    for col in frame.columns:
        if col == unit_col or column_label(col, lang)[1] or (isinstance(col, str) and "[" in col):
            continue  # a column with a unit of its own (error [%]) is not in the row's unit
        values = out[col]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
            continue  # counts (months ahead, observations) are not amounts
        if pd.api.types.is_float_dtype(values):
            out[col] = values.where(~rows, values * scale)
        elif values.dtype == object:
            out[col] = [
                _scaled_cell(v, scale) if r else v for v, r in zip(values, rows, strict=True)
            ]
    out[unit_col] = [
        _row_unit(u, lang) if r else u for u, r in zip(frame[unit_col], rows, strict=True)
    ]


def _row_unit(unit: Any, lang: str) -> str:
    text = str(unit)
    if text in _UNITS:
        return t(_UNITS[text], lang)
    return _zh_rescaled(text) if lang == "zh" else text


def _axis_id(layout_key: str) -> str:
    """``"yaxis2"`` -> ``"y2"`` (the name traces and shapes refer to)."""
    return layout_key[0] + layout_key[len("xaxis") :]


def localized_figure(fig: go.Figure, lang: str) -> go.Figure:
    """A copy of ``fig`` showing amounts in ``lang``'s money unit.

    In Chinese, every axis whose title is in 十亿美元 is shown in 亿美元: the values of
    the traces drawn on it, its range, and the lines and labels placed on it are
    multiplied by 10; titles, names and hover texts say 亿美元. Other languages get
    ``fig`` unchanged (as a copy).
    """
    out = go.Figure(fig)
    if lang != "zh":
        return out
    scale = MONEY_SCALE[lang]
    layout = out.layout.to_plotly_json()
    money_axes: set[str] = set()
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(axis, dict):
            title = axis.get("title") or {}
            text = title.get("text") if isinstance(title, dict) else title
            if isinstance(text, str) and _zh_billions(text):
                money_axes.add(_axis_id(key))
    fig_title = (layout.get("title") or {}).get("text") or ""
    if not money_axes and _zh_billions(fig_title):
        money_axes.add("y")  # the unit stated in the figure's title: its value axis
    for trace in out.data:
        for axis_attr, data_attr in (("yaxis", "y"), ("xaxis", "x")):
            if (getattr(trace, axis_attr, None) or data_attr) in money_axes:
                _scale_attr(trace, data_attr, scale)
                if trace.type == "bar" and data_attr == "y" and trace.base is not None:
                    _scale_attr(trace, "base", scale)
        for attr in ("name", "hovertemplate", "text", "legendgroup"):
            value = getattr(trace, attr, None)
            if isinstance(value, str) and _zh_billions(value):
                setattr(trace, attr, _zh_rescaled(value))
    for shape in out.layout.shapes or ():
        for ref, keys in (("yref", ("y0", "y1")), ("xref", ("x0", "x1"))):
            if (getattr(shape, ref, None) or ref[0]) in money_axes:
                for k in keys:
                    v = getattr(shape, k)
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        setattr(shape, k, v * scale)
    for ann in out.layout.annotations or ():
        if (ann.yref or "y") in money_axes and isinstance(ann.y, int | float):
            ann.y = ann.y * scale
        if isinstance(ann.text, str) and _zh_billions(ann.text):
            ann.text = _zh_rescaled(ann.text)
    for key in list(layout):
        if re.fullmatch(r"[xy]axis\d*", key) and _axis_id(key) in money_axes:
            axis = out.layout[key]
            if axis.range is not None and all(isinstance(v, int | float) for v in axis.range):
                axis.range = [v * scale for v in axis.range]
            if isinstance(axis.dtick, int | float):
                axis.dtick = axis.dtick * scale
    _retitle(out)
    _chinese_dates(out)
    return out


#: Date labels of a Chinese figure: ticks ``2023-01`` and hover ``2023年01月`` instead of
#: plotly's English month names (``Jan 2023``).
ZH_DATE_TICKS = "%Y-%m"
ZH_DATE_HOVER = "%Y年%m月"


def _is_dates(values: Any) -> bool:
    if values is None or len(values) == 0:
        return False
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return True
    first = arr[0]
    return isinstance(first, date | pd.Timestamp | np.datetime64) or (
        isinstance(first, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", first) is not None
    )


def _chinese_dates(fig: go.Figure) -> None:
    """Date axes of ``fig`` labelled in numbers (no English month names), in place."""
    axes = {
        (getattr(tr, "xaxis", None) or "x") for tr in fig.data if _is_dates(getattr(tr, "x", None))
    }
    for axis_id in axes:
        key = "xaxis" + axis_id[1:]
        axis = fig.layout[key]
        if axis.tickformat is None:
            axis.tickformat = ZH_DATE_TICKS
        if axis.hoverformat is None or "%b" in axis.hoverformat:
            axis.hoverformat = ZH_DATE_HOVER


def _retitle(fig: go.Figure) -> None:
    layout = fig.layout.to_plotly_json()
    for key, node in layout.items():
        if key == "title" or re.fullmatch(r"[xy]axis\d*", key):
            title = node.get("title") if key != "title" else node
            text = title.get("text") if isinstance(title, dict) else None
            if isinstance(text, str) and _zh_billions(text):
                new = _zh_rescaled(text)
                if key == "title":
                    fig.layout.title.text = new
                else:
                    fig.layout[key].title.text = new


def _scale_attr(trace: Any, attr: str, scale: float) -> None:
    values = getattr(trace, attr, None)
    if values is None:
        return
    arr = np.asarray(values)
    if arr.dtype.kind in "fiu":
        setattr(trace, attr, arr * scale)
    elif arr.dtype == object:
        setattr(trace, attr, [_scaled_cell(v, scale) if v is not None else v for v in arr])
