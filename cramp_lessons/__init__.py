"""Cramp Lessons: an open Jupyter course on muscle cramps.

The public API is small and imported lazily, so ``import cramp_lessons`` stays fast:
heavy libraries (plotly, ipywidgets, pydantic) load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it
_API = {
    "load_course": "course.model",
    "Course": "course.model",
    "EVIDENCE_TAGS": "course.model",
    "check": "course.grading",
    "grade": "course.grading",
    "Grade": "course.grading",
    "ProgressStore": "learner.progress",
    "get_store": "learner.progress",
    "CrampLessonsError": "errors",
    "ContentError": "errors",
    "AnswerError": "errors",
    "ProgressError": "errors",
    "quiz": "widgets.quiz",
    "show": "widgets.content",
    "disclaimer": "widgets.content",
    "glossary": "widgets.content",
    "lesson_header": "widgets.content",
    "lesson_footer": "widgets.content",
    "course_map": "widgets.content",
    "ranked": "widgets.content",
    "urgency_scale": "widgets.content",
    "progress_dashboard": "widgets.dashboard",
    "show_explorer": "widgets.explorers",
    "check_yourself": "widgets.assessment",
    "review_due": "widgets.review",
    "relief_routine": "widgets.tools.routine",
    "prevention_planner": "widgets.tools.planner",
    "cramp_diary": "widgets.tools.diary",
    "red_flag_checker": "widgets.tools.redflags",
    "cause_finder": "widgets.tools.causefinder",
    "worked_cases": "widgets.cases",
    "join": "classroom",
    "join_widget": "classroom",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(f".{_API[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cramp_lessons' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
