"""The question types, one module each: its content schema and everything that differs by type.

Each module here (other than ``base``) defines one subclass of
:class:`~cramp_lessons.questions.base.QuestionBase`; this package finds them, so a new type is its
module here and its input in ``widgets/inputs.py``, and nothing else in code.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from cramp_lessons.questions.base import QuestionBase


def _found() -> dict[str, type[QuestionBase]]:
    """type name -> model, from every module of this package."""
    out: dict[str, type[QuestionBase]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, QuestionBase) and obj.__module__ == module.__name__:
                (name,) = obj.model_fields["type"].annotation.__args__  # type: ignore[union-attr]
                out[name] = obj
    return dict(sorted(out.items(), key=lambda kv: kv[1].ORDER))


TYPES = _found()
LABELS = {name: model.LABEL for name, model in TYPES.items()}

if TYPE_CHECKING:
    Question = QuestionBase
else:  # what a bank's `questions:` list holds: any type, told apart by its `type:` field
    Question = Annotated[Union[tuple(TYPES.values())], Field(discriminator="type")]  # noqa: UP007
