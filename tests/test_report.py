"""The HTML report: files, all-or-nothing writes, offline page, and the browser test.

The browser test opens the report from file:// in Debian's headless Chromium
(``/usr/bin/chromium``; playwright never downloads a browser here), checks there
are no console errors, every figure is drawn, the table of contents links work,
and the Chinese page shows Chinese headings; it saves a screenshot.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from _legibility import KEYED_HEADER, ReportPage, check_done_when, open_page, read_report_page
from _policy_ids import bare_policy_ids
from qtlab.analyses import AnalysisResult, Computed, result
from qtlab.analyses.result import AnalysisSpec
from qtlab.errors import QtlabError, SpecError
from qtlab.report import build_report
from qtlab.report.build import MARKER, resolve_sections
from qtlab.report.html import table_html

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
SUBSET = ["A3", "C1"]


@pytest.fixture(scope="module")
def en_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "en"
    build_report(out, lang="en", sections=SUBSET, png=CHROMIUM is not None)
    return out


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "zh"
    build_report(out, lang="zh", sections=SUBSET, as_of="2022-05-31", png=False)
    return out


def test_report_files(en_report: Path):
    html = (en_report / "index.html").read_text(encoding="utf-8")
    assert (en_report / MARKER).is_file()
    csvs = sorted(p.name for p in (en_report / "tables").glob("*.csv"))
    assert csvs == [
        "a3_episodes.csv",
        "a3_quarterly.csv",
        "c1_liabilities.csv",
        "c1_qt1_liabilities.csv",
        "c1_qt2_liabilities.csv",
        "provenance.csv",
    ]
    q = pd.read_csv(en_report / "tables" / "a3_quarterly.csv", encoding="utf-8-sig")
    assert "Assets / nominal GDP [%]" in q.columns and len(q) > 70
    if CHROMIUM is not None:
        pngs = sorted((en_report / "figures").glob("*.png"))
        assert [p.name for p in pngs] == [
            "a3_size_to_gdp.png",
            "c1_liabilities.png",
            "c1_qt1_stack.png",
            "c1_qt2_stack.png",
        ]
        assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    # offline: no external script or stylesheet, plotly.js inline exactly once
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=\"https?:", html)
    assert html.count('<script type="text/javascript">/**') == 1
    assert html.count('id="a3"') == 1 and html.count('href="#a3"') == 1
    # the provenance appendix names the datasets the sections read
    prov = pd.read_csv(en_report / "tables" / "provenance.csv", encoding="utf-8-sig")
    assert {"fred.WALCL", "fred.GDP", "fred.GDPC1"} <= set(prov["Dataset"])
    # WTREGEN: the later vintage (millions, to 2025-11-19) is the one the latest view reads
    assert "fred.WTREGEN_millions_2002-12-18_2025-11-19" in set(prov["Dataset"])
    assert "fred.WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED" in set(prov["Dataset"])
    assert {"frb.FRB_H41_factors_2021-04-28_2023-03-22"} <= set(prov["Dataset"])
    assert "Gaps in the data" in html and "[WTREGEN]: no data from 2025-11-20" in html


def test_as_of_report_shows_nothing_after_the_date(zh_report: Path):
    q = pd.read_csv(zh_report / "tables" / "a3_quarterly.csv", encoding="utf-8-sig")
    assert q.iloc[:, 0].max() <= "2022Q2"
    c = pd.read_csv(zh_report / "tables" / "c1_liabilities.csv", encoding="utf-8-sig")
    assert c.iloc[:, 0].max() <= "2022-05-31"
    prov = pd.read_csv(zh_report / "tables" / "provenance.csv", encoding="utf-8-sig")
    assert (prov["可见的最后观测日"].dropna() <= "2022-05-31").all()
    html = (zh_report / "index.html").read_text(encoding="utf-8")
    assert "数据截至 2022-05-31" in html and '<html lang="zh-CN">' in html


def test_failing_section_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(ctx: object) -> Computed:
        raise ValueError("no data for this on purpose")

    def render_broken(c: Computed, lang: str) -> AnalysisResult:
        raise AssertionError("never rendered: compute fails")

    monkeypatch.setitem(
        result._REGISTRY, "Z7", AnalysisSpec(id="Z7", area="test", order=998, fn=broken)
    )
    monkeypatch.setitem(result._RENDERERS, "Z7", render_broken)
    out = tmp_path / "rep"
    with pytest.raises(QtlabError, match=r"(?s)1 of 2 report sections failed.*Z7: ValueError"):
        build_report(out, sections=["A3", "Z7"], png=False)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temp dir left behind either


def test_rebuild_replaces_a_report_but_never_a_foreign_directory(tmp_path: Path):
    out = tmp_path / "rep"
    build_report(out, sections=["A7"], png=False)
    first = (out / "index.html").stat().st_mtime_ns
    build_report(out, sections=["A7"], png=False, lang="zh")
    assert (out / "index.html").stat().st_mtime_ns >= first
    assert "抵押贷款" in (out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(SpecError, match="not a qtlab report"):
        build_report(foreign, sections=["A7"], png=False)
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_unknown_section_and_language_are_clear_errors(tmp_path: Path):
    with pytest.raises(SpecError, match=r"unknown analysis 'A99'.*'A1'"):
        resolve_sections(["A99"])
    with pytest.raises(SpecError, match="lang='fr'"):
        build_report(tmp_path / "x", lang="fr", png=False)


def test_cells_are_formatted_for_reading():
    from qtlab.present.tables import format_cell

    assert format_cell(2017, 2) == "2017" and format_cell(11725, 2) == "11,725"
    assert format_cell(8965.4871, 1) == "8,965.5" and format_cell(float("nan"), 1) == "–"
    assert format_cell(pd.Period("2022-06", freq="M"), 1) == "2022-06"
    assert format_cell(pd.Timestamp("2022-06-01"), 1) == "2022-06-01"


def test_csv_floats_lose_their_noise_in_float_and_mixed_columns():
    """Report CSVs carry no float noise (issue 16: ``1142.2393439999998``), also in a mixed
    column such as D2's recipe table (published text beside reproduced numbers)."""
    from qtlab.present.tables import CSV_DECIMALS, csv_ready

    frame = pd.DataFrame(
        {"x": [1142.2393439999998, 2.0], "mixed": [0.7581568161284643, "2022-06"], "n": [1, 2]}
    )
    out = csv_ready(frame)
    assert out["x"].tolist() == [round(1142.2393439999998, CSV_DECIMALS), 2.0]
    assert out["mixed"].tolist() == [0.758157, "2022-06"] and out["n"].tolist() == [1, 2]
    assert frame["mixed"].iloc[0] == 0.7581568161284643  # a copy


