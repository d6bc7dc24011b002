"""Each lesson notebook has a text source a reviewer can diff, holding the same cells (issue 13 §5).

jupytext.toml pairs every notebooks/**/X.ipynb with X.md (MyST Markdown, no outputs); `make notebooks`
writes the .ipynb from the text and executes it. These tests fail when the two drift apart.
"""

import copy
from pathlib import Path

import jupytext
import pytest
from jupytext.config import load_jupytext_config
from jupytext.paired_paths import paired_paths

ROOT = Path(__file__).resolve().parents[1]
# The same notebooks as NOTEBOOKS in the Makefile.
NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "notebooks" / "teacher").glob("*.ipynb")])
FIX = "Run `make notebooks` (jupytext --sync: the newer file of the pair wins; then every notebook is executed)."


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def text_source(notebook: Path) -> Path:
    """The text file jupytext.toml pairs with ``notebook``."""
    config = load_jupytext_config(str(notebook))
    formats = config.default_formats(str(notebook)) if config else None
    assert formats, f"{_rel(notebook)}: jupytext.toml pairs it with no text file"
    others = [
        Path(p) for p, fmt in paired_paths(str(notebook), "ipynb", formats) if fmt["extension"] != ".ipynb"
    ]
    assert len(others) == 1, f"{_rel(notebook)}: expected one paired text format, got {formats}"
    return others[0]


def _excerpt(source: str) -> str:
    return repr(source if len(source) <= 160 else source[:157] + "...")


def first_difference(notebook, text) -> str | None:
    """Where two notebooks' cells first differ (cell type or source; outputs and metadata are ignored),
    as a sentence naming the cell (1-based, as in `cramp-lessons check`), or None when they hold the
    same cells."""
    a, b = notebook.cells, text.cells
    for k, (x, y) in enumerate(zip(a, b, strict=False), 1):
        if x.cell_type != y.cell_type:
            return f"cell {k} is {x.cell_type} in the notebook, {y.cell_type} in the text"
        if x.source != y.source:
            lx, ly = x.source.splitlines(), y.source.splitlines()
            if lx == ly:
                return f"cell {k} ({x.cell_type}) differs only in its line endings or final newline"
            n = next(
                (i for i, (p, q) in enumerate(zip(lx, ly, strict=False)) if p != q), min(len(lx), len(ly))
            )
            first_x = lx[n] if n < len(lx) else "(end of cell)"
            first_y = ly[n] if n < len(ly) else "(end of cell)"
            return (
                f"cell {k} ({x.cell_type}) differs at its line {n + 1}:\n"
                f"    notebook: {_excerpt(first_x)}\n    text:     {_excerpt(first_y)}"
            )
    if len(a) != len(b):
        k = min(len(a), len(b))
        where, extra = ("notebook", a[k]) if len(a) > len(b) else ("text", b[k])
        return (
            f"{len(a)} cells in the notebook, {len(b)} in the text; "
            f"cell {k + 1} ({extra.cell_type}) is only in the {where}: {_excerpt(extra.source)}"
        )
    return None


def test_every_notebook_is_listed():
    assert len(NOTEBOOKS) >= 12, [_rel(p) for p in NOTEBOOKS]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_and_its_text_source_hold_the_same_cells(notebook):
    text = text_source(notebook)
    assert text.exists(), f"{_rel(notebook)} has no text source {_rel(text)}. {FIX}"
    difference = first_difference(jupytext.read(notebook), jupytext.read(text))
    assert difference is None, f"{_rel(notebook)} and {_rel(text)}: {difference}\n{FIX}"


def test_every_text_source_has_its_notebook():
    """A MyST notebook in notebooks/ with no .ipynb beside it is a new lesson not yet generated;
    plain Markdown files (the teacher guide) are no notebooks and stay unpaired."""
    sources = [*(ROOT / "notebooks").glob("*.md"), *(ROOT / "notebooks" / "teacher").glob("*.md")]
    myst = [
        p
        for p in sources
        if jupytext.read(p).metadata.get("jupytext", {}).get("text_representation", {}).get("format_name")
        == "myst"
    ]
    paired = {t for nb in NOTEBOOKS if (t := text_source(nb)).exists()}
    assert paired <= set(myst), f"not MyST Markdown: {sorted(_rel(p) for p in paired - set(myst))}"
    orphans = [_rel(p) for p in myst if not p.with_suffix(".ipynb").exists()]
    assert not orphans, f"text sources without their notebook: {orphans}. {FIX}"


def test_text_sources_hold_no_outputs():
    for notebook in NOTEBOOKS:
        text = text_source(notebook).read_text(encoding="utf-8")
        for marker in ('"outputs"', "execution_count", "image/png", "application/vnd."):
            assert marker not in text, f"{_rel(text_source(notebook))} holds outputs ({marker})"


# The check itself: a pair that differs is reported, with the cell that differs.


@pytest.fixture(scope="module")
def pair():
    notebook = NOTEBOOKS[1]  # a lesson: Markdown and code cells, with outputs
    return jupytext.read(notebook), jupytext.read(text_source(notebook))


def test_the_same_cells_are_no_difference(pair):
    notebook, text = pair
    assert any(c.get("outputs") for c in notebook.cells)  # outputs and metadata are not compared
    assert first_difference(notebook, text) is None


def test_a_changed_markdown_cell_is_reported_with_its_number_and_line(pair):
    notebook, text = pair
    text = copy.deepcopy(text)
    k = next(i for i, c in enumerate(text.cells) if c.cell_type == "markdown" and i > 0)
    lines = text.cells[k].source.splitlines()
    lines[-1] += " A sentence the reviewer added."
    text.cells[k].source = "\n".join(lines)
    report = first_difference(notebook, text)
    assert report is not None
    assert report.startswith(f"cell {k + 1} (markdown) differs at its line {len(lines)}:")
    assert "A sentence the reviewer added." in report


def test_a_changed_cell_type_a_final_newline_and_a_missing_cell_are_reported(pair):
    notebook, text = pair
    k = next(i for i, c in enumerate(text.cells) if c.cell_type == "code")
    retyped = copy.deepcopy(text)
    retyped.cells[k].cell_type = "markdown"
    assert (
        first_difference(notebook, retyped) == f"cell {k + 1} is code in the notebook, markdown in the text"
    )
    newline = copy.deepcopy(text)
    newline.cells[k].source += "\n"
    assert (
        first_difference(notebook, newline)
        == f"cell {k + 1} (code) differs only in its line endings or final newline"
    )
    shorter = copy.deepcopy(text)
    del shorter.cells[-1]
    report = first_difference(notebook, shorter)
    assert report is not None
    assert report.startswith(f"{len(text.cells)} cells in the notebook, {len(text.cells) - 1} in the text; ")
    assert f"cell {len(text.cells)} ({text.cells[-1].cell_type}) is only in the notebook" in report
