"""C3's endpoint rules, C2's scenarios and B3's views read as catalogue labels, not ids.

``qtlab.present.labels``: a rule ``NAME=VALUE`` reads as its condition (``rule_label``), a
set of rules as a list (``rules_label``), C2's scenarios and B3's views by their labels;
templates write ``{rule:rule}`` and ``{rules:rules}``; tables label the cells of their
``rule``, ``rules`` and ``scenario`` columns. Ids stay where a user types them and in the
values results keep (``Note.values``, tidy tables).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from _policy_ids import bare_policy_ids
from qtlab.errors import SpecError
from qtlab.i18n import LANGS, catalogue, t
from qtlab.policy import ENDPOINT_RULE_DEFAULTS, ENDPOINT_RULE_NAMES
from qtlab.present import localized_table
from qtlab.present.labels import rule_label, rules_label, scenario_label, view_label
from qtlab.runs.liabilities import SCENARIOS
from qtlab.runs.liabilities_fitted import FITTED

CJK = re.compile(r"[\u4e00-\u9fff]")
VIEWS = (
    "nyfed_2022",
    "model_2022_qt1-fit",
    "model_2022_qt2-fit",
    "model_realized_rates",
    "realized",
)


@pytest.mark.parametrize("name", ENDPOINT_RULE_NAMES)
def test_every_endpoint_rule_reads_as_its_condition_in_every_language(name: str):
    value = ENDPOINT_RULE_DEFAULTS[name]
    pct = f"{100 * value:g}%"
    en, zh = rule_label(f"{name}={value}", "en"), rule_label(f"{name}={value}", "zh")
    assert pct in en and pct in zh and name not in en + zh
    assert CJK.search(zh) and not re.search(r"[A-Za-z]{4,}", zh), zh
    # a name alone is its default value
    assert rule_label(name, "zh") == zh


def test_rules_read_as_their_conditions():
    assert rule_label("reserves_to_gdp=0.08", "en") == "reserves at 8% of GDP"
    assert rule_label("reserves_to_gdp=0.08", "zh") == "准备金降至 GDP 的 8%"
    assert rule_label("reserves_to_bank_assets=0.125", "en") == "reserves at 12.5% of bank assets"
    assert rule_label("assets_to_gdp=0.07", "zh") == "总资产降至 GDP 的 7%"  # no float noise
    labels = {rule_label(n, lang) for n in ENDPOINT_RULE_NAMES for lang in LANGS}
    assert len(labels) == 2 * len(ENDPOINT_RULE_NAMES)


@pytest.mark.parametrize(
    "rules",
    [
        "reserves_peak_fraction=0.5 | assets_to_gdp=0.2",  # C3's tables
        "reserves_peak_fraction=0.5, assets_to_gdp=0.2",  # the notes' values
        ("reserves_peak_fraction=0.5", "assets_to_gdp=0.2"),
    ],
)
def test_a_set_of_rules_reads_as_a_list(rules: str | tuple[str, ...]):
    assert rules_label(rules, "en") == "reserves at 50% of their peak; total assets at 20% of GDP"
    assert rules_label(rules, "zh") == "准备金降至峰值的 50%；总资产降至 GDP 的 20%"


@pytest.mark.parametrize("text", ["reserves_to_gpd=0.08", "reserves", "", "reserves_to_gdp=8%"])
def test_an_unknown_rule_is_a_clear_error(text: str):
    with pytest.raises(SpecError, match=r"endpoint rule|no label for the endpoint rule"):
        rule_label(text, "en")
    with pytest.raises(SpecError):
        rules_label(f"assets_to_gdp=0.2 | {text}", "zh")
    # a rules column holding other text (A2's regime rules) is shown as written
    assert rules_label("caps 60 / 35", "zh", strict=False) == "caps 60 / 35"


def test_unknown_rule_names_the_valid_ones():
    with pytest.raises(SpecError, match=r"reserves_to_gpd.*reserves_peak_fraction, assets_to_gdp"):
        rule_label("reserves_to_gpd=0.08", "en")
    with pytest.raises(SpecError, match=r"an endpoint rule is text NAME=VALUE, got float 0\.08"):
        rule_label(0.08, "en")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="unknown language lang='fr'"):
        rule_label("reserves_to_gdp", "fr")


@pytest.mark.parametrize("name", [*SCENARIOS, FITTED])
def test_every_c2_scenario_has_a_label_in_every_language(name: str):
    en, zh = scenario_label(name, "en"), scenario_label(name, "zh")
    assert name not in (en, zh) and en != zh and CJK.search(zh)


@pytest.mark.parametrize("name", VIEWS)
def test_every_b3_view_has_a_label_in_every_language(name: str):
    en, zh = view_label(name, "en"), view_label(name, "zh")
    assert name not in (en, zh) and en != zh and CJK.search(zh)


def test_unknown_scenario_or_view_is_a_clear_error():
    with pytest.raises(
        SpecError, match=r"no label for the C2 scenario 'rrp_last'; labelled: .*rrp_first"
    ):
        scenario_label("rrp_last", "en")
    assert scenario_label("rrp_last", "en", strict=False) == "rrp_last"
    with pytest.raises(
        SpecError, match="no label for the B3 view 'nyfed_2023'; labelled: nyfed_2022"
    ):
        view_label("nyfed_2023", "zh")


def test_template_fields_rule_and_rules_label_their_values():
    values = {
        "month": "2024-05",
        "rule": "assets_to_gdp=0.2",
        "rules": "reserves_to_gdp=0.08, assets_to_gdp=0.2",
    }
    assert t("impact.assumption.stop", "en", **values) == (
        "runoff stops in 2024-05, when total assets at 20% of GDP is reached, the first of the "
        "stop conditions (reserves at 8% of GDP; total assets at 20% of GDP); total assets "
        "flat after."
    )
    assert t("impact.assumption.stop", "zh", **values) == (
        "缩表于 2024-05 停止：在各停止条件（准备金降至 GDP 的 8%；总资产降至 GDP 的 20%）中，"
        "“总资产降至 GDP 的 20%”最先触及；此后总资产保持不变。"
    )
    with pytest.raises(
        SpecError,
        match=r"text 'impact.assumption.stop' \(en\): no label for the endpoint rule 'gdp=0.2'",
    ):
        t("impact.assumption.stop", "en", **{**values, "rule": "gdp=0.2"})


def test_every_language_labels_the_same_rule_fields():
    field = re.compile(r"\{([a-z_]+):(rules?)\}")
    en, zh = catalogue("en"), catalogue("zh")
    marked = {k: sorted(field.findall(v)) for k, v in en.items() if field.search(v)}
    assert len(marked) >= 8
    assert {k: sorted(field.findall(v)) for k, v in zh.items() if field.search(v)} == marked


def test_tables_label_rule_rules_and_scenario_cells():
    frame = pd.DataFrame(
        {
            "rules": [
                "reserves_to_gdp=0.08",
                "reserves_to_gdp=0.08 | assets_to_gdp=0.2",
                "caps 60/35",
            ],
            "rule": ["reserves_to_gdp=0.08", None, "no rule"],
            "scenario": ["rrp_first", FITTED, "my scenario"],
            "reserves [USD bn]": [2958.0, 3000.0, 3100.0],
        }
    )
    zh = localized_table(frame, "zh")
    assert list(zh.iloc[:, 0]) == [
        "准备金降至 GDP 的 8%",
        "准备金降至 GDP 的 8%；总资产降至 GDP 的 20%",
        "caps 60/35",
    ]
    assert (
        zh.iloc[0, 1] == "准备金降至 GDP 的 8%"
        and pd.isna(zh.iloc[1, 1])
        and zh.iloc[2, 1] == "no rule"
    )
    assert list(zh.iloc[:, 2]) == [
        scenario_label("rrp_first", "zh"),
        scenario_label(FITTED, "zh"),
        "my scenario",
    ]
    assert frame.loc[0, "rules"] == "reserves_to_gdp=0.08"  # unchanged
    # English cells start with a capital; B3's view column is labelled likewise
    en = localized_table(frame.assign(view=["nyfed_2022", "realized", "mine"]), "en")
    assert en.iloc[0, 0] == "Reserves at 8% of GDP"
    assert list(en.iloc[:, 4]) == [view_label("nyfed_2022", "en"), "Realized", "mine"]


def test_the_check_finds_bare_rules_scenarios_and_views():
    page = (
        "<p>reserves_to_gdp=0.08 binds</p><td>rrp_floor_500</td><td>model_2022_qt1-fit</td>"
        "<td>policy_rate</td><td><code>assets_to_gdp=0.2</code></td>"
        '<script>Plotly.newPlot("f", [{"name": "half_share"}])</script>'
        "<p>nyfed_2022-05.yaml</p>"
    )
    assert bare_policy_ids(page) == {
        "reserves_to_gdp=0.08": 1,
        "rrp_floor_500": 1,
        "model_2022_qt1-fit": 1,
        "half_share": 1,
        "policy_rate": 1,
    }


def test_tables_label_d2_indicators_and_regression_terms():
    frame = pd.DataFrame(
        {
            "indicator": ["reserves_to_debt", "reserves_to_gdp"],
            "term": ["const", "policy_rate"],
            "indicator_name": ["reserves_to_gdp", "my_indicator"],
            "coef": [3.33, 0.3],
        }
    )
    zh = localized_table(frame, "zh")
    assert list(zh.iloc[:, 0]) == ["准备金占可交易国债比重", "准备金占 GDP 比重"]
    assert list(zh.iloc[:, 1]) == ["常数项", "政策利率"]
    assert list(zh.iloc[:, 2]) == ["准备金占 GDP 比重", "my_indicator"]  # unknown: as written
    assert list(localized_table(frame, "en").iloc[:, 1]) == ["Constant", "Policy rate"]


def test_tables_label_d2_specification_forms():
    frame = pd.DataFrame({"form": ["levels", "diff", "other"], "rmse [pp]": [0.5, 0.6, 0.7]})
    assert list(localized_table(frame, "zh").iloc[:, 0]) == ["水平值", "一阶差分", "other"]
    assert list(localized_table(frame, "en").iloc[:, 0])[:2] == ["levels", "first differences"]


def test_tables_label_kinds_of_securities_and_holdings_series():
    frame = pd.DataFrame(
        {"kind": ["note_bond", "bill"], "series": ["tips_inflation_comp", "WALCL"]},
        index=pd.Index(["agency_mbs", "notes_bonds"], name="kind"),
    )
    zh = localized_table(frame, "zh")
    assert list(zh.iloc[:, 0]) == ["附息国债（中长期）", "国库券"]
    assert list(zh.iloc[:, 1]) == ["TIPS 通胀补偿", "WALCL"]  # a FRED id stays as written
    assert list(zh.index) == ["机构债与 MBS", "中长期附息国债"]
    assert list(frame.index) == ["agency_mbs", "notes_bonds"]  # unchanged


def test_tables_label_the_quantities_of_d2s_recipe_comparison():
    frame = pd.DataFrame({"quantity": ["r2", "peak_month", "average_2023", "reserves", "peak"]})
    assert list(localized_table(frame, "zh").iloc[:, 0]) == [
        "R²",
        "峰值所在月份",
        "2023年10年期收益率均值（%）",
        "reserves",  # not one of the recipe's quantities: as written
        "10年期收益率预测峰值（%）",
    ]
    assert localized_table(frame, "en").iloc[2, 0] == "Average 10-year yield in 2023 (%)"