def test_long_tables_show_their_last_rows():
    frame = pd.DataFrame({"x [USD bn]": range(100)}, index=pd.Index(range(100), name="i"))
    html, shown = table_html(frame, max_rows=5)
    assert shown == 5 and ">99</td>" in html and ">95</td>" in html and ">94</td>" not in html


# --- the browser test --------------------------------------------------------------------
def _open(page_path: Path, screenshot: Path):
    with open_page(page_path) as (page, errors):
        graphs = page.locator(".plotly-graph-div").count()
        # drawn: plotly laid the figure out and drew at least one trace
        drawn = page.evaluate(
            "[...document.querySelectorAll('.plotly-graph-div')]"
            ".filter(d => d.querySelector('.main-svg g.trace')).length"
        )
        # traces with at least one point, per figure
        traces = page.evaluate(
            "[...document.querySelectorAll('.plotly-graph-div')]"
            ".map(d => d._fullData.filter(t => t._length > 0).length)"
        )
        links = page.eval_on_selector_all("#toc a", "els => els.map(e => e.getAttribute('href'))")
        for href in links:
            assert page.locator(href).count() == 1, href
        page.click(f"#toc a[href='{links[1]}']")
        page.wait_for_timeout(200)
        at_target = page.evaluate(
            f"Math.abs(document.querySelector('{links[1]}').getBoundingClientRect().top) < 5"
        )
        hash_ = page.evaluate("location.hash")
        headings = page.locator("section.analysis h2").all_inner_texts()
        page.screenshot(path=str(screenshot), full_page=False)
        return errors, graphs, drawn, traces, links, at_target, hash_, headings


@pytest.mark.slow  # end to end; the lowest-versions run skips it
@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_renders_in_headless_chromium(lang: str, en_report: Path, zh_report: Path, tmp_path):
    rep = en_report if lang == "en" else zh_report
    shot = tmp_path / f"report-{lang}.png"
    errors, graphs, drawn, traces, links, at_target, hash_, headings = _open(
        rep / "index.html", shot
    )
    assert errors == []
    # A3 and C1 (weekly history plus a stacked chart per QT start visible: QT1 only on the
    # eve of QT2, in the Chinese report)
    assert graphs == (4 if lang == "en" else 3) and drawn == graphs and all(n > 0 for n in traces)
    # the summary screen first (C1's reserve and ON RRP tiles), then the sections
    assert links == ["#summary", "#a3", "#c1", "#provenance"]
    assert at_target and hash_ == links[1]
    assert shot.stat().st_size > 10_000
    if lang == "zh":
        assert all(CJK.search(h) for h in headings), headings
        assert "资产负债表规模与经济总量之比" in headings[0]
    else:
        assert "Size of the balance sheet relative to the economy" in headings[0]


