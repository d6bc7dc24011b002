"""The package's own error classes: every bad input raises one of these with a clear message."""

from __future__ import annotations

import reprlib
from typing import Any


class CrampLessonsError(Exception):
    """Base class for every error the course raises on purpose."""


class ContentError(CrampLessonsError):
    """Course content is malformed. Names the file, the item and the field."""

    def __init__(self, file: str, item: str, field: str, problem: str):
        self.file, self.item, self.field, self.problem = file, item, field, problem
        # An item id or field name comes from the file itself: echo it cut short, never whole.
        super().__init__(f"{file}: item {echo(item, 100)}, field {echo(field, 100)}: {problem}")


class AnswerError(CrampLessonsError, ValueError):
    """A quiz answer has the wrong form (type, unknown option, empty). Never graded as wrong."""


class ProgressError(CrampLessonsError):
    """The progress store or a progress file cannot be used as asked."""


class _Echo(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        # repr() of an int past 4300 digits raises ValueError: say how big it is instead.
        if x.bit_length() > 10_000:
            return f"<a number of about {x.bit_length() * 0.30103:.0f} digits>"
        return super().repr_int(x, level)


_ECHO = _Echo()
_ECHO.maxstring = _ECHO.maxother = 200


def echo(value: Any, limit: int = 200) -> str:
    """repr() of a value for an error message, cut to ``limit`` characters: a huge input is never echoed whole."""
    text = _ECHO.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
