"""Execute notebooks top to bottom on a fresh kernel and store their outputs.

Widget state is not stored (a FigureWidget would embed ~5 MB of JavaScript), and the
progress store is a fresh temporary one, so stored outputs are the same on every machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(paths: list[str]) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["CRAMP_LESSONS_HOME"] = home
        for p in paths:
            print(f"{p}: {execute(Path(p)):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
