"""Every command answers bad input with a message, never a traceback.

Each case here raised an exception before (RecursionError, UnicodeDecodeError,
IndexError, NotImplementedError after ten seconds, ValueError, MemoryError,
OverflowError) or was silently ignored or printed as null.
"""

from __future__ import annotations

import errno
import json
import shutil
import time
from pathlib import Path

import pytest

from _helpers import flat, run_cli
from qtlab.analyses.scorecard import load_forecasts, parse_forecasts
from qtlab.errors import ParseError, SpecError
from qtlab.policy import Policy
from qtlab.scenarios import MAX_SWEEP_BYTES, check_sweep_memory, sweep_memory
from qtlab.store.build import discover

PROJECT = ("project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "6")
LADDER = ("ladder", "--policy", "qt2-announced", "--start", "2022-06", "--months", "6")


def clean(res, code: int | tuple[int, ...]) -> str:  # type: ignore[no-untyped-def]
    """The flattened output of a command that failed cleanly with ``code``."""
    codes = code if isinstance(code, tuple) else (code,)
    assert res.exit_code in codes, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    return flat(res.output)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    files = {
        "deep.yaml": b"[" * 50_000 + b"]" * 50_000,
        "deep_map.yaml": "".join(" " * i + "a:\n" for i in range(3_000)).encode() + b"x: 1\n",
        "latin1.yaml": "name: caf\xe9\n".encode("latin-1"),
        "broken.yaml": b"forecasts: [1, 2\n",
        "mix_extra.yaml": b"source: x\ntreasury_bill_share: 0.2\nbills: []\ncoupons: {}\nfoo: 1\n",
        "pay_text.csv": b"month,paydowns\n2022-06,20\n2022-07,abc\n",
        "rate_text.csv": b"month,rate\n2022-06,5\n2022-07,five\n",
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    return {name: d / name for name in files}


@pytest.mark.parametrize("name", ["deep.yaml", "deep_map.yaml", "latin1.yaml", "broken.yaml"])
def test_bad_yaml_in_every_yaml_option_is_a_message(hostile: dict[str, Path], name: str) -> None:
    path = hostile[name]
    for args, code in (
        (("project", "--policy", path, "--start", "2022-06", "--months", "6"), 2),
        ((*LADDER, "--issuance-mix", path), 2),
        (("scorecard", "--file", path), (1, 2)),
        (("forward", "--alt", path, "--months", "6"), 2),
    ):
        msg = clean(run_cli(*args), code)
        assert path.name in msg, (args, msg)
    with pytest.raises(SpecError, match="policy file"):
        Policy.from_yaml(path)
    with pytest.raises((SpecError, ParseError)):
        load_forecasts(path)


def test_not_utf8_and_too_deep_say_so(hostile: dict[str, Path]) -> None:
    assert "not UTF-8" in clean(run_cli(*LADDER, "--issuance-mix", hostile["latin1.yaml"]), 2)
    msg = clean(run_cli("scorecard", "--file", hostile["deep.yaml"]), 2)
    assert "nested too deeply" in msg


def test_unknown_keys_of_an_issuance_mix_are_errors(hostile: dict[str, Path]) -> None:
    msg = clean(run_cli(*LADDER, "--issuance-mix", hostile["mix_extra.yaml"]), 2)
    assert "unknown key 'foo'" in msg and "'treasury_bill_share'" in msg


def test_scorecard_at_a_vantage_before_any_forecast_lists_none() -> None:
    # no shipped forecast had been made in 1900: nothing to score, and no crash
    res = run_cli("scorecard", "--as-of", "1900-01-01", "--json")
    clean(res, (0, 1, 2))
    if res.exit_code == 0:
        assert json.loads(res.stdout)["rows"] == []


def test_forecasts_that_can_never_be_scored_are_refused() -> None:
    entry = {"quantity": "ten_year_peak_level", "value": 3.5, "made": "2022-05-31"}
    with pytest.raises(ParseError, match=r"horizon 2022-04 is not after.*pending forever"):
        parse_forecasts({"source": "x", "forecasts": [{**entry, "horizon": "2022-04"}]})
    with pytest.raises(ParseError, match="horizon 2022-05 is not after"):
        parse_forecasts({"source": "x", "forecasts": [{**entry, "horizon": "2022-05"}]})
    for bad in (float("nan"), float("inf"), -float("inf")):  # YAML .nan, .inf, -.inf
        with pytest.raises(ParseError, match="finite number"):
            parse_forecasts(
                {"source": "x", "forecasts": [{**entry, "value": bad, "horizon": "2023-12"}]}
            )


@pytest.mark.parametrize("command", [PROJECT, LADDER])
def test_horizon_limit_is_checked_before_the_data_are_read(
    command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_data(*a: object, **k: object) -> None:
        raise AssertionError("data were read before --months was checked")

    monkeypatch.setattr("qtlab.store.dataset.Dataset.__init__", no_data)
    args = [*command[:-1], "100000"]
    t0 = time.perf_counter()
    msg = clean(run_cli(*args), 2)
    assert time.perf_counter() - t0 < 2.0
    assert "--months 100000 is outside 1..600" in msg


def test_paydown_and_rate_files_with_text_name_file_line_and_value(
    hostile: dict[str, Path],
) -> None:
    msg = clean(run_cli(*PROJECT, "--mbs-paydowns", hostile["pay_text.csv"]), 1)
    assert "pay_text.csv" in msg and "line 3" in msg and "'abc'" in msg
    msg = clean(
        run_cli(*PROJECT, "--mbs-paydowns", "model", "--mortgage-rate", hostile["rate_text.csv"]),
        1,
    )
    assert "rate_text.csv" in msg and "line 3" in msg and "'five'" in msg


@pytest.mark.parametrize("command", ["project", "backtest"])
def test_model_options_without_the_model_are_errors(command: str) -> None:
    args = PROJECT if command == "project" else ("backtest",)
    msg = clean(run_cli(*args, "--mortgage-rate", "realized"), 2)
    assert "--mortgage-rate 'realized' is for the prepayment model only" in msg
    assert "--mbs-paydowns model" in msg


def test_sweep_refuses_a_negative_seed_and_a_sweep_too_big_for_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_data(*a: object, **k: object) -> None:
        raise AssertionError("data were read before the options were checked")

    monkeypatch.setattr("qtlab.store.dataset.Dataset.__init__", no_data)
    assert "seed=-1 must be a whole number >= 0" in clean(run_cli("sweep", "--seed", "-1"), 2)
    t0 = time.perf_counter()
    msg = clean(run_cli("sweep", "--paths", "10000000"), 2)
    assert time.perf_counter() - t0 < 2.0
    assert "GiB" in msg and "--paths" in msg
    assert "chunk_size=0 must be >= 1" in clean(run_cli("sweep", "--chunk-size", "0"), 2)


def test_sweep_memory_estimate() -> None:
    # 10 million paths x 36 months: about 100 GiB of outputs; 1,000 paths: tens of MB
    assert sweep_memory(10_000_000, 36) > 50 * 2**30
    assert 10e6 < sweep_memory(1_000, 36) < 500e6
    check_sweep_memory(1_000, 36)
    with pytest.raises(SpecError, match="GiB"):
        check_sweep_memory(10_000_000, 36)
    with pytest.raises(SpecError, match="GiB"):
        check_sweep_memory(1_000, 36, chunk_size=10**9, max_bytes=2**20)
    assert MAX_SWEEP_BYTES == 4 * 2**30


def test_disk_full_during_import_is_one_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "ok.csv"
    f.write_text("date,value\n2022-01-31,5\n")

    def full(*a: object, **k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("qtlab.store.db.Store.ingest", full)
    msg = clean(
        run_cli("data", "import", "agency_mbs.outstanding", f, "--data-dir", tmp_path / "s"), 1
    )
    assert "disk is full" in msg and "Nothing was imported" in msg


def test_a_directory_named_like_a_raw_file_is_skipped(tmp_path: Path, raw_data: Path) -> None:
    (tmp_path / "fred").mkdir()
    shutil.copy(raw_data / "fred" / "WALCL.csv", tmp_path / "fred" / "WALCL.csv")
    (tmp_path / "fred" / "EXTRA.csv").mkdir()
    found, skipped = discover(tmp_path)
    assert "fred.WALCL" in [d.id for d in found]
    assert "fred.EXTRA" not in [d.id for d in found]
    assert any("EXTRA.csv (not a file)" in s for s in skipped)


@pytest.mark.parametrize("port", ["-1", "65536", "99999"])
def test_dashboard_port_outside_the_valid_range_is_a_usage_error(port: str) -> None:
    res = run_cli("dashboard", "--port", port)
    assert res.exit_code == 2 and "Invalid value for '--port'" in flat(res.output), res.output


def test_huge_amounts_are_refused_not_printed_as_null() -> None:
    msg = clean(run_cli("forward", "--bill-purchases", "1e308", "--months", "6"), 2)
    assert "bill_purchases=1e+308 is more than 100,000" in msg
    realized = ("project", "--policy", "qt2-realized", "--start", "2022-06", "--months", "6")
    msg = clean(run_cli(*realized, "--rmp-pace", "1e308"), 2)
    assert "more than 100,000" in msg
    msg = clean(run_cli(*PROJECT, "--rmp-pace", "20"), 2)  # was ignored: no purchases
    assert "no regime that purchases" in msg
