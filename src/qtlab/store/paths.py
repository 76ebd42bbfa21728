"""Where qtlab keeps things: the user's store and the packaged snapshot."""

from __future__ import annotations

import os
from importlib.resources import as_file, files
from pathlib import Path

from platformdirs import user_cache_dir

__all__ = ["DATA_DIR_ENV", "data_dir", "packaged_snapshot_dir"]

#: Environment variable that overrides the store directory.
DATA_DIR_ENV = "QTLAB_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The directory of the local store.

    Precedence: ``override`` (the CLI's ``--data-dir``), then the environment
    variable ``QTLAB_DATA_DIR``, then the user cache directory given by
    platformdirs (e.g. ``~/.cache/qtlab`` on Linux). The directory is not created here.
    """
    if override is not None:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(user_cache_dir("qtlab", appauthor=False))


def packaged_snapshot_dir() -> Path:
    """The directory of the embedded snapshot inside the installed package (read-only)."""
    res = files("qtlab.data") / "snapshot"
    with as_file(res) as p:  # a real directory for regular (wheel or editable) installs
        return Path(p)
