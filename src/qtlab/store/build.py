"""Build the embedded snapshot from a directory of raw official files.

``qtlab data build-snapshot --from DIR`` calls :func:`build_snapshot`. Every raw
file is read through its provider's ``read_*`` function (so units are mapped to
the glossary exactly as for live fetches), the reconciliations of
:mod:`qtlab.store.reconcile` must all pass, and only then is the snapshot
written: to a temporary directory first, then swapped into place, so a failed
build never leaves a half-written snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from qtlab import __version__
from qtlab._fsutil import discard, replace_dir, temp_dir_for
from qtlab.errors import DataError
from qtlab.schema import validate_holdings, validate_series
from qtlab.sources import cbo, ecb, fomc, fomc_dots, frb, fred, freddie, nyfed, philly, treasury
from qtlab.sources._base import SourceData, sha256_bytes
from qtlab.store import coverage, reconcile, reconcile_intl
from qtlab.store._outdir import check_snapshot_out, clean_old_build_dirs
from qtlab.store.paths import packaged_snapshot_dir
from qtlab.store.snapshot import (
    MANIFEST_NAME,
    SNAPSHOT_FORMAT,
    Check,
    Manifest,
    ManifestEntry,
    file_sha256,
    load_manifest,
)

__all__ = ["BuildResult", "RawDataset", "build_snapshot", "discover"]

#: Vintage of the FOMC SEP file fetched from FRED (data/raw/SOURCES.md: fetched
#: about 2026-03-24, probably the SEP of 2026-03-18, not confirmed).
_SEP_FRED_FETCHED = date(2026, 3, 24)


_CBO_BASELINES_BASIS = "baseline date of each row"
#: The vintage the CBO actuals files get (:func:`qtlab.sources.cbo.parse_cbo_actuals`
#: without a ``vintage``): the fiscal-year end plus ``ACTUALS_VINTAGE_LAG``.
_CBO_ACTUALS_BASIS = (
    "October 31 after the last fiscal year in the file (its September 30 end plus "
    f"{cbo.ACTUALS_VINTAGE_LAG.days} days), by when the final Monthly Treasury Statement and "
    "the advance GDP estimate for July-September are out; the fetch date is not recorded"
)


@dataclass(frozen=True)
class RawDataset:
    """One dataset of the snapshot: its id, raw file and how to load it."""

    id: str
    raw: Path | None  # None for datasets shipped with the package (SEP presets)
    load: Callable[[], SourceData]
    vintage_basis: str


@dataclass(frozen=True)
class DerivedFile:
    """A raw file derived from another one (data/raw marks them): not stored,
    but checked to agree with its original when the snapshot is built."""

    path: Path
    check: Callable[[dict[str, SourceData]], Check]


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest
    out_dir: Path
    skipped: tuple[str, ...]
    coverage: tuple[Check, ...] = ()


def discover_derived(src: Path) -> list[DerivedFile]:
    """The derived files under ``src`` and the check each one must pass."""
    out = []
    for p in sorted((src / "cbo").glob("cbo_baseline_*_debt_deficit_netinterest.csv")):
        out.append(DerivedFile(p, _bind_cbo_subset_check(p)))
    for p in sorted((src / "pmms").glob("freddie_pmms_weekly_*.csv")):
        out.append(DerivedFile(p, _bind_pmms_csv_check(p)))
    return out


def _bind_cbo_subset_check(path: Path) -> Callable[[dict[str, SourceData]], Check]:
    def check(items: dict[str, SourceData]) -> Check:
        sub = cbo.read_cbo_baselines(path).data
        full = items["cbo.baselines"].data
        keys = ["series_id", "date", "vintage"]
        merged = sub.merge(full, on=keys, how="left", suffixes=("", "_full"))
        diff = (merged["value"] - merged["value_full"]).abs()
        missing = int(merged["value_full"].isna().sum())
        return Check(
            name=f"{path.name} (derived) is a subset of the full CBO baselines file",
            passed=bool(missing == 0 and (diff <= 1e-9).all()),
            tolerance="exact: the rows were copied unchanged",
            max_abs_diff=float(diff.max()) if len(diff) else None,
            compared=len(merged),
            detail=f"{missing} rows not found in the full file",
        )

    return check


def _bind_pmms_csv_check(path: Path) -> Callable[[dict[str, SourceData]], Check]:
    def check(items: dict[str, SourceData]) -> Check:
        csv = freddie.read_pmms(path).data
        xlsx = items["freddie.pmms"].data
        merged = csv.merge(xlsx, on=["series_id", "date"], how="outer", suffixes=("", "_xlsx"))
        diff = (merged["value"] - merged["value_xlsx"]).abs()
        unmatched = int(merged["value"].isna().sum() + merged["value_xlsx"].isna().sum())
        # the CSV writes floats with 10 significant digits: relative 5e-10 at most
        tol = 1e-8
        return Check(
            name=f"{path.name} (derived CSV) equals the Freddie Mac xlsx",
            passed=bool(unmatched == 0 and (diff.dropna() <= tol).all()),
            tolerance=f"{tol:g} pp: the CSV rounds to 10 significant digits",
            max_abs_diff=float(diff.max()),
            compared=len(merged),
            detail=f"{unmatched} observations in one file but not the other",
        )

    return check


def discover(src: Path) -> tuple[list[RawDataset], list[str]]:
    """Map the raw files under ``src`` to datasets; return them and the files skipped.

    Raises :class:`DataError` if ``src`` holds none of the expected files.
    """
    found: list[RawDataset] = []
    used: set[Path] = set()
    not_files: list[str] = []

    def add(rid: str, path: Path | None, load: Callable[[], SourceData], basis: str) -> None:
        if path is not None and not path.is_file():  # e.g. a directory named x.csv
            not_files.append(f"{path.relative_to(src)} (not a file)")
            return
        found.append(RawDataset(rid, path, load, basis))
        if path is not None:
            used.add(path)

    last_obs = "last observation date in the file (a lower bound; the fetch date is not recorded)"
    for p in sorted((src / "fred").glob("*.csv")):
        add(f"fred.{p.stem}", p, _bind(fred.read_fred_csv, p), last_obs)
    for p in sorted((src / "soma").glob("soma_summary_*.json")):
        add("nyfed.soma_summary", p, _bind(nyfed.read_soma_summary, p), "last as-of date")
    for p in sorted((src / "soma").glob("soma_*.csv")):
        m = re.search(r"soma_(.+)_(\d{4}-\d{2}-\d{2})\.csv$", p.name)
        if m is None:
            continue
        add(
            f"nyfed.soma_holdings.{m.group(2)}.{m.group(1)}",
            p,
            _bind(nyfed.read_soma_holdings, p),
            "as-of date (the NY Fed publishes Wednesday holdings the next day)",
        )
    for p in sorted((src / "mspd").glob("mspd_table1_*.csv")):
        add("treasury.mspd_table1", p, _bind(treasury.read_mspd_table1, p), "last record date")
    for p in sorted((src / "mspd").glob("mspd_detail_opdm_*.prn")):
        m = re.search(r"(\d{4}-\d{2}-\d{2})", p.name)
        tag = m.group(1) if m else p.stem
        add(f"treasury.mspd_detail.{tag}", p, _bind(treasury.read_mspd_detail, p), "record date")
    cbo_dir = src / "cbo"
    for pattern, rid, fn, basis in (
        ("cbo_baselines_*.csv", "cbo.baselines", cbo.read_cbo_baselines, _CBO_BASELINES_BASIS),
        ("cbo_actuals_by_fiscal_year.csv", "cbo.actuals", cbo.read_cbo_actuals, _CBO_ACTUALS_BASIS),
        (
            "cbo_actual_gdp_by_fiscal_year.csv",
            "cbo.actual_gdp",
            cbo.read_cbo_actual_gdp,
            _CBO_ACTUALS_BASIS,
        ),
    ):
        for p in sorted(cbo_dir.glob(pattern)):
            add(rid, p, _bind(fn, p), basis)
    for p in sorted((src / "pmms").glob("*.xlsx")):
        add("freddie.pmms", p, _bind(freddie.read_pmms, p), "last survey week in the file")
    for p in sorted((src / "sep").glob("fred_FEDTARMD*.csv")):
        add(
            "fomc.sep_fred_fedtarmd",
            p,
            _bind_sep(p),
            "fetch date recorded in SOURCES.md (about 2026-03-24)",
        )
    # --- other central banks (A8): the ECB's APP and PEPP histories (transcribed files)
    ecb_basis = (
        "the day after each month ends (a month counts as published once it has ended; a "
        "lower bound: the ECB posts the month some days later; the fetch date is not recorded)"
    )
    for pattern, rid, reader in (
        ("ECB_APP_breakdown_history_*.csv", reconcile_intl.ECB_APP_ID, ecb.read_app),
        ("ECB_PEPP_purchase_history_*.csv", reconcile_intl.ECB_PEPP_ID, ecb.read_pepp),
    ):
        for p in sorted((src / "intl").glob(pattern)):
            add(rid, p, _bind_transcribed(reader, p), ecb_basis)
    for p in sorted((src / "sep").glob("sep_dots_*.csv")):
        add("fomc.sep_dots", p, _bind(fomc_dots.read_sep_dots, p), "meeting date of each SEP")
    for p in sorted((src / "philly").glob("*routputMvQd*.xlsx")):
        add(
            "philly.rtdsm_routput",
            p,
            _bind(philly.read_routput, p),
            f"day {philly.VINTAGE_DAY} of each vintage's month (the data of mid-month)",
        )
    for p in sorted((src / "h41").glob("FRB_H41_*.csv")):
        add(f"frb.{p.stem}", p, _bind(frb.read_h41_csv, p), last_obs)
    if not found:
        raise DataError(
            f"no raw official files found under {src}; expected the layout of "
            "data/raw (fred/, soma/, mspd/, cbo/, pmms/, sep/, philly/)"
        )
    for name in fomc.sep_presets():
        add(f"fomc.sep_{name}", None, _bind_preset(name), "FOMC meeting date")
    ids = [d.id for d in found]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise DataError(f"two raw files map to the same dataset id(s) {sorted(dup)} in {src}")
    used |= {d.path for d in discover_derived(src)}
    skipped = sorted(
        str(p.relative_to(src))
        for p in src.rglob("*")
        if p.is_file() and p not in used and p.suffix.lower() not in {".md"}
    )
    return found, skipped + not_files


def _bind(fn: Callable[..., SourceData], path: Path) -> Callable[[], SourceData]:
    return lambda: fn(path)


def _bind_transcribed(fn: Callable[..., SourceData], path: Path) -> Callable[[], SourceData]:
    """``fn(path)``, its notes saying the file is transcribed when its name says so."""

    def load() -> SourceData:
        out = fn(path)
        if "TRANSCRIBED" not in path.name:
            return out
        note = (
            "transcribed: the text was read from the source repository and written out again "
            "(byte length and identities checked; see data/raw/SOURCES.md)"
        )
        meta = replace(out.meta, notes=(*out.meta.notes, note))
        return SourceData(out.data, meta, kind=out.kind, extra=out.extra)

    return load


def _bind_sep(path: Path) -> Callable[[], SourceData]:
    return lambda: fomc.read_sep_fred_csv(path, series_id="FEDTARMD", vintage=_SEP_FRED_FETCHED)


def _bind_preset(name: str) -> Callable[[], SourceData]:
    return lambda: fomc.load_sep_preset(name)


def _date_table(df: pd.DataFrame, date_cols: tuple[str, ...]) -> pa.Table:
    out = df.copy()
    for c in date_cols:
        if c in out.columns:
            out[c] = pd.to_datetime(out[c]).dt.date
    return pa.Table.from_pandas(out, preserve_index=False)


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", compression_level=19)


def _entry(ds: RawDataset, item: SourceData, out: Path, rel: str, rows: int) -> ManifestEntry:
    meta = item.meta
    data = item.data
    first = last = None
    series: tuple[str, ...] = ()
    if item.kind == "series":
        first, last = data["date"].min().date(), data["date"].max().date()
        series = tuple(sorted(data["series_id"].unique()))
        vintage = pd.Timestamp(data["vintage"].max()).date()
    elif item.kind == "holdings":
        vintage = pd.Timestamp(data["as_of"].max()).date()
    else:
        vintage = meta.vintage or meta.as_of or date.today()
    if meta.vintage is not None and item.kind != "series":
        vintage = meta.vintage
    raw_sha = meta.sha256 or (sha256_bytes(ds.raw.read_bytes()) if ds.raw else "")
    as_of = meta.as_of
    if as_of is None and item.kind == "holdings":
        as_of = pd.Timestamp(data["as_of"].iloc[0]).date()
    if as_of is None:
        as_of = last
    return ManifestEntry(
        id=ds.id,
        kind=item.kind,  # type: ignore[arg-type]
        source=meta.source,
        official_id=meta.official_id,
        url=meta.url,
        raw_file=ds.raw.name if ds.raw else (meta.file or "packaged with qtlab"),
        raw_sha256=raw_sha,
        path=rel,
        sha256=file_sha256(out / rel),
        rows=rows,
        as_of=as_of,
        first=first,
        last=last,
        vintage=vintage,
        vintage_basis=ds.vintage_basis,
        series=series,
        units=dict(meta.units),
        notes=tuple(meta.notes),
    )


def _checks(items: dict[str, SourceData]) -> list[Check]:
    checks: list[Check] = []
    summary = items.get("nyfed.soma_summary")
    if summary is None:
        raise DataError("the SOMA weekly summary is missing; it is needed to reconcile holdings")
    for rid, item in items.items():
        if item.kind == "holdings":
            checks += reconcile.check_holdings_vs_summary(item.data, summary.data, name=rid)
    fred_series = {
        rid.removeprefix("fred."): item.data.set_index("date")["value"]
        for rid, item in items.items()
        if rid.startswith("fred.")
    }
    checks += reconcile.check_h41_vs_summary(fred_series, summary.data)
    pmms = items.get("freddie.pmms")
    if pmms is not None and "MORTGAGE30US" in fred_series:
        frm30 = pmms.data[pmms.data["series_id"] == "pmms.frm30"].set_index("date")["value"]
        checks.append(
            reconcile.check_same_series(
                frm30,
                fred_series["MORTGAGE30US"],
                name="PMMS 30-year rate (Freddie Mac xlsx) vs FRED MORTGAGE30US",
                tolerance=1e-9,
                reason=(
                    "the same survey; FRED rounds 21 weeks of 1980-81 from 3 to 2 decimals "
                    "(data/raw/SOURCES.md), allowed up to 0.005 pp"
                ),
                allowed_exceptions=21,
                exception_tolerance=0.005 + 1e-9,
            )
        )
    checks += reconcile_intl.check_ecb_identities(items)
    checks += _realtime_checks(items, fred_series)
    checks += _liability_checks(items)
    return checks


def _realtime_checks(
    items: dict[str, SourceData], fred_series: dict[str, pd.Series]
) -> list[Check]:
    """The latest real-time vintage of real GDP equals FRED GDPC1 before 2020."""
    rt = items.get("philly.rtdsm_routput")
    if rt is None or "GDPC1" not in fred_series:
        return []
    latest = rt.data[rt.data["vintage"] == rt.data["vintage"].max()].set_index("date")["value"]
    cut = pd.Timestamp("2019-10-01")
    return [
        reconcile.check_same_series(
            latest[latest.index <= cut],
            fred_series["GDPC1"][fred_series["GDPC1"].index <= cut],
            name=f"RTDSM real GDP, vintage "
            f"{pd.Timestamp(rt.data['vintage'].max()):%Y-%m}, vs FRED GDPC1 to 2019Q4",
            tolerance=0.05 + 1e-9,
            reason=(
                "the same BEA estimates in chained 2017 dollars; the RTDSM rounds to 0.1 bn "
                "(GDPC1 has 3 decimals); GDPC1 here is a later vintage, after an annual update "
                "that revised 2020 on, so quarters from 2020 are not compared"
            ),
        )
    ]


def _liability_checks(items: dict[str, SourceData]) -> list[Check]:
    """The H.4.1 downloads (h41/) against FRED, and the liability files among themselves."""
    fred_by_id: dict[str, list[tuple[str, pd.Series]]] = {}
    for rid, item in items.items():
        if rid.startswith("fred."):
            for sid, g in item.data.groupby("series_id"):
                fred_by_id.setdefault(str(sid), []).append((rid, g.set_index("date")["value"]))
    tables = {rid: item.data for rid, item in items.items() if rid.startswith("frb.")}
    return reconcile.check_h41_tables(tables, fred_by_id) + reconcile.check_liability_vintages(
        fred_by_id
    )


def build_snapshot(
    src: str | Path,
    out: str | Path,
    *,
    progress: Callable[[str], None] | None = None,
    expect_committed: bool = True,
) -> BuildResult:
    """Build the snapshot from the raw files in ``src`` into ``out``.

    Every dataset is loaded and validated, every reconciliation must pass
    (else :class:`~qtlab.errors.ReconciliationError`, and ``out`` is left as it
    was), then the Parquet files and ``manifest.json`` are written to a
    temporary directory beside ``out`` and swapped in.

    Every dataset must also cover what is expected of it
    (:mod:`qtlab.store.coverage`): what the committed snapshot holds (unless
    ``expect_committed`` is False, for raw files removed or renamed on purpose) and
    the glossary's bounds; a reconciliation of the committed snapshot that cannot
    run is a failure. ``out`` must be new, empty or an earlier snapshot.
    """
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise DataError(f"src={src}: not a directory; point it at data/raw")
    check_snapshot_out(src, out)
    datasets, skipped = discover(src)
    items: dict[str, SourceData] = {}
    for ds in datasets:
        if progress:
            progress(ds.id)
        items[ds.id] = ds.load()
    checks = _checks(items)
    checks += [d.check(items) for d in discover_derived(src)]
    cover = _expectations(items, checks, expect_committed)
    reconcile.raise_on_failure(checks)
    coverage.raise_on_failure(cover)

    clean_old_build_dirs(out)
    tmp = temp_dir_for(out)
    try:
        entries = []
        for ds in datasets:
            item = items[ds.id]
            if item.kind == "series":
                df = validate_series(item.data, file=item.meta.file)
                table = _date_table(df, ("date", "vintage"))
                rel = f"series/{ds.id}.parquet"
            elif item.kind == "holdings":
                df = validate_holdings(item.data, file=item.meta.file)
                table = _date_table(df, ("as_of", "maturity"))
                rel = f"holdings/{ds.id}.parquet"
            else:
                df = item.data
                date_cols = tuple(
                    c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])
                )
                table = _date_table(df, date_cols)
                rel = f"tables/{ds.id}.parquet"
            _write(table, tmp / rel)
            entries.append(_entry(ds, item, tmp, rel, len(df)))
        manifest = Manifest(
            format=SNAPSHOT_FORMAT,
            built_at=datetime.now(UTC).replace(microsecond=0),
            qtlab_version=__version__,
            source_dir_name=src.name,
            datasets=tuple(entries),
            checks=tuple(checks),
        )
        (tmp / MANIFEST_NAME).write_text(
            manifest.model_dump_json(indent=1) + "\n", encoding="utf-8"
        )
        replace_dir(tmp, out)
    except BaseException:
        discard(tmp)
        raise
    return BuildResult(manifest, out, tuple(skipped), tuple(cover))


def _expectations(
    items: dict[str, SourceData], checks: list[Check], expect_committed: bool
) -> list[Check]:
    """Coverage checks of ``items``; appends to ``checks`` a failure for each reconciliation
    of the committed snapshot that did not run."""
    committed = load_manifest(packaged_snapshot_dir()) if expect_committed else None
    checks += coverage.missing_checks(checks, committed)
    return coverage.coverage_checks(items, committed)
