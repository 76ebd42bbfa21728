"""Fuzz the dashboard's callbacks through its server: random JSON for every input.

Each example posts one callback request (``/_dash-update-component``, as the page
does) with hostile values for its inputs and state; the answer must be HTTP 200 or
204 (never 500), within a few seconds, and not echo a large value back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _fuzz import TOKENS, count
from qtlab.app import create_app
from test_app_hostile import good_spec, post

VANTAGE = "2022-05-31"

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(TOKENS),
        st.text(max_size=30),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def spec_like(draw: st.DrawFn) -> Any:
    """The explorer's state with one to three fields replaced (or a random value)."""
    if draw(st.integers(0, 4)) == 0:
        return draw(json_values)
    spec = good_spec()
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*spec, "policy.regimes", "policy.name", "extra"]))
        if key.startswith("policy."):
            spec["policy"][key.split(".")[1]] = draw(json_values)
        else:
            spec[key] = draw(json_values)
    return spec


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    app = create_app("en", VANTAGE)
    client = app.server.test_client()
    yield client, client.get("/_dash-dependencies").get_json()


def test_callback_fuzz(server: tuple[Any, list[dict[str, Any]]]) -> None:
    client, deps = server

    @settings(max_examples=max(10, settings.default.max_examples))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        dep = data.draw(st.sampled_from(deps))
        values = []
        for i in dep["inputs"]:
            if i["id"] == "explorer-spec":
                values.append(data.draw(spec_like()))
            elif i["id"] == "lang" and data.draw(st.booleans()):
                values.append("en")
            else:
                values.append(data.draw(json_values))
        state = [data.draw(json_values) for _ in dep["state"]]
        count("dashboard")
        t0 = time.perf_counter()
        r = post(client, dep, values, state)
        assert r.status_code in (200, 204), (dep["output"], str(values)[:300], r.status_code)
        assert time.perf_counter() - t0 < 10.0, (dep["output"], str(values)[:300])
        assert len(r.data) < 2_000_000

    run()
