"""Test scaffolding shared by the loader and update tests: the official endpoints, offline.

:class:`OfficialEndpoints` is an ``httpx.MockTransport`` handler that serves the
raw files in data/raw in the shape of each live endpoint qtlab calls:

- FRED's public CSV download ``fred.stlouisfed.org/graph/fredgraph.csv?id=ID``
  (header ``observation_date,ID``), from ``fred/ID.csv`` and, for FEDTARMD, ``sep/``;
- the NY Fed SOMA API: ``summary.json`` as saved, ``asofdates/list.json`` and
  holdings by CUSIP ``{tsy|agency}/get/asof/DAY.{csv|json}``, cut from the
  CUSIP files by security type (Treasury: bills, notes and bonds, TIPS, FRNs;
  agency: agency debt, MBS, CMBS);
- Fiscal Data's MSPD Table 1 (``v1/debt/mspd/mspd_table_1``), JSON pages with
  ``meta.total-pages`` or ``format=csv`` pages, honouring ``filter=record_date:...``;
- CBO's GitHub raw files (``US-CBO/eval-projections/REF/input_data/NAME``);
- Freddie Mac's ``historicalweeklydata.xlsx``;
- the ECB's APP and PEPP history CSVs (``www.ecb.europa.eu/mopo/pdf/NAME.csv``).
- the Philadelphia Fed's ``routputmvqd.xlsx`` (real GDP by vintage);
- the Fed's SEP projection materials pages ``fomcprojtablYYYYMMDD.htm``, their dot-plot
  table (Figure 2) written from ``sep/sep_dots_*.csv`` (:func:`sep_projtable_html`).

Anything else gets a 404, as an unknown FRED id does.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx
import pandas as pd

Handler = Callable[[httpx.Request], httpx.Response]

SUMMARY = "soma/soma_summary_2003-07-09_2026-03-11.json"
MSPD_TABLE1 = "mspd/mspd_table1_summary_by_class_2001-01_2026-05.csv"
PMMS_XLSX = "pmms/freddie_pmms_historicalweeklydata_2026-04-02.xlsx"
SEP_FEDTARMD = "sep/fred_FEDTARMD_fetched_2026-03-24.csv"
ECB_FILES = {
    "APP_breakdown_history.csv": "intl/ECB_APP_breakdown_history_2014-10_2026-08_TRANSCRIBED.csv",
    "PEPP_purchase_history.csv": "intl/ECB_PEPP_purchase_history_2020-03_2026-08_TRANSCRIBED.csv",
}
SEP_DOTS = "sep/sep_dots_2020-06_2025-12.csv"
RTDSM_ROUTPUT = "philly/philly_rtdsm_routputMvQd_vintages_1965M11_2025M2.xlsx"
CBO_FILES = {
    "baselines.csv": "cbo/cbo_baselines_1984-2026.csv",
    "actuals.csv": "cbo/cbo_actuals_by_fiscal_year.csv",
    "actual_GDP.csv": "cbo/cbo_actual_gdp_by_fiscal_year.csv",
}

#: MSPD CSV download labels -> Fiscal Data API field names (as in the API's meta.labels).
MSPD_API_FIELDS = {
    "Record Date": "record_date",
    "Security Type Description": "security_type_desc",
    "Security Class Description": "security_class_desc",
    "Debt Held by the Public (in Millions)": "debt_held_public_mil_amt",
    "Intragovernmental Holdings (in Millions)": "intragov_hold_mil_amt",
    "Total Public Debt Outstanding (in Millions)": "total_mil_amt",
}

#: SOMA holdings CSV header -> API JSON key, written out independently of qtlab's map.
SOMA_CSV_TO_JSON = {
    "As Of Date": "asOfDate",
    "CUSIP": "cusip",
    "Security Type": "securityType",
    "Security Description": "securityDescription",
    "Term": "term",
    "Maturity Date": "maturityDate",
    "Issuer": "issuer",
    "Spread (%)": "spread",
    "Coupon (%)": "coupon",
    "Current Face Value": "currentFaceValue",
    "Par Value": "parValue",
    "Inflation Compensation": "inflationCompensation",
    "Percent Outstanding": "percentOutstanding",
    "Change From Prior Week": "changeFromPriorWeek",
    "Change From Prior Year": "changeFromPriorYear",
    "is Aggregated": "isAggregated",
}
#: API group path -> the "Security Type" values it serves.
SOMA_GROUP_TYPES = {
    "tsy": frozenset({"Bills", "NotesBonds", "TIPS", "FRNs"}),
    "agency": frozenset({"Agency Debts", "MBS", "CMBS"}),
}


# --------------------------------------------------------------------------- small helpers


def no_sleep(_: float) -> None:
    """A ``sleep=`` for retries that does not wait."""
    return None


def mock_client(handler: Handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with the first ``old`` replaced; fails if ``old`` is not there."""
    assert old in text, f"{old!r} not in the text"
    return text.replace(old, new, 1)


