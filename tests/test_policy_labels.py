"""Policy presets, regimes and their variants read as catalogue labels, never bare ids.

``qtlab.present.labels.policy_label`` turns an id (``qt2-realized``, a dated
``qt2-end-rmp@2026-09``, ``qt2-realized+mbs-runoff``, F1's ``rmp-20``) into what a reader
of a language sees; templates write such a field as ``{regime:policy}``; tables label the
cells of their ``regime``/``policy``/``alternative`` columns. Ids stay where a user types
them (CLI, URL, JSON, policy files) and in the numbers results keep (``Note.values``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from _policy_ids import IDS, bare_policy_ids
from qtlab.analyses import get_analysis
from qtlab.errors import SpecError
from qtlab.i18n import LANGS, catalogue, t
from qtlab.present import localized_table, policy_label
from qtlab.present.labels import policy_label_ids
from qtlab.report import build_report

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", IDS)
def test_every_packaged_preset_and_regime_has_a_label_in_every_language(name: str):
    en, zh = policy_label(name, "en"), policy_label(name, "zh")
    assert name in policy_label_ids()
    assert en not in (name, zh)
    # Chinese reads as Chinese: no id, no English word longer than an acronym (QT2, MBS)
    assert CJK.search(zh) and name not in zh and not re.search(r"[A-Za-z]{4,}", zh), zh


def test_labels_of_presets_and_regimes_are_distinct():
    for lang in LANGS:
        labels = [policy_label(n, lang) for n in IDS]
        assert len(set(labels)) == len(labels), lang


@pytest.mark.parametrize(
    ("name", "en", "zh"),
    [
        ("qt2-realized", "QT2 as realized", "第二轮缩表（实际执行）"),
        (
            "qt2-end-rmp@2026-09",
            "Post-QT2 reserve-management purchases (from 2026-09)",
            "第二轮缩表结束后的准备金管理购买（2026-09 起）",
        ),
        (
            "qt2-realized+mbs-runoff",
            "QT2 as realized, agency principal running off",
            "第二轮缩表（实际执行），机构证券本金不再投资",
        ),
        (
            "rmp-20",
            "Reserve-management purchases of 20 bn a month",
            "准备金管理购买每月 200 亿美元",
        ),
        (
            "rmp-2.5",
            "Reserve-management purchases of 2.5 bn a month",
            "准备金管理购买每月 25 亿美元",
        ),
        ("rmp-0", "No reserve-management purchases", "不进行准备金管理购买"),
        (
            "qt2-announced (edited)",
            "QT2 as announced (May 2022) (edited)",
            "第二轮缩表（2022年5月宣布时）（已编辑）",
        ),
        (
            "qt2-phase-in@2022-06+mbs-runoff",
            "QT2 phase-in (from 2022-06), agency principal running off",
            "第二轮缩表起步阶段（2022-06 起），机构证券本金不再投资",
        ),
    ],
)
def test_dated_and_derived_ids_read_as_their_base_label(name: str, en: str, zh: str):
    assert (policy_label(name, "en"), policy_label(name, "zh")) == (en, zh)


@pytest.mark.parametrize("name", ["qt3", "QT2-realized", "qt2-realized@2026-13", "qt2+nope", ""])
def test_an_unknown_id_is_a_clear_error_unless_shown_as_written(name: str):
    with pytest.raises(SpecError, match=r"no label for the policy or regime id .*labelled ids: "):
        policy_label(name, "en")
    # a user's own policy or regime (YAML name, a regime added in the dashboard) is shown
    # as written: it has no catalogue label and its author knows the name
    assert policy_label(name, "zh", strict=False) == name
    assert policy_label("my-plan@2026-01", "en", strict=False) == "my-plan (from 2026-01)"
    with pytest.raises(SpecError, match="no label for the policy or regime id 'my-plan'"):
        policy_label("my-plan@2026-01", "en")


def test_bad_arguments_are_refused():
    with pytest.raises(SpecError, match="unknown language lang='fr'"):
        policy_label("qt2-realized", "fr")
    with pytest.raises(SpecError, match="a policy or regime id is text, got int 3"):
        policy_label(3, "en")  # type: ignore[arg-type]


def test_a_template_field_written_policy_labels_an_id_or_a_sequence():
    regs = ("qt2-phase-in", "qt2-full-pace")
    assert t("b4.note.regimes", "en", regimes=regs) == (
        "Regimes in force: QT2 phase-in, QT2 at full pace."
    )
    assert t("b4.note.regimes", "zh", regimes=regs) == (
        "期间适用的政策阶段：第二轮缩表起步阶段、第二轮缩表全速阶段。"
    )
    assert t("b2.fig.title", "zh", policy="qt2-announced") == (
        "第二轮缩表（2022年5月宣布时）下的国债赎回与展期"
    )
    # a user's policy keeps its name; something that is no id is refused
    assert t("b2.fig.title", "en", policy="my plan") == (
        "Treasury redemptions and rollovers under my plan"
    )
    with pytest.raises(SpecError, match="a policy field takes an id or a sequence of ids"):
        t("b2.fig.title", "en", policy=3.0)


def test_every_language_labels_the_same_template_fields():
    """A field that names a policy (``{regime:policy}``) is labelled in every language, so
    no translation leaves an id where the other shows a label."""
    field = re.compile(r"\{([a-z_]+):policy\}")
    en, zh = catalogue("en"), catalogue("zh")
    marked = {k: sorted(field.findall(v)) for k, v in en.items() if field.search(v)}
    assert len(marked) >= 20
    assert {k: sorted(field.findall(v)) for k, v in zh.items() if field.search(v)} == marked


def test_tables_label_the_ids_in_regime_policy_and_alternative_columns():
    frame = pd.DataFrame(
        {
            "alternative": ["rmp-target", "rmp-20", "my-plan"],
            "regime": ["qt2-end-rmp@2026-09", "qt2-end-rmp", None],
            "kind": ["qt2-realized"] * 3,  # not an id column: left alone
            "reserves [USD bn]": [2958.0, 3000.0, 3100.0],
        }
    )
    zh = localized_table(frame, "zh")
    assert list(zh.iloc[:, 0]) == [
        "使准备金保持在目标水平的准备金管理购买",
        "准备金管理购买每月 200 亿美元",
        "my-plan",
    ]
    assert list(zh.iloc[:2, 1]) == [
        "第二轮缩表结束后的准备金管理购买（2026-09 起）",
        "第二轮缩表结束后的准备金管理购买",
    ]
    assert pd.isna(zh.iloc[2, 1]) and list(zh.iloc[:, 2]) == ["qt2-realized"] * 3
    assert list(frame["alternative"]) == ["rmp-target", "rmp-20", "my-plan"]  # unchanged


def test_notes_name_the_regime_by_its_label_and_keep_the_id_in_their_values():
    c = get_analysis("B4").compute(shared("2022-05-31"))
    for lang in LANGS:
        res = get_analysis("B4").render(c, lang)
        note = next(n for n in res.notes if n.key == "b4.note.regimes")
        assert note.values["regimes"] == ("qt2-phase-in", "qt2-full-pace")
        assert policy_label("qt2-phase-in", lang) in note.text and "qt2-" not in note.text
        assert "qt2-" not in res.figure("b4_portfolio").layout.title.text


@pytest.mark.slow  # the whole Chinese report at today's vantage (2022-05-31: test_report.py)
def test_the_chinese_report_today_shows_no_bare_preset_or_regime_id(tmp_path: Path):
    index = build_report(tmp_path / "zh", lang="zh", png=False).index
    page = index.read_text(encoding="utf-8")
    assert bare_policy_ids(page) == {}
    # the provenance keeps the preset ids a reader looks up, as code
    assert "<code>qtlab.policy: qt2-realized</code>" in page
    assert policy_label("qt2-end-rmp", "zh") in page


def test_the_check_finds_bare_ids_outside_code():
    page = (
        "<p>按 qt2-realized 滚动推算</p><td>qt2-end-rmp@2026-09</td>"
        "<td><code>qtlab.policy: qt2-realized</code></td>"
        '<script>Plotly.newPlot("f", [{"name": "rmp-20"}])</script>'
        "<p>第二轮缩表（实际执行）；qt2-realized-like words</p>"
    )
    assert bare_policy_ids(page) == {
        "qt2-realized": 1,
        "qt2-end-rmp": 1,
        "@2026-09": 1,
        "rmp-20": 1,
    }
