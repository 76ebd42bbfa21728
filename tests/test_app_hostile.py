"""The dashboard trusts nothing the page sends: hostile payloads posted to every callback.

Before: ``months: 100000`` in the explorer's state cost 16-19 s of CPU then HTTP 500;
B4 with the model and 20,000 months took 33 s and 903 MB; ``mbs_paydowns`` was opened
as a server file path (an existence oracle for any file, and a CSV's content reached the
server log); 28 of 102 hostile POSTs answered HTTP 500. Now every input is validated
again on the server, no path from the page is ever opened, horizons and the result
cache are bounded, and errors are shown in the page.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qtlab.app import create_app

# private on purpose: the dashboard's request validation is internal to qtlab.app
from qtlab.app._compute import ExplorerSpec, ResultCache, explorer_spec, result_bytes, results
from qtlab.app._layout import browser_view, explorer_section, explorer_state
from qtlab.errors import QtlabError
from qtlab.runs import RunContext

VANTAGE = "2022-05-31"
BIG = "9" * 1_000_000  # a 1 MB field


def good_spec() -> dict[str, Any]:
    return explorer_spec(
        preset="qt2-realized",
        rows=None,
        start="",
        months=6,
        mbs_paydowns="realized",
        shock_bp=0,
        as_of=VANTAGE,
    ).to_json()


HOSTILE_SPECS: list[tuple[str, Any]] = [
    ("months 100000", {"months": 100000}),
    ("months -1", {"months": -1}),
    ("months inf", {"months": 1e309}),
    ("months text", {"months": "twelve"}),
    ("months 1 MB", {"months": BIG}),
    ("months list", {"months": [1, 2]}),
    ("paydowns path", {"mbs_paydowns": "/etc/shadow"}),
    ("paydowns csv", {"mbs_paydowns": "PAYDOWNS_CSV"}),
    ("paydowns None", {"mbs_paydowns": None}),
    ("shock nan", {"shock_bp": "nan", "mbs_paydowns": "model"}),
    ("shock 1e308", {"shock_bp": 1e308, "mbs_paydowns": "model"}),
    ("shock dict", {"shock_bp": {"a": 1}}),
    ("start 1 MB", {"start": BIG}),
    ("start list", {"start": ["2022-06"]}),
    ("as_of 9999", {"as_of": "9999-12-31"}),
    ("as_of 1 MB", {"as_of": BIG}),
    ("as_of number", {"as_of": 20220531}),
    ("policy text", {"policy": "qt2-realized"}),
    ("policy no regimes", {"policy": {"name": "x", "regimes": []}}),
    ("policy huge cap", "HUGE_CAP"),
    ("policy 1000 regimes", "MANY_REGIMES"),
    ("extra key", {"evil": 1}),
    ("missing key", "MISSING"),
    ("not a mapping", "LIST"),
]


def hostile_spec(change: Any, csv: Path) -> Any:
    spec = good_spec()
    if change == "MISSING":
        del spec["months"]
        return spec
    if change == "LIST":
        return [spec]
    if change == "HUGE_CAP":
        spec["policy"]["regimes"][0]["treasury_cap"] = 1e308
        return spec
    if change == "MANY_REGIMES":
        spec["policy"]["regimes"] = spec["policy"]["regimes"] * 500
        return spec
    spec.update(change)
    if spec.get("mbs_paydowns") == "PAYDOWNS_CSV":
        spec["mbs_paydowns"] = str(csv)
    return spec


@pytest.fixture(scope="module")
def secret_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("secret") / "paydowns.csv"
    p.write_text("month,paydowns\n2022-06,SECRET-CONTENT\n")
    return p


@pytest.mark.parametrize(("label", "change"), HOSTILE_SPECS, ids=[h[0] for h in HOSTILE_SPECS])
def test_a_hostile_explorer_state_is_refused_before_anything_runs(
    label: str, change: Any, secret_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    real_is_file = Path.is_file

    def spy(self: Path) -> bool:
        opened.append(str(self))
        return real_is_file(self)

    monkeypatch.setattr(Path, "is_file", spy)
    spec = hostile_spec(change, secret_csv)
    t0 = time.perf_counter()
    with pytest.raises(QtlabError):
        ExplorerSpec.from_json(spec)
    cache = ResultCache()
    out = explorer_section("B4", spec, "en", cache)
    assert time.perf_counter() - t0 < 2.0
    assert "qt-error" in json.dumps(out.to_plotly_json(), default=str)
    assert len(cache) == 0  # nothing was computed
    assert not any("shadow" in p or "paydowns.csv" in p for p in opened), opened
    assert len(str(out)) < 5_000  # a 1 MB field is not echoed back


@pytest.mark.parametrize("start", ["1600-01", "2262-01"])
def test_a_start_far_from_the_holdings_is_the_engines_error(start: str) -> None:
    spec = explorer_spec(
        preset="qt2-realized",
        rows=None,
        start=start,
        months=12,
        mbs_paydowns="realized",
        shock_bp=0,
        as_of=VANTAGE,
    ).to_json()
    t0 = time.perf_counter()
    out = explorer_section("B2", spec, "en", ResultCache())
    assert time.perf_counter() - t0 < 5.0
    assert "qt-error" in str(out) and "holdings" in str(out)


def test_hostile_inputs_of_the_explorer_show_errors() -> None:
    for kw in (
        {"months": BIG},
        {"months": 100000},
        {"shock": 1e308, "paydowns": "model"},
        {"paydowns": "/etc/shadow"},
        {"preset": ["qt2-realized"]},
        {"preset": BIG},
        {"rows": "abc"},
        {"rows": [1, 2, 3]},
        {"rows": [{"name": BIG}]},
        {"start": BIG},
        {"as_of": BIG},
    ):
        args: dict[str, Any] = {
            "preset": "qt2-realized",
            "rows": None,
            "start": "",
            "months": 6,
            "paydowns": "realized",
            "shock": 0,
            "as_of": VANTAGE,
            "lang": "en",
        }
        args.update(kw)
        spec, status = explorer_state(**args)
        assert spec is None, kw
        text = str(status)
        assert "qt-error" in text and len(text) < 3_000, (kw, text[:300])


def test_the_browser_refuses_hostile_ids_and_languages() -> None:
    cache = ResultCache()
    for aid, lang in ((BIG, "en"), (["A1"], "en"), ("ZZ", "en"), ({"x": 1}, BIG)):
        out = browser_view(aid, VANTAGE, lang, cache)  # type: ignore[arg-type]
        assert "qt-error" in str(out) and len(str(out)) < 3_000
    assert len(cache) == 0


def test_the_result_cache_is_bounded_in_bytes() -> None:
    spec = explorer_spec(
        preset="qt2-realized",
        rows=None,
        start="",
        months=6,
        mbs_paydowns="realized",
        shock_bp=0,
        as_of=VANTAGE,
    )
    probe = ResultCache()
    b2 = spec.options("B2", RunContext(VANTAGE))
    one = result_bytes(results(probe, "B2", as_of=VANTAGE, lang="en", options=b2))
    assert one > 10_000
    cache = ResultCache(max_bytes=int(2.5 * one))
    for months in (6, 7, 8, 9):
        opts = {**b2, "months": months}
        results(cache, "B2", as_of=VANTAGE, lang="en", options=opts)
        assert cache.bytes <= cache.max_bytes
    assert 1 <= len(cache) <= 2
    tiny = ResultCache(max_bytes=10)  # too small for any result: returned, never kept
    results(tiny, "B2", as_of=VANTAGE, lang="en", options=b2)
    assert len(tiny) == 0


# --- through the server: hostile POSTs ------------------------------------------------------
@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    app = create_app("en", VANTAGE)
    deps = {d["output"]: d for d in app.server.test_client().get("/_dash-dependencies").get_json()}
    yield app.server.test_client(), deps


def post(client: Any, dep: dict[str, Any], values: list[Any], state: list[Any]) -> Any:
    def split(output: str) -> Any:
        parts = [p.split("@")[0] for p in output.strip(".").split("...")]
        outs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
        return outs if output.startswith("..") else outs[0]

    body = {
        "output": dep["output"],
        "outputs": split(dep["output"]),
        "inputs": [{**i, "value": v} for i, v in zip(dep["inputs"], values, strict=True)],
        "state": [{**s, "value": v} for s, v in zip(dep["state"], state, strict=True)],
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def test_hostile_posts_never_answer_500(
    client: Any, secret_csv: Path, caplog: pytest.LogCaptureFixture
) -> None:
    c, deps = client
    by_input = {tuple(i["id"] for i in d["inputs"]): d for d in deps.values()}
    section = by_input[("explorer-spec", "lang")]
    spec_dep = next(d for d in deps.values() if d["output"].startswith("..explorer-spec"))
    lang_dep = by_input[("lang",)]
    table_dep = by_input[("preset", "btn-reset", "btn-add", "regimes", "lang")]
    restore_dep = by_input[("url",)]
    url_dep = next(d for d in deps.values() if d["output"] == "url-out.search")
    compare_dep = by_input[("explorer-spec", "compare-months", "lang")]
    browser_dep = by_input[("analysis-id", "vantage", "lang")]
    shock_dep = by_input[("paydowns",)]
    posts: list[tuple[dict[str, Any], list[Any], list[Any], bool]] = []
    for _, change in HOSTILE_SPECS:
        posts.append((section, [hostile_spec(change, secret_csv), "en"], [], True))
    for lang in ("fr", None, 7, BIG, ["en"]):
        posts.append((section, [good_spec(), lang], [], False))
        posts.append((lang_dep, [lang], [], False))
    for rows, months, shock, vantage in (
        (None, 100000, 0, VANTAGE),
        ("rows", 6, 0, VANTAGE),
        ([{"x": 1}], 6, 0, VANTAGE),
        (None, BIG, BIG, BIG),
        (None, 6, "nan", "2022-13-45"),
        (None, {"a": 1}, [1], {"b": 2}),
    ):
        posts.append(
            (spec_dep, [rows, "", months, "model", shock, vantage, "en"], ["qt2-realized"], True)
        )
    posts.append((spec_dep, [None, "", 6, "/etc/shadow", 0, VANTAGE, "en"], ["qt2-realized"], True))
    posts.append((spec_dep, [None, "", 6, "realized", 0, VANTAGE, "en"], [BIG], True))
    for preset in ("nope", None, BIG, {"a": 1}):
        posts.append((table_dep, [preset, 1, 0, None, "en"], [None], False))
    for rows in (BIG, [BIG], [{"name": BIG}] * 3, {"a": 1}, [1] * 100):
        posts.append((table_dep, ["qt2-realized", 1, 0, None, "en"], [rows], False))
    for search in (BIG, "?preset=" + BIG, "?edits=" + BIG[:7000], "?edits=[[1,2]]&lang=" + BIG):
        posts.append((restore_dep, [search], [False, "en"], False))
    for value in (BIG, {"a": 1}, [BIG]):
        posts.append((url_dep, [value] * 11, [True], False))
    for months in (BIG, "1, x", {"a": 1}, "-5"):
        posts.append((compare_dep, [good_spec(), months, "en"], [], False))
    for aid in ("ZZ", BIG, ["A1"], 5):
        posts.append((browser_dep, [aid, VANTAGE, "en"], [], True))
    posts.append((browser_dep, ["A1", BIG, "en"], [], True))
    posts.append((shock_dep, [{"x": BIG}], [], False))

    caplog.set_level(logging.INFO)
    ok = post(c, section, [good_spec(), "en"], [])  # the harness itself works
    assert ok.status_code == 200 and b"qt-section" in ok.data and b"qt-error" not in ok.data
    t_all = time.perf_counter()
    for dep, values, state, shows_error in posts:
        t0 = time.perf_counter()
        r = post(c, dep, values, state)
        took = time.perf_counter() - t0
        assert r.status_code in (200, 204), (dep["output"], str(values)[:200], r.status_code)
        assert took < 5.0, (dep["output"], str(values)[:200], took)
        assert len(r.data) < 200_000, (dep["output"], len(r.data))
        if shows_error:
            assert b"qt-error" in r.data, (dep["output"], str(values)[:200], r.data[:300])
        assert b"SECRET-CONTENT" not in r.data
    assert time.perf_counter() - t_all < 60
    assert len(posts) >= 50
    assert "SECRET-CONTENT" not in caplog.text
    assert "Traceback" not in caplog.text  # no callback failed unexpectedly