def value_at(df: pd.DataFrame, sid: str, day: str, vintage: str | None = None) -> float:
    """The one value of series ``sid`` on ``day`` (and ``vintage``) in a long frame."""
    sel = (df["series_id"] == sid) & (df["date"] == pd.Timestamp(day))
    if vintage is not None:
        sel &= df["vintage"] == pd.Timestamp(vintage)
    assert sel.sum() == 1, (sid, day, vintage)
    return float(df.loc[sel, "value"].iloc[0])


def flaky(handler: Handler, failures: int = 1, status: int = 503) -> Handler:
    """``handler`` that first answers ``failures`` requests with HTTP ``status``."""
    seen = {"n": 0}

    def wrapped(request: httpx.Request) -> httpx.Response:
        seen["n"] += 1
        if seen["n"] <= failures:
            return httpx.Response(status)
        return handler(request)

    return wrapped


def timing_out(request: httpx.Request) -> httpx.Response:
    """A handler whose every request times out."""
    raise httpx.ReadTimeout("the server did not answer", request=request)


# --------------------------------------------------------------------------- endpoint shapes


def mspd_api_rows(text: str) -> list[dict[str, str]]:
    """The rows of an MSPD Table 1 CSV download as Fiscal Data API records."""
    return [
        {MSPD_API_FIELDS[k]: v for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))
    ]


def soma_api_json(csv_text: str) -> bytes:
    """The API JSON shape of a SOMA holdings CSV: API keys, CUSIPs without apostrophes,
    and (as the API does) keys left out where a row has no value."""
    records = []
    for row in csv.DictReader(io.StringIO(csv_text)):
        rec = {SOMA_CSV_TO_JSON[k]: v for k, v in row.items() if v != ""}
        rec["cusip"] = rec["cusip"].strip("'")
        records.append(rec)
    return json.dumps({"soma": {"holdings": records}}).encode()


def _paged(rows: list[dict[str, str]], size: int, number: int) -> list[dict[str, str]]:
    return rows[(number - 1) * size : number * size]


