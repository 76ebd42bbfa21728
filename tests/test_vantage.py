"""No look-ahead at any vantage: every registered analysis, at four vantages.

Each analysis of :func:`qtlab.analyses.registry` (whatever is registered, so new ones are
checked without a change here) runs in a new :class:`~qtlab.runs.RunContext`, which
records every observation, holdings file and table it hands out
(:attr:`~qtlab.runs.RunContext.reads`), also those of its
:meth:`~qtlab.runs.RunContext.at` views at other vantages. The test then checks every
date handed out against the vantage D:

- an observed observation is dated on or before D and, where the glossary has a
  publication-lag rule (:func:`qtlab.schema.publication_lag`), was published by D;
- a projection's vintages are on or before D; holdings files and tables are dated
  on or before D;
- only the scoring sections (E1, E2) read data at a later vantage, and they say so;
- no note, table or figure names a regime announced after D, shades an episode
  announced after D or ends one at a last month not yet announced, and outside
  E1/E2 no "realized" column runs past D;
- the report's provenance appendix lists only what was visible at D.

qtlab keeps no process-wide cache: whatever a run reuses lives in its context, so a
new context reads, and records, everything again and the recording is complete. PNG
export is not involved (analyses only). One test per (vantage, analysis), so
pytest-xdist spreads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import pytest

from qtlab.analyses import AnalysisResult, registry

# private on purpose: the episode list the shading must respect at each vantage
from qtlab.analyses._figures import episodes
from qtlab.errors import DataError
from qtlab.i18n import t
from qtlab.policy import PRESET_NAMES, load_preset
from qtlab.report.provenance import provenance_rows
from qtlab.runs import RunContext
from qtlab.runs.baseline import baseline
from qtlab.runs.context import ContextDataset
from qtlab.schema import publication_lag, series_spec
from qtlab.store.dataset import Dataset

VANTAGES = ("2017-09-30", "2022-05-31", "2023-04-11", "2024-05-31")
#: Sections that score forecasts against outcomes: they may read after the vantage.
SCORING = frozenset({"E1", "E2"})
#: The first SOMA holdings file by CUSIP in the data: analyses on holdings cannot run
#: before it and must say so with a DataError.
FIRST_HOLDINGS = date(2017, 10, 4)


@dataclass
class _Read:
    kind: str  # series | holdings | table
    as_of: date | None
    name: str
    dates: pd.DatetimeIndex
    vintages: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))


def _log(ctx: RunContext) -> list[_Read]:
    """Every read ``ctx`` and its ``at`` views handed out, as the checks below take them."""
    return [
        _Read(
            "holdings" if r.kind == "holdings_dates" else r.kind,
            r.as_of,
            r.name,
            r.dates,
            r.vintages,
        )
        for r in ctx.reads
    ]


@pytest.fixture
def bare_datasets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Dataset made during the run outside a RunContext (it would read unseen)."""
    made: list[str] = []
    init = Dataset.__init__

    def spy(self: Dataset, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if not isinstance(self, ContextDataset):
            made.append(repr(self))

    monkeypatch.setattr(Dataset, "__init__", spy)
    return made


def _later_regimes(d: date) -> set[str]:
    """Names of packaged regimes announced after ``d`` that no regime known by then shares."""
    later, known = set(), set()
    for name in PRESET_NAMES:
        for r in load_preset(name).regimes:
            (known if r.announced <= d else later).add(r.name)
    return later - known


def _texts(res: AnalysisResult) -> Iterator[tuple[str, str]]:
    """(where, text) for every note, table cell and heading, and figure text of ``res``."""
    for n in res.notes:
        yield f"note {n.key}", n.text
    for gap in res.meta.get("gaps", ()):
        yield "gap", str(gap)
    for tb in res.tables:
        yield f"table {tb.name} title", tb.title
        frame = tb.frame
        for c in frame.columns:
            yield f"table {tb.name} column", str(c)
        yield f"table {tb.name} index", " ".join(map(str, frame.index))
        for c in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[c]):
                yield f"table {tb.name}[{c}]", " ".join(map(str, frame[c].tolist()))
    for fg in res.figures:
        lay = fg.figure.layout
        yield f"figure {fg.name} title", str(lay.title.text or "")
        for a in lay.annotations or ():
            yield f"figure {fg.name} annotation", str(a.text or "")
        for s in lay.shapes or ():
            if getattr(s, "label", None) is not None and s.label.text:
                yield f"figure {fg.name} shape", str(s.label.text)
        for tr in fg.figure.data:
            yield f"figure {fg.name} trace", str(getattr(tr, "name", "") or "")


