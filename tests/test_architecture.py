"""docs/architecture.md describes the tree that is there, in the order import-linter enforces."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cramp_lessons"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _sections() -> dict[str, str]:
    """Each ``### `name` `` section of the folder list, in order, with its text."""
    part = DOC.split("## The folders, lowest layer first", 1)[1].split("\n## ", 1)[0]
    chunks = re.split(r"^### `([^`]+)`\s*$", part, flags=re.M)[1:]
    return dict(zip(chunks[::2], chunks[1::2], strict=True))


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return contract["layers"]


def test_the_folder_list_is_the_layer_order_bottom_up():
    names = [n.removesuffix("/").removesuffix(".py") for n in _sections()]
    assert names == _layers()[::-1]


def test_every_part_of_the_package_has_its_section():
    parts = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    described = {n.removesuffix("/").removesuffix(".py") for n in _sections()}
    assert parts == described


def _missing(sections: dict[str, str]) -> list[str]:
    """Module names (``x.py``, globs allowed) a folder's section mentions that its folder lacks."""
    return [
        f"section {name}: {ref} is not in cramp_lessons/{name}"
        for name, text in sections.items()
        if name.endswith("/")
        for ref in re.findall(r"`([\w*/]+\.py)`", text)
        if not list((PACKAGE / name).glob(ref))
    ]


def test_every_module_the_document_names_exists():
    assert _missing(_sections()) == []


def test_a_module_named_in_the_wrong_folder_is_caught():
    assert _missing({"figures/": "`palette.py` and `grading.py`"}) == [
        "section figures/: grading.py is not in cramp_lessons/figures/"
    ]
