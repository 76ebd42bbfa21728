"""Transitional: the table helpers moved to :mod:`qtlab.present.tables` (shared with the
dashboard); re-exported here for the analyses not yet split into compute and render."""

from __future__ import annotations

from qtlab.present.tables import MONEY_SCALE, dated_usd_table, headers, money_text

__all__ = ["MONEY_SCALE", "dated_usd_table", "headers", "money_text"]