def _check_reads(log: list[_Read], d: date, sid: str) -> list[str]:
    bad: list[str] = []
    cut = pd.Timestamp(d)
    for r in log:
        if r.as_of is None or r.as_of > d:
            if sid not in SCORING:
                bad.append(f"read {r.kind} {r.name} at a later vantage ({r.as_of or 'today'})")
            continue
        own = pd.Timestamp(r.as_of)
        if r.kind == "series":
            if series_spec(r.name).kind == "projection":
                if len(r.vintages) and r.vintages.max() > own:
                    bad.append(f"{r.name}: projection vintage {r.vintages.max().date()} > {d}")
                continue
            if len(r.dates) and r.dates.max() > own:
                bad.append(f"{r.name}: observation {r.dates.max().date()} > {r.as_of}")
            lag = publication_lag(r.name)
            if lag is not None and len(r.dates):
                pub = lag.published(r.dates)
                if pub.max() > own:
                    late = r.dates[pub > own]
                    bad.append(f"{r.name}: {late[-1].date()} published after {r.as_of}")
        elif r.kind == "holdings":
            if len(r.dates) and r.dates.max() > cut:
                bad.append(f"holdings {r.name}: file of {r.dates.max().date()} > {d}")
        elif r.kind == "table" and (r.dates.max() > cut or r.vintages.max() > cut):
            bad.append(f"table {r.name}: dated {r.dates.max().date()} > {d}")
    return bad


_DATE_COLS = ("month", "date", "week", "quarter")


def _row_dates(frame: pd.DataFrame) -> pd.Series | None:
    """The date (as a Timestamp at the period's end) of each row, if the table has one."""
    for c in _DATE_COLS:
        if c in frame.columns:
            raw = frame[c]
        elif frame.index.name == c:
            raw = pd.Series(frame.index, index=frame.index)
        else:
            continue
        vals = raw.astype(str)
        try:
            freq = {"month": "M", "quarter": "Q"}.get(c, "D")
            ends = pd.PeriodIndex(vals, freq=freq).to_timestamp(how="end")
        except (ValueError, TypeError):
            return None
        return pd.Series(ends.normalize().to_numpy(), index=frame.index)
    return None


def _check_output(res: AnalysisResult, d: date) -> list[str]:
    bad: list[str] = []
    later = _later_regimes(d)
    for where, text in _texts(res):
        for name in later:
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                bad.append(f"{where} names regime {name!r}, announced after {d}")
    labels = {
        ep.id: {ep.label("en"), ep.label("zh")} for ep in episodes() if ep.announced.date() > d
    }
    for fg in res.figures:
        anns = {str(a.text) for a in fg.figure.layout.annotations or ()}
        for s in fg.figure.layout.shapes or ():
            if s.type != "rect" or s.xref != "x":
                continue
            x1 = pd.Timestamp(s.x1)
            for ep in episodes():
                end = ep.end.end_time.normalize()
                if (
                    not ep.end_known_at(d)
                    and ep.known_at(d)
                    and x1 == end
                    and end > pd.Timestamp(d)
                ):
                    bad.append(f"figure {fg.name}: {ep.id} shaded to its end {end.date()}")
        for eid, names in labels.items():
            if anns & names:
                bad.append(f"figure {fg.name}: episode {eid} (announced later) shaded")
    if res.id not in SCORING:
        month_end = pd.Period(d, freq="M").to_timestamp(how="end")
        for tb in res.tables:
            cols = [c for c in tb.frame.columns if "realized" in str(c).lower()]
            rows = _row_dates(tb.frame)
            if not cols or rows is None:
                continue
            shown = tb.frame[cols].notna().any(axis=1)
            if shown.any() and rows[shown].max() > month_end:
                bad.append(f"table {tb.name}: realized values to {rows[shown].max().date()}")
    return bad


