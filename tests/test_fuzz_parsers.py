"""Fuzz every parser with mutations of the real files: a QtlabError or a valid result.

Each ``parse_*`` of :mod:`qtlab.sources`, the user series CSV, the paydown and
mortgage-rate CSVs, and the policy, issuance-mix and forecast YAML get the start of
their real file (data/raw or the package's own) mutated field by field, line by
line and byte by byte, plus random bytes (:mod:`_fuzz`). Profiles (tests/conftest.py):
``ci`` by default, ``--hypothesis-profile=long`` for a longer hunt.
"""

from __future__ import annotations

import importlib.resources
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from _endpoints import mspd_api_rows, soma_api_json
from _fuzz import holds, inputs
from qtlab import sources
from qtlab._yaml import parse_yaml
from qtlab.analyses.scorecard import parse_forecasts
from qtlab.cli.runoff import _issuance_mix
from qtlab.engine import default_issuance_mix
from qtlab.policy import Policy, load_preset
from qtlab.runs.options import read_paydown_file, read_rate_file
from qtlab.sources import cbo, fomc, fred, freddie, nyfed, treasury

# private on purpose: the parsers behind the public readers, fuzzed directly
from qtlab.sources._mspd_opdm import parse_opdm
from qtlab.sources.user import parse_series_csv

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
TMP = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def head(rel: str, n: int = 25) -> bytes:
    """The first ``n`` lines of a raw file, byte for byte."""
    return b"\n".join((RAW / rel).read_bytes().split(b"\n")[:n]) + b"\n"


def _soma_summary() -> bytes:
    doc = json.loads((RAW / "soma" / "soma_summary_2003-07-09_2026-03-11.json").read_bytes())
    doc["soma"]["summary"] = doc["soma"]["summary"][-12:]
    return json.dumps(doc, indent=0).encode()


def _fred_json() -> bytes:
    rows = [line.split(",") for line in head("fred/WALCL.csv", 20).decode().splitlines()[1:]]
    obs = [{"realtime_start": "2026-01-01", "date": d, "value": v} for d, v in rows]
    return json.dumps({"observations": obs}, indent=0).encode()


def _mspd_json() -> bytes:
    rows = mspd_api_rows(
        head("mspd/mspd_table1_summary_by_class_2001-01_2026-05.csv", 15).decode("utf-8-sig")
    )
    return json.dumps({"data": rows, "meta": {"total-pages": 1}}, indent=0).encode()


SEP_YAML = importlib.resources.files("qtlab.sources.data").joinpath("sep_2022-03-16.yaml")
FORECASTS = importlib.resources.files("qtlab.analyses").joinpath("forecasts/qtlab_2022-05-31.yaml")

