"""Fuzz every command of the CLI with mutated and random arguments and hostile files.

The invariant (:mod:`_fuzz`): exit status 0, 1 (bad data) or 2 (bad usage) with a
message, never a traceback; with ``--json`` and status 0, strict JSON (no NaN or
Infinity). Each command starts from a cheap valid command line whose values are
replaced by hostile tokens and files, options dropped, repeated or added. The
dashboard's server and the live update's network are replaced (nothing may block or
go online); everything else runs for real.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from _fuzz import TOKENS, count
from qtlab.cli import app
from qtlab.errors import FetchError

#: every command run for real on mutated arguments: end to end (see pyproject markers)
pytestmark = pytest.mark.slow

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SID = "agency_mbs.outstanding"

#: Hostile files every file option is also given (created by the ``files`` fixture).
HOSTILE_FILES = {
    "deep.yaml": b"[" * 20_000 + b"]" * 20_000,
    "latin1.yaml": "name: caf\xe9\nregimes: []\n".encode("latin-1"),
    "broken.yaml": b"forecasts: [1, 2\n",
    "list.yaml": b"- 1\n- 2\n",
    "empty.csv": b"",
    "wide.csv": (",".join(f"c{i}" for i in range(5_000)) + "\n").encode(),
    "pay_text.csv": b"month,paydowns\n2022-06,20\n2022-07,abc\n",
    "pay_neg.csv": b"month,paydowns\n2022-06,-20\n",
    "rate_inf.csv": b"month,rate\n2022-06,inf\n",
    "rate_big.csv": b"month,rate\n2022-06,1e308\n",
    "series_big.csv": b"date,value\n2022-01-31,1e308\n",
    "series_old.csv": b"date,value\n1600-01-01,5\n",
    "series_comma.csv": b'date,value\n2022-01-31,"1,5"\n',
    "series_ok.csv": b"date,value\n2022-01-31,8900.5\n2022-02-28,8910.25\n",
    "binary.csv": bytes(range(256)),
}

#: Per command: a cheap valid command line (the values are what gets mutated).
BASES: dict[str, list[str]] = {
    "data import": ["data", "import", SID, "@series_ok.csv", "--scale", "1", "--vintage",
                    "2024-03-05", "--source", "test"],
    "data status": ["data", "status", "--as-of", "2022-05-31", "--json"],
    "data update": ["data", "update", "--source", "fred"],
    "data build-snapshot": ["data", "build-snapshot", "--from", "@rawdir", "--out", "@outdir"],
    "ladder": ["ladder", "--policy", "qt2-announced", "--start", "2022-06", "--months", "3",
               "--json"],
    "project": ["project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "3",
                "--mbs-paydowns", "realized", "--json"],
    "backtest": ["backtest", "--episode", "qt1", "--mbs-paydowns", "realized", "--json"],
    "prepay": ["prepay", "--as-of", "2022-05-31", "--months", "3", "--shock-bp", "0",
               "--params", "qt2-fit", "--mortgage-rate", "flat", "--json"],
    "forward": ["forward", "--as-of", "2022-05-31", "--months", "3", "--bill-purchases", "0",
                "--mortgage-rate", "flat", "--json"],
    "sweep": ["sweep", "--paths", "4", "--months", "3", "--seed", "1", "--chunk-size", "4",
              "--as-of", "2022-05-31", "--json"],
    "scorecard": ["scorecard", "--as-of", "2022-05-31", "--json"],
    "fit-yield": ["fit-yield", "--indicator", "reserves_to_debt", "--as-of", "2022-05-31",
                  "--horizon", "3", "--json"],
    "endpoint": ["endpoint", "--policy", "hold", "--as-of", "2022-05-31", "--horizon", "12",
                 "--rule", "reserves_peak_fraction=0.5", "--json"],
    "report": ["report", "--out", "@outdir", "--sections", "ZZ", "--no-png", "--as-of",
               "2022-05-31"],
    "dashboard": ["dashboard", "--port", "0", "--lang", "en", "--as-of", "2022-05-31"],
    "list": ["list", "--lang", "en", "--format", "table"],
    "show": ["show", "A3", "--as-of", "2022-05-31", "--lang", "en", "--format", "json"],
}  # fmt: skip

OPTION_NAMES = sorted(
    {a for argv in BASES.values() for a in argv if a.startswith("--")}
    | {"--rule", "--alt", "--issuance-mix", "--file", "--rmp-pace", "--mortgage-rate",
       "--holdings-as-of", "--sample", "--sep", "--bank-assets", "--gdp-growth",
       "--backend", "--scheduler", "--policy", "--lang", "--help", "--version"}
)  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("fuzz-files")
    out = {}
    for name, data in HOSTILE_FILES.items():
        (d / name).write_bytes(data)
        out[f"@{name}"] = str(d / name)
    (d / "dir.yaml").mkdir()
    out["@dir.yaml"] = str(d / "dir.yaml")
    raw = d / "raw"
    (raw / "fred").mkdir(parents=True)
    shutil.copy(RAW / "fred" / "DFF.csv", raw / "fred" / "DFF.csv")
    (raw / "fred" / "X.csv").mkdir()
    out["@rawdir"] = str(raw)
    out["@outdir"] = str(d / "out")
    out["@missing.yaml"] = str(d / "missing.yaml")
    return out


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No network, and a dashboard that returns at once instead of serving forever."""

    def no_network(*a: Any, **k: Any) -> Any:
        raise FetchError("offline (fuzz test)", url="https://example.invalid")

    class Server:
        server_port = 0

        def serve_forever(self) -> None:
            return None

        def server_close(self) -> None:
            return None

    monkeypatch.setattr("qtlab.sources._base.http_get", no_network)
    monkeypatch.setattr("qtlab.app.serve", lambda *a, **k: Server())
    yield