def _qtlab_report(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python -m qtlab report ARGS...`` in a fresh process, from this worktree's src/."""
    return subprocess.run(
        [sys.executable, "-m", "qtlab", "report", *args],
        cwd=REPO / "src",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def full_zh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every registered section, Chinese, as of the eve of QT2, PNGs: one run of the
    command line, shared by the end-to-end tests below."""
    out = tmp_path_factory.mktemp("full") / "full"
    proc = _qtlab_report("--out", str(out), "--lang", "zh", "--as-of", "2022-05-31", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "report written" in proc.stderr
    return out


@pytest.fixture(scope="module")
def full_zh_page(full_zh: Path) -> ReportPage:
    """The full Chinese report as Chromium shows it (one browser session)."""
    return read_report_page(full_zh / "index.html")


@needs_chromium
@pytest.mark.slow
def test_full_report_from_the_command_line(full_zh: Path, full_zh_page: ReportPage):
    """One end-to-end run: every registered section, Chinese, as of the eve of QT2, PNGs."""
    out = full_zh
    html = (out / "index.html").read_text(encoding="utf-8")
    for aid in ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "c1"):
        assert f'id="{aid}"' in html
    # the first screen: key numbers, each tile linking to a section of the page
    assert 'id="summary"' in html and "十亿美元" not in html[: html.index('id="a1"')]
    # money in 亿美元 everywhere (issue 16): prose, tables, figures (their JSON escapes CJK)
    assert "十亿美元" not in html and "\\u5341\\u4ebf\\u7f8e\\u5143" not in html
    # every table header is written for a reader: no bare column key such as bills_maturing
    for csv in (out / "tables").glob("*.csv"):
        header = pd.read_csv(csv, encoding="utf-8-sig", nrows=0).columns
        assert not [h for h in header if KEYED_HEADER.match(h) and h != "qtlab"], csv.name
    tiles = re.findall(r'class="tile" href="#([a-z0-9]+)"', html)
    assert len(tiles) >= 6 and all(f'id="{a}"' in html for a in tiles)
    prov = pd.read_csv(out / "tables" / "provenance.csv", encoding="utf-8-sig")
    assert "qtlab.policy: qt2-realized" in set(prov["数据集"])
    # presets and regimes read as labels in prose, tables and figures; ids only as code
    assert bare_policy_ids(html) == {}
    # every section's figures draw in the browser, with no console error
    page = full_zh_page
    assert page.errors == [] and page.figures == html.count('class="chart"')
    # every figure with data is drawn (a scorecard of realized values may be empty then)
    assert page.drawn == sum(n > 0 for n in page.traces) >= page.figures - 2
    figs = list((out / "figures").glob("*.png"))
    assert len(figs) >= 7 and len(figs) == html.count('class="chart"')
    # no history table shows a date after the vantage date (projections, B* and
    # later, run past it by design)
    date_like = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|Q\d)$")
    history = ("a1_", "a2_", "a3_", "a4_", "a5_", "a6_", "a7_", "c1_", "provenance")
    for csv in (out / "tables").glob("*.csv"):
        if not csv.name.startswith(history):
            continue
        frame = pd.read_csv(csv, encoding="utf-8-sig", dtype=str)
        for col in frame.columns:
            vals = frame[col].dropna()
            dates = vals[vals.str.match(date_like)]
            if csv.name.startswith("a1_tapers") and col != frame.columns[1]:
                continue  # policy events (runoff start 2022-06 was announced on 2022-05-04)
            if csv.name.startswith("a2_"):
                continue  # plans announced by then (their schedules run later; see test_a2_as_of)
            if csv.name == "provenance.csv" and col == "数据版本":
                continue  # the vintage kept: files fetched later than the vantage date say so
            starts = [pd.Period(d, freq="Q" if "Q" in d else "D").start_time for d in dates]
            assert all(x <= pd.Timestamp("2022-05-31") for x in starts), (csv.name, col)


@needs_chromium
@pytest.mark.slow
def test_the_chinese_report_passes_issue_16s_browser_checks(full_zh_page: ReportPage):
    """Issue 16's "done when", in Chromium, on the full Chinese report as of 2022-05-31:
    the summary screen first and linking to the sections, monthly bars centred on their
    month (read from plotly's layout of each bar), every figure's text inside its canvas,
    no column key, English header or 十亿美元 on the page, and B1's headline the stock of
    holdings maturing within 24 months (recomputed from the CUSIP file of 2022-02-16
    carried to 2022-06; the taper bought 16.9 bn of Treasuries in between), the rollover
    flow a separate note. The English report: tests/test_report_legibility.py."""
    check_done_when(full_zh_page, "zh", "2022-05-31", bought_bn=16.9)


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_cli_exits_nonzero_with_a_clear_message(tmp_path: Path):
    proc = _qtlab_report(
        "--out", str(tmp_path / "r"), "--sections", "A3,NOPE", "--no-png", timeout=120
    )
    assert proc.returncode == 2
    assert "unknown analysis 'NOPE'" in proc.stderr
    assert not (tmp_path / "r").exists()


def test_chinese_page_has_no_english_report_label(zh_report: Path):
    from qtlab.i18n import catalogue

    html = (zh_report / "index.html").read_text(encoding="utf-8")
    page = re.sub(r"<script.*?</script>", "", html, flags=re.S)  # plotly.js and figure data
    en, zh = catalogue("en"), catalogue("zh")
    leaks = []
    for key, text in en.items():
        if not key.startswith("report.") or text == zh[key]:
            continue
        for raw in re.split(r"{[^}]*}", text):
            piece = raw.strip(" ,.:;()")
            if len(piece) >= 6 and re.search(r"[a-z]{3}", piece) and piece in page:
                leaks.append((key, piece))
    assert leaks == []
    assert CJK.search(page)


def test_unwritable_destination_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(QtlabError, match="cannot write the report"):
        build_report(blocker / "rep", sections=["A7"], png=False)


def test_gap_keys_take_their_values_from_the_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``meta['gaps']`` may name a catalogue key; its values come from the note with that key."""
    from qtlab.analyses.computed import Fact
    from qtlab.analyses.result import notes_of

    def gappy(ctx: object) -> Computed:
        return Computed(id="Z6", notes=(Fact("a6.gap.mbs", {"ids": "x.y"}),))

    def render_gappy(c: Computed, lang: str) -> AnalysisResult:
        notes = tuple(notes_of(c, lang))
        return AnalysisResult(
            id="Z6", title="gappy", lang=lang, notes=notes, meta={"gaps": ["a6.gap.mbs"]}
        )

    def broken(ctx: object) -> Computed:
        return Computed(id="Z5")

    def render_broken(c: Computed, lang: str) -> AnalysisResult:
        return AnalysisResult(id="Z5", title="broken", lang=lang, meta={"gaps": ["a6.gap.mbs"]})

    monkeypatch.setitem(result._REGISTRY, "Z6", AnalysisSpec("Z6", "test", 996, gappy))
    monkeypatch.setitem(result._REGISTRY, "Z5", AnalysisSpec("Z5", "test", 997, broken))
    monkeypatch.setitem(result._RENDERERS, "Z6", render_gappy)
    monkeypatch.setitem(result._RENDERERS, "Z5", render_broken)
    out = build_report(tmp_path / "ok", sections=["Z6"], png=False)
    assert "A store series with id x.y" in out.index.read_text(encoding="utf-8")
    with pytest.raises(QtlabError, match=r"Z5: meta\['gaps'\] names 'a6.gap.mbs'"):
        build_report(tmp_path / "bad", sections=["Z5"], png=False)
    assert not (tmp_path / "bad").exists()


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_a_second_build_lists_the_same_provenance(tmp_path: Path):
    """Each build reads, and records, in a run context of its own: a second build of C3 in
    the same process once listed 14 provenance rows instead of 23 (12 of 20 when the bug
    was found), because caches kept across builds served the engine runs without the
    reads the appendix is made from."""
    rows = []
    for i in range(2):
        out = build_report(tmp_path / f"r{i}", sections=["C3"], as_of="2022-05-31", png=False)
        rows.append((out.out_dir / "tables" / "provenance.csv").read_text(encoding="utf-8-sig"))
    assert rows[0] == rows[1]
    assert len(rows[0].splitlines()) - 1 >= 23
