"""Publication-lag rules of the glossary (re-exported by :mod:`qtlab.schema`).

When an observation is published, from its date, for the observed series whose true
publication date the data do not record; :class:`~qtlab.store.Dataset` shows an
observation at vantage D only once its rule says it was out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

__all__ = ["PUBLICATION_LAGS", "PublicationLag", "publication_lag"]


@dataclass(frozen=True)
class PublicationLag:
    """When an observation of a series is published, from its date (a conservative rule).

    Used by :class:`~qtlab.store.Dataset` for observed series whose true publication
    date is not recorded: at vantage D an observation is visible only if its rule's
    publication date is on or before D. ``kind``: ``"quarter"`` (the end of the
    ``n``-th month after the quarter holding the date ends), ``"month"`` (the end of the
    ``n``-th month after the date's month), ``"days"`` (``n`` days after the date),
    ``"next_monday"`` (the Monday after the date's Monday-to-Sunday week). Series whose
    vintages are publication dates (whole real-time vintages) need no rule.
    """

    kind: Literal["quarter", "month", "days", "next_monday"]
    n: int
    basis: str

    def published(self, dates: pd.DatetimeIndex | pd.Series) -> pd.DatetimeIndex:
        """The publication date of each observation date (by this rule)."""
        d = pd.DatetimeIndex(pd.to_datetime(dates)).normalize()
        if self.kind == "days":
            return d + pd.Timedelta(days=self.n)
        if self.kind == "next_monday":
            return d + pd.to_timedelta(7 - d.day_of_week, unit="D")
        freq = "Q" if self.kind == "quarter" else "M"
        last = d.to_period(freq).asfreq("M", how="E") + self.n
        return last.to_timestamp(how="end").normalize()


_BEA = (
    "BEA publishes the advance estimate of a quarter about four weeks after it ends "
    "(BEA release schedule, https://www.bea.gov/news/schedule); rule: end of the month "
    "after the quarter"
)
_H41 = (
    "the H.4.1 is released on Thursday afternoon for the week ending Wednesday "
    "(https://www.federalreserve.gov/releases/h41/); rule: the day after the date"
)

#: Publication-lag rules by series id or namespaced family prefix (``soma.``).
PUBLICATION_LAGS: Final[Mapping[str, PublicationLag]] = {
    "GDP": PublicationLag("quarter", 1, _BEA),
    "GDPC1": PublicationLag("quarter", 1, _BEA),
    "A091RC1Q027SBEA": PublicationLag(
        "quarter",
        2,
        "NIPA federal interest payments (table 3.2) are complete with BEA's second estimate, "
        "about two months after the quarter (https://www.bea.gov/news/schedule); rule: end "
        "of the second month after the quarter",
    ),
    "GFDEBTN": PublicationLag(
        "quarter",
        2,
        "quarter-end federal debt (Treasury, Monthly Statement of the Public Debt, and FRED's "
        "quarterly series); conservative rule: end of the second month after the quarter",
    ),
    "FYGFDPUN": PublicationLag(
        "quarter",
        2,
        "quarter-end federal debt held by the public; conservative rule: end of the second "
        "month after the quarter",
    ),
    "FYOINT": PublicationLag(
        "month",
        1,
        "fiscal-year outlays are final in the September Monthly Treasury Statement, out in "
        "mid-October (as cbo.ACTUALS_VINTAGE_LAG); rule: end of October",
    ),
    "CSUSHPINSA": PublicationLag(
        "month",
        2,
        "S&P CoreLogic Case-Shiller indices are released on the last Tuesday of the second "
        "month after the month; rule: end of that month",
    ),
    "DTWEXBGS": PublicationLag(
        "next_monday",
        0,
        "the H.10 is released every Monday for the week before "
        "(https://www.federalreserve.gov/releases/h10/); rule: the Monday after the date's week",
    ),
    **{
        sid: PublicationLag("days", 1, _H41)
        for sid in ("WALCL", "TREAST", "WSHOMCB", "WSHOSHO", "WRESBAL", "WTREGEN", "WCURCIR")
    },
    "WLRRAL": PublicationLag("days", 1, _H41),
    "WDTGAL": PublicationLag("days", 1, _H41),
    "h41.": PublicationLag("days", 1, _H41),
    **{
        sid: PublicationLag(
            "month",
            1,
            "monthly currency in circulation is published in the H.6 money stock release, "
            "on the fourth Tuesday or so of the next month "
            "(https://www.federalreserve.gov/releases/h6/); rule: end of the next month",
        )
        for sid in ("CURRCIR", "MBCURRCIR")
    },
    "soma.": PublicationLag(
        "days",
        1,
        "the NY Fed publishes the Wednesday SOMA holdings on Thursday "
        "(https://www.newyorkfed.org/markets/soma-holdings); rule: the day after the date",
    ),
    "mspd.": PublicationLag(
        "days",
        10,
        "the Monthly Statement of the Public Debt is published on the fourth business day "
        "of the next month (https://fiscaldata.treasury.gov/datasets/monthly-statement-public"
        "-debt/); conservative rule: ten days after the month-end record date",
    ),
}


def publication_lag(series_id: str) -> PublicationLag | None:
    """The :data:`PUBLICATION_LAGS` rule of ``series_id`` (its id, else its family
    prefix), or ``None`` where the date itself is the publication day or the vintages
    record publication (daily rates, the weekly PMMS, CBO and SEP vintages)."""
    if series_id in PUBLICATION_LAGS:
        return PUBLICATION_LAGS[series_id]
    for prefix, rule in PUBLICATION_LAGS.items():
        if prefix.endswith(".") and series_id.startswith(prefix):
            return rule
    return None
