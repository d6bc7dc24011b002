"""The red-flag checker: the learner ticks signs, the checker says how soon to get help.

Pure logic, no IPython. The signs are the content's ``red_flag`` topics; the result lists
the ticked ones emergency first, then soon, then routine. It says what a sign *needs*
("Seek emergency help now", "This needs a doctor soon"); it never names what someone has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .course import Course, load_course
from .errors import CrampLessonsError

__all__ = [
    "URGENCY_ORDER",
    "NOTHING_TICKED",
    "TEACHING_NOTE",
    "Sign",
    "RedFlagResult",
    "RedFlagError",
    "signs",
    "check_signs",
]

URGENCY_ORDER = ("emergency", "soon", "routine")
HEADLINE = {
    "emergency": "Seek emergency help now: call an emergency number or go to an emergency department.",
    "soon": "This needs a doctor soon: the same day or within 1-2 days, as each sign below says.",
    "routine": "This needs a doctor's appointment: book one with your doctor.",
}
LEVEL_HEADING = {
    "emergency": "Emergency: get help now",
    "soon": "Soon: see a doctor",
    "routine": "Routine: book an appointment",
}
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
    urgency: str
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class RedFlagResult:
    signs: tuple[Sign, ...]  # ticked, emergency first

    @property
    def urgency(self) -> str | None:
        """The most urgent level ticked, or None."""
        return self.signs[0].urgency if self.signs else None

    @property
    def headline(self) -> str:
        return HEADLINE[self.urgency] if self.urgency else NOTHING_TICKED

    def text(self) -> str:
        """The result as plain text, one line per sign, emergencies first."""
        if not self.signs:
            return NOTHING_TICKED
        lines = [self.headline]
        for s in self.signs:
            lines.append(f"- [{s.urgency}] {s.title}: {s.summary}")
            lines += [f"  Take care: {c}" for c in s.cautions]
        lines.append(TEACHING_NOTE)
        return "\n".join(lines)

    def summary(self) -> str:
        """One line for screen readers and nbval."""
        if not self.signs:
            return NOTHING_TICKED
        counts = {u: sum(s.urgency == u for s in self.signs) for u in URGENCY_ORDER}
        parts = ", ".join(f"{n} {u}" for u, n in counts.items() if n)
        return (
            f"{self.headline} ({len(self.signs)} sign{'s' if len(self.signs) != 1 else ''} ticked: {parts}.)"
        )


def signs(course: Course | None = None) -> list[Sign]:
    """Every red-flag sign in the content, emergency first, then in content order."""
    course = course or load_course()
    rank = {u: k for k, u in enumerate(URGENCY_ORDER)}
    flags = [
        Sign(t.id, t.title, t.summary, t.urgency or "routine", tuple(t.cautions))
        for t in course.of_kind("red_flag")
    ]
    return sorted(flags, key=lambda s: rank[s.urgency])  # stable: content order within a level


def check_signs(ticked: Iterable[str], course: Course | None = None) -> RedFlagResult:
    """The ticked signs (red-flag topic ids), most urgent first."""
    if isinstance(ticked, str):
        ticked = [ticked]
    all_signs = signs(course)
    by_id = {s.id: s for s in all_signs}
    want = set()
    for t in ticked:
        if t not in by_id:
            raise RedFlagError(f"unknown sign {t!r}; known signs: {', '.join(by_id)}")
        want.add(t)
    return RedFlagResult(tuple(s for s in all_signs if s.id in want))
