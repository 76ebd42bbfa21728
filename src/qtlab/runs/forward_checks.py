"""F1's starting-point checks: how far the carried-forward holdings are from the data.

The latest SOMA holdings by CUSIP are carried forward by the engine under the realized
policy (:func:`qtlab.runs.forward.forward_projection`); the carry-forward is then
measured, never rescaled:

- :func:`start_check`: against the latest weekly SOMA summary (the anchor day), by kind
  (:data:`CHECK_KINDS`);
- :func:`h41_check`: against the H.4.1's securities held outright from the anchor month
  to the month before the first projected month, where the H.4.1 runs further than the
  weekly summary.

They fill :attr:`~qtlab.runs.forward.Forward.start_check` and
:attr:`~qtlab.runs.forward.Forward.h41_check`. Units: USD bn (the gap also in %).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from qtlab.engine import Projection
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import ImpactInputs
from qtlab.runs.runoff import realized_holdings

__all__ = ["CHECK_KINDS", "h41_check", "start_check"]

#: Kinds of the starting-point check (weekly SOMA summary names) [USD bn]; ``total`` is
#: Treasuries + TIPS inflation compensation + agency debt + MBS (the weekly summary has
#: no CMBS).
CHECK_KINDS: Final = (
    "bills",
    "notes_bonds",
    "tips",
    "frn",
    "treasury",
    "tips_inflation_comp",
    "agency",
    "mbs",
    "total",
)
#: The kinds summed into ``total``.
_TOTAL: Final = ("treasury", "tips_inflation_comp", "agency", "mbs")


def start_check(proj: Projection, ctx: RunContext, anchor: pd.Timestamp) -> pd.DataFrame:
    """The holdings of ``proj`` observed on ``anchor`` against the weekly SOMA summary of
    that day visible in ``ctx``.

    Indexed by ``kind`` (:data:`CHECK_KINDS`); columns ``carried_forward``, ``weekly``,
    ``gap`` (carried forward minus weekly) [USD bn] and ``gap_pct`` [% of weekly].
    ``attrs``: ``date`` (the anchor day) and ``cmbs`` (the carried-forward CMBS, which
    the weekly summary does not report) [USD bn]. ``proj`` must have been run with
    ``observe`` holding ``anchor``.
    """
    of = proj.observed_frame()
    obs = {str(k): float(v) for k, v in of.loc[of.index == anchor].iloc[0].items()}
    day = str(anchor.date())
    real = {str(k): float(v) for k, v in realized_holdings(ctx, day, day).iloc[0].items()}
    rows = {k: (obs[k], real[k]) for k in CHECK_KINDS[:-1]}
    rows["total"] = (sum(obs[k] for k in _TOTAL), sum(real[k] for k in _TOTAL))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["carried_forward", "weekly"])
    out.index.name = "kind"
    out["gap"] = out["carried_forward"] - out["weekly"]
    out["gap_pct"] = 100.0 * out["gap"] / out["weekly"]
    out.attrs["date"] = day
    out.attrs["cmbs"] = obs["cmbs"]
    return out


def h41_check(inp: ImpactInputs, every: pd.DataFrame, anchor: pd.Period) -> pd.DataFrame:
    """The carried-forward securities of ``every`` (an engine frame by month: carry-forward
    then projection) against the H.4.1 of ``inp`` from the ``anchor`` month to the
    H.4.1's last month.

    Indexed by ``month``; columns ``securities_projected`` (total securities + TIPS
    inflation compensation, month end), ``securities_h41`` (held outright, monthly mean)
    and ``securities_gap`` (projected minus H.4.1) [USD bn]. Empty when the H.4.1 adds
    fewer than two months in common (nothing beyond the weekly summary).
    """
    sec = every["total_securities"] + every["tips_inflation_comp"]
    h41 = inp.securities[
        (inp.securities.index >= anchor) & (inp.securities.index <= inp.last_month)
    ]
    both = sec.index.intersection(h41.dropna().index)
    if len(both) < 2:  # the H.4.1 adds nothing beyond the weekly summary
        both = both[:0]
    out = pd.DataFrame({"securities_projected": sec.loc[both], "securities_h41": h41.loc[both]})
    out["securities_gap"] = out["securities_projected"] - out["securities_h41"]
    out.index.name = "month"
    return out
