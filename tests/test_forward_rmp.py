"""F1 with endogenous reserve-management purchases against the realized H.4.1."""

from __future__ import annotations

import pandas as pd
import pytest

from _contexts import shared
from qtlab.runs.forward import forward_projection
from qtlab.runs.inputs import load_inputs


@pytest.fixture(scope="module")
def realized() -> pd.DataFrame:
    return load_inputs(shared(), horizon=12).h41


def _errors(vantage: str, realized: pd.DataFrame, **kw: object) -> pd.DataFrame:
    f = forward_projection(shared(vantage), months=12, **kw)  # type: ignore[arg-type]
    p = f.path()
    months = p.index[p.index <= pd.Period("2026-08", "M")]
    return pd.DataFrame(
        {
            "assets": p.loc[months, "total_assets"] - realized.loc[months, "total_assets"],
            "reserves": p.loc[months, "reserves"] - realized.loc[months, "reserves"],
        }
    )


def test_f1_from_2025_12_31_tracks_the_h41_through_2026_08(realized):
    """Runoff ended 2025-12-01; the realized H.4.1 (monthly means of the Wednesday levels
    and week averages) rose from 6,553 bn of total assets in 2025-12 to 6,751 bn in
    2026-08 while reserves stayed near 3.0 trillion. Buying the bills that hold reserves
    at their 2025-12 level, growing with the non-reserve liabilities (FOMC, December 2025),
    tracks it within 75 bn of assets and 150 bn of reserves at every month-end; the old
    exogenous 40 bn a month overshoots by more (about 130 and 200 bn by 2026-08)."""
    err = _errors("2025-12-31", realized)
    assert len(err) == 8
    assert err["assets"].abs().max() < 75.0
    assert err["reserves"].abs().max() < 150.0
    old = _errors("2025-12-31", realized, target=None)
    assert old["assets"].abs().max() > err["assets"].abs().max()
    assert old["reserves"].abs().max() > err["reserves"].abs().max()


def test_an_explicit_pace_is_exogenous():
    f = forward_projection(shared("2025-12-31"), months=6, bill_purchases=25.0)
    assert f.default == "rmp-25"
    f2 = forward_projection(shared("2025-12-31"), months=6, target="level=3100")
    p = f2.path()
    assert f2.default == "rmp-target"
    assert (p["reserves"] >= 3100.0 - 1e-6).all()
