"""Internals of :mod:`qtlab.sources.nyfed`: the SOMA holdings rules and raw-input reading.

The holdings column maps (CSV headers and API JSON keys -> one internal name),
the security-type and MBS-program maps, the per-row rules that turn NY Fed
holdings text into :data:`qtlab.schema.HOLDINGS_COLUMNS`, and the small readers
for JSON and CSV bytes shared by the NY Fed loaders. The public names are
re-exported by :mod:`qtlab.sources.nyfed`; use them from there.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import IO, Any, Final

import httpx
import pandas as pd

from qtlab import schema
from qtlab.errors import ParseError, one_of
from qtlab.sources._base import (
    SourceData,
    SourceMeta,
    date_column,
    numeric_column,
    sha256_bytes,
    source_name,
)

__all__ = [
    "DOLLARS_PER_BN",
    "HOLDINGS_CSV_MAP",
    "HOLDINGS_JSON_MAP",
    "HOLDINGS_REQUIRED_CSV",
    "HOLDINGS_REQUIRED_JSON",
    "MBS_PROGRAM_MAP",
    "SECURITY_TYPE_MAP",
    "RawInput",
    "csv_rows",
    "describe_mbs",
    "holdings_frame",
    "json_records",
    "looks_like_json",
    "raw_bytes",
    "records_frame",
]

RawInput = bytes | str | IO[bytes]
DOLLARS_PER_BN: Final = 1e9

#: (internal name, CSV header, JSON key): the one mapping of both header styles.
_HOLDINGS_FIELDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("as_of", "As Of Date", "asOfDate"),
    ("cusip", "CUSIP", "cusip"),
    ("security_type", "Security Type", "securityType"),
    ("description", "Security Description", "securityDescription"),
    ("term", "Term", "term"),
    ("maturity", "Maturity Date", "maturityDate"),
    ("issuer", "Issuer", "issuer"),
    ("spread", "Spread (%)", "spread"),
    ("coupon", "Coupon (%)", "coupon"),
    ("current_face_value", "Current Face Value", "currentFaceValue"),
    ("par_value", "Par Value", "parValue"),
    ("inflation_comp", "Inflation Compensation", "inflationCompensation"),
    ("pct_outstanding", "Percent Outstanding", "percentOutstanding"),
    ("change_prior_week", "Change From Prior Week", "changeFromPriorWeek"),
    ("change_prior_year", "Change From Prior Year", "changeFromPriorYear"),
    ("is_aggregated", "is Aggregated", "isAggregated"),
)
#: CSV header (website and API CSV) -> internal field name.
HOLDINGS_CSV_MAP: Final[Mapping[str, str]] = {c: i for i, c, _ in _HOLDINGS_FIELDS}
#: API JSON key -> internal field name.
HOLDINGS_JSON_MAP: Final[Mapping[str, str]] = {j: i for i, _, j in _HOLDINGS_FIELDS}
#: CSV columns that must be there (the weekly/yearly change columns are not used).
HOLDINGS_REQUIRED_CSV: Final = tuple(
    c for c, i in HOLDINGS_CSV_MAP.items() if i not in {"change_prior_week", "change_prior_year"}
)
#: The API JSON leaves out keys a security type does not use (MBS rows have no
#: ``parValue``), so only these must be present there.
HOLDINGS_REQUIRED_JSON: Final = ("as_of", "cusip", "security_type")

#: NY Fed "Security Type" -> holding kind.
SECURITY_TYPE_MAP: Final[Mapping[str, str]] = {
    "Bills": "bill",
    "NotesBonds": "note_bond",
    "TIPS": "tips",
    "FRNs": "frn",
    "Agency Debts": "agency",
    "MBS": "mbs",
    "CMBS": "cmbs",
}
#: Kinds whose amount is "Current Face Value" (remaining principal); the others use "Par Value".
_FACE_VALUE_KINDS: Final = frozenset({"mbs", "cmbs"})

#: First words of an MBS/CMBS description (before ``MORTPASS`` or the coupon) ->
#: program. Covers every prefix in the four MBS files and the CMBS rows of
#: 2022-02-16. ``FEDERAL HOME`` is Freddie Mac; ``FHLMCGLD``/``FGLMC`` are Freddie
#: Mac Gold PCs; ``GOVERNMENT`` (CMBS, CUSIPs 383...) is Government National
#: Mortgage Association (Ginnie Mae) multifamily; a bare ``FEDERAL`` could be
#: Fannie Mae or Freddie Mac and maps to ``other``, as does any unknown prefix.
MBS_PROGRAM_MAP: Final[Mapping[str, str]] = {
    "UMBS": "umbs",
    "FNMA": "fnma",
    "FANNIE": "fnma",
    "FANNIE MAE": "fnma",
    "FHLMC": "fhlmc",
    "FHLMCGLD": "fhlmc",
    "FGLMC": "fhlmc",
    "FREDDIE MAC": "fhlmc",
    "FEDERAL HOME": "fhlmc",
    "GNMA I": "gnma1",
    "GNMA II": "gnma2",
    "GNMA": "gnma",
    "GOVERNMENT": "gnma",
    "FEDERAL": "other",
}
_COUPON_RE: Final = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_MATURITY_RE: Final = re.compile(r"(?<!\d)(0[1-9]|1[0-2])/(\d{2})\s*$")
_CUSIP_RE: Final = re.compile(r"^[0-9A-Z]{9}$")
_UNITS: Final[Mapping[str, str]] = {
    "par": schema.USD_BN,
    "inflation_comp": schema.USD_BN,
    "coupon": schema.PERCENT,
    "spread": schema.PERCENT,
    "pct_outstanding": schema.PERCENT,
}


def holdings_frame(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    data: bytes,
    name: str,
    vintage: date | None,
    fmt: str,
) -> SourceData:
    """Turn a frame of internal-named text columns into the glossary holdings frame.

    ``labels`` maps internal names to the provider's (CSV header or JSON key)
    for error messages. The rules are documented in
    :func:`qtlab.sources.nyfed.parse_soma_holdings_csv`.
    """
    if df.empty:
        raise ParseError(
            "no holdings in the file (an as-of date without data?)",
            file=name,
            field=labels["cusip"],
        )
    df = df.reset_index(drop=True)
    text = {c: df[c].astype("string").fillna("").str.strip() for c in df.columns}

    sec_type = text["security_type"]
    kind = sec_type.map(SECURITY_TYPE_MAP)
    if kind.isna().any():
        bad = sec_type[kind.isna()].iloc[0]
        raise ParseError(
            f"unknown security type; valid types are {one_of(SECURITY_TYPE_MAP)}",
            file=name,
            field=labels["security_type"],
            value=bad,
        )
    kind = kind.astype(str)

    as_of = date_column(text["as_of"], file=name, field=labels["as_of"])
    days = as_of.drop_duplicates()
    if len(days) > 1:
        raise ParseError(
            "a holdings file has one as-of date; found " + one_of(str(d.date()) for d in days),
            file=name,
            field=labels["as_of"],
            value=str(days.iloc[1].date()),
        )

    cusip = text["cusip"].str.strip("'").str.upper()
    bad_cusip = ~cusip.str.fullmatch(_CUSIP_RE.pattern).fillna(False).astype(bool)
    if bad_cusip.any():
        raise ParseError(
            "not a CUSIP (expected 9 letters or digits, optionally between apostrophes)",
            file=name,
            field=labels["cusip"],
            value=text["cusip"][bad_cusip].iloc[0],
        )
    dup = cusip.duplicated()
    if dup.any():
        raise ParseError(
            "duplicate CUSIP; each security appears once per as-of date",
            file=name,
            field=labels["cusip"],
            value=cusip[dup].iloc[0],
        )

    def num(col: str) -> pd.Series:
        return numeric_column(
            text[col], file=name, field=labels[col], allow_missing=True, missing_markers=("",)
        )

    is_face = kind.isin(_FACE_VALUE_KINDS)
    face, par_value = num("current_face_value"), num("par_value")
    par = face.where(is_face, par_value)
    _require(par, is_face, labels, "current_face_value", sec_type, cusip, name)
    _require(par, ~is_face, labels, "par_value", sec_type, cusip, name)

    is_tips = kind == "tips"
    ic = num("inflation_comp")
    _require(ic, is_tips, labels, "inflation_comp", sec_type, cusip, name)
    ic = ic.where(is_tips, 0.0)

    coupon = num("coupon")
    maturity = date_column(
        text["maturity"], file=name, field=labels["maturity"], allow_missing=True
    )
    program = pd.Series(pd.NA, index=df.index, dtype="string")
    notes = [
        "dollars divided by 1e9 to USD bn",
        "Percent Outstanding (a fraction) x 100 to percent",
    ]
    if is_face.any():
        desc = text["description"][is_face]
        parsed = {d: describe_mbs(d) for d in desc.unique()}
        prog = desc.map(lambda d: parsed[d][0])
        program[is_face] = prog
        unknown = sorted({_mbs_prefix(d) for d in desc.unique() if parsed[d][3]})
        if unknown:
            notes.append(f"unknown MBS program prefix(es) {one_of(unknown)} mapped to 'other'")
        coupon = coupon.fillna(desc.map(lambda d: parsed[d][1]).astype("float64"))
        inferred = pd.to_datetime(desc.map(lambda d: parsed[d][2]), format="%Y-%m-%d")
        maturity = maturity.fillna(inferred.astype("datetime64[ns]"))
        notes.append("MBS/CMBS coupon and maturity month taken from the description")

    agg = text["is_aggregated"].str.upper()
    bad_agg = ~agg.isin(["", "Y", "N"])
    if bad_agg.any():
        raise ParseError(
            "expected 'Y', 'N' or empty",
            file=name,
            field=labels["is_aggregated"],
            value=text["is_aggregated"][bad_agg].iloc[0],
        )

    def blank_to_na(col: str) -> pd.Series:
        return text[col].mask(text[col] == "")

    frame = pd.DataFrame(
        {
            "as_of": as_of,
            "cusip": cusip,
            "kind": kind,
            "description": blank_to_na("description"),
            "term": blank_to_na("term"),
            "maturity": maturity,
            "issuer": blank_to_na("issuer"),
            "program": program,
            "coupon": coupon,
            "spread": num("spread"),
            "par": par / DOLLARS_PER_BN,
            "inflation_comp": ic / DOLLARS_PER_BN,
            "pct_outstanding": num("pct_outstanding") * 100.0,
            "is_aggregated": agg == "Y",
        }
    )
    frame = schema.validate_holdings(frame, file=name)
    day = as_of.iloc[0].date()
    meta = SourceMeta(
        source="nyfed",
        dataset="soma_holdings",
        official_id=httpx.URL(name).path if "://" in name else Path(name).name,
        units=dict(_UNITS),
        vintage=vintage or day,
        file=name,
        as_of=day,
        sha256=sha256_bytes(data),
        notes=tuple(notes),
    )
    return SourceData(frame, meta, kind="holdings", extra={"format": fmt})


def _require(
    values: pd.Series,
    where: pd.Series,
    labels: Mapping[str, str],
    col: str,
    sec_type: pd.Series,
    cusip: pd.Series,
    name: str,
) -> None:
    """Raise if ``values`` is missing on a row selected by ``where``."""
    gap = where & values.isna()
    if gap.any():
        i = gap[gap].index[0]
        raise ParseError(
            f"{sec_type[i]} rows carry their amount in this field but it is empty "
            f"(CUSIP {cusip[i]}); expected a dollar amount",
            file=name,
            field=labels[col],
            value="",
        )


def _mbs_prefix(desc: str) -> str:
    """The words before ``MORTPASS`` or the coupon: ``"GNMA I MORTPASS 3% 06/43"`` -> ``GNMA I``."""
    words = []
    for w in desc.upper().split():
        if w == "MORTPASS" or "%" in w or any(ch.isdigit() for ch in w):
            break
        words.append(w)
    return " ".join(words)


def describe_mbs(desc: str) -> tuple[str, float, str | None, bool]:
    """Read an MBS/CMBS description such as ``"FNMA MORTPASS 3% 07/43"``.

    Returns (program, coupon [%] or NaN, ISO first day of the maturity month
    or None, whether the prefix was unknown). Two-digit years are 20YY: the
    Fed has held MBS since 2009, so no pool in SOMA matures in the 1900s.
    """
    prefix = _mbs_prefix(desc)
    program = MBS_PROGRAM_MAP.get(prefix)
    m = _COUPON_RE.search(desc)
    coupon = float(m.group(1)) if m else float("nan")
    mm = _MATURITY_RE.search(desc)
    maturity = f"20{mm.group(2)}-{mm.group(1)}-01" if mm else None
    return program or "other", coupon, maturity, program is None


def raw_bytes(raw: RawInput, file: str) -> tuple[bytes, str]:
    """The bytes of ``raw`` (bytes, text or an open binary file) and a name for messages."""
    if isinstance(raw, bytes):
        return raw, file
    if isinstance(raw, str):
        return raw.encode("utf-8"), file
    content: Any = raw.read()
    name = file if file != "<buffer>" else source_name(raw)
    return (content.encode("utf-8") if isinstance(content, str) else bytes(content)), name


def looks_like_json(data: bytes) -> bool:
    """True if the first non-blank character is ``{`` or ``[``."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[")


def json_records(data: bytes, name: str, path: tuple[str, ...]) -> list[Any]:
    """The list at ``path`` in a JSON document, with clear errors when it is not there."""
    try:
        node: Any = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"not valid JSON ({exc})", file=name) from exc
    for depth, key in enumerate(path):
        if not isinstance(node, dict) or key not in node:
            found = one_of(node) if isinstance(node, dict) else type(node).__name__
            raise ParseError(
                f"expected the NY Fed API shape {{'soma': {{'{path[-1]}': [...]}}}}; found {found}",
                file=name,
                field=".".join(path[: depth + 1]),
            )
        node = node[key]
    if not isinstance(node, list):
        raise ParseError(
            f"expected a list, found {type(node).__name__}", file=name, field=".".join(path)
        )
    return node


