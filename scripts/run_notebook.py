"""Execute a notebook from top to bottom, writing its outputs back into it.

Any cell that raises fails the run (exit 1, the cell and the error printed), so CI
catches a tutorial that no longer runs. The kernel is this interpreter's
(``ipykernel``). Run from the repository root::

    python scripts/run_notebook.py docs/tutorial.ipynb [--timeout 600]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook", type=Path)
    ap.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = ap.parse_args(argv)
    path: Path = args.notebook
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    t0 = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        print(f"{path}: a cell failed:\n{exc}", file=sys.stderr)
        return 1
    tmp = path.with_name(path.name + ".tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)  # atomic: the notebook is whole or untouched
    print(f"{path}: {len(nb.cells)} cells executed in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
