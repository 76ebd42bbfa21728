"""The fixed-width MSPD full statement (``opdm<MM><YYYY>.prn``): layout and parsing.

Used by :func:`qtlab.sources.treasury.parse_mspd_detail`; the class names of
Table I are mapped to the glossary there (the same mapping as the Table 1 CSV),
so this module returns Table I rows with Treasury's own labels.

Layout (as of the 2022 statements)
----------------------------------
The text is Windows-1252 with ``\\r\\r\\n`` line ends. Table I lines are a
46-character label (dot leaders, footnote markers) followed by three right-aligned
amounts ending at columns 63, 89 and 114; a footnote digit may sit between the
second and the third (columns 89-92). Table III lists each marketable security
line by line, one line per issue (first issue, then reopenings)::

    CUSIP [rate] yield issue-date [maturity payable-dates] issued infl.adj redeemed [outstanding]

Bills and FRNs have one rate column (the bill's discount yield; the FRN's
spread), notes, bonds and TIPS two (coupon, auction yield). Maturity, payable
dates and the outstanding amount are only on the first line of a CUSIP.
Redemptions are printed in parentheses; ``*`` means less than USD 0.5 million.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import pandas as pd

from qtlab.errors import ParseError, one_of

__all__ = ["OPDM_COLUMNS", "SECTION_CLASSES", "OpdmStatement", "parse_opdm"]

#: Columns of the per-CUSIP table, in order.
OPDM_COLUMNS: Final = (
    "as_of",
    "cusip",
    "security_class",
    "rate",
    "issue_date",
    "maturity",
    "issued",
    "inflation_adj",
    "redeemed",
    "outstanding",
)
#: Table III section headings (start of the stripped line) -> security class.
SECTION_CLASSES: Final[Mapping[str, str]] = {
    "Treasury Bills": "bill",
    "Marketable, Treasury Notes": "note",
    "Marketable, Treasury Bonds": "bond",
    "Marketable, Treasury TIPS": "tips",
    "Marketable, Treasury Floating Rate Notes": "frn",
}
#: Table I fixed columns: name -> (start, end) character positions.
TABLE1_FIELDS: Final[Mapping[str, tuple[int, int | None]]] = {
    "label": (0, 46),
    "public": (46, 63),
    "intragov": (63, 89),
    "total": (92, None),
}
_MILLIONS_PER_BN: Final = 1000.0
_TOLERANCE_PER_LINE: Final = 0.5  # USD mn: each printed amount is rounded to the million

_AMT = r"\(?(?:\d[\d,]*|\*)\)?"
_DATE = r"\d\d/\d\d/\d\d"
_CUSIP_START = re.compile(r"^\s+912[0-9A-Z]{6}\s")
_SECURITY = re.compile(
    rf"^\s+(?P<cusip>912[0-9A-Z]{{6}})\s+(?P<rates>-?\d+\.\d+(?:\s+-?\d+\.\d+)?)"
    rf"\s+(?P<issue>{_DATE})(?:\s+(?P<maturity>{_DATE})(?:\s+\d\d/\d\d(?:/\d\d)?)+)?"
    rf"\s+(?P<issued>{_AMT})\s+(?P<adj>{_AMT})\s+(?P<redeemed>{_AMT})"
    rf"(?:\s+(?P<outstanding>{_AMT}))?\s*$"
)
_TOTAL = re.compile(
    rf"^\s*Total (?P<kind>Unmatured |Matured )?(?P<name>Treasury .*?)[\s.\u2026]*\s"
    rf"(?P<issued>{_AMT})\s+(?P<adj>{_AMT})\s+(?P<redeemed>{_AMT})\s+(?P<outstanding>{_AMT})\s*$"
)
_TABLE3_TITLE = re.compile(
    r"TABLE III\s*-+\s*DETAIL OF TREASURY SECURITIES OUTSTANDING,\s*([A-Z]+\s+\d{1,2},\s*\d{4})"
)
_SECTION_OTHER = re.compile(r"^Marketable, Treasury (?P<name>.+?):?\s*$")
_FOOTNOTE_MARKS = re.compile(r"(?:\s+(?:\d+(?:,\s*\d+)*|[a-z]))+$")


@dataclass(frozen=True)
class OpdmStatement:
    """What :func:`parse_opdm` finds in one statement.

    ``securities`` has :data:`OPDM_COLUMNS` [USD bn, %]; ``table1`` has the
    Table I rows as ``date, type, class, public, intragov, total`` with
    Treasury's labels and amounts as printed [USD mn, text]; ``class_totals``
    has the Table III total lines [USD bn].
    """

    as_of: date
    securities: pd.DataFrame
    table1: pd.DataFrame
    class_totals: pd.DataFrame


def _lines(raw: bytes) -> list[str]:
    text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "").split("\n")


def _amount(token: str, *, file: str, field: str, lineno: int) -> float:
    """A printed amount in USD mn: ``1,234``, ``(85)`` (negative) or ``*`` (0)."""
    neg = token.startswith("(") and token.endswith(")")
    body = token.strip("()").replace(",", "")
    if body == "*":
        return 0.0
    try:
        value = float(body)
    except ValueError as exc:
        raise ParseError(
            f"not an amount (line {lineno}); expected digits, '(digits)' or '*'",
            file=file,
            field=field,
            value=token,
        ) from exc
    return -value if neg else value


def _mdy(token: str, *, file: str, field: str, lineno: int) -> date:
    try:
        return datetime.strptime(token, "%m/%d/%y").date()
    except ValueError as exc:
        raise ParseError(
            f"not a valid date (line {lineno}); expected MM/DD/YY",
            file=file,
            field=field,
            value=token,
        ) from exc


def _as_of(lines: list[str], *, file: str) -> tuple[date, int]:
    for i, line in enumerate(lines):
        m = _TABLE3_TITLE.search(line)
        if m:
            text = re.sub(r"\s+", " ", m.group(1)).title()
            try:
                return datetime.strptime(text, "%B %d, %Y").date(), i
            except ValueError as exc:
                raise ParseError(
                    "not a valid statement date", file=file, field="TABLE III", value=m.group(1)
                ) from exc
    raise ParseError(
        "no 'TABLE III - DETAIL OF TREASURY SECURITIES OUTSTANDING, <date>' line; "
        "is this an MSPD opdm .prn file?",
        file=file,
        field="TABLE III",
    )


def _table1(lines: list[str], as_of: date, *, file: str) -> pd.DataFrame:
    start = next((i for i, ln in enumerate(lines) if re.match(r"\s*TABLE I\s+-", ln)), None)
    if start is None:
        raise ParseError("no 'TABLE I --' line", file=file, field="TABLE I")
    rows: list[dict[str, str]] = []
    section = ""
    for line in lines[start + 1 :]:
        if re.match(r"\s*TABLE II\b", line):
            break
        head = line.strip()
        if head in ("Marketable:", "Nonmarketable:"):
            section = head[:-1]
            continue
        if len(line) < 100 or not re.search(r"\d\s*$", line):
            continue
        fields = {k: line[a:b].strip() for k, (a, b) in TABLE1_FIELDS.items()}
        label = _FOOTNOTE_MARKS.sub("", fields["label"].rstrip(" .\u2026")).strip()
        is_total = label.startswith("Total")
        rows.append(
            {
                "date": as_of.isoformat(),
                "type": label if is_total else section,
                "class": "_" if is_total else label,
                **{k: fields[k].replace("*", "0") for k in ("public", "intragov", "total")},
            }
        )
    if not rows:
        raise ParseError("Table I has no amount lines", file=file, field="TABLE I")
    return pd.DataFrame(rows)


@dataclass
class _Security:
    """One CUSIP while its lines are read; amounts in USD mn."""

    cusip: str
    security_class: str
    rate: float
    issue_date: date
    maturity: date
    outstanding: float
    issued: float = 0.0
    inflation_adj: float = 0.0
    redeemed: float = 0.0
    lines: int = 0

    def add_line(self, m: re.Match[str], *, file: str, n: int) -> None:
        self.issued += _amount(m["issued"], file=file, field="issued", lineno=n)
        self.inflation_adj += _amount(m["adj"], file=file, field="inflation_adj", lineno=n)
        self.redeemed -= _amount(m["redeemed"], file=file, field="redeemed", lineno=n)
        self.lines += 1


def _new_security(m: re.Match[str], cls: str, as_of: date, *, file: str, n: int) -> _Security:
    issue = _mdy(m["issue"], file=file, field="issue_date", lineno=n)
    if issue > as_of:  # two-digit years: an issue date cannot be after the statement
        issue = issue.replace(year=issue.year - 100)
    maturity = _mdy(m["maturity"], file=file, field="maturity", lineno=n)
    if maturity < issue:
        maturity = maturity.replace(year=maturity.year + 100)
    if m["outstanding"] is None:
        raise ParseError(
            f"first line of a CUSIP without an outstanding amount (line {n})",
            file=file,
            field="outstanding",
            value=m["cusip"],
        )
    return _Security(
        cusip=m["cusip"],
        security_class=cls,
        rate=float(m["rates"].split()[0]),
        issue_date=issue,
        maturity=maturity,
        outstanding=_amount(m["outstanding"], file=file, field="outstanding", lineno=n),
    )


def _total_line(m: re.Match[str], cls: str, *, file: str, n: int) -> dict[str, object]:
    """A Table III total line as a row of ``class_totals`` [USD bn]."""
    amount = {
        f: _amount(m[g], file=file, field=f, lineno=n) / _MILLIONS_PER_BN
        for f, g in (
            ("issued", "issued"),
            ("inflation_adj", "adj"),
            ("redeemed", "redeemed"),
            ("outstanding", "outstanding"),
        )
    }
    amount["redeemed"] = 0.0 - amount["redeemed"]  # printed in parentheses
    return {"security_class": cls, "line": (m["kind"] or "total").strip().lower(), **amount}


def parse_opdm(raw: bytes, *, file: str) -> OpdmStatement:
    """Parse Table I and the marketable part of Table III of an opdm statement."""
    lines = _lines(raw)
    as_of, start = _as_of(lines, file=file)
    table1 = _table1(lines, as_of, file=file)
    records: dict[str, _Security] = {}
    totals: list[dict[str, object]] = []
    cls: str | None = None
    current: _Security | None = None
    finished = False
    for n, line in enumerate(lines[start:], start=start + 1):
        head = line.strip()
        if head.startswith("Total Marketable"):
            finished = True
            break
        heading = next((c for k, c in SECTION_CLASSES.items() if head.startswith(k)), None)
        if heading is not None:
            cls, current = heading, None
            continue
        if _SECTION_OTHER.match(head):
            raise ParseError(
                f"unknown Table III section (line {n}); known sections are "
                f"{one_of(SECTION_CLASSES)}",
                file=file,
                field="TABLE III",
                value=head,
            )
        total = _TOTAL.match(line)
        if total and cls is not None:
            totals.append(_total_line(total, cls, file=file, n=n))
            continue
        if not _CUSIP_START.match(line):
            continue  # headings, page headers, blank lines
        m = _SECURITY.match(line)
        if m is None or cls is None:
            raise ParseError(
                f"security line (line {n}) does not have the Table III layout "
                "'CUSIP rate(s) issue-date [maturity payable] issued infl.adj redeemed "
                "[outstanding]'" + ("" if cls else " or comes before any section heading"),
                file=file,
                field="TABLE III",
                value=head,
            )
        if m["maturity"] is not None:
            if m["cusip"] in records:
                raise ParseError(
                    f"CUSIP listed twice in Table III (line {n})",
                    file=file,
                    field="cusip",
                    value=m["cusip"],
                )
            current = records[m["cusip"]] = _new_security(m, cls, as_of, file=file, n=n)
        elif current is None or current.cusip != m["cusip"]:
            raise ParseError(
                f"reopening line without the CUSIP's first line before it (line {n})",
                file=file,
                field="cusip",
                value=m["cusip"],
            )
        current.add_line(m, file=file, n=n)
    if not finished:
        raise ParseError(
            "Table III ends before its 'Total Marketable' line; the file is truncated",
            file=file,
            field="TABLE III",
        )
    if not records:
        raise ParseError("Table III lists no securities", file=file, field="TABLE III")
    sec = pd.DataFrame([{**vars(r), "as_of": as_of} for r in records.values()])
    class_totals = pd.DataFrame(
        totals,
        columns=["security_class", "line", "issued", "inflation_adj", "redeemed", "outstanding"],
    )
    _check_totals(sec, class_totals, file=file)
    for col in ("issued", "inflation_adj", "redeemed", "outstanding"):
        sec[col] = sec[col].astype("float64") / _MILLIONS_PER_BN
    for col in ("as_of", "issue_date", "maturity"):
        sec[col] = pd.to_datetime(sec[col]).astype("datetime64[ns]")
    sec["cusip"] = sec["cusip"].astype("string")
    sec["security_class"] = sec["security_class"].astype("string")
    return OpdmStatement(as_of, sec.loc[:, list(OPDM_COLUMNS)], table1, class_totals)


def _check_totals(sec: pd.DataFrame, totals: pd.DataFrame, *, file: str) -> None:
    """CUSIP rows [USD mn] must add up to the statement's unmatured (or overall) class totals."""
    for cls, group in sec.groupby("security_class"):
        mine = totals[totals["security_class"] == cls]
        ref = mine[mine["line"] == "unmatured"]
        if ref.empty:
            ref = mine[mine["line"] == "total"]
        if ref.empty:
            raise ParseError(
                f"no total line for section {cls!r}; the file may be truncated",
                file=file,
                field="TABLE III",
            )
        for col, n_rounded in (("outstanding", len(group)), ("issued", group["lines"].sum())):
            got = float(group[col].sum())
            want = float(ref[col].iloc[0]) * _MILLIONS_PER_BN
            tol = _TOLERANCE_PER_LINE * (float(n_rounded) + 1)
            if abs(got - want) > tol:
                raise ParseError(
                    f"the {cls} CUSIP rows add up to {got:,.0f} mn but the statement's total "
                    f"is {want:,.0f} mn (tolerance {tol:,.1f} mn); a line was probably misread",
                    file=file,
                    field=col,
                    value=cls,
                )
