"""The explorer's policy editor, without Dash: a preset's regimes as table rows, the rows
back into a :class:`~qtlab.policy.Policy`, and a policy as a table for the page.

The rows the page keeps (and writes to its URL) hold amounts in USD bn per month in every
language; the editor shows them in the reader's money unit (:func:`shown_rows`: x10,
亿美元/月, in Chinese) and reads what the user types back into USD bn
(:func:`stored_row`: /10 in Chinese), so switching the language changes what is shown,
never the policy.

An edited regime never keeps the citation of the statement it came from: new caps go
through :meth:`~qtlab.policy.Policy.with_caps` (a user scenario whose note names the
regime and source it was changed from), and a regime the user adds is a user scenario
(:meth:`~qtlab.policy.RegimeSource.user_scenario`) put in by
:meth:`~qtlab.policy.Policy.with_regime`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from qtlab.errors import SpecError, one_of, quoted
from qtlab.i18n import t, validate_lang
from qtlab.policy import MAX_AMOUNT, Policy, Regime, RegimeSource, load_preset
from qtlab.present.labels import policy_label
from qtlab.present.tables import MONEY_SCALE

__all__ = [
    "EDITABLE_FIELDS",
    "MAX_ADDED",
    "MONEY_FIELDS",
    "POLICY_COLUMNS",
    "added_row",
    "edited_policy",
    "policy_rows",
    "preset_rows",
    "shown_rows",
    "stored_row",
]

#: Regime fields the explorer lets the user edit: caps [USD bn/month], the start month,
#: and the reserve-management (bill) purchase pace [USD bn/month].
EDITABLE_FIELDS: Final = ("start", "treasury_cap", "agency_cap", "bill_purchases")
#: The fields of a row that are amounts [USD bn/month as kept; the reader's unit as shown].
MONEY_FIELDS: Final = ("treasury_cap", "agency_cap", "bill_purchases")
#: The columns of :func:`policy_rows` (the policy as the page shows it).
POLICY_COLUMNS: Final = (
    "regime",
    "start",
    "treasury_cap",
    "agency_cap",
    "bill_purchases",
    "source",
)
#: At most this many regimes a user may add to a preset.
MAX_ADDED: Final = 12
#: Words the library reads as "no cap" in a cap's cell (``policy`` refuses them for the
#: bill purchase pace).
_NO_CAP: Final = frozenset({"uncapped", "inf", "none"})


def _source_text(src: RegimeSource, lang: str) -> str:
    if src.is_user:
        return t("app.explorer.user_scenario", lang)
    return f"{src.title} ({src.date})"


def preset_rows(preset: str, lang: str = "en") -> list[dict[str, Any]]:
    """The regimes of a packaged preset as table rows: ``name``, :data:`EDITABLE_FIELDS`,
    ``source`` (the statement cited, read-only) and ``preset`` (whose rows these are).

    Caps and purchases are numbers [USD bn/month] (``"uncapped"`` for no cap), starts
    ``YYYY-MM``. Raises :class:`SpecError` listing the presets for an unknown name.
    """
    pol = load_preset(preset)
    rows = []
    for r in pol.regimes:
        d = r.to_dict()
        rows.append(
            {
                "name": r.name,
                **{f: d[f] for f in EDITABLE_FIELDS},
                "source": _source_text(r.source, lang),
                "preset": preset,
            }
        )
    return rows


def added_row(preset: str, lang: str) -> dict[str, Any]:
    """A new row for a regime the user adds to ``preset``'s table (a user scenario)."""
    return {
        "name": "",
        "start": "",
        "treasury_cap": "",
        "agency_cap": "",
        "bill_purchases": 0.0,
        "source": t("app.explorer.user_scenario", lang),
        "preset": preset,
        "added": True,
    }