def _cases() -> list[Any]:
    return [pytest.param(v, spec.id, id=f"{v}-{spec.id}") for v in VANTAGES for spec in registry()]


# every analysis end to end at every vantage: in the main run only (the lowest-versions run
# checks every analysis's numbers through the golden hashes of test_compute_render)
@pytest.mark.slow
@pytest.mark.parametrize(("vantage", "sid"), _cases())
def test_no_look_ahead(vantage: str, sid: str, bare_datasets: list[str]) -> None:
    d = date.fromisoformat(vantage)
    ctx = RunContext(vantage, use_store=False)
    spec = {s.id: s for s in registry()}[sid]
    try:
        res = spec.run(ctx, lang="en")
    except DataError as exc:
        # only for lack of data at the vantage (no holdings file before 2017-10-04)
        assert d < FIRST_HOLDINGS, f"{sid} at {vantage}: {exc}"
        res = None
    problems = _check_reads(_log(ctx), d, sid)
    assert not bare_datasets, f"{sid} made Datasets outside its context: {bare_datasets}"
    if res is not None:
        problems += _check_output(res, d)
        if sid in SCORING:
            keys = {n.key for n in res.notes}
            assert any(k.endswith("scored_today") for k in keys), f"{sid} does not say it"
    for row in provenance_rows(ctx):
        # a projection's "last" is the last date it projects; every other row's is data
        if not row.projection and row.last and date.fromisoformat(row.last) > d:
            problems.append(f"provenance lists {row.series} to {row.last}")
    assert not problems, f"{sid} at {vantage}:\n  " + "\n  ".join(sorted(set(problems)))


def test_the_leak_checks_can_fail() -> None:
    """The checks above catch what they look for (each on a deliberately leaky input)."""
    d = date(2022, 5, 31)
    later = pd.DatetimeIndex(["2022-04-01"])  # 2022Q2 GDP, published 2022-07-28
    assert _check_reads([_Read("series", d, "GDP", later)], d, "A3")
    assert _check_reads([_Read("series", None, "WALCL", later)], d, "B2")
    assert not _check_reads([_Read("series", None, "WALCL", later)], d, "E2")
    res = AnalysisResult(
        id="B4",
        title="x",
        lang="en",
        notes=(),
        tables=(),
        meta={"gaps": ["Regimes in force: qt2-slower, qt2-end-rmp."]},
    )
    assert len(_check_output(res, d)) == 2
    frame = pd.DataFrame({"month": ["2022-05", "2022-06"], "realized [USD bn]": [1.0, 2.0]})
    from qtlab.analyses import Table

    leaky = AnalysisResult(id="B3", title="x", lang="en", tables=(Table("b", "b", frame),))
    assert _check_output(leaky, d)
    assert t("e1.note.scored_today", "en", asof="2022-05-31", n=1, latest="2026-08")


@pytest.mark.parametrize("vantage", ["2022-05-31", "2025-12-31"])
def test_the_baseline_and_its_liability_model_read_nothing_published_later(
    vantage: str, bare_datasets: list[str]
) -> None:
    """The baseline at D (its asset path, and the liability model it fits and states) reads
    only what was published by D, and its model's samples end by D."""
    d = date.fromisoformat(vantage)
    ctx = RunContext(vantage, use_store=False)
    b = baseline(ctx)
    fit = b.liability_model
    assert fit is not None and fit.rrp is not None
    month = pd.Period(d, freq="M")
    assert max(fit.currency.end, fit.tga.end, fit.rrp.end) <= month
    assert not bare_datasets
    # the backtests that chose its liability rules rest on the H.4.1 through 2026-08:
    # before that is visible no sentence states them
    keys = [a.key for a in b.assumptions]
    assert "baseline.model.not_used_early" in keys and "baseline.model.not_used" not in keys
    for lang in ("en", "zh"):
        assert not [a for a in b.assumptions if "2026-08" in a.text(lang)], lang
    problems = _check_reads(_log(ctx), d, "baseline")
    for row in provenance_rows(ctx):
        if not row.projection and row.last and date.fromisoformat(row.last) > d:
            problems.append(f"provenance lists {row.series} to {row.last}")
    assert not problems, f"baseline at {vantage}:\n  " + "\n  ".join(sorted(set(problems)))
