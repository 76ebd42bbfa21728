"""Build-time checks of other central banks' data (A8), in the pattern of :mod:`.reconcile`.

The ECB's files carry their own accounting identities; the loaders refuse a file that
breaks them (:mod:`qtlab.sources.ecb`), and the snapshot build records them again as
:class:`~qtlab.store.snapshot.Check` rows in the manifest, so the built snapshot states
what was verified and how closely.
"""

from __future__ import annotations

from collections.abc import Mapping

from qtlab.sources._base import SourceData
from qtlab.sources.ecb import (
    APP_TOLERANCE_MN,
    PEPP_TOLERANCE_MN,
    app_identity_residuals,
    pepp_identity_residuals,
)
from qtlab.store.snapshot import Check

__all__ = ["ECB_APP_ID", "ECB_PEPP_ID", "check_ecb_identities"]

#: Snapshot dataset ids of the ECB files.
ECB_APP_ID = "ecb.app"
ECB_PEPP_ID = "ecb.pepp"


def check_ecb_identities(items: Mapping[str, SourceData]) -> list[Check]:
    """The APP holdings identity (per month and programme) and the PEPP cumulative identity.

    Only for the datasets present in ``items``; residuals in euro millions.
    """
    out: list[Check] = []
    app = items.get(ECB_APP_ID)
    if app is not None:
        res = app_identity_residuals(app.data)
        bad = res[res["residual"].abs() > APP_TOLERANCE_MN]
        out.append(
            Check(
                name="ECB APP: holdings = previous + net purchases + adjustment, "
                "per month and programme",
                passed=bool(len(res) > 0 and bad.empty),
                tolerance=f"{APP_TOLERANCE_MN:g} EUR mn: three figures each rounded to the million",
                max_abs_diff=float(res["residual"].abs().max()) if len(res) else None,
                compared=len(res),
                detail=(
                    f"{res['month'].min()}..{res['month'].max()}, 4 programmes; "
                    f"{len(bad)} beyond the tolerance"
                    + (
                        ""
                        if bad.empty
                        else ": "
                        + ", ".join(
                            f"{r.month} {r.programme} ({r.residual:+,.0f} mn)"
                            for r in bad.head(5).itertuples()
                        )
                    )
                ),
            )
        )
    pepp = items.get(ECB_PEPP_ID)
    if pepp is not None:
        res = pepp_identity_residuals(pepp.data)
        bad = res[res["residual"].abs() > PEPP_TOLERANCE_MN]
        out.append(
            Check(
                name="ECB PEPP: cumulative = previous cumulative + monthly net purchases",
                passed=bool(len(res) > 0 and bad.empty),
                tolerance=f"{PEPP_TOLERANCE_MN:g} EUR mn: two figures each rounded to the million",
                max_abs_diff=float(res["residual"].abs().max()) if len(res) else None,
                compared=len(res),
                detail=(
                    f"{res['month'].min()}..{res['month'].max()}; {len(bad)} beyond the tolerance"
                    + (
                        ""
                        if bad.empty
                        else ": "
                        + ", ".join(
                            f"{r.month} ({r.residual:+,.0f} mn)" for r in bad.head(5).itertuples()
                        )
                    )
                ),
            )
        )
    return out