def _number(value: Any) -> float | None:
    """A finite number from a cell (a number or its text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and len(value) <= 100:
        try:
            v = float(value.strip())
        except ValueError:
            return None
        return v if math.isfinite(v) else None
    return None


def _shown_amount(value: Any, scale: float) -> Any:
    """An amount kept in USD bn as the reader sees it (text such as ``uncapped`` as is)."""
    v = _number(value)
    if v is None or scale == 1.0:
        return value
    return round(v * scale, 9)


def shown_rows(rows: Any, lang: str) -> Any:
    """The regimes rows as the editor shows them in ``lang``: amounts (:data:`MONEY_FIELDS`)
    in the reader's money unit (x10, 亿美元/月, in Chinese; USD bn/month in English).
    Anything that is not a list of rows is returned as it is."""
    scale = MONEY_SCALE[lang]
    if scale == 1.0 or not isinstance(rows, list):
        return rows
    return [
        {k: _shown_amount(v, scale) if k in MONEY_FIELDS else v for k, v in r.items()}
        if isinstance(r, Mapping)
        else r
        for r in rows
    ]


def stored_row(kept: Mapping[str, Any], shown: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The row to keep [USD bn/month] after the user edited ``shown`` (the row as the
    editor showed it in ``lang``, :func:`shown_rows`) of the kept row ``kept``.

    An amount the user left as shown keeps its kept value exactly (no rounding on a
    round trip); a new amount typed in the reader's unit is divided by its scale (/10
    in Chinese); text that is not a number is kept as typed, for the library to refuse.
    """
    scale = MONEY_SCALE[lang]
    out = {**kept, **shown}
    for f in MONEY_FIELDS:
        if f not in shown:
            continue
        new = shown[f]
        if f in kept and _shown_amount(kept[f], scale) == new:
            out[f] = kept[f]
            continue
        v = _number(new)
        out[f] = new if v is None or scale == 1.0 else round(v / scale, 9)
    return out


def _cell(value: Any) -> Any:
    """A table cell as the library wants it: numbers as numbers, other text as typed."""
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            return text
    return value


def _typed(value: Any, lang: str) -> str:
    """A kept amount as the user typed it in the reader's unit (``-50`` for -5.0 USD bn
    shown x10 in Chinese); text that is not a number quoted as typed."""
    v = _number(value)
    if v is None:
        return quoted("" if value is None else value)
    return t("app.edit.amount", lang, v=f"{v * MONEY_SCALE[lang]:,.10g}")


def _check_amounts(row: Mapping[str, Any], regime: str, lang: str, *, added: bool) -> None:
    """Refuse an amount of ``row`` the library would refuse, with the value and the valid
    range in the unit the editor shows in ``lang`` (亿美元/月 in Chinese, where the row
    keeps USD bn/month): the library's own message would quote the kept USD bn.

    The rule is :mod:`qtlab.policy`'s (a number from 0 to :data:`~qtlab.policy.MAX_AMOUNT`
    USD bn/month, or ``uncapped`` for a cap); a number too large for a float (``1e400``)
    is refused rather than read as no cap. ``regime`` names the row in ``lang``; an added
    regime's empty purchase pace means none.
    """
    scale = MONEY_SCALE[lang]
    for f in MONEY_FIELDS:
        if f not in row:
            continue
        value = row[f]
        cap = f != "bill_purchases"
        if cap and isinstance(value, str) and value.strip().lower() in _NO_CAP:
            continue
        if cap and isinstance(value, float) and value == math.inf:
            continue  # a kept cap of no limit
        if added and f == "bill_purchases" and (value is None or value == ""):
            continue  # an added regime's pace left empty: none
        v = _number(value)
        if v is not None and 0.0 <= v <= MAX_AMOUNT:
            continue
        raise SpecError(
            t(
                "app.edit.bad_amount",
                lang,
                regime=regime,
                field=t(f"app.edit.field.{f}", lang),
                value=_typed(value, lang),
                max=t("app.edit.amount", lang, v=f"{MAX_AMOUNT * scale:,.0f}"),
                uncapped=t("app.edit.or_uncapped", lang) if cap else "",
            )
        )


def _row_regime(
    base: Regime | None, row: Mapping[str, Any], where: str, shown_where: str, lang: str
) -> Regime:
    """The regime of one table row, every value validated by the library (``base``: the
    preset's regime the row edits; ``None`` for a regime the user adds; ``where`` names
    the row in the library's messages). An amount is checked first in the unit the editor
    shows in ``lang``, the row named ``shown_where`` (:func:`_check_amounts`)."""
    _check_amounts(row, shown_where, lang, added=base is None)
    if base is None:
        name = row.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            name = f"user-{str(row.get('start', '')).strip() or 'regime'}"
        data: dict[str, Any] = {
            "name": str(name).strip(),
            "start": "",
            "treasury_cap": "",
            "agency_cap": "",
        }
    else:
        data = base.to_dict()
    for f in EDITABLE_FIELDS:
        if f in row:
            v = _cell(row[f])
            data[f] = "" if v is None else v
    if base is None and data.get("bill_purchases") == "":
        data["bill_purchases"] = 0.0
    data["start"] = str(data["start"])
    try:
        return Regime.from_dict(data)
    except SpecError as exc:
        msg = str(exc)  # the library names the regime itself: say it once
        raise SpecError(msg if msg.startswith(f"{where}:") else f"{where}: {msg}") from None


