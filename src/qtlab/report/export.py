"""Static PNG export of Plotly figures through one headless browser.

Kaleido (v1 and later) drives an installed Chrome or Chromium. :class:`PngExporter`
opens ONE export server for many figures (starting the browser costs seconds;
each figure then takes a fraction of a second) and closes it on exit. Everything
is local: the plotly.js that ships with plotly.py is used and MathJax is off, so
export works with no network, on a machine whose only browser is Debian's
``chromium``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import kaleido

from qtlab.errors import QtlabError

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["PNG_HEIGHT", "PNG_SCALE", "PNG_WIDTH", "PngExporter", "find_browser"]

#: Slide-sized export: 1200 x 675 CSS pixels (16:9), rendered at 2x.
PNG_WIDTH = 1200
PNG_HEIGHT = 675
PNG_SCALE = 2.0

_CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)


def find_browser() -> Path:
    """The Chrome/Chromium executable to export with.

    ``BROWSER_PATH`` wins when set; otherwise the first of ``chromium``,
    ``chromium-browser``, ``google-chrome`` ... found on ``PATH``.

    Raises
    ------
    QtlabError
        If none is found; the message says how to install one.
    """
    env = os.environ.get("BROWSER_PATH")
    if env:
        p = Path(env)
        if p.is_file():
            return p
        raise QtlabError(
            f"BROWSER_PATH={env!r} is not a file; point it at a Chrome or Chromium executable "
            "or unset it"
        )
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise QtlabError(
        "PNG export needs Chrome or Chromium and none was found on PATH (looked for "
        + ", ".join(_CANDIDATES)
        + "). On Debian/Ubuntu: `apt-get install -y chromium fonts-noto-cjk`; "
        "or set BROWSER_PATH; `qtlab report --no-png` skips the PNG files"
    )


class PngExporter:
    """Write Plotly figures as PNG files through one kaleido export server.

    Use as a context manager::

        with PngExporter() as png:
            png.write(fig, "out/a1.png")

    Parameters
    ----------
    browser
        The browser executable (default: :func:`find_browser`).
    width, height, scale
        Image size in CSS pixels for figures whose layout sets none, and the
        device scale factor.
    timeout
        Seconds allowed per figure.
    """

    def __init__(
        self,
        browser: str | os.PathLike[str] | None = None,
        *,
        width: int = PNG_WIDTH,
        height: int = PNG_HEIGHT,
        scale: float = PNG_SCALE,
        timeout: float = 60.0,
    ) -> None:
        self.browser = Path(browser) if browser is not None else find_browser()
        self.width = width
        self.height = height
        self.scale = scale
        self.timeout = timeout
        self._open = False

    def __repr__(self) -> str:
        return (
            f"PngExporter(browser={str(self.browser)!r}, size={self.width}x{self.height}, "
            f"scale={self.scale}, open={self._open})"
        )

    def __enter__(self) -> PngExporter:
        kaleido.start_sync_server(
            path=str(self.browser), mathjax=False, timeout=self.timeout, silence_warnings=True
        )
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the export server (the browser process); safe to call twice."""
        if self._open:
            kaleido.stop_sync_server(silence_warnings=True)
            self._open = False

    def write(self, fig: go.Figure, path: str | os.PathLike[str]) -> Path:
        """Render ``fig`` to the PNG file ``path`` and return the path.

        Raises
        ------
        QtlabError
            If the exporter is not open, or the browser fails to render.
        """
        if not self._open:
            raise QtlabError("PngExporter is not open; use it as `with PngExporter() as png:`")
        out = Path(path)
        opts: dict[str, Any] = {
            "format": "png",
            "width": fig.layout.width or self.width,
            "height": fig.layout.height or self.height,
            "scale": self.scale,
        }
        try:
            kaleido.write_fig_sync(fig, path=str(out), opts=opts)
        except Exception as exc:  # kaleido/choreographer raise many types; re-raise as ours
            raise QtlabError(f"PNG export of {out.name} failed: {exc}") from exc
        if not out.is_file() or out.stat().st_size == 0:
            raise QtlabError(f"PNG export of {out.name} wrote no image")
        return out
