"""Market and fiscal impact models (D1-D4): reserve scarcity and the 10-year yield,
federal interest cost, and the fiscal-dollar relation.

Model code: no I/O; inputs are plain pandas Series and frames in glossary units.
"""

from qtlab.impact.dollar import broken_episodes, correlations, interest_dollar_frame
from qtlab.impact.interest import (
    CLASSES,
    CURVE_TENORS,
    annual_averages,
    average_rate,
    distributed_lag,
    distributed_lag_reference,
    extend_curve,
    fiscal_year_totals,
    lag_weights,
    net_interest,
    previous_peak,
    term_shares,
    term_yield,
)
from qtlab.impact.paths import (
    SEP_MIDPOINT_TO_UPPER,
    SEP_PATH_STATISTICS,
    SepStatistic,
    debt_path,
    policy_rate,
    sep_policy_path,
)
from qtlab.impact.yields import (
    DEFAULT_SAMPLE_START,
    INDICATORS,
    YieldFit,
    fit_yield,
    peak,
    scarcity_indicators,
)

__all__ = [
    "CLASSES",
    "CURVE_TENORS",
    "DEFAULT_SAMPLE_START",
    "INDICATORS",
    "SEP_MIDPOINT_TO_UPPER",
    "SEP_PATH_STATISTICS",
    "SepStatistic",
    "YieldFit",
    "annual_averages",
    "average_rate",
    "broken_episodes",
    "correlations",
    "debt_path",
    "distributed_lag",
    "distributed_lag_reference",
    "extend_curve",
    "fiscal_year_totals",
    "fit_yield",
    "interest_dollar_frame",
    "lag_weights",
    "net_interest",
    "peak",
    "policy_rate",
    "previous_peak",
    "scarcity_indicators",
    "sep_policy_path",
    "term_shares",
    "term_yield",
]
