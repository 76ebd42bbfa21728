"""The glossary: canonical column names, series ids, units and holding kinds.

Everything inside qtlab speaks this vocabulary. Provider column names and units
are mapped to it once, in :mod:`qtlab.sources`; models never see anything else.

Units
-----
- money: USD billions (``"USD bn"``); other central banks' data keep their own
  currency, named in the unit (the ECB's in EUR billions, ``"EUR bn"``), and are
  never added to or mixed with US dollars
- rates, yields and shares: percent (``"percent"``)
- indexes: as published, named in the series' ``units``
- months: calendar months (``pandas.Period[M]``)

Tidy shapes
-----------
Series (long): one row per observation, columns :data:`SERIES_COLUMNS`
(``series_id``, ``date``, ``value``, ``vintage``). ``vintage`` is the day the
value was published or, failing that, fetched.

Holdings: one row per security and as-of date, columns :data:`HOLDINGS_COLUMNS`.

Endpoint rules
--------------
The names of the rules that end runoff (C3), with their usual values
(:data:`ENDPOINT_RULE_DEFAULTS`), shared by :mod:`qtlab.policy` (a policy's
endpoint) and :mod:`qtlab.balance` (what each rule measures), which may not import
each other.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final, Literal, get_args

from qtlab._publication import PUBLICATION_LAGS, PublicationLag, publication_lag
from qtlab.errors import UnknownSeriesError

__all__ = [
    "AGENCY_KINDS",
    "COUPON_KINDS",
    "DIMENSIONLESS",
    "ENDPOINT_RULE_DEFAULTS",
    "ENDPOINT_RULE_NAMES",
    "EUR_BN",
    "EUR_BN_PER_MONTH",
    "HOLDINGS_COLUMNS",
    "HOLDING_KINDS",
    "INDEX",
    "KIND_COLUMNS",
    "KIND_TOTAL_KEYS",
    "MONTHS",
    "NONNEGATIVE_IDS",
    "PERCENT",
    "PERCENTAGE_POINTS",
    "PERCENT_OF_PEAK",
    "PERCENT_OF_PEAK_PER_MONTH",
    "PER_MONTH",
    "PUBLICATION_LAGS",
    "ROW_UNITS",
    "SERIES",
    "SERIES_COLUMNS",
    "SERIES_FAMILIES",
    "STOCK_COLUMNS",
    "TREASURY_KINDS",
    "USD_BN",
    "USD_BN_PER_MONTH",
    "YEARS",
    "EndpointRuleName",
    "Frequency",
    "HoldingKind",
    "Kind",
    "PublicationLag",
    "SeriesKind",
    "SeriesSpec",
    "is_known_series",
    "publication_lag",
    "series_spec",
    "slug",
    "validate_holdings",
    "validate_series",
]

USD_BN: Final = "USD bn"
PERCENT: Final = "percent"
INDEX: Final = "index"
#: Euro billions: the ECB's purchase programmes (A8), kept in their own currency.
EUR_BN: Final = "EUR bn"
#: Units of analysis tables (``frame.attrs["units"]``): flows, counts of months, dates.
USD_BN_PER_MONTH: Final = "USD bn per month"
MONTHS: Final = "months"
PERCENTAGE_POINTS: Final = "percentage points"
EUR_BN_PER_MONTH: Final = "EUR bn per month"
#: A stock's fall as a share of its own peak (A8's common axis of runoffs).
PERCENT_OF_PEAK: Final = "percent of peak"
PERCENT_OF_PEAK_PER_MONTH: Final = "percent of peak per month"
YEARS: Final = "years"
#: A pure number: an R-squared, a t-statistic, a correlation, an autocorrelation (D2, D4).
DIMENSIONLESS: Final = "dimensionless"
#: Values whose unit differs by row and is stated in the table's own unit column
#: (``units`` or ``unit``): E1's forecasts of quantities in different units, F2's bands
#: of outputs in USD bn, USD bn per month and percent.
ROW_UNITS: Final = "units of the row"
#: A rate per month (F2's mean-reversion speed of a rate model).
PER_MONTH: Final = "per month"

SERIES_COLUMNS: Final = ("series_id", "date", "value", "vintage")

#: Endpoint rules (each a fraction in (0, 1)); the first to bind ends runoff:
#: ``reserves_peak_fraction=f``: reserves <= (1 - f) x their peak;
#: ``assets_to_gdp=s``: total assets <= s x nominal GDP (annual rate);
#: ``reserves_to_gdp=s``: reserves <= s x nominal GDP;
#: ``reserves_to_bank_assets=s``: reserves <= s x commercial-bank total assets.
EndpointRuleName = Literal[
    "reserves_peak_fraction", "assets_to_gdp", "reserves_to_gdp", "reserves_to_bank_assets"
]
ENDPOINT_RULE_NAMES: Final[tuple[str, ...]] = get_args(EndpointRuleName)
#: The usual value of each endpoint rule, used for ``NAME`` given without ``=VALUE``
#: (``reserves_peak_fraction=0.5``: the QT1 precedent, reserves fell from about 2.8 to
#: 1.4 trillion).
ENDPOINT_RULE_DEFAULTS: Final[Mapping[str, float]] = {
    "reserves_peak_fraction": 0.5,
    "assets_to_gdp": 0.20,
    "reserves_to_gdp": 0.08,
    "reserves_to_bank_assets": 0.12,
}

HoldingKind = Literal["bill", "note_bond", "tips", "frn", "agency", "mbs", "cmbs"]


class Kind(enum.StrEnum):
    """A kind of security the SOMA holds; the value is the holdings' ``kind`` spelling.

    :data:`KIND_COLUMNS` names each kind's column in projections and SOMA totals
    (``bill`` -> ``bills``); :data:`TREASURY_KINDS`, :data:`COUPON_KINDS` and
    :data:`AGENCY_KINDS` are its groups. Members are ``str``: they compare equal to
    (and can be stored as) the plain spelling.
    """

    BILL = "bill"
    NOTE_BOND = "note_bond"
    TIPS = "tips"
    FRN = "frn"
    AGENCY = "agency"
    MBS = "mbs"
    CMBS = "cmbs"

    @property
    def column(self) -> str:
        """The kind's column in projections and SOMA totals [USD bn] (``bills``...)."""
        return KIND_COLUMNS[self]


