"""Assemble the report: run the registered analyses, write HTML, CSV and PNG files.

:func:`build_report` is all-or-nothing. Every section runs first; if any fails,
it raises one error naming each failed section and writes nothing. Otherwise the
report is written to a temporary directory beside ``out`` and moved into place
in one rename, so ``out`` never holds a half-written report.

Layout of ``out``::

    index.html          the report (self-contained: plotly.js and CSS inline)
    tables/<name>.csv   every table, in full (UTF-8 with BOM, so spreadsheets read Chinese)
    figures/<name>.png  every figure, slide-sized (1200 x 675 at 2x)
    .qtlab-report.json  what was built (marks the directory as a qtlab report)
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import plotly.graph_objects as go
from markupsafe import Markup

from qtlab import __version__
from qtlab._fsutil import discard, replace_dir, temp_dir_for
from qtlab.analyses.result import AnalysisResult, AnalysisSpec, get_analysis, registry
from qtlab.errors import QtlabError, SpecError, one_of
from qtlab.i18n import t, validate_lang
from qtlab.present.figures import cjk_font
from qtlab.present.gaps import gap_text
from qtlab.present.localize import localized_figure, localized_table, localized_title
from qtlab.present.tables import csv_ready
from qtlab.report._outdir import MARKER, carry_over, clean_old_temp_dirs, owned_files
from qtlab.report.export import PngExporter
from qtlab.report.html import (
    FigureBlock,
    SectionBlock,
    TableBlock,
    figure_div,
    render_page,
    table_html,
)
from qtlab.report.provenance import (
    provenance_frame,
    provenance_rows,
    reference_rows,
)
from qtlab.report.summary import summary_items
from qtlab.runs.baseline import BASELINE_SECTIONS, baseline
from qtlab.runs.context import RunContext
from qtlab.store.dataset import to_date

__all__ = [
    "MARKER",
    "ProgressFn",
    "ReportOutcome",
    "build_report",
    "resolve_sections",
]

#: ``progress(label, done, total)`` is called as the work advances.
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReportOutcome:
    """What :func:`build_report` wrote."""

    out_dir: Path
    index: Path
    lang: str
    as_of: date | None
    sections: tuple[str, ...]
    tables: tuple[Path, ...]
    figures: tuple[Path, ...]
    seconds: float


def resolve_sections(sections: Sequence[str] | None) -> list[AnalysisSpec]:
    """The registered analyses to run, in report order.

    ``None`` or empty means all. Raises :class:`SpecError` naming an unknown id
    and listing the valid ones.
    """
    specs = registry()
    if not sections:
        return specs
    wanted: list[AnalysisSpec] = []
    for raw in sections:
        sid = raw.strip()
        if not sid:
            continue
        try:
            spec = get_analysis(sid)
        except SpecError:
            raise SpecError(
                f"sections: unknown analysis {sid!r}; valid: {one_of(s.id for s in specs)}"
            ) from None
        if spec not in wanted:
            wanted.append(spec)
    order = {s.id: i for i, s in enumerate(specs)}
    return sorted(wanted, key=lambda s: order[s.id])


#: The caption of a table shown in part, by kind of excerpt (:attr:`Table.excerpt`).
_EXCERPT_CAPTION = {
    "last": "report.rows_last",
    "first": "report.rows_first",
    "rows": "report.rows_some",
}


def _excerpt_kind(excerpt: object) -> str:
    return "rows" if isinstance(excerpt, tuple) else str(excerpt)


def _section_files(
    res: AnalysisResult, tmp: Path, lang: str, png: Callable[[go.Figure, Path], object] | None
) -> tuple[SectionBlock, list[Path], list[Path]]:
    figs: list[FigureBlock] = []
    fig_paths: list[Path] = []
    for i, f in enumerate(res.figures):
        fig = localized_figure(cjk_font(f.figure, lang), lang)
        rel = f"figures/{f.name}.png"
        if png is not None:
            png(fig, tmp / rel)
            fig_paths.append(tmp / rel)
        web = go.Figure(fig)
        web.update_layout(width=None, autosize=True)  # fill the page; the PNG keeps its size
        figs.append(FigureBlock(div=figure_div(web, f"fig-{res.id.lower()}-{i}"), png=rel))
    tabs: list[TableBlock] = []
    tab_paths: list[Path] = []
    for tb in res.tables:
        rel = f"tables/{tb.name}.csv"
        frame = localized_table(tb.frame, lang)
        named = any(n is not None for n in frame.index.names)
        csv_ready(frame).to_csv(tmp / rel, index=named, encoding="utf-8-sig")
        tab_paths.append(tmp / rel)
        html, shown = table_html(frame, excerpt=tb.excerpt)
        caption = (
            t("report.rows_all", lang, n=len(frame))
            if shown == len(frame)
            else t(_EXCERPT_CAPTION[_excerpt_kind(tb.excerpt)], lang, shown=shown, n=len(frame))
        )
        title = localized_title(tb.title, lang, tb.frame)
        tabs.append(TableBlock(title=title, html=html, caption=caption, csv=rel))
    block = SectionBlock(
        id=res.id,
        anchor=res.id.lower(),
        title=res.title,
        figures=figs,
        tables=tabs,
        notes=[n.text for n in res.notes],
        gaps=[gap_text(g, res, lang) for g in res.meta.get("gaps", ())],
    )
    return block, tab_paths, fig_paths


def _check_names(results: Sequence[AnalysisResult]) -> None:
    seen: dict[str, str] = {}
    for res in results:
        for name in [f"t:{x.name}" for x in res.tables] + [f"f:{x.name}" for x in res.figures]:
            if name in seen:
                raise QtlabError(
                    f"{res.id} and {seen[name]} both write {name[2:]!r}; file names must be unique"
                )
            seen[name] = res.id


def _report_files(results: Sequence[AnalysisResult], png: bool) -> set[str]:
    """The relative paths the report writes (listed in its marker)."""
    files = {"index.html", MARKER, "tables/provenance.csv"}
    for res in results:
        files |= {f"tables/{tb.name}.csv" for tb in res.tables}
        if png:
            files |= {f"figures/{f.name}.png" for f in res.figures}
    return files


def build_report(
    out: str | os.PathLike[str],
    *,
    lang: str = "en",
    as_of: str | date | None = None,
    sections: Sequence[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    png: bool = True,
    browser: str | os.PathLike[str] | None = None,
    progress: ProgressFn | None = None,
) -> ReportOutcome:
    """Run the analyses and write the report to ``out`` (see the module docstring).

    Parameters
    ----------
    out
        The report directory. It is created, or replaced if it holds an earlier
        qtlab report; any other non-empty directory is refused.
    lang
        ``"en"`` or ``"zh"``.
    as_of
        The vantage date: only data visible on that date are used. None = latest.
    sections
        Analysis ids to include (e.g. ``["A1", "A3"]``); default all registered.
    data_dir
        The store directory (default: ``QTLAB_DATA_DIR`` or the user cache dir).
    png
        Also export every figure as PNG (needs Chrome or Chromium).
    browser
        The browser executable for PNG export (default: found on ``PATH``).
    progress
        Called as ``progress(label, done, total)``.

    Raises
    ------
    SpecError
        Bad language, unknown section id, or an ``out`` that is not a report directory.
    QtlabError
        If any section fails (the message names each one and its error) or the
        export fails. Nothing is written to ``out`` then.
    """
    t0 = time.perf_counter()
    lang = validate_lang(lang)
    vantage = None if as_of is None else to_date(as_of, field="as_of")
    specs = resolve_sections(sections)
    out_dir = Path(out).resolve()
    owned_files(out_dir)  # refuse a file or a folder that is not a report before any work
    with RunContext(vantage, data_dir=data_dir) as ctx:
        return _build(ctx, out_dir, specs, lang, vantage, png, browser, progress, t0)


def _baseline_lines(ctx: RunContext, results: Sequence[AnalysisResult], lang: str) -> list[str]:
    """The baseline's assumptions in ``lang``, stated once near the top when a section
    that runs from it is in the report (none otherwise)."""
    if not any(r.id in BASELINE_SECTIONS for r in results):
        return []
    return [a.text(lang) for a in baseline(ctx).assumptions]


def _build(
    ctx: RunContext,
    out_dir: Path,
    specs: Sequence[AnalysisSpec],
    lang: str,
    vantage: date | None,
    png: bool,
    browser: str | os.PathLike[str] | None,
    progress: ProgressFn | None,
    t0: float,
) -> ReportOutcome:
    """:func:`build_report` in the run context ``ctx`` of the build."""

    total = 2 * len(specs) + 2
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(label, done, total)

    results: list[AnalysisResult] = []
    failures: list[str] = []
    for spec in specs:
        try:
            results.append(spec.run(ctx, lang=lang))
        except Exception as exc:  # report every failing section, not only the first
            failures.append(f"{spec.id}: {type(exc).__name__}: {exc}")
        step(f"{spec.id} computed")
    if failures:
        raise QtlabError(
            f"{len(failures)} of {len(specs)} report sections failed; nothing was written to "
            f"{out_dir}:\n  " + "\n  ".join(failures)
        )
    _check_names(results)
    new_files = _report_files(results, png)

    try:
        clean_old_temp_dirs(out_dir)
        tmp = temp_dir_for(out_dir)
    except OSError as exc:
        raise QtlabError(f"cannot write the report beside {out_dir}: {exc}") from exc
    try:
        (tmp / "tables").mkdir()
        (tmp / "figures").mkdir()
        blocks: list[SectionBlock] = []
        tables: list[Path] = []
        figures: list[Path] = []
        exporter = None
        if png:
            exporter = PngExporter(browser).__enter__()
        try:
            writer = exporter.write if exporter is not None else None
            for res in results:
                block, tabs, figs = _section_files(res, tmp, lang, writer)
                blocks.append(block)
                tables += tabs
                figures += figs
                step(f"{res.id} written")
        finally:
            if exporter is not None:
                exporter.close()
        refs = reference_rows(r for res in results for r in res.meta.get("references", ()))
        prov = provenance_frame([*provenance_rows(ctx), *refs], lang)
        prov.to_csv(tmp / "tables" / "provenance.csv", index=False, encoding="utf-8-sig")
        ids = (t("report.prov.dataset", lang), t("report.prov.series", lang))
        prov_html, _ = table_html(prov, max_rows=10_000, code=ids)
        step("provenance")
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        page = render_page(
            lang=lang,
            sections=blocks,
            provenance=Markup(prov_html),
            as_of=vantage.isoformat() if vantage else None,
            generated=generated,
            version=__version__,
            summary=summary_items(results, lang),
            baseline=_baseline_lines(ctx, results, lang),
        )
        (tmp / "index.html").write_text(page, encoding="utf-8")
        (tmp / MARKER).write_text(
            json.dumps(
                {
                    "qtlab_version": __version__,
                    "generated": generated,
                    "lang": lang,
                    "as_of": vantage.isoformat() if vantage else None,
                    "sections": [r.id for r in results],
                    "files": sorted(new_files),
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        step("index.html")
        carry_over(out_dir, tmp, owned_files(out_dir), new_files)
        replace_dir(tmp, out_dir)
    except OSError as exc:
        discard(tmp)
        raise QtlabError(f"cannot write the report to {out_dir}: {exc}") from exc
    except BaseException:
        discard(tmp)
        raise

    def rel(p: Path) -> Path:
        return out_dir / p.relative_to(tmp)

    return ReportOutcome(
        out_dir=out_dir,
        index=out_dir / "index.html",
        lang=lang,
        as_of=vantage,
        sections=tuple(r.id for r in results),
        tables=tuple(rel(p) for p in tables),
        figures=tuple(rel(p) for p in figures),
        seconds=time.perf_counter() - t0,
    )