class OfficialEndpoints:
    """Serves data/raw as the official endpoints would (see the module docstring).

    Parameters
    ----------
    shared
        The data/raw directory.
    holdings_published_through
        The last SOMA holdings as-of day the as-of-dates list names: the API as
        it stood the day after (default 2022-02-16, the one Treasury CUSIP file).
    fred_edit
        Optional ``{series_id: fn(csv_text) -> csv_text}`` to serve a revised series.

    ``requests`` records every request in order.
    """

    def __init__(
        self,
        shared: Path,
        *,
        holdings_published_through: str = "2022-02-16",
        fred_edit: dict[str, Callable[[str], str]] | None = None,
    ) -> None:
        self.shared = shared
        self.holdings_published_through = holdings_published_through
        self.fred_edit = dict(fred_edit or {})
        self.requests: list[httpx.Request] = []

    def client(self) -> httpx.Client:
        return mock_client(self)

    def paths(self, host: str | None = None) -> list[str]:
        """The paths requested so far (of ``host`` only, if given)."""
        return [r.url.path for r in self.requests if host is None or r.url.host == host]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = request.url
        if url.host == "fred.stlouisfed.org" and url.path == "/graph/fredgraph.csv":
            return self.fred(url.params.get("id", ""))
        if url.host == "markets.newyorkfed.org" and url.path.startswith("/api/soma/"):
            return self.nyfed(url.path.removeprefix("/api/soma/"))
        if url.host == "api.fiscaldata.treasury.gov" and url.path.endswith(
            "/v1/debt/mspd/mspd_table_1"
        ):
            return self.mspd_table1(url.params)
        if url.host == "raw.githubusercontent.com" and url.path.startswith(
            "/US-CBO/eval-projections/"
        ):
            name = url.path.rsplit("/", 1)[-1]
            if name in CBO_FILES and "/input_data/" in url.path:
                return httpx.Response(200, content=(self.shared / CBO_FILES[name]).read_bytes())
        if url.host == "www.freddiemac.com" and url.path == "/pmms/docs/historicalweeklydata.xlsx":
            return httpx.Response(200, content=(self.shared / PMMS_XLSX).read_bytes())
        if url.host == "www.ecb.europa.eu" and url.path.startswith("/mopo/pdf/"):
            name = url.path.removeprefix("/mopo/pdf/")
            if name in ECB_FILES:
                body = (self.shared / ECB_FILES[name]).read_bytes()
                return httpx.Response(200, content=body, headers={"content-type": "text/csv"})
        if url.host == "www.philadelphiafed.org" and url.path.endswith(
            "/real-time-data/data-files/xlsx/routputmvqd.xlsx"
        ):
            return httpx.Response(200, content=(self.shared / RTDSM_ROUTPUT).read_bytes())
        if url.host == "www.federalreserve.gov" and url.path.startswith(
            "/monetarypolicy/fomcprojtabl"
        ):
            day = url.path.removeprefix("/monetarypolicy/fomcprojtabl").removesuffix(".htm")
            page = sep_projtable_html((self.shared / SEP_DOTS).read_text(encoding="utf-8"), day)
            if page is not None:
                return httpx.Response(200, text=page, headers={"content-type": "text/html"})
        return httpx.Response(404, text=f"not found: {url}")

    # --- FRED -------------------------------------------------------------------------
    def fred_text(self, series_id: str) -> str | None:
        """The fredgraph CSV of ``series_id`` (``observation_date,ID`` header), if held."""
        path = self.shared / "fred" / f"{series_id}.csv"
        if series_id == "FEDTARMD":
            path = self.shared / SEP_FEDTARMD
        if not path.is_file():
            return None
        _, body = path.read_text(encoding="utf-8").split("\n", 1)
        text = f"observation_date,{series_id}\n{body}"
        edit = self.fred_edit.get(series_id)
        return edit(text) if edit else text

    def fred(self, series_id: str) -> httpx.Response:
        text = self.fred_text(series_id)
        if text is None:
            return httpx.Response(404, text=f"series {series_id!r} not found")
        return httpx.Response(200, text=text, headers={"content-type": "text/csv"})

    # --- NY Fed -------------------------------------------------------------------------
    def _summary_dates(self) -> list[str]:
        raw = json.loads((self.shared / SUMMARY).read_bytes())
        return [str(r["asOfDate"]) for r in raw["soma"]["summary"]]

    def soma_holdings_csv(self, group: str, day: str) -> str:
        """Header and CUSIP rows of ``group`` on ``day`` from every SOMA CSV file."""
        header, rows = "", []
        for f in sorted((self.shared / "soma").glob("soma_*.csv")):
            lines = f.read_text(encoding="utf-8").splitlines()
            header = lines[0]
            for line in lines[1:]:
                first = next(csv.reader([line]))
                if first[0] == day and first[2] in SOMA_GROUP_TYPES[group]:
                    rows.append(line)
        return "\n".join([header, *rows]) + "\n"

    def nyfed(self, path: str) -> httpx.Response:
        if path == "summary.json":
            return httpx.Response(200, content=(self.shared / SUMMARY).read_bytes())
        if path == "asofdates/list.json":
            days = [d for d in self._summary_dates() if d <= self.holdings_published_through]
            return httpx.Response(200, json={"soma": {"asOfDates": sorted(days, reverse=True)}})
        parts = path.split("/")  # {group}/get/asof/{day}.{fmt}
        if len(parts) == 4 and parts[0] in SOMA_GROUP_TYPES and parts[1:3] == ["get", "asof"]:
            day, _, fmt = parts[3].partition(".")
            text = self.soma_holdings_csv(parts[0], day)
            if fmt == "csv":
                return httpx.Response(200, text=text)
            if fmt == "json":
                return httpx.Response(200, content=soma_api_json(text))
        return httpx.Response(404, text=f"not found: /api/soma/{path}")

    # --- Fiscal Data ------------------------------------------------------------------------
    def mspd_table1(self, params: httpx.QueryParams) -> httpx.Response:
        text = (self.shared / MSPD_TABLE1).read_bytes().decode("utf-8-sig")
        return mspd_table1_response(text, params)