#: Each kind's column in projections, SOMA weekly totals and summaries [USD bn].
KIND_COLUMNS: Final[Mapping[Kind, str]] = {
    Kind.BILL: "bills",
    Kind.NOTE_BOND: "notes_bonds",
    Kind.TIPS: "tips",
    Kind.FRN: "frn",
    Kind.AGENCY: "agency",
    Kind.MBS: "mbs",
    Kind.CMBS: "cmbs",
}
#: Holding kinds (plain strings, :class:`Kind` order).
HOLDING_KINDS: Final[tuple[str, ...]] = tuple(k.value for k in Kind)
#: Treasury securities, in the engine's order (bills first, then the coupon kinds).
TREASURY_KINDS: Final[tuple[str, ...]] = HOLDING_KINDS[:4]
#: Treasury coupon securities (notes and bonds, TIPS, FRNs).
COUPON_KINDS: Final[tuple[str, ...]] = TREASURY_KINDS[1:]
#: Agency debt, agency MBS and agency CMBS.
AGENCY_KINDS: Final[tuple[str, ...]] = HOLDING_KINDS[4:]

#: The holdings columns of a projection's monthly frame [USD bn], stocks at the month's
#: end (par; TIPS inflation compensation apart): the kinds with their Treasury and
#: securities totals, in the engine's order (:data:`qtlab.engine.FRAME_COLUMNS` starts
#: with them).
STOCK_COLUMNS: Final[tuple[str, ...]] = (
    *(KIND_COLUMNS[Kind(k)] for k in TREASURY_KINDS),
    "coupons",
    "treasury",
    "tips_inflation_comp",
    *(KIND_COLUMNS[Kind(k)] for k in AGENCY_KINDS),
    "total_securities",
)

#: Keys used for per-kind totals in summaries (``qtlab data status --json``).
KIND_TOTAL_KEYS: Final[Mapping[str, str]] = {k.value: c for k, c in KIND_COLUMNS.items()}

#: Holdings columns. ``par`` [USD bn] is the amount the NY Fed's summary counts:
#: par value for Treasury and agency debt, current face value for MBS and CMBS.
#: ``inflation_comp`` [USD bn] is TIPS inflation compensation (not in ``par``).
#: ``coupon`` and ``spread`` [%]; ``pct_outstanding`` [%] of the issue held.
HOLDINGS_COLUMNS: Final = (
    "as_of",
    "cusip",
    "kind",
    "description",
    "term",
    "maturity",
    "issuer",
    "program",
    "coupon",
    "spread",
    "par",
    "inflation_comp",
    "pct_outstanding",
    "is_aggregated",
)

