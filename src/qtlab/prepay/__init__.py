"""MBS prepayment model: turnover, seasonality, seasoning ramp, lock-in, a
refinancing S-curve with burnout, and level-payment amortization; calibration
on the Federal Reserve's own paydowns; a paydown-rate source for the engine.

Model code: no I/O except the packaged parameter sets; imports only the
glossary and the errors module of qtlab.
"""

from qtlab.prepay.calibrate import CalibrationResult, Episode, calibrate, episode_errors
from qtlab.prepay.model import (
    COHORT_COLUMNS,
    CohortState,
    Projection,
    cpr,
    project,
    project_reference,
    scheduled_fraction,
    smm_from_cpr,
)
from qtlab.prepay.params import (
    PrepayParams,
    check_param_set_known,
    known_param_set,
    param_set_data_end,
    param_set_info,
    param_set_names,
    prepay_params,
)
from qtlab.prepay.paydowns import ModelPaydowns, project_cohorts
from qtlab.prepay.rates import (
    MAX_SHOCK_BP,
    check_shock,
    monthly_average,
    rate_path,
    shocked_paths,
)

__all__ = [
    "COHORT_COLUMNS",
    "MAX_SHOCK_BP",
    "CalibrationResult",
    "CohortState",
    "Episode",
    "ModelPaydowns",
    "PrepayParams",
    "Projection",
    "calibrate",
    "check_param_set_known",
    "check_shock",
    "cpr",
    "episode_errors",
    "known_param_set",
    "monthly_average",
    "param_set_data_end",
    "param_set_info",
    "param_set_names",
    "prepay_params",
    "project",
    "project_cohorts",
    "project_reference",
    "rate_path",
    "scheduled_fraction",
    "shocked_paths",
    "smm_from_cpr",
]
