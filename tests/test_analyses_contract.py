"""The shared contract of analyses: strings catalogue, result objects, registry, figure style."""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from _contexts import shared
from qtlab.analyses import AnalysisResult, Table, analysis, get_analysis, registry

# private on purpose: the shared figure style and episode shading every analysis uses
from qtlab.analyses._figures import episodes, shade_episodes
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import notes_of, renders
from qtlab.errors import SpecError
from qtlab.i18n import LANGS, catalogue, check_catalogue, t
from qtlab.present.figures import styled_figure

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_language_has_every_key():
    assert check_catalogue() == {lang: [] for lang in LANGS}


def test_every_template_uses_the_same_placeholders_in_every_language():
    fields = re.compile(r"{(\w+)")
    en, zh = catalogue("en"), catalogue("zh")
    for key, text in en.items():
        assert set(fields.findall(text)) == set(fields.findall(zh[key])), key


def test_chinese_titles_are_chinese():
    zh = catalogue("zh")
    assert all(CJK.search(v) for k, v in zh.items() if k.endswith(".title")), [
        k for k, v in zh.items() if k.endswith(".title") and not CJK.search(v)
    ]


def test_t_formats_and_errors_name_the_key():
    assert t("common.source_line", "en", sources="FRED") == "Source: FRED"
    assert t("common.source_line", "zh", sources="FRED") == "资料来源：FRED"
    with pytest.raises(SpecError, match=r"common\.nope.*common\."):
        t("common.nope", "en")
    with pytest.raises(SpecError, match="'sources'"):
        t("common.source_line", "en")
    with pytest.raises(SpecError, match=r"lang='fr'.*'en' or 'zh'"):
        t("common.source_line", "fr")


def test_episodes_are_ordered_and_cited():
    eps = episodes()
    assert [e.id for e in eps] == ["qe1", "qe2", "qe3", "qt1", "qe4", "qt2"]
    for a, b in itertools.pairwise(eps):
        assert a.end < b.start
    assert all(e.start <= e.end and ("FOMC" in e.source or "Board" in e.source) for e in eps)
    qt2 = eps[-1]
    assert (str(qt2.start), str(qt2.end)) == ("2022-06", "2025-11")


@pytest.mark.parametrize("lang", LANGS)
def test_styled_figure_has_title_units_source_and_shading(lang):
    fig = styled_figure(
        title=t("common.kind.mbs", lang),
        y_title=t("common.unit.usd_bn", lang),
        source="NY Fed SOMA",
        lang=lang,
    )
    shade_episodes(fig, lang, start="2015-01-01", end="2023-12-31")
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == t("common.source_line", lang, sources="NY Fed SOMA")
    shaded = [s for s in fig.layout.shapes]
    assert len(shaded) == 3  # QT1, QE4, QT2 overlap 2015-2023
    assert fig.layout.yaxis.title.text == t("common.unit.usd_bn", lang)
    if lang == "zh":
        assert "CJK" in fig.layout.font.family


@pytest.fixture
def _forget_z9():
    """The demo analysis Z9 is registered for one test only (other tests, e.g. the
    dashboard's, expect 'Z9' to be unknown whatever the order the tests run in)."""
    from qtlab.analyses import result

    yield
    result._REGISTRY.pop("Z9", None)


@pytest.mark.usefixtures("_forget_z9")
def test_registry_runs_an_analysis_and_checks_its_id(monkeypatch: pytest.MonkeyPatch):
    from qtlab.analyses import result

    # registered for this test only (the registry is process-wide; load it first)
    registry()
    monkeypatch.setattr(result, "_REGISTRY", dict(result._REGISTRY))
    monkeypatch.setattr(result, "_RENDERERS", dict(result._RENDERERS))

    @analysis("Z9", area="test", order=999)
    def compute_z9(ctx: object) -> Computed:
        frame = tidy(pd.DataFrame({"x": [1.0]}), {"x": "USD bn"})
        return Computed(
            id="Z9", tables={"demo": frame}, notes=(Fact("common.source_line", {"sources": "x"}),)
        )

    @renders("Z9")
    def render_z9(c: Computed, lang: str) -> AnalysisResult:
        frame = c.table("demo").rename(columns={"x": "x [USD bn]"})
        return AnalysisResult(
            id="Z9",
            title="demo",
            lang=lang,
            tables=(Table("z9_demo", "demo", frame),),
            notes=tuple(notes_of(c, lang)),
        )

    spec = get_analysis("z9")
    ctx = shared("2022-05-31")
    res = spec.run(ctx, lang="zh")
    assert res.table("z9_demo").iloc[0, 0] == 1.0
    assert res.note_values("common.source_line") == {"sources": "x"}
    assert spec in registry()
    with pytest.raises(SpecError, match="unknown analysis 'Q1'"):
        get_analysis("Q1")
    with pytest.raises(SpecError, match="valid: 'z9_demo'"):
        res.table("nope")
    with pytest.raises(SpecError, match="lang='de'"):
        spec.run(ctx, lang="de")


def test_section_titles_do_not_repeat_the_analysis_id():
    # the report prints "B1 · <title>"; a title that starts with its own id reads "B1 · B1 ..."
    for lang in LANGS:
        for key, text in catalogue(lang).items():
            head, _, leaf = key.rpartition(".")
            if leaf == "title" and re.fullmatch(r"[a-f]\d", head):
                assert not text.upper().startswith(head.upper()), (lang, key, text)
