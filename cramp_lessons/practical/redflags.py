"""The red-flag checker: the learner ticks signs, the checker says how soon to get help.

Pure logic, no IPython. The signs are the content's ``red_flag`` topics; the levels of urgency,
their order, labels and wording are the course's one scale in ``content/urgency.yaml``. The result
lists the ticked signs most urgent first and says what the most urgent one *needs* (the level's
label and action); it never names what someone has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cramp_lessons.course.model import Course, UrgencyLevel, load_course
from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "LONG_CRAMP",
    "TimeLimit",
    "long_cramp",
    "NOTHING_TICKED",
    "TEACHING_NOTE",
    "Sign",
    "RedFlagResult",
    "RedFlagError",
    "signs",
    "check_signs",
    "level_labels",
]

NOTHING_TICKED = (
    "None of these signs: most cramps pass by themselves within seconds to minutes. "
    "See a doctor if you are worried."
)
TEACHING_NOTE = (
    "This checker is a teaching aid: it shows when cramps need a doctor, "
    "it cannot tell what is wrong. If in doubt, seek help."
)


class RedFlagError(CrampLessonsError, ValueError):
    """A sign id that the content does not have."""


@dataclass(frozen=True)
class Sign:
    id: str
    title: str
    summary: str
    level: UrgencyLevel  # from content/urgency.yaml
    cautions: tuple[str, ...] = ()

    @property
    def urgency(self) -> str:
        """The level's id (``"emergency"``, ``"same_day"``...)."""
        return self.level.id


def headline(level: UrgencyLevel) -> str:
    """What a level tells the learner to do: its label, then its action."""
    return f"{level.label}. {level.action}"


@dataclass(frozen=True)
class RedFlagResult:
    signs: tuple[Sign, ...]  # ticked, most urgent first
    most_urgent: bool = False  # the first sign is on the top level of the scale

    @property
    def level(self) -> UrgencyLevel | None:
        """The most urgent level ticked, or None."""
        return self.signs[0].level if self.signs else None

    @property
    def urgency(self) -> str | None:
        """The id of the most urgent level ticked, or None."""
        return self.level.id if self.level else None

    @property
    def headline(self) -> str:
        return headline(self.level) if self.level else NOTHING_TICKED

    def by_level(self) -> list[tuple[UrgencyLevel, list[Sign]]]:
        """The ticked signs grouped by level, most urgent level first."""
        out: list[tuple[UrgencyLevel, list[Sign]]] = []
        for s in self.signs:
            if out and out[-1][0] == s.level:
                out[-1][1].append(s)
            else:
                out.append((s.level, [s]))
        return out

    def text(self) -> str:
        """The result as plain text, one line per sign, most urgent first."""
        if not self.signs:
            return NOTHING_TICKED
        lines = [self.headline]
        for s in self.signs:
            lines.append(f"- [{s.level.label}] {s.title}: {s.summary}")
            lines += [f"  Take care: {c}" for c in s.cautions]
        lines.append(TEACHING_NOTE)
        return "\n".join(lines)

    def summary(self) -> str:
        """One line for screen readers and nbval."""
        if not self.signs:
            return NOTHING_TICKED
        n = len(self.signs)
        parts = "; ".join(f"{len(ss)} at '{lv.label}'" for lv, ss in self.by_level())
        return f"{self.headline} ({n} sign{'s' if n != 1 else ''} ticked: {parts}.)"


def signs(course: Course | None = None) -> list[Sign]:
    """Every red-flag sign in the content, most urgent first, then in content order."""
    course = course or load_course()
    rank = course.urgency_rank
    flags = [
        Sign(t.id, t.title, t.summary, course.level(t.urgency), tuple(t.cautions))  # type: ignore[arg-type]
        for t in course.of_kind("red_flag")
    ]
    return sorted(flags, key=lambda s: rank[s.urgency])  # stable: content order within a level


def check_signs(ticked: Iterable[str], course: Course | None = None) -> RedFlagResult:
    """The ticked signs (red-flag topic ids), most urgent first."""
    course = course or load_course()
    if isinstance(ticked, str):
        ticked = [ticked]
    all_signs = signs(course)
    by_id = {s.id: s for s in all_signs}
    want = set()
    for t in ticked:
        if t not in by_id:
            raise RedFlagError(f"unknown sign {t!r}; known signs: {', '.join(by_id)}")
        want.add(t)
    chosen = tuple(s for s in all_signs if s.id in want)
    return RedFlagResult(chosen, bool(chosen) and chosen[0].level == course.urgency[0])


LONG_CRAMP = "redflags.long_cramp"


@dataclass(frozen=True)
class TimeLimit:
    seconds: float
    warning: str  # the sign and what to do, from the red flag and its level


def long_cramp(course: Course | None = None) -> TimeLimit:
    """The long-cramp rule as the content states it (``limit_minutes`` on the red flag)."""
    course = course or load_course()
    flag = course.topic(LONG_CRAMP)
    if flag.limit_minutes is None or flag.urgency is None:
        raise CrampLessonsError(f"{LONG_CRAMP} needs limit_minutes and urgency in topics/red_flags.yaml")
    level = course.level(flag.urgency)
    return TimeLimit(flag.limit_minutes * 60.0, f"{flag.title}: {level.label}.")


def level_labels(course: Course | None = None) -> dict[str, str]:
    """Level id -> the label learners see, most urgent first (from ``content/urgency.yaml``)."""
    course = course or load_course()
    return {lv.id: lv.label for lv in course.urgency}
