"""Analyses compute numbers once and render them in each language.

A split analysis (``@analysis`` on ``compute_<id>``, ``@renders`` on ``render_<id>``)
returns a language-free :class:`~qtlab.analyses.Computed` from ``spec.compute(ctx)``:
tidy tables with snake_case columns and units in ``attrs``; ``spec.render(c, lang)``
makes the report's tables from it. ``tests/golden/history_render_2022-05-31.json`` holds
hashes of every analysis's tables and notes as main rendered them before its split
(one function per language), at the eve of QT2 in both languages: the split must
reproduce them byte for byte. When a table is changed on purpose, regenerate the hashes with
``python tests/test_compute_render.py > tests/golden/history_render_2022-05-31.json``
and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from _contexts import shared
from qtlab import schema
from qtlab.analyses import AnalysisResult, Computed, get_analysis, registry
from qtlab.errors import SpecError
from qtlab.runs import RunContext

EVE_OF_QT2 = "2022-05-31"
GOLDEN = Path(__file__).parent / "golden" / f"history_render_{EVE_OF_QT2}.json"

#: Every analysis, each computing apart from rendering (a new one is added here with its
#: golden hashes).
SPLIT = (
    "A1",
    "A2",
    "A3",
    "A4",
    "A5",
    "A6",
    "A7",
    "A8",
    "B1",
    "B2",
    "B3",
    "B4",
    "C1",
    "C2",
    "C3",
    "D1",
    "D2",
    "D3",
    "D4",
    "E1",
    "E2",
    "F1",
    "F2",
)

#: Units a tidy table may state: the glossary's (qtlab.schema), and real GDP in the
#: dollars of its base year (A3).
UNITS = {
    schema.USD_BN,
    schema.USD_BN_PER_MONTH,
    schema.EUR_BN,
    schema.EUR_BN_PER_MONTH,
    schema.PERCENT,
    schema.PERCENTAGE_POINTS,
    schema.PERCENT_OF_PEAK,
    schema.PERCENT_OF_PEAK_PER_MONTH,
    schema.MONTHS,
    schema.YEARS,
    schema.INDEX,
    schema.DIMENSIONLESS,
    schema.ROW_UNITS,
    schema.PER_MONTH,
}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


#: Decimals of the floats hashed: the rendered tables show one or two, and the lowest
#: dependency versions pyproject.toml allows differ from the newest in the last digits
#: of a float (numba, scipy, pandas), never in the fourth decimal.
GOLDEN_DECIMALS = 4


def digest(res: AnalysisResult) -> dict[str, str]:
    """Hashes of a result's tables (as the report writes them, less the BOM, floats to
    :data:`GOLDEN_DECIMALS`) and notes."""
    out = {}
    for tb in res.tables:
        named = any(n is not None for n in tb.frame.index.names)
        frame = tb.frame.copy()
        for col in frame.columns[[pd.api.types.is_float_dtype(t) for t in frame.dtypes]]:
            frame[col] = frame[col].round(GOLDEN_DECIMALS)
        text = frame.to_csv(index=named)
        out[f"table:{tb.name}"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    out["notes"] = hashlib.sha256("\n".join(n.text for n in res.notes).encode()).hexdigest()[:16]
    return out


def test_every_analysis_computes_apart_from_rendering():
    """Every registered analysis is split (the one-function-per-language path is gone)."""
    assert tuple(s.id for s in registry()) == SPLIT


@pytest.mark.parametrize("aid", SPLIT)
def test_a_split_analysis_lives_in_the_module_named_after_its_id(aid: str):
    """``A3`` is ``qtlab.analyses.a3_<name>``: compute_a3 and render_a3."""
    spec = get_analysis(aid)
    assert spec.render_fn is not None
    module = spec.fn.__module__
    assert module.split(".")[-1].startswith(f"{aid.lower()}_"), module
    assert spec.fn.__name__ == f"compute_{aid.lower()}"
    assert (spec.render_fn.__module__, spec.render_fn.__name__) == (module, f"render_{aid.lower()}")


@pytest.mark.parametrize("aid", SPLIT)
def test_compute_once_render_both_languages_as_before(aid: str):
    """One computation renders both languages' tables and notes exactly as main did
    when each language computed its own; rendering again gives the same (render
    changes nothing it reads)."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    ctx = shared(EVE_OF_QT2)
    spec = get_analysis(aid)
    computed = spec.compute(ctx)
    first = {lang: digest(spec.render(computed, lang)) for lang in ("en", "zh")}
    for lang in ("en", "zh"):
        assert first[lang] == golden[f"{aid}/{lang}"], lang
        assert digest(spec.render(computed, lang)) == first[lang]
    assert digest(spec.run(ctx, lang="zh")) == first["zh"]