@st.composite
def argv(draw: st.DrawFn, base: list[str], files: dict[str, str]) -> list[str]:
    """``base`` with one to three mutations, or (sometimes) random tokens."""
    value = st.one_of(
        st.sampled_from(TOKENS),
        st.sampled_from(sorted(files)),
        st.text(max_size=15),
    )
    if draw(st.integers(0, 7)) == 0:
        head = base[:2] if base[0] == "data" else base[:1]
        tail = draw(st.lists(st.one_of(st.sampled_from(OPTION_NAMES), value), max_size=8))
        args = head + tail
    else:
        args = list(base)
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["value", "value", "value", "drop", "add", "dup"]))
            first = 2 if args[0] == "data" else 1
            if len(args) <= first:
                break
            i = draw(st.integers(first, len(args) - 1))
            if kind == "value":
                args[i] = draw(value)
            elif kind == "drop":
                del args[i]
            elif kind == "add":
                args[i:i] = [draw(st.sampled_from(OPTION_NAMES)), draw(value)]
            elif kind == "dup":
                args.insert(i, args[i])
    return [files.get(a, a) for a in args]


def _strict(text: str) -> Any:
    def no_constant(name: str) -> Any:
        raise AssertionError(f"non-finite number {name} in the JSON output")

    return json.loads(text, parse_constant=no_constant)


def check_run(args: list[str]) -> None:
    count("cli")
    res = CliRunner().invoke(app, args)
    shown = " ".join(args)[:300]
    assert res.exception is None or isinstance(res.exception, SystemExit), (
        shown,
        repr(res.exception),
        res.output[-2000:],
    )
    assert res.exit_code in (0, 1, 2), (shown, res.exit_code, res.output[-2000:])
    assert "Traceback" not in res.output, (shown, res.output[-2000:])
    assert len(res.output) < 2_000_000, shown
    json_out = res.exit_code == 0 and "--json" in args and "--help" not in args
    if json_out and res.stdout.strip().startswith(("{", "[")):
        _strict(res.stdout)
    if res.exit_code != 0:
        assert len(res.output) < 20_000, (shown, len(res.output))  # values are not echoed


#: Fewer examples per command than for the parsers: a valid command line runs for real.
CLI_EXAMPLES = max(3, settings.default.max_examples // 8)


@pytest.mark.parametrize("command", sorted(BASES))
def test_cli_fuzz(command: str, files: dict[str, str]) -> None:
    @settings(max_examples=CLI_EXAMPLES)
    @given(argv(BASES[command], files))
    def run(args: list[str]) -> None:
        check_run(args)

    run()


def test_every_command_is_fuzzed() -> None:
    import typer.main

    group = typer.main.get_command(app)
    names = set()
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        names |= {f"{name} {s}" for s in subs} if subs else {name}
    assert names == set(BASES), sorted(names ^ set(BASES))
