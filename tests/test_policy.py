"""Policy regimes and the packaged presets (caps as published in the FOMC plans)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from qtlab.errors import SpecError
from qtlab.policy import (
    CAP_PATH_COLUMNS,
    PRESET_NAMES,
    Policy,
    Regime,
    RegimeSource,
    load_preset,
    presets,
)

SRC = RegimeSource("FOMC statement", "2022-05-04", "https://www.federalreserve.gov/")


def test_presets_listed_and_loadable():
    assert presets() == ["qt1-2017", "qt2-announced", "qt2-realized", "rmp-2025"]
    for name in PRESET_NAMES:
        p = load_preset(name)
        assert p.name == name
        for r in p.regimes:
            assert r.source.url.startswith("https://")
            assert len(r.source.date) == 10


def test_unknown_preset_lists_valid_names():
    with pytest.raises(SpecError, match=r"'qt2-realized'"):
        load_preset("qt3")


def test_qt1_caps_phase_in_as_in_the_2017_addendum():
    # Addendum to the Policy Normalization Principles and Plans, 2017-06-14:
    # 6/4 rising by 6/4 every three months to 30/20; 15 from 2019-05 (2019-03-20); end 2019-08.
    cp = load_preset("qt1-2017").cap_path("2017-09", "2019-08")
    assert cp.loc[pd.Period("2017-09", "M"), "treasury_cap"] == 0  # before: full reinvestment
    assert cp.loc[pd.Period("2017-09", "M"), "regime"] == "reinvest-all"
    expect = {
        "2017-10": (6, 4),
        "2017-12": (6, 4),
        "2018-01": (12, 8),
        "2018-04": (18, 12),
        "2018-07": (24, 16),
        "2018-09": (24, 16),
        "2018-10": (30, 20),
        "2019-04": (30, 20),
        "2019-05": (15, 20),
        "2019-07": (15, 20),
        "2019-08": (0, 0),
    }
    for m, (t, a) in expect.items():
        row = cp.loc[pd.Period(m, "M")]
        assert (row["treasury_cap"], row["agency_cap"]) == (t, a), m
    end = cp.loc[pd.Period("2019-08", "M")]
    assert end["mbs_excess_to"] == "treasuries"
    assert end["mbs_excess_limit"] == 20


def test_qt2_announced_and_realized_caps():
    # Plans for Reducing the Size of the Federal Reserve's Balance Sheet, 2022-05-04.
    a = load_preset("qt2-announced").cap_path("2022-05", "2026-01")
    assert list(a.columns) == list(CAP_PATH_COLUMNS)
    assert isinstance(a.index, pd.PeriodIndex)
    assert a.loc[pd.Period("2022-08", "M"), ["treasury_cap", "agency_cap"]].tolist() == [30, 17.5]
    assert a.loc[pd.Period("2026-01", "M"), ["treasury_cap", "agency_cap"]].tolist() == [60, 35]
    r = load_preset("qt2-realized").cap_path("2022-06", "2026-01")
    tc = r["treasury_cap"]
    assert tc[pd.Period("2024-05", "M")] == 60
    assert tc[pd.Period("2024-06", "M")] == 25  # FOMC statement 2024-05-01
    assert tc[pd.Period("2025-04", "M")] == 5  # FOMC statement 2025-03-19
    assert tc[pd.Period("2025-12", "M")] == 0  # runoff concluded 2025-12-01
    dec = r.loc[pd.Period("2025-12", "M")]
    assert dec["mbs_excess_to"] == "bills"
    assert dec["agency_cap"] == 0
    assert dec["bill_purchases"] == 40
    assert r.loc[pd.Period("2024-06", "M"), "mbs_excess_to"] == "treasuries"
    assert load_preset("qt2-realized", rmp_pace=15).regime_at("2026-03").bill_purchases == 15


def test_regime_at_and_before():
    p = load_preset("qt2-realized")
    assert p.regime_at("2022-05").name == "reinvest-all"
    assert p.regime_at(pd.Period("2023-01", "M")).name == "qt2-full-pace"
    assert p.regime_at("2030-01").name == "qt2-end-rmp"


def test_yaml_round_trip(tmp_path: Path):
    p = load_preset("qt1-2017")
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(p.to_dict()), encoding="utf-8")
    q = Policy.from_yaml(f)
    assert q == p
    assert q.cap_path("2017-01", "2020-01").equals(p.cap_path("2017-01", "2020-01"))


def test_uncapped_and_repr():
    r = Regime("free", "2030-01", "uncapped", math.inf, SRC)
    assert math.isinf(r.treasury_cap)
    p = Policy("x", (r,))
    assert "free(inf/inf)" in repr(p)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"treasury_cap": -1}, "treasury_cap=-1 must be >= 0"),
        ({"agency_cap": "lots"}, "agency_cap='lots' is not a number"),
        (
            {"mbs_excess_to": "gold"},
            r"mbs_excess_to='gold' is not valid; choose 'mbs', 'treasuries'",
        ),
        ({"mbs_sales": "some"}, r"choose 'none', 'to_cap' or 'fixed'"),
        ({"treasury_redemption": "bills_first"}, "'coupons_first' or 'pro_rata'"),
        ({"start": "June"}, "start='June' is not a month"),
        ({"mbs_sales_amount": 5.0}, "only used with mbs_sales='fixed'"),
    ],
)
def test_bad_regime_fields_named(kw: dict[str, object], match: str):
    base: dict[str, object] = {
        "name": "r",
        "start": "2022-06",
        "treasury_cap": 60,
        "agency_cap": 35,
        "source": SRC,
    }
    base.update(kw)
    with pytest.raises(SpecError, match=match):
        Regime(**base)  # type: ignore[arg-type]


def test_policy_errors():
    a = Regime("a", "2022-06", 30, 17.5, SRC)
    b = Regime("b", "2022-01", 60, 35, SRC)
    with pytest.raises(SpecError, match="increasing start order"):
        Policy("p", (a, b))
    with pytest.raises(SpecError, match="no regimes"):
        Policy("p", ())
    with pytest.raises(SpecError, match="unknown field 'cap'"):
        Policy.from_dict({"name": "p", "regimes": [{"name": "a", "cap": 1}]})
    with pytest.raises(SpecError, match="unknown key 'regime'"):
        Policy.from_dict({"name": "p", "regime": []})
    with pytest.raises(SpecError, match="end=2022-01 is before start=2022-06"):
        Policy("p", (a,)).cap_path("2022-06", "2022-01")
    with pytest.raises(SpecError, match="source must have exactly title, date and url"):
        Policy.from_dict(
            {
                "name": "p",
                "regimes": [
                    {
                        "name": "a",
                        "start": "2022-06",
                        "treasury_cap": 1,
                        "agency_cap": 1,
                        "source": {"title": "t"},
                    }
                ],
            }
        )


def test_frozen():
    p = load_preset("qt2-announced")
    with pytest.raises(AttributeError):
        p.name = "y"  # type: ignore[misc]


def test_table_for_plan_comparison():
    tb = load_preset("qt1-2017").table()
    assert tb["regime"].tolist() == ["qt1-phase-in", "qt1-taper", "qt1-end"]
    assert tb.loc[0, "phase_in"] == "6/4 rising by 6/4 every 3 months"
    assert tb["end"].tolist()[:2] == ["2019-04", "2019-07"]
    assert pd.isna(tb["end"].iloc[2])
    assert tb.loc[1, "source_date"] == "2019-03-20"


def test_presets_is_the_function_after_importing_every_module():
    """``qtlab.policy.presets`` is a function, never a subpackage, whatever was imported first."""
    code = (
        "import importlib, pkgutil, qtlab\n"
        "for m in pkgutil.walk_packages(qtlab.__path__, 'qtlab.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "from qtlab.policy import presets\n"
        "assert callable(presets), presets\n"
        "print(presets())\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
        check=False,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(list(PRESET_NAMES))