def mspd_table1_response(text: str, params: httpx.QueryParams) -> httpx.Response:
    """One page of MSPD Table 1 from the CSV download ``text``, as Fiscal Data serves it."""
    rows = mspd_api_rows(text)
    for cond in _split(params.get("filter", "")):
        field, op, value = cond.split(":")
        assert field == "record_date", field
        rows = [r for r in rows if (r[field] >= value if op == "gte" else r[field] <= value)]
    size, number = int(params["page[size]"]), int(params["page[number]"])
    page = _paged(rows, size, number)
    if params.get("format") == "csv":
        labels = {v: k for k, v in MSPD_API_FIELDS.items()}
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(MSPD_API_FIELDS), lineterminator="\n")
        w.writeheader()
        w.writerows({labels[k]: v for k, v in r.items()} for r in page)
        return httpx.Response(200, text=buf.getvalue())
    body = {
        "data": page,
        "meta": {
            "count": len(page),
            "total-count": len(rows),
            "total-pages": max(1, math.ceil(len(rows) / size)),
        },
        "links": {},
    }
    return httpx.Response(200, json=body)


def sep_projtable_html(dots_csv: str, day: str) -> str | None:
    """The dot-plot table (Figure 2) of the SEP of ``day`` (``YYYYMMDD``) as the Fed's
    projection materials page gives it: one row per rate, one column per horizon, the
    number of participants in each cell (blank for none), inside an HTML page with
    another table before it; None if the dots file has no such meeting."""
    meeting = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    rows = [r for r in csv.DictReader(io.StringIO(dots_csv)) if r["meeting_date"] == meeting]
    if not rows:
        return None
    horizons = list(dict.fromkeys(r["horizon"] for r in rows))
    rates = sorted({float(r["dot_value"]) for r in rows}, reverse=True)
    count = {(h, v): 0 for h in horizons for v in rates}
    for r in rows:
        count[(r["horizon"], float(r["dot_value"]))] += 1
    head = "".join(f'<th scope="col">{h}</th>' for h in horizons)
    body = "".join(
        f'<tr><th scope="row">{v:.3f}</th>'
        + "".join(f"<td>{count[(h, v)] or ''}</td>" for h in horizons)
        + "</tr>\n"
        for v in rates
    )
    return (
        "<html><body><h4>Table 1. Economic projections</h4>"
        "<table><tr><th>Variable</th><th>Median</th></tr><tr><td>Federal funds rate</td>"
        "<td>3.4</td></tr></table>\n"
        "<table><caption>Figure 2. FOMC participants' assessments of appropriate monetary "
        "policy: Midpoint of target range or target level for the federal funds rate"
        "</caption>\n"
        f"<thead><tr><th>Midpoint of target range or target level (Percent)</th>{head}</tr>"
        f"</thead>\n<tbody>\n{body}</tbody></table></body></html>\n"
    )


def _split(text: str) -> Iterable[str]:
    return [c for c in text.split(",") if c]
