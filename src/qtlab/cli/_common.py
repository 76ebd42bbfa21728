"""What every ``qtlab`` command shares: errors and exit codes, the shared options, JSON,
and how a result is printed.

Errors qtlab raises on purpose print one clear message and exit with status 1 (bad data
or network) or 2 (bad usage) (:func:`handle_errors`); a library message names Python
parameters (``mbs_paydowns=``), which the command's flags replace (:func:`to_flags`).

Output, one machinery for all commands:

- ``--format table|json|csv`` (:data:`FormatOpt`; the older ``--json`` flags stay as an
  alias of ``--format json``), checked before any data are read (:func:`choose_format`).
- Tables never cut a number or a date: a table wider than the terminal (``COLUMNS``, or
  80 columns in a pipe) is folded into several tables that repeat its key columns
  (:func:`render_tables`); only free text wraps.
- JSON (schema version 2) is one envelope every command builds with :func:`envelope`:
  ``schema_version``, ``command``, ``as_of`` (the vantage date, ``null`` = latest data),
  ``options`` (the options as given, normalised; the horizon is ``horizon_months``),
  ``units`` (``{field: unit}``, glossary unit names, for every number in the rows),
  ``rows`` (the records; monthly records start with ``month`` ``YYYY-MM``), ``summary``,
  ``assumptions`` (sentences), then the command's own keys. Its JSON Schema ships as
  ``examples/schemas/cli-output.schema.json``.
- CSV holds the tables' raw values (no thousands separators); several tables are
  separated by a blank line and each starts with a ``# title`` line.
- ``--out FILE`` writes the same text to FILE atomically (temp file, then rename).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar, overload

import pandas as pd
import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qtlab.cli._envelope import ENVELOPE_KEYS, FIELD_UNITS, envelope
from qtlab.errors import DateRangeError, QtlabError, SpecError, one_of, quoted
from qtlab.policy import PRESET_NAMES
from qtlab.schema import ENDPOINT_RULE_NAMES

__all__ = [
    "ENVELOPE_KEYS",
    "FIELD_UNITS",
    "FORMATS",
    "SCHEMA_VERSION",
    "AsOfOpt",
    "DataDirOpt",
    "FormatOpt",
    "JsonOpt",
    "OutOpt",
    "RuleOpt",
    "Tab",
    "choice",
    "choose_format",
    "closest",
    "console",
    "deprecated_alias",
    "emit",
    "envelope",
    "frame_tab",
    "handle_errors",
    "is_policy_file",
    "month_rows",
    "num",
    "out",
    "preset_name",
    "render_tables",
    "to_flags",
    "write_atomic",
]

#: Messages (stderr) and results (stdout).
console = Console(stderr=True)
out = Console()

F = TypeVar("F", bound=Callable[..., Any])

DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Store directory (default: $QTLAB_DATA_DIR or the user cache directory).",
        show_default=False,
    ),
]
#: ``--as-of`` of the commands that run on one vantage (report, show).
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Vantage date (YYYY-MM-DD): use only data visible then."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]

#: ``--rule NAME=VALUE``, repeatable: endpoint rules (C3), the first to bind ends runoff.
RuleOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rule",
        help="NAME=VALUE, repeatable (first to bind ends runoff): "
        + ", ".join(ENDPOINT_RULE_NAMES)
        + ".",
        show_default=False,
    ),
]


def to_flags(message: str, flags: Mapping[str, str]) -> str:
    """``message`` with the library's names of ``flags`` replaced by the command's flags,
    in the order given. A key is a Python parameter: ``mbs_paydowns='x'`` becomes
    ``--mbs-paydowns 'x'`` and a bare ``shock_bp=`` (no value after it) ``--shock-bp``;
    or a whole phrase of a message (any key that is not an identifier), replaced as is."""
    for key, flag in flags.items():
        if not key.isidentifier():
            message = message.replace(key, flag)
            continue
        name = rf"(?<![\w.-]){re.escape(key)}="
        message = re.sub(name + r"(?=[\s/,;)]|$)", flag, message)
        message = re.sub(name, flag + " ", message)
    return message


#: Library parameters every command that reads data spells the same way.
COMMON_FLAGS = {"data_dir": "--data-dir"}


def _fail(exc: QtlabError, code: int, flags: Mapping[str, str]) -> typer.Exit:
    text = to_flags(str(exc), flags)
    console.print(f"[bold red]error:[/] {escape(text)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@overload
def handle_errors(fn: F, *, flags: None = None) -> F: ...


@overload
def handle_errors(fn: None = None, *, flags: Mapping[str, str]) -> Callable[[F], F]: ...


def handle_errors(fn: F | None = None, *, flags: Mapping[str, str] | None = None) -> Any:
    """Run a command, printing qtlab's errors as one line and exiting 2 (bad usage:
    :class:`SpecError`, :class:`DateRangeError`) or 1 (bad data, network). ``flags`` maps
    the library's parameter names to this command's flags (see :func:`to_flags`). Use as
    ``@handle_errors`` or ``@handle_errors(flags={...})``; :data:`COMMON_FLAGS` always
    apply."""
    names = {**(flags or {}), **COMMON_FLAGS}

    def decorate(f: F) -> F:
        @wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return f(*args, **kwargs)
            except (SpecError, DateRangeError) as exc:
                raise _fail(exc, 2, names) from exc
            except QtlabError as exc:
                raise _fail(exc, 1, names) from exc

        return wrapper  # type: ignore[return-value]

    return decorate if fn is None else decorate(fn)


def num(x: float) -> float | None:
    """A JSON number [USD bn] rounded to 1e-6 bn; ``None`` for an uncapped (inf) value."""
    return None if math.isinf(x) or math.isnan(x) else round(float(x), 6)


def month_rows(
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    regime: bool = False,
    flags: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """One JSON object per month of ``frame``: ``month``, the ``keys`` as :func:`num`
    numbers [USD bn], the ``flags`` columns as booleans and, with ``regime=True``, the
    regime in force (last)."""
    vals = frame.loc[:, list(keys)].to_numpy(float)
    rows: list[dict[str, Any]] = []
    for i, m in enumerate(frame.index):
        row: dict[str, Any] = {"month": str(m)}
        row.update((k, num(float(v))) for k, v in zip(keys, vals[i], strict=True))
        row.update((k, bool(frame[k].iloc[i])) for k in flags)
        if regime:
            row["regime"] = str(frame["regime"].iloc[i])
        rows.append(row)
    return rows


def choice(value: str, valid: Sequence[str], name: str) -> str:
    """The one of ``valid`` that ``value`` names, matched without regard to case or
    surrounding blanks; otherwise a :class:`SpecError` naming ``name`` (a library
    parameter such as ``spec=``, or a flag), every valid value and the closest one."""
    for v in valid:
        if v.lower() == value.strip().lower():
            return v
    hint = closest(value, valid)
    sep = "=" if name.isidentifier() else " "
    raise SpecError(
        f"{name}{sep}{quoted(value)} is unknown; valid: {one_of(valid)}"
        + (f" (did you mean {quoted(hint)}?)" if hint else "")
    )


def is_policy_file(name: str) -> bool:
    """Whether ``--policy NAME`` names a YAML file rather than a preset."""
    return name.endswith((".yaml", ".yml")) or Path(name).is_file()


def preset_name(name: str, flag: str = "--policy", extra: Sequence[str] = ()) -> str:
    """The packaged preset (or one of ``extra``) ``name`` stands for, matched without
    regard to case; a :class:`SpecError` with the closest valid name otherwise. A policy
    file is returned as given. Checked before any data are read."""
    if is_policy_file(name):
        return name
    valid = [*PRESET_NAMES, *extra]
    for v in valid:
        if v.lower() == name.strip().lower():
            return v
    hint = closest(name, valid)
    raise SpecError(
        f"{flag} {quoted(name)} is not a policy preset; valid presets: {one_of(valid)}, "
        "or a policy YAML file" + (f" (did you mean {quoted(hint)}?)" if hint else "")
    )


#: Version of the JSON every command prints; raised when a key changes meaning or goes.
#: 2: one envelope for every command (see :func:`envelope`).
SCHEMA_VERSION = 2
FORMATS = ("table", "json", "csv")

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Output format: table (default), json or csv.",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write the result to this file (atomically) instead of printing it.",
        show_default=False,
    ),
]


def choose_format(fmt: str | None, as_json: bool = False) -> str:
    """The output format from ``--format`` and the older ``--json`` flag; a
    :class:`SpecError` for an unknown format or a ``--json`` that contradicts it."""
    name = "table" if fmt is None else fmt.strip().lower()
    if name not in FORMATS:
        hint = closest(name, FORMATS)
        raise SpecError(
            f"--format {quoted(fmt)} is not a format; valid: {one_of(FORMATS)}"
            + (f" (did you mean {quoted(hint)}?)" if hint else "")
        )
    if as_json:
        if fmt is not None and name != "json":
            raise SpecError(f"--json and --format {quoted(fmt)} contradict each other; give one")
        return "json"
    return name


def closest(name: str, valid: Iterable[str]) -> str | None:
    """The valid name closest to ``name`` (case-insensitive), or ``None`` if none is close."""
    options = {v.lower(): v for v in valid}
    hit = difflib.get_close_matches(name.lower(), list(options), n=1, cutoff=0.6)
    return options[hit[0]] if hit else None


def deprecated_alias(new: Any, old: Any, new_flag: str, old_flag: str, default: Any = None) -> Any:
    """The value of an option renamed from ``old_flag`` to ``new_flag``: the old spelling
    still works (with a note on stderr); both given with different values is an error."""
    if old is None or old == default:
        return new
    if new is not None and new not in (default, old):
        raise SpecError(
            f"{old_flag} is the old name of {new_flag}; give only {new_flag} "
            f"(got {new_flag} {new} and {old_flag} {old})"
        )
    Console(stderr=True).print(
        f"note: {old_flag} is deprecated; use {new_flag}", highlight=False, markup=False
    )
    return old


@dataclass
class Tab:
    """A table to print: ``rows`` hold raw values (numbers, strings, ``None``).

    ``digits`` is the number of decimals of floats in the table format (per column
    name, else ``default_digits``); ``keys`` is how many leading columns identify a row
    and are repeated when the table is folded.
    """

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    default_digits: int = 1
    digits: dict[str, int] = field(default_factory=dict)
    keys: int = 1

    def cell(self, j: int, v: Any) -> str:
        """Cell ``v`` of column ``j`` as the table format shows it."""
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, bool):
            return "yes" if v else ""
        if isinstance(v, float):
            if math.isinf(v):
                return "none"
            return f"{v:,.{self.digits.get(self.columns[j], self.default_digits)}f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)


def frame_tab(title: str, frame: Any, *, index: str | None = None, **kw: Any) -> Tab:
    """A :class:`Tab` of a DataFrame (with its index as the first column named ``index``)."""
    df = frame.reset_index(names=index) if index is not None else frame
    rows = [
        [None if _isna(v) else (v.item() if hasattr(v, "item") else v) for v in r]
        for r in df.astype(object).itertuples(index=False, name=None)
    ]
    rows = [
        [str(v) if hasattr(v, "freqstr") or hasattr(v, "isoformat") else v for v in r] for r in rows
    ]
    return Tab(title, [str(c) for c in df.columns], rows, **kw)


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))  # NaN, NaT, None
    except (TypeError, ValueError):
        return False


def _numeric(tab: Tab, j: int) -> bool:
    vals = [r[j] for r in tab.rows if r[j] is not None]
    return bool(vals) and all(isinstance(v, int | float) for v in vals)


def _width() -> int:
    return shutil.get_terminal_size((80, 24)).columns


def _widths(tab: Tab, cells: list[list[str]], width: int) -> list[int]:
    """The printed width of each column: numbers at their full width (never cut); text
    without spaces (dates, months, ids) at full width up to half the screen, then
    folded; free text up to a third of the screen, wrapped at spaces."""
    ws = []
    for j in range(len(tab.columns)):
        body = max((cell_len(r[j]) for r in cells), default=0)
        nat = max(body, max(cell_len(w) for w in tab.columns[j].split()) if tab.columns[j] else 1)
        if _numeric(tab, j):
            ws.append(max(nat, min(cell_len(tab.columns[j]), 12)))
        elif any(" " in r[j] for r in cells):
            ws.append(min(max(nat, min(cell_len(tab.columns[j]), 12)), max(width // 3, 12)))
        else:
            ws.append(min(max(nat, min(cell_len(tab.columns[j]), 12)), max(width // 2, 12)))
    return ws


def _parts(tab: Tab, ws: Sequence[int], width: int) -> list[list[int]]:
    """Column groups of ``tab`` that fit ``width`` each; every group starts with the key
    columns."""
    n = len(tab.columns)
    nat = [w + 3 for w in ws]  # padding and a separator
    keys = list(range(min(tab.keys, n)))
    base = 1 + sum(nat[j] for j in keys)
    parts: list[list[int]] = []
    cur: list[int] = []
    used = base
    for j in range(len(keys), n):
        if cur and used + nat[j] > width:
            parts.append(keys + cur)
            cur, used = [], base
        cur.append(j)
        used += nat[j]
    if cur or not parts:
        parts.append(keys + cur)
    return parts


def render_tables(tabs: Sequence[Tab], notes: Sequence[str] = (), width: int | None = None) -> str:
    """The tables (folded to ``width``, default the terminal's) and notes as plain text."""
    width = width or _width()
    buf = io.StringIO()
    con = Console(file=buf, width=width, no_color=True, highlight=False, emoji=False)
    for tab in tabs:
        cells = [[tab.cell(j, v) for j, v in enumerate(r)] for r in tab.rows]
        ws = _widths(tab, cells, width)
        parts = _parts(tab, ws, width)
        full = _widths(tab, cells, 10**6)  # every column at its natural width
        for k, cols in enumerate(parts):
            w = list(ws)  # this part's widths
            slack = width - 1 - sum(w[j] + 3 for j in cols)
            for j in cols:  # give wrapped text the room the numbers left
                grow = max(0, min(slack, full[j] - w[j]))
                w[j] += grow
                slack -= grow
            title = tab.title if len(parts) == 1 else f"{tab.title} ({k + 1}/{len(parts)})"
            t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
            for j in cols:
                num = _numeric(tab, j)
                t.add_column(
                    tab.columns[j],
                    justify="right" if num else "left",
                    min_width=w[j],
                    max_width=w[j],
                    no_wrap=False,  # widths hold every number whole; headers wrap
                    overflow="fold",
                )
            for r in cells:
                t.add_row(*(r[j] for j in cols))
            con.print(t, markup=False)
    for line in notes:
        con.print(line, markup=False, overflow="fold")
    return buf.getvalue()


def _csv_text(tabs: Sequence[Tab]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for k, tab in enumerate(tabs):
        if len(tabs) > 1:
            buf.write(("\n" if k else "") + f"# {tab.title}\n")
        w.writerow(tab.columns)
        for r in tab.rows:
            w.writerow(["" if v is None else _raw(v) for v in r])
    return buf.getvalue()


def _raw(v: Any) -> Any:
    if isinstance(v, float):
        return "" if math.isnan(v) else ("inf" if math.isinf(v) else repr(round(v, 6)))
    return v


def json_text(command: str, payload: dict[str, Any]) -> str:
    """The command's JSON: the :func:`envelope` ``payload`` after ``schema_version`` and
    ``command``; indent 1, values JSON has no type for (dates, periods) as their
    ``str()``."""
    if list(payload)[:6] != list(ENVELOPE_KEYS[2:]):
        raise ValueError(f"{command}: the JSON payload is not built by envelope()")
    obj = {"schema_version": SCHEMA_VERSION, "command": command, **payload}
    return json.dumps(obj, indent=1, default=str, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and a
    rename: a reader sees the old file or the new one, never half of it."""
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise SpecError(
            f"--out {quoted(str(path))}: directory {quoted(str(parent))} does not exist"
        )
    if path.is_dir():
        raise SpecError(f"--out {quoted(str(path))} is a directory; give a file name")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(
    command: str,
    fmt: str,
    payload: dict[str, Any],
    tabs: Sequence[Tab] = (),
    notes: Sequence[str] = (),
    out: Path | None = None,
) -> None:
    """Print (or with ``out`` write) a command's result in ``fmt`` (see :func:`choose_format`)."""
    if fmt == "json":
        text = json_text(command, payload)
    elif fmt == "csv":
        text = _csv_text(tabs)
    else:
        text = render_tables(tabs, notes, width=100 if out is not None else None)
    if out is None:
        sys.stdout.write(text)
        return
    write_atomic(out, text)
    Console(stderr=True).print(f"written to {out}", highlight=False, markup=False)
