"""The policy explorer's runs, without Dash: where a projection starts, the arguments of
each analysis in a :class:`~qtlab.runs.RunContext`, and the edited scenario against its
preset.

The explorer starts where F1 starts (:func:`qtlab.runs.forward.today_start`): the
holdings by CUSIP are carried forward under the realized policy known at the vantage
to the latest data, and the policy the user chose applies from the month after
(:func:`qtlab.runs.forward_policy.run_from`). C2 and C3 run the liabilities on the
total assets of the runoff engine under that policy from the month after the last
H.4.1 month (other assets held at their start level, as C2's own engine path does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from qtlab.analyses.result import AnalysisResult
from qtlab.balance import assets_from_securities
from qtlab.errors import SpecError, quoted
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.runs.context import RunContext
from qtlab.runs.forward import today_start
from qtlab.runs.forward_policy import run_from as run_policy
from qtlab.runs.inputs import load_inputs
from qtlab.runs.runoff import run_projection

if TYPE_CHECKING:
    from qtlab.app._compute import ExplorerSpec

__all__ = [
    "C3_HORIZON",
    "COMPARE_MONTHS",
    "OVERLAY_IDS",
    "analysis_kwargs",
    "compare_months",
    "difference_table",
    "explorer_start",
    "run_policy",
]

#: The analyses whose figures draw the preset's lines beside the edited scenario's.
OVERLAY_IDS: Final = ("B2", "B4", "C2")
#: The months after the start [months] the table of differences shows by default.
COMPARE_MONTHS: Final = (6, 12, 24, 36, 48)
#: C3 looks this far for the end of runoff [months] (its default), or the horizon if longer.
C3_HORIZON: Final = 120
#: The longest horizon of C2 and C3 [months] (their limit).
_LIAB_MAX: Final = 240


def explorer_start(ctx: RunContext, start: str | None) -> pd.Period:
    """The first projected month: ``start`` if given, else F1's
    (:func:`qtlab.runs.forward.today_start`, the month after the latest data)."""
    return pd.Period(start, freq="M") if start else today_start(ctx)


def _asset_path(ctx: RunContext, policy: Policy, spec: ExplorerSpec, months: int) -> pd.Series:
    """Total assets [USD bn] from the month after the last H.4.1 month over ``months``
    months: the engine's securities under ``policy`` (H.4.1 basis, TIPS inflation
    compensation included) plus other assets held at their start level."""
    inp = load_inputs(ctx, horizon=months)
    first = inp.last_month + 1
    proj = run_projection(
        ctx,
        run_policy(policy, ctx, first),
        first,
        months,
        mbs_paydowns=spec.mbs_paydowns,
        shock_bp=spec.shock_bp,
    )
    s0 = proj.start_holdings()
    base = float(s0["total_securities"] + s0["tips_inflation_comp"])
    sec = proj.frame["total_securities"] + proj.frame["tips_inflation_comp"]
    return assets_from_securities(sec, inp.state.total_assets, base)


def analysis_kwargs(
    aid: str, spec: ExplorerSpec, policy: Policy, ctx: RunContext
) -> dict[str, Any]:
    """Keyword arguments of explorer analysis ``aid`` for ``spec`` run under ``policy``."""
    if aid == "B3":
        shock = spec.shock_bp if spec.mbs_paydowns == "model" and spec.shock_bp else None
        return {"months": spec.months, "shock_bp": shock}
    if aid in ("C2", "C3"):
        horizon = min(spec.months, _LIAB_MAX) if aid == "C2" else max(C3_HORIZON, spec.months)
        horizon = min(horizon, _LIAB_MAX)
        return {
            "horizon": horizon,
            "assets": _asset_path(ctx, policy, spec, horizon),
            "asset_path_name": policy.name,
        }
    start = explorer_start(ctx, spec.start)
    opts: dict[str, Any] = {
        "policy": run_policy(policy, ctx, start),
        "start": str(start),
        "months": spec.months,
    }
    if aid == "B4":
        opts["mbs_paydowns"] = spec.mbs_paydowns
        if spec.mbs_paydowns == "model":
            opts["shock_bp"] = spec.shock_bp
    return opts


def compare_months(text: Any, horizon: int) -> list[int]:
    """The months after the start [months] of the table of differences: whole numbers
    from 1 to ``horizon``, separated by commas or spaces (empty: :data:`COMPARE_MONTHS`
    within the horizon, and the horizon). Raises :class:`SpecError` naming a bad one."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return sorted({*(m for m in COMPARE_MONTHS if m <= horizon), horizon})
    if not isinstance(text, str) or len(text) > 200:
        raise SpecError(f"comparison months {quoted(text)} must be text such as '12, 24'")
    out = []
    for part in text.replace(",", " ").split():
        try:
            m = int(part)
        except ValueError:
            m = 0
        if not 1 <= m <= horizon:
            raise SpecError(
                f"comparison month {quoted(part)} must be a whole number of months from 1 "
                f"to the horizon ({horizon})"
            )
        out.append(m)
    return sorted(set(out))


def _column(res: AnalysisResult, table: str, col: str, scenario: str | None = None) -> pd.Series:
    frame = res.table(table)
    if scenario is not None:
        frame = frame[frame["scenario"] == scenario]
    if "month" in frame.columns:
        frame = frame.set_index("month")
    s = frame[col]
    s.index = [str(m) for m in s.index]
    return s.astype(float)


#: The quantities of the table of differences: (label key, analysis, table, column, scenario).
_QUANTITIES: Final = (
    ("total_securities", "B4", "b4_portfolio", "total_securities [USD bn]", None),
    ("treasury", "B4", "b4_portfolio", "treasury [USD bn]", None),
    ("mbs", "B4", "b4_portfolio", "mbs [USD bn]", None),
    ("reserves", "C2", "c2_projection", "reserves [USD bn]", "rrp_first"),
)


def difference_table(
    edited: Mapping[str, AnalysisResult],
    preset: Mapping[str, AnalysisResult],
    months: Sequence[int],
    names: tuple[str, str],
    lang: str,
) -> pd.DataFrame:
    """The edited scenario against its preset at ``months`` after each run's start
    [USD bn], one row per quantity and month: total securities, Treasuries and MBS (B4)
    and reserves (C2, ON RRP absorbing first), edited, preset and the difference.
    ``edited``/``preset``: results by analysis id; ``names``: the two scenarios' names
    (column labels); headers and quantities in ``lang``."""
    unit = "[USD bn]" if lang == "en" else "[十亿美元]"
    heads = {k: t(f"app.explorer.diff.{k}", lang) for k in ("quantity", "months", "month")}
    cols = [*heads.values(), f"{names[0]} {unit}", f"{names[1]} {unit}"]
    diff = f"{t('app.explorer.diff.difference', lang)} {unit}"
    rows = []
    for label, aid, table, col, scen in _QUANTITIES:
        a = _column(edited[aid], table, col, scen)
        b = _column(preset[aid], table, col, scen)
        for m in months:
            if m > len(a) or m > len(b):
                continue
            va, vb = float(a.iloc[m - 1]), float(b.iloc[m - 1])
            rows.append(
                dict(
                    zip(
                        cols,
                        (t(f"app.explorer.diff.{label}", lang), m, a.index[m - 1], va, vb),
                        strict=True,
                    )
                )
                | {diff: va - vb}
            )
    return pd.DataFrame(rows, columns=[*cols, diff])
