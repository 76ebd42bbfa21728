"""Bare policy, regime and variant ids, C3's endpoint rules, D2's indicators, C2's
scenarios and B3's views in what a reader of a report sees.

Ids are what a user types (CLI options, URLs, policy YAML files); the page shows their
catalogue labels (:func:`qtlab.present.labels.policy_label`, ``rule_label``,
``scenario_label``, ``view_label``). The check reads the page's
visible text and its figures' text (plotly's JSON: titles, legends, hover), leaving out
``<code>`` elements (the provenance appendix's dataset and series ids) and plotly.js itself.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter

from qtlab.policy import ENDPOINT_RULE_NAMES, PRESET_NAMES, load_preset
from qtlab.runs.liabilities import SCENARIOS

#: Every packaged preset and regime id, the variants' suffixes and F1's alternatives.
IDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *PRESET_NAMES,
            *(r.name for p in PRESET_NAMES for r in load_preset(p).regimes),
            "endpoint-reinvest",
            "mbs-runoff",
        ]
    )
)
#: C3's endpoint rules as ids (``reserves_to_gdp=0.08``, or a name alone), D2's
#: indicators and policy-rate term, C2's ON RRP scenarios but ``fitted`` (an English word)
#: and B3's views of the 2022 baseline but ``realized``.
RULE_IDS: tuple[str, ...] = (*ENDPOINT_RULE_NAMES, "reserves_to_debt", "policy_rate")
SCENARIO_IDS: tuple[str, ...] = tuple(SCENARIOS)
VIEW_IDS: tuple[str, ...] = (
    "nyfed_2022",
    "model_2022_qt1-fit",
    "model_2022_qt2-fit",
    "model_realized_rates",
)
_WORDS = sorted((*IDS, *RULE_IDS, *SCENARIO_IDS, *VIEW_IDS), key=len, reverse=True)
_ID = re.compile(
    r"(?<![\w.-])("
    + f"(?:{'|'.join(ENDPOINT_RULE_NAMES)})=[0-9.]+"
    + "|"
    + "|".join(re.escape(i) for i in _WORDS)
    + r"|rmp-(?:target|\d+(?:\.\d+)?))(?![\w-])|@\d{4}-\d{2}\b"
)
_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S)
#: plotly.js inlined once per page: megabytes of library code, no text of the report
_LIBRARY = 1_000_000


def bare_policy_ids(page: str) -> Counter[str]:
    """The ids (and ``@YYYY-MM`` suffixes, ``NAME=VALUE`` rules) in the visible text and
    figures of ``page``."""
    figures = " ".join(s for s in _SCRIPT.findall(page) if len(s) < _LIBRARY)
    body = _SCRIPT.sub(" ", page)
    body = re.sub(r"<style[^>]*>.*?</style>", " ", body, flags=re.S)
    body = re.sub(r"<code>.*?</code>", " ", body, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
    return Counter(m.group(0) for m in _ID.finditer(text + " " + figures))