SeriesKind = Literal["observed", "projection"]
Frequency = Literal[
    "daily",
    "business_daily",
    "weekly_wed",
    "weekly_thu",
    "monthly",
    "quarterly",
    "fiscal_year",
    "annual",
    "irregular",
]


@dataclass(frozen=True)
class SeriesSpec:
    """What one series is, in glossary terms.

    Attributes
    ----------
    id
        The canonical series id (FRED ids as FRED spells them; others are
        namespaced lower case, e.g. ``soma.bills``).
    title
        A short description.
    units
        Glossary units after conversion (``USD bn``, ``percent``, an index).
    frequency
        Observation frequency and dating convention.
    source
        The provider module in :mod:`qtlab.sources` that loads it (``user``: a user
        file imported with ``qtlab data import``, see :mod:`qtlab.sources.user`).
    kind
        ``observed`` (history; an as-of view cuts it at the date) or
        ``projection`` (a forecast; an as-of view keeps the vintages published
        by then, whatever dates they project).
    whole_vintage
        True for a real-time data set whose vintages must not be mixed (each in
        its own base-year dollars, e.g. the Philadelphia Fed's real GDP): an as-of
        view reads the one latest vintage published on or before its date, all
        of it, instead of choosing a vintage per date. A vintage's date is its
        publication date, so no publication lag applies on top.
    nonnegative
        True for amounts and indexes that cannot be below zero (levels outstanding,
        holdings, balances, GDP); a negative value is then a data error. Rates, spreads,
        flows and deficits may be negative.
    """

    id: str
    title: str
    units: str
    frequency: Frequency
    source: str
    kind: SeriesKind = "observed"
    # flags are keyword-only: two positional booleans were swapped once in a merge
    whole_vintage: bool = field(default=False, kw_only=True)
    nonnegative: bool = field(default=False, kw_only=True)


def _s(
    id: str,
    title: str,
    units: str,
    frequency: Frequency,
    source: str,
    kind: SeriesKind = "observed",
) -> SeriesSpec:
    return SeriesSpec(id, title, units, frequency, source, kind, nonnegative=id in NONNEGATIVE_IDS)


#: Series that cannot be negative (:attr:`SeriesSpec.nonnegative`): balance-sheet levels,
#: amounts outstanding, GDP and price indexes, and the families of par amounts
#: (``soma.``, ``mspd.``). Rates, spreads, term premia, flows and deficits are not here.
NONNEGATIVE_IDS: Final[frozenset[str]] = frozenset(
    {
        "WALCL", "TREAST", "WSHOMCB", "WSHOSHO", "WRESBAL", "WTREGEN", "WCURCIR", "WLRRAL",
        "RRPONTSYD", "DTWEXBGS", "DXY", "GDP", "GDPC1", "GFDEBTN", "FYGFDPUN", "CSUSHPINSA",
        "WDTGAL", "CURRCIR", "MBCURRCIR",
        "agency_mbs.outstanding", "soma.", "mspd.",
    }
)  # fmt: skip


