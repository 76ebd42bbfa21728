"""The one reader of YAML a user passes (policy, issuance mix, forecast files).

Every way such a file can be wrong becomes a :class:`~qtlab.errors.SpecError` naming
the file and the expected form: not found or unreadable, larger than
:data:`MAX_YAML_BYTES`, not UTF-8, not YAML, or nested so deeply that the parser
would exhaust the stack (``[[[[...`` 50,000 levels deep raised ``RecursionError``).
Parsing uses :func:`yaml.safe_load` (no Python objects are ever built).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Final

import yaml

from qtlab.errors import SpecError, quoted

__all__ = ["MAX_YAML_BYTES", "parse_yaml", "read_yaml"]

#: The largest YAML file qtlab reads [bytes]; its own files are a few kB.
MAX_YAML_BYTES: Final = 5_000_000


def parse_yaml(data: bytes | str, *, where: str, form: str) -> Any:
    """The YAML document in ``data``; ``where`` names it in errors (e.g. ``policy file
    'p.yaml'``), ``form`` says what was expected."""
    if len(data) > MAX_YAML_BYTES:
        _too_large(where, len(data), form)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError(
                f"{where}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
                f"save the file as UTF-8; expected {form}"
            ) from exc
    else:
        text = data
    try:
        return yaml.safe_load(text)
    except RecursionError as exc:
        raise SpecError(
            f"{where}: nested too deeply to read (lists or mappings inside each other "
            f"thousands of levels deep); expected {form}"
        ) from exc
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        detail = detail if len(detail) <= 300 else detail[:300] + " ..."
        raise SpecError(f"{where}: not a YAML file ({detail}); expected {form}") from exc


def _too_large(where: str, size: int, form: str) -> None:
    raise SpecError(
        f"{where}: {size:,} bytes, more than the {MAX_YAML_BYTES:,} a YAML input may have; "
        f"expected {form}"
    )


def read_yaml(path: str | os.PathLike[str], *, what: str, form: str) -> Any:
    """The YAML document in the file ``path``; errors name it as ``<what> '<path>'``."""
    p = Path(path)
    where = f"{what} {quoted(str(p))}"
    try:
        size = p.stat().st_size
        if size > MAX_YAML_BYTES:
            _too_large(where, size, form)
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise SpecError(f"{where}: cannot read the file (no such file); expected {form}") from exc
    except OSError as exc:  # a directory, no permission
        raise SpecError(
            f"{where}: cannot read it ({exc.strerror or exc}); expected {form}"
        ) from exc
    return parse_yaml(data, where=where, form=form)