def _cell(v: object) -> str:
    return "" if v is None else str(v)


def records_frame(records: list[Any], name: str, field: str) -> pd.DataFrame:
    """A text frame from JSON records; keys absent from a record and nulls become ``""``."""
    for i, r in enumerate(records):
        if not isinstance(r, dict):
            raise ParseError(
                "expected an object (key: value) per record",
                file=name,
                field=f"{field}[{i}]",
                value=r,
            )
    keys = list(dict.fromkeys(k for r in records for k in r))
    return pd.DataFrame({str(k): [_cell(r.get(k)) for r in records] for k in keys}, dtype="string")


def csv_rows(data: bytes, name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV, checking that every row has as many fields as the header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text ({exc})", file=name) from exc
    if not text.strip():
        raise ParseError("the file is empty", file=name)
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
        rows: list[list[str]] = []
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                n = reader.line_num
                short = len(row) < len(header)
                raise ParseError(
                    f"line {n} has {len(row)} fields, the header {len(header)}; the file "
                    "looks truncated or damaged: download it again",
                    file=name,
                    field=header[len(row)] if short else "(extra field)",
                    value=lines[n - 1] if n - 1 < len(lines) else ",".join(row),
                )
            rows.append(row)
    except csv.Error as exc:
        raise ParseError(f"not a readable CSV ({exc})", file=name) from exc
    return header, rows