def _changed(base: Regime, new: Regime) -> Regime | None:
    """``base`` with the user's edits (``None`` if unchanged), as a user scenario that
    cites nothing: new caps through :meth:`Policy.with_caps`'s rule (no phase-in, the
    note names the regime and source it came from)."""
    caps = (new.treasury_cap, new.agency_cap) != (base.treasury_cap, base.agency_cap)
    other = (new.start, new.bill_purchases) != (base.start, base.bill_purchases)
    if not caps and not other:
        return None
    if caps:
        pol = Policy(base.name, (base,)).with_caps(
            treasury=new.treasury_cap, agency=new.agency_cap, start=base.start
        )
        out = pol.regimes[0]
    else:
        src = base.source
        note = f"changed from {base.name} ({src.title}" + (f", {src.date})" if src.date else ")")
        out = replace(base, source=RegimeSource.user_scenario(), note=note)
    return replace(out, start=new.start, bill_purchases=new.bill_purchases)


def edited_policy(preset: str, rows: Any, lang: str = "en") -> Policy:
    """The preset ``preset`` with the edits and added regimes of the table ``rows``.

    ``rows`` are the explorer's table rows: first one per regime of the preset, in order,
    keyed by ``name`` and :data:`EDITABLE_FIELDS` (other keys the page shows, ``source``
    and ``preset``, are ignored); then up to :data:`MAX_ADDED` regimes the user adds
    (``name`` optional, a start month, both caps, a purchase pace), each put in with
    :meth:`Policy.with_regime` as a user scenario. ``None`` or rows equal to the preset
    give the preset itself; otherwise the policy is named ``<preset> (edited)`` and every
    regime the user changed is a user scenario (it never keeps the preset's citation).
    Every value goes through the library's validation: a negative cap or a malformed
    start month raises its :class:`SpecError` (naming the regime, the field and the value);
    a bad amount is named in ``lang``'s words with the value and the valid range in the
    unit the editor shows (亿美元/月 in Chinese: ``-50``, where the row keeps -5.0).
    """
    lang = validate_lang(lang)
    base = load_preset(preset)
    if not rows:
        return base
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
        raise SpecError(f"the regimes table must be a list of rows, got {quoted(rows)}")
    if not all(isinstance(r, Mapping) for r in rows):
        raise SpecError(f"each row of the regimes table must be a mapping, got {quoted(rows)}")
    n = len(base.regimes)
    names = [r.get("name") for r in rows[:n]]
    if names != [r.name for r in base.regimes]:
        raise SpecError(
            f"the regimes table does not match preset {quoted(preset)}: expected regimes "
            f"{one_of(r.name for r in base.regimes)} first, got {quoted(names)}"
        )
    added = rows[n:]
    if len(added) > MAX_ADDED:
        raise SpecError(f"at most {MAX_ADDED} regimes may be added, got {len(added)}")
    regimes: list[Regime] = []
    for reg, row in zip(base.regimes, rows[:n], strict=True):
        where = f"regime {quoted(reg.name)}"
        # the row as the editor shows it: the regime's label (its id stays in ``where``)
        shown_name = quoted(policy_label(reg.name, lang, strict=False))
        new = _row_regime(reg, row, where, t("app.edit.regime", lang, name=shown_name), lang)
        regimes.append(_changed(reg, new) or reg)
    if tuple(regimes) == base.regimes and not added:
        return base
    pol = replace(base, name=f"{preset} (edited)", regimes=tuple(regimes))
    for i, row in enumerate(added, start=1):
        shown = t("app.edit.added", lang, i=i)
        pol = pol.with_regime(_row_regime(None, row, f"added regime {i}", shown, lang))
    return pol


def _amount(v: float, scale: float) -> float | str:
    return "uncapped" if math.isinf(v) else round(v * scale, 9)


def policy_rows(policy: Policy, lang: str) -> list[dict[str, Any]]:
    """``policy`` as rows of :data:`POLICY_COLUMNS`: regime, start month, caps and bill
    purchases [``lang``'s money unit per month: USD bn, or 亿美元 (x10) in Chinese;
    ``"uncapped"``] and the source (the statement cited with its date, or "user scenario"
    in ``lang``)."""
    scale = MONEY_SCALE[lang]
    return [
        {
            "regime": r.name,
            "start": str(r.start),
            "treasury_cap": _amount(r.treasury_cap, scale),
            "agency_cap": _amount(r.agency_cap, scale),
            "bill_purchases": _amount(r.bill_purchases, scale),
            "source": _source_text(r.source, lang),
        }
        for r in policy.regimes
    ]
