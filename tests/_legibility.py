"""A report page as a reader sees it, read in headless Chromium in one session.

:func:`read_report_page` opens ``index.html`` from file:// and returns what the
browser tests of issue 16's "done when" assert on (``tests/test_report.py`` for the
Chinese full report, ``tests/test_report_legibility.py`` for the English one):

- legibility at slide width (the page at 1280 px, as a figure is pasted into a slide):
  every text of every Plotly figure (titles, axis titles, tick labels, legend entries,
  annotations) lies inside the figure's canvas, and no two labels (titles, legend
  entries, annotations) cover each other by more than a fifth of the smaller one;
- monthly bars (and the monthly points of B1, B2, B4 and F1) centred on their month:
  read from plotly's own layout of each trace (``calcdata``: a bar's centre ``p`` and
  edges ``p0``/``p1`` in ms), each bar must lie inside the calendar month of its centre,
  within two days of the month's middle;
- the summary screen: the first thing in ``<main>``, its tiles on the first screen,
  each linking to a section of the page;
- the table headers, the notes of each section and the page's text (HTML and the
  figures' SVG), for the words a reader sees;
- console errors and requests off the page, and how many figures plotly drew.
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: Every figure's texts inside its canvas, and no label on another (any plotly graph: the
#: report's and the dashboard's).
LEGIBILITY_JS = r"""
() => {
  const out = [];
  const inter = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
                          Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const label = /annotation|legendtext|gtitle|xtitle|ytitle/;
  for (const d of document.querySelectorAll('.js-plotly-plot')) {
    const c = d.getBoundingClientRect();
    const texts = [...d.querySelectorAll('svg text')]
      .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none')
      .map(t => {
        const g = t.closest('g[class]');
        return {r: t.getBoundingClientRect(), s: t.textContent.trim(),
                cls: (t.getAttribute('class') || '') + ' ' + (g ? g.getAttribute('class') : '')};
      })
      .filter(o => o.r.width > 0 && o.r.height > 0);
    const outside = texts.filter(o => o.r.left < c.left - 1 || o.r.right > c.right + 1 ||
                                      o.r.top < c.top - 1 || o.r.bottom > c.bottom + 1)
      .map(o => o.s.slice(0, 60));
    const labels = texts.filter(o => label.test(o.cls));
    const overlaps = [];
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i].r, b = labels[j].r;
      if (inter(a, b) > 0.2 * Math.min(a.width * a.height, b.width * b.height))
        overlaps.push([labels[i].s.slice(0, 40), labels[j].s.slice(0, 40)]);
    }
    out.push({id: d.id, outside, overlaps});
  }
  return out;
}
"""

#: Monthly values on a date axis: every bar (and every point of the sections in
#: ``points``) inside its calendar month, within two days of its middle.
MONTHS_JS = r"""
(points) => {
  const DAY = 864e5, SLACK = 36e5;  // an hour of slack at the month's boundaries
  const month = ms => {
    const d = new Date(ms);
    return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
            Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
  };
  const iso = ms => new Date(ms).toISOString().slice(0, 10);
  const checked = [], off = [];
  for (const d of document.querySelectorAll('.js-plotly-plot')) {
    // a report section (b1) or the dashboard's explorer section (x-b1)
    const sec = d.closest('section') ? d.closest('section').id.replace(/^x-/, '') : '';
    (d.calcdata || []).forEach((cd, i) => {
      const tr = d._fullData[i];
      const ax = tr && tr.xaxis && d._fullLayout['xaxis' + tr.xaxis.slice(1)];
      if (!ax || ax.type !== 'date' || tr.visible !== true || tr.orientation === 'h') return;
      const bar = tr.type === 'bar';
      if (!bar && !(tr.type === 'scatter' && points.includes(sec))) return;
      const pts = cd.map(c => ({p: bar ? c.p : c.x, p0: c.p0, p1: c.p1}))
        .filter(o => Number.isFinite(o.p));
      const xs = [...new Set(pts.map(o => o.p))].sort((a, b) => a - b);
      if (xs.length < 3) return;
      const gaps = xs.slice(1).map((x, k) => x - xs[k]).sort((a, b) => a - b);
      const gap = gaps[Math.floor(gaps.length / 2)] / DAY;
      if (gap < 27 || gap > 32) return;  // not a monthly series
      checked.push({sec, name: tr.name, type: tr.type});
      const bad = pts.find(o => {
        const [a, b] = month(o.p);
        if (Math.abs(o.p - (a + b) / 2) > 2 * DAY) return true;
        return bar && (o.p0 < a - SLACK || o.p1 > b + SLACK);
      });
      if (bad) off.push({sec, name: tr.name, type: tr.type, x: iso(bad.p),
                         from: bar ? iso(bad.p0) : null, to: bar ? iso(bad.p1) : null});
    });
  }
  return {checked, off};
}
"""

_READ = r"""
() => {
  const text = el => (el.innerText || el.textContent || '').trim();
  const main = document.querySelector('main');
  const s = document.querySelector('#summary');
  let summary = null;
  if (s) {
    const r = s.getBoundingClientRect();
    const tiles = [...s.querySelectorAll('a.tile')].map(a => {
      const q = a.getBoundingClientRect();
      const href = a.getAttribute('href') || '';
      const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
      return {href, top: q.top, bottom: q.bottom, value: text(a.querySelector('.tile-value')),
              target: target && target.matches('section.analysis') ? target.id : null};
    });
    summary = {top: r.top, bottom: r.bottom, tiles};
  }
  const notes = {};
  for (const sec of document.querySelectorAll('section.analysis'))
    notes[sec.id] = [...sec.querySelectorAll('ul.notes > li')].map(text);
  return {
    first: main && main.firstElementChild ? main.firstElementChild.id : null,
    viewport: window.innerHeight,
    scrolled: window.scrollY,
    summary,
    headers: [...document.querySelectorAll('main table th')].map(text).filter(Boolean),
    notes,
    text: document.body.innerText,
    svg: [...document.querySelectorAll('.plotly-graph-div svg text')].map(t => t.textContent),
    figures: document.querySelectorAll('.plotly-graph-div').length,
    drawn: [...document.querySelectorAll('.plotly-graph-div')]
      .filter(d => d.querySelector('.main-svg g.trace')).length,
    traces: [...document.querySelectorAll('.plotly-graph-div')]
      .map(d => d._fullData.filter(t => t._length > 0).length),
  };
}
"""

#: Sections whose monthly points (lines, not only bars) must sit mid-month (issue 16).
MONTHLY_POINTS = ("b1", "b2", "b4", "f1")


@dataclass(frozen=True)
class ReportPage:
    """What a reader sees on a report page (see the module docstring)."""

    errors: list[str]
    figures: int
    drawn: int
    traces: list[int]
    illegible: list[dict[str, Any]]
    month_checked: list[dict[str, Any]]
    off_month: list[dict[str, Any]]
    first: str | None
    viewport: int
    summary: dict[str, Any] | None
    headers: list[str]
    notes: dict[str, list[str]]
    text: str
    svg: list[str]


def _wait_for_figures(page: Any) -> None:
    page.wait_for_function(
        "[...document.querySelectorAll('.plotly-graph-div')]"
        ".every(d => d._fullLayout && d.querySelector('.main-svg'))",
        timeout=60_000,
    )
    page.wait_for_timeout(300)


@contextmanager
def open_page(
    page_path: Path, *, width: int = 1280, height: int = 900
) -> Iterator[tuple[Any, list[str]]]:
    """A Chromium page at ``width`` x ``height`` px showing ``page_path`` with its figures
    drawn, and the list its console errors, page errors and network requests go to."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: (
                    errors.append(f"network request {r.url}")
                    if not r.url.startswith(("file:", "data:", "blob:", "about:"))
                    else None
                ),
            )
            page.goto(page_path.as_uri())
            _wait_for_figures(page)
            yield page, errors
        finally:
            browser.close()