_SPECS: tuple[SeriesSpec, ...] = (
    # --- H.4.1 via FRED (millions at the source; USD bn here) ---
    _s("WALCL", "Fed total assets, Wednesday level (H.4.1)", USD_BN, "weekly_wed", "fred"),
    _s(
        "TREAST",
        "Treasury securities held outright incl. TIPS inflation compensation, "
        "Wednesday level (H.4.1)",
        USD_BN,
        "weekly_wed",
        "fred",
    ),
    _s(
        "WSHOMCB",
        "Mortgage-backed securities held outright incl. agency CMBS, Wednesday level (H.4.1)",
        USD_BN,
        "weekly_wed",
        "fred",
    ),
    _s(
        "WSHOSHO", "Securities held outright, Wednesday level (H.4.1)", USD_BN, "weekly_wed", "fred"
    ),
    _s(
        "WRESBAL",
        "Reserve balances with Federal Reserve Banks, week average (H.4.1)",
        USD_BN,
        "weekly_wed",
        "fred",
    ),
    _s("WTREGEN", "Treasury General Account, week average (H.4.1)", USD_BN, "weekly_wed", "fred"),
    _s("WCURCIR", "Currency in circulation, week average (H.4.1)", USD_BN, "weekly_wed", "fred"),
    _s(
        "WLRRAL",
        "Reverse repurchase agreements, week average (H.4.1)",
        USD_BN,
        "weekly_wed",
        "fred",
    ),
    _s(
        "RRPONTSYD",
        "Overnight reverse repurchase agreements (ON RRP) take-up",
        USD_BN,
        "daily",
        "fred",
    ),
    # --- rates ---
    _s(
        "DGS10",
        "10-year Treasury constant-maturity yield (H.15)",
        PERCENT,
        "business_daily",
        "fred",
    ),
    _s("DGS2", "2-year Treasury constant-maturity yield (H.15)", PERCENT, "business_daily", "fred"),
    _s(
        "DGS3MO",
        "3-month Treasury constant-maturity yield (H.15)",
        PERCENT,
        "business_daily",
        "fred",
    ),
    _s(
        "T10Y2Y",
        "10-year minus 2-year Treasury constant maturity",
        PERCENT,
        "business_daily",
        "fred",
    ),
    _s("DFF", "Federal funds effective rate (7-day)", PERCENT, "daily", "fred"),
    _s("EFFR", "Effective federal funds rate", PERCENT, "business_daily", "fred"),
    _s("DFEDTARU", "Federal funds target range, upper limit", PERCENT, "daily", "fred"),
    _s("DFEDTARL", "Federal funds target range, lower limit", PERCENT, "daily", "fred"),
    _s("IORB", "Interest rate on reserve balances", PERCENT, "daily", "fred"),
    _s("SOFR", "Secured overnight financing rate", PERCENT, "business_daily", "fred"),
    _s(
        "THREEFYTP10",
        "Kim-Wright term premium, 10-year zero-coupon bond",
        PERCENT,
        "business_daily",
        "fred",
    ),
    _s(
        "MORTGAGE30US",
        "Freddie Mac PMMS 30-year fixed mortgage rate (via FRED)",
        PERCENT,
        "weekly_thu",
        "fred",
    ),
    # --- dollar ---
    _s(
        "DTWEXBGS",
        "Nominal broad U.S. dollar index (H.10), Jan 2006=100",
        "index (Jan 2006=100)",
        "business_daily",
        "fred",
    ),
    _s(
        "DXY",
        "ICE U.S. Dollar Index (not public domain; context only), Mar 1973=100",
        "index (Mar 1973=100)",
        "business_daily",
        "fred",
    ),
    # --- macro and fiscal ---
    _s("GDP", "Nominal GDP, SAAR", USD_BN, "quarterly", "fred"),
    _s(
        "GDPC1",
        "Real GDP, SAAR, chained 2017 dollars",
        "USD bn (chained 2017)",
        "quarterly",
        "fred",
    ),
    _s("GFDEBTN", "Federal debt: total public debt, end of quarter", USD_BN, "quarterly", "fred"),
    _s("FYGFDPUN", "Federal debt held by the public, end of quarter", USD_BN, "quarterly", "fred"),
    _s(
        "A091RC1Q027SBEA",
        "Federal government interest payments (NIPA), SAAR",
        USD_BN,
        "quarterly",
        "fred",
    ),
    _s("FYOINT", "Federal outlays: interest, fiscal year", USD_BN, "fiscal_year", "fred"),
    _s(
        "CSUSHPINSA",
        "S&P CoreLogic Case-Shiller U.S. National Home Price Index, NSA",
        "index (Jan 2000=100)",
        "monthly",
        "fred",
    ),
    # --- imported from a user file (no official machine-readable copy to fetch) ---
    _s(
        "agency_mbs.outstanding",
        "Agency MBS outstanding, total, month end (SIFMA US Agency MBS outstanding; related "
        "tables in the Fed's Financial Accounts Z.1); imported with `qtlab data import`",
        USD_BN,
        "monthly",
        "user",
    ),
    # --- FOMC Summary of Economic Projections ---
    _s(
        "FEDTARMD",
        "FOMC SEP median federal funds rate at year end (date = Jan 1 of the year)",
        PERCENT,
        "annual",
        "fomc",
        "projection",
    ),
    *(
        _s(
            f"FEDTAR{code}{lr}",
            f"FOMC SEP {name} of the federal funds rate, "
            + ("longer run (date = SEP date)" if lr else "at year end (date = Jan 1 of the year)"),
            PERCENT,
            "irregular" if lr else "annual",
            "fomc",
            "projection",
        )
        for code, name in (
            ("CTL", "central tendency, low"),
            ("CTH", "central tendency, high"),
            ("RL", "range, low"),
            ("RH", "range, high"),
        )
        for lr in ("", "LR")
    ),
    _s(
        "FEDTARMDLR",
        "FOMC SEP median federal funds rate, longer run (date = SEP date)",
        PERCENT,
        "irregular",
        "fomc",
        "projection",
    ),
    # --- real-time data sets, read one whole vintage at a time ---
    SeriesSpec(
        "rtdsm.routput",
        "Real GDP (real GNP before 1992), SAAR, as published in each monthly vintage "
        "(Philadelphia Fed Real-Time Data Set, ROUTPUT; vintage = 15th of its month)",
        "USD bn (chained or constant dollars of the vintage's base year)",
        "quarterly",
        "philly",
        whole_vintage=True,
    ),
    # --- liabilities: currency and the TGA (FRED; millions at the source except CURRCIR) ---
    _s("WDTGAL", "Treasury General Account, Wednesday level (H.4.1)", USD_BN, "weekly_wed", "fred"),
    _s("CURRCIR", "Currency in circulation, monthly average (H.6)", USD_BN, "monthly", "fred"),
    _s(
        "MBCURRCIR",
        "Monetary base: currency in circulation, monthly average (H.6)",
        USD_BN,
        "monthly",
        "fred",
    ),
)

