"""Stored notebook outputs hold on any CPU: nbval compares what a learner reads, never figure arrays."""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbval.plugin import IPyNbFile

from tests.nbval_policy import FIGURE_MIMES

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
# nbval's own defaults (set in IPyNbFile.__init__) plus ours; read from nbval, not copied.
NBVAL_DEFAULT_SKIPS = ("application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg")
# A float printed with 7+ decimals is a raw number, not text a learner reads; its last digits depend on the CPU.
RAW_FLOAT = re.compile(r"\d\.\d{7,}")


def _compared(data):
    return {k: v for k, v in data.items() if k not in (*NBVAL_DEFAULT_SKIPS, *FIGURE_MIMES)}


def test_nbval_default_skips_are_what_this_file_assumes():
    src = Path(sys.modules[IPyNbFile.__module__].__file__).read_text()
    for mime in NBVAL_DEFAULT_SKIPS:
        assert f"'{mime}'" in src, f"nbval no longer skips {mime}: review tests/nbval_policy.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_compared_outputs_are_text_without_raw_floats(path):
    nb = json.loads(path.read_text())
    for k, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] if out["output_type"] == "stream" else []
            for mime, value in _compared(out.get("data", {})).items():
                assert isinstance(value, (str, list)), (
                    f"{path.name} cell {k}: nbval would compare {mime} as data"
                )
                texts.append(value)
            for text in texts:
                text = "".join(text) if isinstance(text, list) else text
                assert not RAW_FLOAT.search(text), (
                    f"{path.name} cell {k}: raw float in compared text: {text[:120]}"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stored_figure_has_a_text_summary_that_nbval_compares(path):
    nb = json.loads(path.read_text())
    for k, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if any(m in data for m in FIGURE_MIMES):
                summary = "".join(data.get("text/plain", ""))
                assert len(summary) > 40 and not summary.startswith("Figure("), f"{path.name} cell {k}"


def _figure_notebook(tmp_path, stored_x, stored_summary):
    """One cell that shows a figure of sin(0.1) with a summary; its stored output is given."""
    source = (
        "import math\n"
        "from IPython.display import display\n"
        "display({'application/vnd.plotly.v1+json': {'data': [{'x': [math.sin(0.1)]}]},\n"
        "         'text/plain': 'A point at sin(0.1)'}, raw=True)"
    )
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    data = {FIGURE_MIMES[0]: {"data": [{"x": [stored_x]}]}, "text/plain": stored_summary}
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "figure.ipynb"
    nbformat.write(nb, path)
    return path


def _nbval(path, *plugins):
    args = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q"]
    for p in plugins:
        args += ["-p", p]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*args, str(path)], cwd=path.parent, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_figure_whose_last_bit_differs_passes_but_a_changed_summary_fails(tmp_path):
    # The stored x differs from this CPU's sin(0.1) in the last bit, as on a CPU with other SIMD features.
    other_cpu = float(np.nextafter(math.sin(0.1), 1.0))
    same = _figure_notebook(tmp_path, other_cpu, "A point at sin(0.1)")
    assert _nbval(same, "tests.nbval_policy").returncode == 0
    # Without the policy nbval would compare the array and fail: the test above is not vacuous.
    assert _nbval(same).returncode == 1
    changed = _figure_notebook(tmp_path, other_cpu, "A point at sin(0.2)")
    assert _nbval(changed, "tests.nbval_policy").returncode == 1
