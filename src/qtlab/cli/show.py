"""``qtlab list`` and ``qtlab show ID``: any registered analysis from the command line.

``show`` runs one analysis of the registry (:func:`qtlab.analyses.registry`) and prints
its tables and notes, the same objects the report and the dashboard render.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qtlab.cli._common import (
    DataDirOpt,
    FormatOpt,
    OutOpt,
    Tab,
    choose_format,
    closest,
    emit,
    envelope,
    frame_tab,
    handle_errors,
)
from qtlab.errors import SpecError, one_of, quoted

__all__ = ["analysis_title", "list_cmd", "show_cmd"]

LangOpt = Annotated[str, typer.Option("--lang", help="Language: en or zh.")]


def analysis_title(aid: str, lang: str) -> str:
    """The question analysis ``aid`` answers (its section title) in ``lang``, without
    running it."""
    from qtlab.i18n import has, t  # noqa: PLC0415

    key = f"{aid.lower()}.title"
    return t(key, lang) if has(key, lang) else aid


def _spec(aid: str) -> Any:
    """The registered analysis ``aid`` (any case), or a :class:`SpecError` with the
    closest id and every valid one."""
    from qtlab.analyses import registry  # noqa: PLC0415

    specs = {s.id.upper(): s for s in registry()}
    if aid.strip().upper() in specs:
        return specs[aid.strip().upper()]
    hint = closest(aid, [s.id for s in specs.values()])
    raise SpecError(
        f"unknown analysis {quoted(aid)}"
        + (f" (did you mean {quoted(hint)}?)" if hint else "")
        + f"; valid: {one_of(s.id for s in specs.values())} (qtlab list shows what each answers)"
    )


@handle_errors
def list_cmd(
    lang: LangOpt = "en",
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """List the analyses qtlab runs, with the question each answers (qtlab show ID runs one)."""
    from qtlab.analyses import registry  # noqa: PLC0415
    from qtlab.i18n import validate_lang  # noqa: PLC0415

    form = choose_format(fmt)
    validate_lang(lang)
    rows = [{"id": s.id, "area": s.area, "title": analysis_title(s.id, lang)} for s in registry()]
    tab = Tab("Analyses", ("id", "area", "title"), [list(r.values()) for r in rows])
    emit("list", form, envelope(as_of=None, options={"lang": lang}, rows=rows), [tab], [], out_file)


def _index_named(frame: Any) -> tuple[Any, str | None]:
    """``frame`` and the name its index is shown under (``None``: a plain row number)."""
    import pandas as pd  # noqa: PLC0415

    if isinstance(frame.index, pd.RangeIndex):
        return frame, None
    name = str(frame.index.name or "index")
    return frame, name if name not in frame.columns else f"{name} (index)"


def _units(frame: Any) -> Any:
    """A table's units as its frame states them (``attrs["units"]``: one unit, or a
    unit per column), or ``None``."""
    u = frame.attrs.get("units")
    return {str(k): str(v) for k, v in u.items()} if isinstance(u, dict) else u


@handle_errors
def show_cmd(
    analysis_id: Annotated[str, typer.Argument(metavar="ID", help="Analysis id (qtlab list).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Vantage date (YYYY-MM-DD): use only data visible then."),
    ] = None,
    lang: LangOpt = "en",
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """Run one analysis and print its tables and notes (a table's headers in the reader's
    words; JSON and CSV keep the column keys and USD bn). A section that runs from the
    baseline (C2, C3, D1-D3, F1, F2) states the baseline first, which its notes refer to."""
    from qtlab.i18n import validate_lang  # noqa: PLC0415

    form = choose_format(fmt)
    validate_lang(lang)
    spec = _spec(analysis_id)
    from qtlab.runs.baseline import BASELINE_SECTIONS, baseline  # noqa: PLC0415
    from qtlab.runs.context import RunContext  # noqa: PLC0415

    with RunContext(as_of, data_dir=data_dir) as ctx:
        res = spec.run(ctx, lang=lang)
        # the notes' "see top" points at the baseline: state it above them, as the report does
        stated = (
            [a.text(lang) for a in baseline(ctx).assumptions] if res.id in BASELINE_SECTIONS else []
        )
    from qtlab.present.localize import localized_table  # noqa: PLC0415

    tabs = []
    tables: dict[str, Any] = {}
    for tb in res.tables:
        frame, idx = _index_named(tb.frame)
        tab = frame_tab(tb.title, frame, index=idx)  # column keys and USD bn: JSON, CSV
        if form == "table":  # a reader's headers (and 亿美元 in Chinese), as the report's
            shown, shown_idx = _index_named(localized_table(tb.frame, lang))
            tabs.append(frame_tab(tb.title, shown, index=shown_idx))
        else:
            tabs.append(tab)
        tables[tb.name] = {
            "title": tb.title,
            "units": _units(tb.frame),
            "columns": list(tab.columns),
            "rows": [dict(zip(tab.columns, r, strict=True)) for r in tab.rows],
        }
    payload = envelope(
        as_of=ctx.as_of,
        options={"id": res.id, "lang": res.lang},
        summary={"id": res.id, "title": res.title},
        tables=tables,
        notes=[{"key": n.key, "text": n.text, "values": dict(n.values)} for n in res.notes],
        assumptions=stated,
    )
    from qtlab.i18n import t  # noqa: PLC0415

    head = [f"{t('report.baseline.title', lang)}: {x}" for x in stated]
    notes = [*head, f"{res.id}: {res.title}", *(n.text for n in res.notes)]
    emit("show", form, payload, tabs, notes, out_file)