@pytest.mark.parametrize("aid", SPLIT)
def test_tidy_tables_are_language_free_with_units(aid: str):
    """Tidy tables: snake_case column and index names (no language: compute takes none),
    units in ``attrs["units"]`` naming columns of the table, from the glossary."""
    c = get_analysis(aid).compute(shared(EVE_OF_QT2))
    assert isinstance(c, Computed) and c.tables
    for name, frame in c.tables.items():
        assert SNAKE.match(name), name
        names = [str(x) for x in frame.columns] + [n for n in frame.index.names if n]
        assert all(SNAKE.match(x) for x in names), (name, names)
        units = frame.attrs.get("units", {})
        assert units or frame.columns.empty, f"{aid} {name}: no units"  # A8's axis before runoff
        assert set(units) <= set(frame.columns)
        extra = {u for u in units.values() if u not in UNITS}
        # A3's real GDP is in billions of its base year's dollars
        assert extra <= {u for u in extra if u.startswith(f"{schema.USD_BN} (")}, extra
    for fact in c.notes:
        assert all(isinstance(k, str) for k in fact.values)


def test_compute_is_memoized_per_context_and_options():
    """The report and the dashboard share a context: a second language (or a second
    caller) gets the same numbers without computing them again."""
    with RunContext(EVE_OF_QT2, use_store=False) as ctx:
        spec = get_analysis("A7")
        before = ctx.runs_made
        a = spec.compute(ctx)
        assert spec.compute(ctx) is a and ctx.runs_made == before + 1
        other = spec.compute(ctx, years=5)
        assert other is not a and other.meta["years"] == 5
        assert spec.render(a, "en").table("a7_summary").shape == (1, 5)


def test_an_analysis_without_a_render_function_is_refused(monkeypatch: pytest.MonkeyPatch):
    from qtlab.analyses import result

    registry()  # every module registered before the test's own entry

    def compute_z9(ctx: RunContext) -> Computed:
        raise AssertionError("never run")

    monkeypatch.setitem(result._REGISTRY, "Z9", result.AnalysisSpec("Z9", "test", 999, compute_z9))
    with pytest.raises(SpecError, match=r"analysis Z9 .*compute_z9\) has no render function"):
        registry()


def test_compute_and_render_refuse_what_they_cannot_do():
    ctx = shared(EVE_OF_QT2)
    a1 = get_analysis("A1").compute(ctx)
    with pytest.raises(SpecError, match="cannot render the numbers of A1"):
        get_analysis("A3").render(a1, "en")
    with pytest.raises(SpecError, match="no table 'nope'"):
        a1.table("nope")
    with pytest.raises(SpecError):
        get_analysis("A1").render(a1, "fr")


def test_gaps_are_keys_with_values_rendered_in_each_language():
    """A gap is computed as a catalogue key and its values; each language writes it."""
    c = get_analysis("A6").compute(shared(EVE_OF_QT2))
    (gap,) = c.meta["gaps"]
    assert gap.key == "a6.gap.mbs" and gap.values == {"ids": "agency_mbs.outstanding"}
    en, zh = (get_analysis("A6").render(c, lang).meta["gaps"] for lang in ("en", "zh"))
    assert "agency_mbs.outstanding" in en[0] and "agency_mbs.outstanding" in zh[0]
    assert en != zh


def _regenerate() -> dict[str, Any]:
    with RunContext(EVE_OF_QT2, use_store=False) as ctx:
        return {
            f"{aid}/{lang}": digest(get_analysis(aid).run(ctx, lang=lang))
            for aid in (s.id for s in registry())
            for lang in ("en", "zh")
        }


if __name__ == "__main__":
    json.dump(_regenerate(), sys.stdout, indent=1, sort_keys=True)
