"""Shared table steps of the analyses: translated column headers with units, date labels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from qtlab.i18n import money, t

__all__ = ["MONEY_SCALE", "dated_usd_table", "headers", "money_text"]


def headers(prefix: str, keys: Iterable[str], lang: str, **values: Any) -> dict[str, str]:
    """Translated column headers: ``{key: t(f"{prefix}.{key}", lang, **values)}``.

    Every header is formatted with the same ``values`` (e.g. ``unit=...``); a header
    whose text has no such field ignores it, so a table's plain and unit-bearing
    columns are named in one call.
    """
    return {k: t(f"{prefix}.{k}", lang, **values) for k in keys}


def dated_usd_table(
    frame: pd.DataFrame, names: Mapping[str, str], lang: str, index_name: str
) -> pd.DataFrame:
    """A date-indexed frame of USD-billion series as an output table.

    Parameters
    ----------
    frame
        Series [USD bn] in columns, indexed by date (a DatetimeIndex or date-likes).
    names
        Display name of each column key, already translated; the header becomes
        ``"<name> [<USD bn unit>]"`` in ``lang``. Columns not named keep their key.
    lang
        Output language (``"en"`` or ``"zh"``).
    index_name
        Header of the date column (already translated).

    Returns
    -------
    pandas.DataFrame
        The same values with translated headers and ISO date strings (``YYYY-MM-DD``)
        as the index.
    """
    usd = t("common.unit.usd_bn", lang)
    tab = frame.rename(
        columns={k: t("history.col_unit", lang, name=v, unit=usd) for k, v in names.items()}
    )
    tab.index = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
    tab.index.name = index_name
    return tab


#: Money in prose: billions in English, hundreds of millions (亿) in Chinese.
MONEY_SCALE: Mapping[str, float] = {"en": 1.0, "zh": 10.0}


def money_text(value: float, lang: str, currency: str = "usd") -> str:
    """An amount [USD bn or EUR bn] as prose: "USD 1,234.5 bn" / "12,345 亿美元".

    ``currency`` is ``"usd"`` or ``"eur"`` (catalogue keys ``intl.money.<currency>``);
    the amount is never converted between currencies.
    """
    if currency == "usd" and lang == "zh":
        return money(value, lang)  # 亿美元 below 1,000 bn, 万亿美元 from there
    return t(f"intl.money.{currency}", lang, v=value * MONEY_SCALE[lang])
