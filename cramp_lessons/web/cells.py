"""A lesson's code cells, read as the calls they make, for the website's static renderers.

A lesson's code cells use a small vocabulary (``show(...)``, ``quiz(...)``, ``show_explorer(...)``).
The website does not run them: :func:`read_cells` finds each ``{code-cell}`` of a MyST notebook,
parses it with :mod:`ast` and returns its calls with their literal arguments. Anything else in a
cell (a call with no static renderer, a variable, an argument that is not a literal) is refused
with :class:`SiteError` naming the file, the line and what to do, so a new call is never dropped
silently from the website.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from cramp_lessons.errors import CrampLessonsError

_OPEN = re.compile(r"^(`{3,})\{code-cell\}")
_OPTION = re.compile(r"^:[\w-]+:")


class SiteError(CrampLessonsError):
    """The website cannot be built from a lesson as it is (a call without a static renderer...)."""


@dataclass(frozen=True)
class Call:
    """One call of a code cell: ``show("causes.cold", heading="##")``."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # in the source file, from 1

    def __str__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"


@dataclass(frozen=True)
class Cell:
    """A code cell: its first and last line in the source (the fences), and its calls."""

    start: int  # index of the opening fence line, from 0
    end: int  # index of the closing fence line, from 0
    calls: tuple[Call, ...]


def _literal(node: ast.expr, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise SiteError(
            f"{where}: the argument {ast.unparse(node)!r} is not a literal (a string, number, list...); "
            "the website renders a lesson's calls without running Python, so write the value itself"
        ) from None


def _calls(code: str, first_line: int, source: str, known: Container[str]) -> tuple[Call, ...]:
    where = f"{source} line {first_line}"
    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        raise SiteError(f"{where}: the code cell is not valid Python: {e.msg}") from None
    calls: list[Call] = []
    for stmt in tree.body:
        at = f"{source} line {first_line + stmt.lineno - 1}"
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "cramp_lessons" and stmt.level == 0:
            for alias in stmt.names:
                if alias.name not in known or alias.asname:
                    raise SiteError(
                        f"{at}: `from cramp_lessons import {alias.name}"
                        f"{' as ' + alias.asname if alias.asname else ''}`: the website has no static "
                        f"renderer for {alias.name!r}. Add one to RENDERERS in cramp_lessons/web/render.py "
                        "(or render the lesson without it)."
                    )
            continue
        if (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)
        ):
            call = stmt.value
            name = call.func.id  # type: ignore[attr-defined]
            if name not in known:
                raise SiteError(
                    f"{at}: `{ast.unparse(call)}`: the website has no static renderer for {name!r}. "
                    "Add one to RENDERERS in cramp_lessons/web/render.py."
                )
            if any(isinstance(a, ast.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords
            ):
                raise SiteError(f"{at}: `{ast.unparse(call)}`: write the arguments out (no * or **)")
            calls.append(
                Call(
                    name,
                    tuple(_literal(a, at) for a in call.args),
                    {k.arg: _literal(k.value, at) for k in call.keywords if k.arg},
                    first_line + stmt.lineno - 1,
                )
            )
            continue
        raise SiteError(
            f"{at}: `{ast.unparse(stmt)}`: the website renders only calls of the course's vocabulary "
            "(show, quiz, show_explorer...) with literal arguments, and `from cramp_lessons import ...`. "
            "Write the cell as such calls, or teach cramp_lessons/web/render.py a renderer for it."
        )
    return tuple(calls)


def read_cells(text: str, known: Container[str], source: str = "<lesson>") -> list[Cell]:
    """Every ``{code-cell}`` of a MyST notebook's text, with its calls (see the module's docstring)."""
    lines = text.split("\n")
    cells: list[Cell] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group(1)
        j = i + 1
        body_start = j
        # Options: a `---` YAML block or `:key: value` lines at the top of the cell.
        if j < len(lines) and lines[j].strip() == "---":
            k = j + 1
            while k < len(lines) and lines[k].strip() != "---":
                k += 1
            body_start = k + 1
        else:
            while body_start < len(lines) and _OPTION.match(lines[body_start]):
                body_start += 1
        end = body_start
        while end < len(lines) and not (lines[end].startswith(fence) and lines[end].strip("`").strip() == ""):
            end += 1
        if end >= len(lines):
            raise SiteError(f"{source} line {i + 1}: a code cell is not closed by {fence}")
        code = "\n".join(lines[body_start:end])
        cells.append(Cell(i, end, _calls(code, body_start + 1, source, known)))
        i = end + 1
    return cells