#: Every series id the glossary names explicitly.
SERIES: Final[Mapping[str, SeriesSpec]] = {s.id: s for s in _SPECS}

#: Families of namespaced series whose members are generated by a loader
#: (e.g. ``cbo.baseline.outlay.net_interest``). Prefix -> template spec.
SERIES_FAMILIES: Final[Mapping[str, SeriesSpec]] = {
    "soma.": _s(
        "soma.", "NY Fed SOMA weekly summary, par by type, Wednesday", USD_BN, "weekly_wed", "nyfed"
    ),
    "mspd.": _s(
        "mspd.",
        "Treasury MSPD Table 1, amount outstanding by class, month end",
        USD_BN,
        "monthly",
        "treasury",
    ),
    "pmms.": _s(
        "pmms.",
        "Freddie Mac PMMS weekly survey (rates and points)",
        PERCENT,
        "weekly_thu",
        "freddie",
    ),
    "cbo.baseline.": _s(
        "cbo.baseline.",
        "CBO baseline projection, by fiscal year (date = fiscal-year end; vintage = baseline date)",
        USD_BN,
        "fiscal_year",
        "cbo",
        "projection",
    ),
    "cbo.actual.": _s(
        "cbo.actual.",
        "CBO actual outcome, by fiscal year (date = fiscal-year end)",
        USD_BN,
        "fiscal_year",
        "cbo",
    ),
    "ecb.": _s(
        "ecb.",
        "ECB purchase programmes (APP by programme, PEPP), month end (date = last day of the "
        "month); EUR bn, not converted to dollars",
        EUR_BN,
        "monthly",
        "ecb",
    ),
    "h41.": _s(
        "h41.",
        "Federal Reserve H.4.1 line from the Board's Data Download Program (Table 1 factors or "
        "Table 5 statement of condition): h41.<line> Wednesday level, h41.<line>.week_avg week "
        "average ending Wednesday, h41.board.<ID> lines kept under the Board's id "
        "(qtlab.sources.frb.H41_LINES)",
        USD_BN,
        "weekly_wed",
        "frb",
    ),
}


def slug(text: str) -> str:
    """Lower-case ``text`` and join its words with underscores (for series ids)."""
    out = []
    prev_us = False
    for ch in text.strip().lower():
        if ch.isalnum():
            out.append(ch)
            prev_us = False
        elif not prev_us:
            out.append("_")
            prev_us = True
    return "".join(out).strip("_")


def is_known_series(series_id: str) -> bool:
    """True if ``series_id`` is in the glossary or belongs to a known family."""
    return series_id in SERIES or any(series_id.startswith(p) for p in SERIES_FAMILIES)


def series_spec(series_id: str) -> SeriesSpec:
    """The :class:`SeriesSpec` of ``series_id``.

    Raises
    ------
    UnknownSeriesError
        If the id is neither in :data:`SERIES` nor in a :data:`SERIES_FAMILIES`
        prefix; the message lists the valid ids.
    """
    if series_id in SERIES:
        return SERIES[series_id]
    for prefix, fam in SERIES_FAMILIES.items():
        if series_id.startswith(prefix) and len(series_id) > len(prefix):
            return replace(fam, id=series_id)
    raise UnknownSeriesError(
        series_id,
        [*SERIES, *(p + "*" for p in SERIES_FAMILIES)],
        hint="Series ids are case-sensitive; FRED ids are upper case.",
    )


# Frame validation lives in its own module (it reads the glossary above); re-exported
# here because the glossary is where callers look for it.
from qtlab._validate import validate_holdings, validate_series  # noqa: E402