#: name -> (the parser of bytes, the real file it is fuzzed from, field separator)
PARSERS: dict[str, tuple[Callable[[bytes], Any], bytes, str]] = {
    "fred.parse_fred_csv": (
        lambda b: fred.parse_fred_csv(b, series_id="WALCL", file="f.csv"),
        head("fred/WALCL.csv"),
        ",",
    ),
    "fred.parse_fred_json_observations": (
        lambda b: fred.parse_fred_json_observations(b, series_id="WALCL", file="f.json"),
        _fred_json(),
        '"',
    ),
    "fomc.parse_sep_fred_csv": (
        lambda b: fomc.parse_sep_fred_csv(b, file="sep.csv"),
        head("sep/fred_FEDTARMD_fetched_2026-03-24.csv"),
        ",",
    ),
    "fomc.parse_sep_yaml": (
        lambda b: fomc.parse_sep_yaml(b, file="sep.yaml"),
        SEP_YAML.read_bytes()[:3000],
        ":",
    ),
    "cbo.parse_cbo_baselines": (
        lambda b: cbo.parse_cbo_baselines(b, file="b.csv"),
        head("cbo/cbo_baselines_1984-2026.csv", 40),
        ",",
    ),
    "cbo.parse_cbo_actuals": (
        lambda b: cbo.parse_cbo_actuals(b, file="a.csv"),
        head("cbo/cbo_actuals_by_fiscal_year.csv"),
        ",",
    ),
    "cbo.parse_cbo_actual_gdp": (
        lambda b: cbo.parse_cbo_actual_gdp(b, file="g.csv"),
        head("cbo/cbo_actual_gdp_by_fiscal_year.csv"),
        ",",
    ),
    "freddie.parse_pmms_csv": (
        lambda b: freddie.parse_pmms_csv(b, file="p.csv"),
        head("pmms/freddie_pmms_weekly_1971-04-02_2026-04-02.csv"),
        ",",
    ),
    "freddie.parse_pmms_xlsx": (
        lambda b: freddie.parse_pmms_xlsx(b, file="p.xlsx"),
        (RAW / "pmms" / "freddie_pmms_historicalweeklydata_2026-04-02.xlsx").read_bytes()[:4000],
        "\x00",
    ),
    "nyfed.parse_soma_summary": (
        lambda b: nyfed.parse_soma_summary(b, file="s.json"),
        _soma_summary(),
        '"',
    ),
    "nyfed.parse_soma_asofdates": (
        lambda b: nyfed.parse_soma_asofdates(b, file="d.json"),
        json.dumps({"soma": {"asOfDates": ["2022-05-11", "2022-05-04", "2022-04-27"]}}).encode(),
        '"',
    ),
    "nyfed.parse_soma_holdings_csv": (
        lambda b: nyfed.parse_soma_holdings_csv(b, file="h.csv"),
        head("soma/soma_mbs_2022-05-11.csv", 15),
        ",",
    ),
    "nyfed.parse_soma_holdings_json": (
        lambda b: nyfed.parse_soma_holdings_json(b, file="h.json"),
        soma_api_json(head("soma/soma_tsy_agency_cmbs_2022-02-16.csv", 12).decode()),
        '"',
    ),
    "treasury.parse_mspd_table1_csv": (
        lambda b: treasury.parse_mspd_table1_csv(b, file="m.csv"),
        head("mspd/mspd_table1_summary_by_class_2001-01_2026-05.csv", 15),
        ",",
    ),
    "treasury.parse_mspd_table1_json": (
        lambda b: treasury.parse_mspd_table1_json(b, file="m.json"),
        _mspd_json(),
        '"',
    ),
    "treasury.parse_mspd_detail": (
        lambda b: treasury.parse_mspd_detail(b, file="d.prn"),
        head("mspd/mspd_detail_opdm_2022-01-31.prn", 1070),
        " ",
    ),
    "_mspd_opdm.parse_opdm": (
        lambda b: parse_opdm(b, file="d.prn"),
        head("mspd/mspd_detail_opdm_2022-01-31.prn", 1070),
        " ",
    ),
    "user.parse_series_csv": (
        lambda b: parse_series_csv(b, "agency_mbs.outstanding", file="u.csv"),
        head("fred/WSHOMCB.csv").replace(b"observation_date,WSHOMCB", b"date,value"),
        ",",
    ),
    "policy YAML": (
        lambda b: Policy.from_yaml_text(b, file="p.yaml"),
        yaml.safe_dump(load_preset("qt2-realized").to_dict()).encode(),
        ":",
    ),
    "forecast YAML": (
        lambda b: parse_forecasts(parse_yaml(b, where="f.yaml", form="forecasts"), file="f.yaml"),
        FORECASTS.read_bytes()[:2500],
        ":",
    ),
}


def test_every_parse_function_of_the_sources_is_fuzzed() -> None:
    found = {
        f"{mod.__name__.rsplit('.', 1)[-1]}.{name}"
        for mod in (cbo, fomc, fred, freddie, nyfed, treasury)
        for name, fn in inspect.getmembers(mod, inspect.isfunction)
        if name.startswith("parse_") and fn.__module__ == mod.__name__
    }
    assert found <= set(PARSERS), sorted(found - set(PARSERS))
    assert sources.__name__ == "qtlab.sources"


def test_every_seed_parses() -> None:
    """The unmutated seeds are valid inputs, so mutations start from real structure."""
    for name, (parse, seed, _) in PARSERS.items():
        if name in ("freddie.parse_pmms_xlsx", "fomc.parse_sep_yaml", "forecast YAML"):
            continue  # cut-off binary or YAML: the start of the file only
        parse(seed)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parser_fuzz(name: str) -> None:
    parse, seed, sep = PARSERS[name]

    @given(inputs(seed, sep))
    def run(raw: bytes) -> None:
        holds(lambda: parse(raw), "parsers")

    run()


@TMP
@given(inputs(b"month,paydowns\n2022-06,25.1\n2022-07,24.9\n2022-08,23.0\n"))
def test_paydown_csv_fuzz(tmp_path: Path, raw: bytes) -> None:
    p = tmp_path / "paydowns.csv"
    p.write_bytes(raw)
    holds(lambda: read_paydown_file(p).amounts_bn, "parsers")


@TMP
@given(inputs(b"month,rate\n2022-06,5.2\n2022-07,5.4\n2022-08,5.1\n"))
def test_mortgage_rate_csv_fuzz(tmp_path: Path, raw: bytes) -> None:
    p = tmp_path / "rates.csv"
    p.write_bytes(raw)
    holds(lambda: read_rate_file(p), "parsers")


@TMP
@given(inputs(yaml.safe_dump(default_issuance_mix().to_dict()).encode()[:3000], ":"))
def test_issuance_mix_yaml_fuzz(tmp_path: Path, raw: bytes) -> None:
    p = tmp_path / "mix.yaml"
    p.write_bytes(raw)
    holds(lambda: _issuance_mix(p), "parsers")
