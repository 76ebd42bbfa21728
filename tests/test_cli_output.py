"""What every command prints: formats, folded tables that never cut a number, the JSON
envelope, --out written atomically, one name per option, and qtlab show / qtlab list."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qtlab.cli import app

# private on purpose: the CLI's table folding and output formats
from qtlab.cli._common import (
    SCHEMA_VERSION,
    Tab,
    choose_format,
    render_tables,
    write_atomic,
)
from qtlab.errors import SpecError
from qtlab.runs import RunContext

LADDER = ["ladder", "--policy", "qt2-announced", "--start", "2022-06", "--months", "6"]
PROJECT = ["project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "4"]


def run(*args: str, columns: int = 80) -> tuple[int, str, str]:
    """``qtlab ARGS`` in a pipe of ``columns`` columns: exit code, stdout, stderr."""
    res = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    return res.exit_code, res.stdout, res.stderr


def no_cut(text: str) -> None:
    """No line wider than 80 columns (as a terminal shows it: a Chinese character takes
    two) and no ellipsis anywhere (a cut number or date)."""
    from rich.cells import cell_len

    assert "…" not in text
    assert max((cell_len(line.rstrip()) for line in text.splitlines()), default=0) <= 80


# -- the shared module ---------------------------------------------------------------------


def test_wide_table_folds_into_parts_that_repeat_the_key_and_keep_every_number() -> None:
    cols = ["month", *(f"column_{i}" for i in range(12))]
    rows = [["2022-06", *(1234567.891 * (i + 1) for i in range(12))]]
    text = render_tables([Tab("wide", cols, rows)], width=80)
    no_cut(text)
    assert text.count("2022-06") >= 2  # the key column is in every part
    for i in range(12):
        assert f"{1234567.891 * (i + 1):,.1f}" in text


def test_narrow_screen_wraps_text_but_never_a_number() -> None:
    tab = Tab("t", ["name", "value"], [["a long description " * 5, 98765432.1]])
    text = render_tables([tab], width=40)
    assert "98,765,432.1" in text
    assert "…" not in text


def test_format_choice_and_the_json_alias() -> None:
    assert choose_format(None) == "table"
    assert choose_format("CSV") == "csv"
    assert choose_format(None, as_json=True) == "json"
    assert choose_format("json", as_json=True) == "json"
    with pytest.raises(SpecError, match="did you mean 'json'"):
        choose_format("jsn")
    with pytest.raises(SpecError, match="contradict"):
        choose_format("csv", as_json=True)


def test_write_atomic_replaces_whole_and_leaves_no_temp_file(tmp_path: Path) -> None:
    f = tmp_path / "r.json"
    f.write_text("old")
    write_atomic(f, "new text\n")
    assert f.read_text() == "new text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
    with pytest.raises(SpecError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "r.json", "x")
    with pytest.raises(SpecError, match="is a directory"):
        write_atomic(tmp_path, "x")


# -- commands ------------------------------------------------------------------------------


def test_ladder_table_at_80_columns_shows_every_number_of_its_json() -> None:
    code, text, _ = run(*LADDER)
    assert code == 0, text
    no_cut(text)
    code, js, _ = run(*LADDER, "--json")
    obj = json.loads(js)
    assert obj["schema_version"] == SCHEMA_VERSION
    assert obj["command"] == "ladder"
    assert obj["units"]["bills_maturing"] == "USD bn per month"
    assert obj["as_of"] == "2022-05-31"  # the day before --start
    for row in obj["rows"]:
        assert "coupon_shortfall" in row
        for k, v in row.items():
            if isinstance(v, float):
                assert f"{v:,.1f}" in text, (row["month"], k, v)


def test_ladder_csv_holds_the_json_numbers_and_out_writes_the_same(tmp_path: Path) -> None:
    _, js, _ = run(*LADDER, "--format", "json")
    months = json.loads(js)["rows"]
    code, text, _ = run(*LADDER, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["month"] for r in rows] == [m["month"] for m in months]
    for r, m in zip(rows, months, strict=True):
        assert float(r["bills_maturing"]) == pytest.approx(m["bills_maturing"], abs=1e-6)
        assert float(r["coupon_shortfall"]) == pytest.approx(m["coupon_shortfall"], abs=1e-6)
    out = tmp_path / "ladder.csv"
    code, printed, err = run(*LADDER, "--format", "csv", "--out", str(out))
    assert code == 0
    assert printed == ""
    assert out.read_text() == text
    assert "written to" in err


def test_data_status_and_project_at_80_columns_cut_no_date_or_number() -> None:
    code, text, _ = run("data", "status")
    assert code == 0
    no_cut(text)
    for d in re.findall(r"\d{4}-\d{2}-\d{2}", run("data", "status", "--format", "csv")[1]):
        assert d in text
    code, text, _ = run(*PROJECT)
    assert code == 0
    no_cut(text)
    rows = json.loads(run(*PROJECT, "--json")[1])["rows"]
    for r in rows:
        assert f"{r['total_securities']:,.1f}" in text


def test_shock_bp_help_keeps_its_unit() -> None:
    for cmd in ("project", "backtest", "prepay", "forward"):
        code, text, _ = run(cmd, "--help", columns=200)
        assert code == 0
        assert "[bp]" in text, cmd


@pytest.mark.parametrize(
    "cmd",
    [
        ["data", "status"],
        ["data", "update"],
        ["data", "import"],
        ["ladder"],
        ["project"],
        ["backtest"],
        ["forward"],
        ["prepay"],
        ["sweep"],
        ["fit-yield"],
        ["endpoint"],
        ["scorecard"],
        ["report"],
        ["dashboard"],
        ["show"],
    ],
)
def test_every_command_that_reads_data_takes_data_dir(cmd: list[str]) -> None:
    code, text, _ = run(*cmd, "--help", columns=200)
    assert code == 0
    assert "--data-dir" in text


@pytest.mark.parametrize(
    "cmd",
    [
        ["data", "status"],
        ["ladder"],
        ["project"],
        ["backtest"],
        ["forward"],
        ["prepay"],
        ["sweep"],
        ["fit-yield"],
        ["endpoint"],
        ["scorecard"],
        ["show"],
        ["list"],
    ],
)
def test_every_command_that_prints_a_result_takes_format_and_out(cmd: list[str]) -> None:
    code, text, _ = run(*cmd, "--help", columns=200)
    assert code == 0
    assert "--format" in text
    assert "--out" in text


def test_one_name_per_option_old_names_hidden_but_working() -> None:
    for cmd in ("ladder", "project"):
        text = run(cmd, "--help", columns=200)[1]
        assert "--as-of" in text
        assert "--holdings-as-of" not in text
    for cmd in ("fit-yield", "endpoint"):
        text = run(cmd, "--help", columns=200)[1]
        assert "--months" in text
        assert "--horizon" not in text
    new = run(*LADDER, "--as-of", "2022-05-31", "--json")[1]
    code, old, err = run(*LADDER, "--holdings-as-of", "2022-05-31", "--json")
    assert code == 0
    assert json.loads(old) == json.loads(new)
    assert "deprecated" in err
    code, _, err = run(*LADDER, "--as-of", "2022-05-31", "--holdings-as-of", "2022-04-30")
    assert code == 2
    assert "give only --as-of" in err


def test_presets_any_case_and_a_typo_refused_before_any_data_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = json.loads(run(*LADDER, "--json")[1])
    upper = json.loads(
        run(*[a.upper() if a == "qt2-announced" else a for a in LADDER], "--json")[1]
    )
    assert upper["rows"] == base["rows"]
    assert upper["options"]["policy"] == "qt2-announced"

    from qtlab.store import dataset

    def no_data(*a: object, **k: object) -> None:
        raise AssertionError("data were read before the arguments were checked")

    monkeypatch.setattr(dataset.Dataset, "__init__", no_data)
    code, _, err = run("project", "--policy", "qt2-anounced", "--start", "2022-06", "--months", "3")
    assert code == 2
    assert "did you mean 'qt2-announced'" in err
    code, _, err = run(*LADDER, "--format", "xml")
    assert code == 2
    assert "--format 'xml'" in err


# -- qtlab list / qtlab show ---------------------------------------------------------------


def test_list_names_every_analysis_with_its_question_in_each_language() -> None:
    from qtlab.analyses import registry

    en = json.loads(run("list", "--format", "json")[1])
    zh = json.loads(run("list", "--lang", "zh", "--format", "json")[1])
    ids = [s.id for s in registry()]
    assert [a["id"] for a in en["rows"]] == ids
    assert [a["id"] for a in zh["rows"]] == ids
    assert all(a["title"] != a["id"] for a in en["rows"])
    a3 = {a["id"]: a["title"] for a in zh["rows"]}["A3"]
    assert re.search(r"[\u4e00-\u9fff]", a3)
    code, text, _ = run("list")
    assert code == 0
    no_cut(text)


def test_show_prints_the_tables_and_notes_of_the_analysis() -> None:
    from qtlab.analyses import get_analysis

    res = get_analysis("A3").run(RunContext("2024-12-31"), lang="en")
    code, text, _ = run("show", "a3", "--as-of", "2024-12-31")
    assert code == 0, text
    no_cut(text)
    for tb in res.tables:
        assert tb.title.split()[0] in text
    obj = json.loads(run("show", "A3", "--as-of", "2024-12-31", "--format", "json")[1])
    assert obj["options"]["id"] == obj["summary"]["id"] == "A3"
    assert obj["as_of"] == "2024-12-31"
    assert list(obj["tables"]) == [tb.name for tb in res.tables]
    first = res.tables[0]
    assert len(obj["tables"][first.name]["rows"]) == len(first.frame)
    assert [n["text"] for n in obj["notes"]] == [n.text for n in res.notes]
    csv_text = run("show", "A3", "--as-of", "2024-12-31", "--format", "csv")[1]
    assert csv_text.count("# ") == len(res.tables)


def test_show_in_chinese_prints_a_readers_headers_and_money_in_yi_at_80_columns() -> None:
    """Issue 16: the printed table labels its columns as the report does (no
    ``bills_maturing [USD bn]``), money in 亿美元 (x10); JSON keeps the keys and USD bn."""
    args = ("show", "B1", "--as-of", "2022-05-31", "--lang", "zh")
    code, text, _ = run(*args)
    assert code == 0, text
    no_cut(text)
    assert "bills_maturing" not in text and "USD bn" not in text and "十亿" not in text
    assert "到期国库券" in text and "[亿美元]" in text
    obj = json.loads(run(*args, "--format", "json")[1])
    rows = obj["tables"]["b1_ladder"]["rows"]
    assert "bills_maturing [USD bn]" in rows[0]
    for r in rows[:3]:
        assert f"{10 * r['bills_maturing [USD bn]']:,.1f}" in text


def test_show_states_the_baseline_its_notes_refer_to() -> None:
    """A section that runs from the baseline refers to it ("see top"); on the command line
    nothing is above, so ``show`` states the baseline's sentences first (text and JSON),
    and a section that does not run from it states none."""
    from qtlab.runs.baseline import baseline

    with RunContext("2022-05-31") as ctx:
        lines = [a.text("en") for a in baseline(ctx).assumptions]
    code, text, _ = run("show", "D1", "--as-of", "2022-05-31", columns=200)
    assert code == 0, text
    assert "(see top)" in text
    flat = " ".join(text.split())
    assert all(" ".join(x.split()) in flat for x in lines)
    assert flat.index("Baseline:") < flat.index("D1:")
    obj = json.loads(run("show", "D1", "--as-of", "2022-05-31", "--format", "json")[1])
    assert obj["assumptions"] == lines
    a3 = json.loads(run("show", "A3", "--as-of", "2022-05-31", "--format", "json")[1])
    assert a3["assumptions"] == []


def test_show_unknown_id_suggests_the_closest() -> None:
    code, _, err = run("show", "A33")
    assert code == 2
    assert "did you mean 'A3'" in err


def test_forward_under_12_months_and_alternatives_in_any_case() -> None:
    code, js, err = run(
        "forward", "--months", "3", "--alt", "QT2-Announced", "--alt", "20", "--format", "json"
    )
    assert code == 0, err
    obj = json.loads(js)
    assert obj["command"] == "forward"
    assert obj["units"]["reserves"] == "USD bn"
    assert obj["options"]["horizon_months"] == 3
    assert len(obj["alternatives"]) == 3  # the default, the preset and the pace
    for name in obj["alternatives"]:
        assert obj["summary"][name] == []  # no 12-month horizon within 3 months
        assert len([r for r in obj["rows"] if r["alternative"] == name]) == 3