def read_report_page(page_path: Path, *, width: int = 1280, height: int = 900) -> ReportPage:
    """Open ``page_path`` at ``width`` x ``height`` px and read it (one Chromium session)."""
    with open_page(page_path, width=width, height=height) as (page, errors):
        seen: dict[str, Any] = page.evaluate(_READ)  # before anything scrolls
        legible: list[dict[str, Any]] = page.evaluate(LEGIBILITY_JS)
        months: dict[str, Any] = page.evaluate(MONTHS_JS, list(MONTHLY_POINTS))
    return ReportPage(
        errors=errors,
        figures=seen["figures"],
        drawn=seen["drawn"],
        traces=seen["traces"],
        illegible=[f for f in legible if f["outside"] or f["overlaps"]],
        month_checked=months["checked"],
        off_month=months["off"],
        first=seen["first"],
        viewport=seen["viewport"],
        summary=seen["summary"],
        headers=seen["headers"],
        notes=seen["notes"],
        text=seen["text"],
        svg=seen["svg"],
    )


# --- what issue 16's done-when asks of a page ----------------------------------------------
#: A column key shown as a header (``bills_maturing [USD bn]``), never what a reader sees.
KEYED_HEADER = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]( \[.*\])?$")
#: Headers written the same in every language: the program's name and symbols, percentiles.
LANGUAGE_FREE = re.compile(r"^(qtlab|PIT|R²|\d+%)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AMOUNT = re.compile(r"([+-]?\d[\d,]*(?:\.(\d+))?) ?(万亿美元|亿美元|bn\b)")
_SCALE = {"万亿美元": 1000.0, "亿美元": 0.1, "bn": 1.0}


def untranslated_headers(headers: list[str], lang: str) -> list[str]:
    """Headers a reader of ``lang`` should not see: column keys, and in Chinese a header
    with an English word and no Chinese (language-free ones, :data:`LANGUAGE_FREE`, aside)."""
    bad = [h for h in headers if KEYED_HEADER.match(h) and not LANGUAGE_FREE.match(h)]
    if lang == "zh":
        bad += [
            h
            for h in headers
            if not _CJK.search(h) and re.search(r"[A-Za-z]{3}", h) and not LANGUAGE_FREE.match(h)
        ]
    return sorted(set(bad))


def amounts_bn(text: str) -> list[tuple[float, float]]:
    """The money amounts of a sentence as (value, half its last shown digit) [USD bn]:
    ``1.97 万亿美元`` is (1970.0, 5.0), ``3260 亿美元`` (326.0, 0.05), ``1,497 bn`` (1497, 0.5)."""
    out = []
    for num, dec, unit in _AMOUNT.findall(text):
        scale = _SCALE[unit]
        out.append((float(num.replace(",", "")) * scale, 0.5 * 10.0 ** -len(dec) * scale))
    return out


def labelled(notes: list[str], key: str, lang: str) -> list[str]:
    """The notes that start with the label of catalogue entry ``key`` (its words before the
    first colon: ``存量`` / ``Stock``)."""
    from qtlab.i18n import catalogue

    label = re.split("[:：]", catalogue(lang)[key], maxsplit=1)[0]
    return [n for n in notes if n.startswith(label)]


def _file_stock(ctx: Any, start: Any) -> tuple[float, float]:
    """Par + TIPS compensation of the CUSIP file's Treasury holdings maturing within 24
    months from ``start``, and of those maturing between the file and ``start`` [USD bn]."""
    import pandas as pd

    h = ctx.holdings(["bill", "note_bond", "tips", "frn"])
    m = pd.to_datetime(h["maturity"])
    amt = h["par"] + h["inflation_comp"].fillna(0.0)
    a, b = start.start_time, (start + 24).start_time
    return float(amt[(m >= a) & (m < b)].sum()), float(amt[(m > h["as_of"].max()) & (m < a)].sum())


def b1_headline_problems(
    page: ReportPage, as_of: str | None, lang: str, *, bought_bn: float | None = None
) -> list[str]:
    """What is wrong with B1's headline on ``page``: it must be the stock of Treasury
    holdings at the start maturing within 24 months, recomputed here from the holdings
    with the runs API (:func:`qtlab.runs.ladder.ladder` from B1's start,
    :func:`qtlab.runs.forward.run_start`), and the rollover flow a separate note.

    The stock is also bounded by the CUSIP file itself: at least the file's securities
    maturing in the window (still held at the start: caps act only on what matures),
    and, given ``bought_bn`` (the purchases between the file and the start), at most
    that plus what matured in between and was rolled over.
    """
    from qtlab.runs import RunContext
    from qtlab.runs.forward import run_start
    from qtlab.runs.ladder import ladder
    from qtlab.runs.runoff import as_policy

    with RunContext(as_of) as ctx:
        start, pol = run_start(ctx, as_policy(None, ctx.as_of), None)
        _, summ = ladder(ctx, pol, start, 24)
        own, rolled = _file_stock(ctx, start)
    notes = page.notes.get("b1", [])
    stock = labelled(notes, "b1.note.maturing", lang)
    flow = labelled(notes, "b1.note.flow", lang)
    if len(stock) != 1 or len(flow) != 1 or stock == flow:
        return [f"B1 needs one stock note and one flow note, got {notes}"]
    out = []
    for name, note, want in (
        ("stock", stock[0], summ["stock_maturing_24m"]),
        ("flow", flow[0], summ["flow_maturing"]),
    ):
        got, tol = amounts_bn(note)[0]
        if abs(got - want) > tol + 1e-9:
            out.append(f"B1's {name} reads {got:,.1f} bn, the holdings give {want:,.1f}: {note}")
        if str(start) not in note and name == "stock":
            out.append(f"B1's stock does not name its start {start}: {note}")
    top = math.inf if bought_bn is None else own + rolled + bought_bn
    if not own <= summ["stock_maturing_24m"] <= top:
        out.append(f"B1's stock {summ['stock_maturing_24m']:,.1f} bn is outside [{own}, {top}]")
    if abs(summ["flow_maturing"] - summ["stock_maturing_24m"]) < 100:
        out.append("the flow and the stock are too close to tell which the headline shows")
    return out


def check_done_when(
    page: ReportPage, lang: str, as_of: str | None, *, bought_bn: float | None = None
) -> None:
    """Assert issue 16's done-when checks of a full report page in ``lang`` (built at
    ``as_of``): the summary screen first, its tiles on the first screen and linking to
    sections; monthly bars centred on their month; every figure's text inside its canvas;
    no column key or untranslated header; no 十亿美元; B1's headline the stock."""
    assert page.errors == []
    # the summary screen: the first thing in <main>, all of it on the first screen
    assert page.first == "summary" and page.summary is not None
    tiles = page.summary["tiles"]
    assert len(tiles) >= 6, tiles
    assert page.summary["top"] >= 0 and page.summary["bottom"] <= page.viewport, page.summary
    assert all(t["target"] == t["href"][1:] for t in tiles), tiles  # each links to a section
    assert all(t["value"] for t in tiles)
    # monthly bars on their month (the bars of A1, A8, B1-B3 at least, B1/B2/B4/F1 points)
    kinds = {(c["sec"], c["type"]) for c in page.month_checked}
    assert {("a1", "bar"), ("a8", "bar"), ("b1", "bar"), ("b2", "bar"), ("f1", "scatter")} <= kinds
    assert page.off_month == [], page.off_month
    # every figure drawn and legible: no text outside its canvas, no labels on labels
    assert page.figures >= 30 and page.illegible == [], page.illegible
    # headers written for a reader
    assert len(page.headers) > 100 and untranslated_headers(page.headers, lang) == []
    if lang == "zh":
        assert "十亿美元" not in page.text and not [s for s in page.svg if "十亿美元" in s]
        assert "亿美元" in page.text
    assert b1_headline_problems(page, as_of, lang, bought_bn=bought_bn) == []
