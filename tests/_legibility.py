"""A legibility check of every figure on a report page, in headless Chromium.

At slide width (the page at 1280 px, as a figure is pasted into a slide), every text
of every Plotly figure (titles, axis titles, tick labels, legend entries, annotations)
must lie inside the figure's canvas, and no two labels (titles, legend entries,
annotations) may cover each other by more than a fifth of the smaller one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

_CHECK = r"""
() => {
  const out = [];
  const inter = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
                          Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const label = /annotation|legendtext|gtitle|xtitle|ytitle/;
  for (const d of document.querySelectorAll('.plotly-graph-div')) {
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


def illegible_figures(page_path: Path, *, width: int = 1280) -> tuple[int, list[dict[str, Any]]]:
    """(number of figures, the figures with text outside the canvas or overlapping labels)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(page_path.as_uri())
            page.wait_for_function(
                "[...document.querySelectorAll('.plotly-graph-div')]"
                ".every(d => d._fullLayout && d.querySelector('.main-svg'))",
                timeout=60_000,
            )
            page.wait_for_timeout(300)
            found: list[dict[str, Any]] = page.evaluate(_CHECK)
        finally:
            browser.close()
    return len(found), [f for f in found if f["outside"] or f["overlaps"]]
