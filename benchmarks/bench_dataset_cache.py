"""Benchmark: Dataset reads through the read cache against reading the files every time.

The reads a report repeats, done ``--rounds`` times from a fresh ``Dataset`` each
round (as the analyses do): ten series at today's vantage and as of 2022-05-31,
the MBS and Treasury holdings, the holdings dates and the MSPD table. The
reference clears the cache before every round, so each round reads the Parquet
files through DuckDB as before the cache existed; both runs are checked to
return equal frames. Run from the repository root::

    python benchmarks/bench_dataset_cache.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qtlab.store import Dataset
from qtlab.store._readcache import read_cache

SERIES = (
    "WALCL",
    "WRESBAL",
    "RRPONTSYD",
    "WTREGEN",
    "soma.mbs",
    "soma.tips",
    "soma.bills",
    "MORTGAGE30US",
    "DGS10",
    "GDP",
)
TABLE = "treasury.mspd_detail.2022-01-31"


def one_round() -> list[pd.DataFrame | pd.Series]:
    out: list[pd.DataFrame | pd.Series] = []
    for as_of in (None, "2022-05-31"):
        ds = Dataset(as_of, use_store=False)
        out += [ds.series(s) for s in SERIES]
        out += [ds.holdings(["mbs"]), ds.holdings(), ds.holdings_dates(), ds.table(TABLE)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    cache = read_cache()

    t0 = time.perf_counter()
    for _ in range(a.rounds):
        cache.clear()
        ref = one_round()
    t_ref = time.perf_counter() - t0

    cache.clear()
    laps = []
    for _ in range(a.rounds):
        t0 = time.perf_counter()
        got = one_round()
        laps.append(time.perf_counter() - t0)
    t_cached = sum(laps)

    for x, y in zip(ref, got, strict=True):
        if isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y)  # type: ignore[arg-type]
        else:
            pd.testing.assert_frame_equal(x, y)  # type: ignore[arg-type]
    reads = len(ref)
    print(f"{a.rounds} rounds x {reads} reads (fresh Dataset objects each round)")
    print(f"  uncached (files read every round): {t_ref:8.3f} s")
    print(f"  read cache:                        {t_cached:8.3f} s")
    print(f"  speed-up: {t_ref / t_cached:6.1f}x  (hits {cache.hits}, misses {cache.misses})")
    if a.rounds > 1:
        later = sum(laps[1:]) / (a.rounds - 1)
        print(
            f"  per round: uncached {t_ref / a.rounds:.3f} s, cached first {laps[0]:.3f} s, "
            f"cached later {later:.4f} s ({t_ref / a.rounds / later:.0f}x)"
        )


if __name__ == "__main__":
    main()
