"""The rules behind a vantage: regimes from their announcement, parameter sets from the end
of their data, observations from their publication, episodes from their announcement."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis

# private on purpose: the episode shading rule itself
from qtlab.analyses._figures import shade_episodes
from qtlab.errors import DateRangeError, SpecError
from qtlab.policy import Regime, RegimeSource, load_preset, preset_in_force
from qtlab.prepay import check_param_set_known, known_param_set, param_set_data_end
from qtlab.schema import publication_lag


def test_a_policy_known_at_a_date_keeps_the_regimes_announced_by_then():
    realized = load_preset("qt2-realized")
    assert realized.known_at(None) is realized
    may22 = realized.known_at(date(2022, 5, 31))
    assert [r.name for r in may22.regimes] == ["qt2-phase-in", "qt2-full-pace"]
    assert "2024" not in may22.title and "2025" not in may22.title
    # the FOMC statement of 2024-05-01 cut the Treasury cap to 25 from June 2024
    assert [r.name for r in realized.known_at(date(2024, 5, 1)).regimes][-1] == "qt2-slower"
    assert [r.name for r in realized.known_at(date(2024, 4, 30)).regimes][-1] == "qt2-full-pace"
    assert realized.known_at(date(2025, 12, 10)) is realized
    with pytest.raises(DateRangeError, match=r"2022-05-04"):
        realized.known_at(date(2022, 5, 3))


def test_the_plan_in_force_at_a_vantage():
    assert preset_in_force(None) == "qt2-realized"
    assert preset_in_force(date(2017, 9, 30)) == "qt1-2017"
    # qt2-realized as known before 2024-05-01 is the plan of 2022-05-04: keep that name
    assert preset_in_force(date(2022, 5, 31)) == "qt2-announced"
    assert preset_in_force(date(2024, 4, 30)) == "qt2-announced"
    assert preset_in_force(date(2024, 5, 31)) == "qt2-realized"
    with pytest.raises(DateRangeError, match="2017-06-14"):
        preset_in_force(date(2017, 1, 1))


def test_a_regime_source_needs_an_iso_date():
    with pytest.raises(SpecError, match="ISO date"):
        RegimeSource("FOMC statement", "May 2022", "https://www.federalreserve.gov/")
    r = Regime("x", "2022-06", 30, 17.5, RegimeSource("t", "2022-05-04", "https://x"))
    assert r.announced == date(2022, 5, 4)


def test_parameter_sets_are_usable_after_their_data():
    assert param_set_data_end("prior") is None
    assert param_set_data_end("qt2-fit") == date(2024, 6, 5)
    assert known_param_set(date(2017, 9, 30)) == "prior"
    assert known_param_set(date(2022, 5, 31)) == "qt1-fit"
    assert known_param_set(date(2024, 6, 5)) == "qt2-fit"
    assert known_param_set(None) == "qt2-fit"
    check_param_set_known("qt1-fit", date(2022, 5, 31))
    with pytest.raises(DateRangeError, match="qt1-fit"):
        check_param_set_known("qt2-fit", date(2022, 5, 31))


def test_b3_at_2022_05_31_uses_the_parameters_known_then():
    """With qt1-fit (fitted on QT1, 2018-07..2019-08) the model gives 14.0 bn a month over
    2022-06..2024-05 from the 2022-05-11 file; qt2-fit, fitted on 2022-10..2024-05, gave
    17.5 before the look-ahead fix. Both computed by qtlab on the embedded data."""
    res = get_analysis("B3").run(shared("2022-05-31"))
    assert res.note_values("b3.note.average")["avg"] == pytest.approx(14.0, abs=0.05)
    assert res.meta["options"]["params"] == "qt1-fit"
    with pytest.raises(DateRangeError, match="qt2-fit"):
        get_analysis("B3").run(shared("2022-05-31"), params="qt2-fit")


def test_gdp_appears_after_its_publication():
    """BEA published the advance estimate of 2022Q2 on 2022-07-28 ("Gross Domestic Product,
    Second Quarter 2022 (Advance Estimate)"); the conservative rule shows it from the end of
    July."""
    rule = publication_lag("GDP")
    assert rule is not None
    assert rule.published(pd.DatetimeIndex(["2022-04-01"]))[0] == pd.Timestamp("2022-07-31")
    assert shared("2022-05-31").series("GDP").index[-1] == pd.Timestamp("2022-01-01")
    assert shared("2022-07-30").series("GDP").index[-1] < pd.Timestamp("2022-04-01")
    assert shared("2022-07-31").series("GDP").index[-1] == pd.Timestamp("2022-04-01")
    # the H.4.1 of Wednesday 2022-05-25 is out on Thursday 2022-05-26
    assert shared("2022-05-25").series("WALCL").index[-1] == pd.Timestamp("2022-05-18")
    assert publication_lag("soma.bills") is not None and publication_lag("DGS10") is None


def _shaded(as_of: date | None) -> dict[str, pd.Timestamp]:
    fig = go.Figure()
    shade_episodes(fig, "en", start="2021-01-01", end="2026-12-31", as_of=as_of)
    return {str(s.label.text or a.text): pd.Timestamp(s.x1) for s, a in zip(
        fig.layout.shapes, fig.layout.annotations, strict=True
    )}  # fmt: skip


def test_episodes_exist_from_their_announcement():
    today = _shaded(None)
    assert today["QT2"] == pd.Timestamp("2025-11-30")
    # on 2022-05-31 QT2 was announced (2022-05-04) with no end: open to the figure's end
    may22 = _shaded(date(2022, 5, 31))
    assert may22["QT2"] == pd.Timestamp("2026-12-31")
    assert "QT2" not in _shaded(date(2022, 5, 3))
