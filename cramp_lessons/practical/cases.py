"""Worked cases for the practical tools: a made-up person's story, the learner's reasoning first,
then the tool's.

The cause finder and the ABI calculator teach by working on these cases (``content/cases.yaml``),
never on the learner's own symptoms. Pure logic, no IPython: :func:`load_cases` reads and checks
the cases against the course, the cause finder's rules and the ABI bands (a case whose stated
answer the tool would not reach is refused, so the worked answer and the tool cannot drift apart);
:func:`judge` compares a learner's choices with the worked answer.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cramp_lessons.course.model import Course, load_course, parse_table
from cramp_lessons.errors import ContentError
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.schema import ID_PATTERN

__all__ = ["CASES_FILE", "NONE", "Case", "CaseFile", "Verdict", "load_cases", "cases_for", "judge"]

CASES_FILE = "cases.yaml"
NONE = "none"  # the urgency of a story with no red flag


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


_Id = Annotated[str, Field(pattern=ID_PATTERN)]


class Option(_M):
    topic: _Id
    right: bool = False
    feedback: Annotated[str, Field(min_length=1)]


class Case(_M):
    id: _Id
    tool: Literal["cause_finder", "abi"]
    lesson: _Id
    name: Annotated[str, Field(min_length=1)]
    story: Annotated[str, Field(min_length=1)]
    urgency: _Id  # a level of urgency.yaml, or "none"
    reasoning: Annotated[str, Field(min_length=1)]
    # cause finder
    answers: dict[str, Any] | None = None
    likely: list[Option] = Field(default_factory=list)
    # ABI calculator
    ankle: float | None = None
    arm: float | None = None
    band: str | None = None

    @model_validator(mode="after")
    def _fields_of_its_tool(self) -> Case:
        if self.tool == "cause_finder":
            if self.answers is None or len(self.likely) < 2:
                raise ValueError("a cause finder case needs `answers` and at least two `likely` options")
            if sum(o.right for o in self.likely) != 1:
                raise ValueError("exactly one `likely` option has `right: true`")
            if self.ankle is not None or self.arm is not None or self.band is not None:
                raise ValueError("`ankle`, `arm` and `band` belong to ABI cases")
        else:
            if self.ankle is None or self.arm is None or self.band is None:
                raise ValueError("an ABI case needs `ankle`, `arm` and `band`")
            if self.answers is not None or self.likely:
                raise ValueError("`answers` and `likely` belong to cause finder cases")
        return self

    @property
    def right(self) -> Option | None:
        return next((o for o in self.likely if o.right), None)


class CaseFile(_M):
    version: Literal[1]
    own_symptoms: Annotated[str, Field(min_length=1)]  # the banner: these are not your symptoms
    no_urgency: Annotated[str, Field(min_length=1)]  # how "no red flag" reads among the levels
    cases: list[Case] = Field(min_length=1)


def _where(data: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
        try:
            item = str(data["cases"][loc[1]].get("id") or f"cases[{loc[1]}]")
        except (KeyError, IndexError, TypeError, AttributeError):
            item = f"cases[{loc[1]}]"
        return item, ".".join(str(p) for p in loc[2:]) or "-"
    return "-", ".".join(str(p) for p in loc) or "-"


def _check(cf: CaseFile, course: Course) -> None:
    from cramp_lessons.practical.causefinder import find_causes, load_rules

    rules = load_rules(course=course)
    levels = {lv.id for lv in course.urgency}
    seen: set[str] = set()
    for c in cf.cases:

        def fail(fld: str, msg: str, c: Case = c) -> None:
            raise ContentError(CASES_FILE, c.id, fld, msg)

        if c.id in seen:
            fail("id", "duplicate case id")
        seen.add(c.id)
        if c.lesson not in course.lessons:
            fail("lesson", f"no lesson {c.lesson!r}")
        if c.urgency != NONE and c.urgency not in levels:
            fail("urgency", f"{c.urgency!r} is not a level of urgency.yaml nor {NONE!r}")
        if c.tool == "cause_finder":
            result = find_causes(c.answers, rules=rules, course=course)
            if result.status != "ok":
                fail("answers", f"the cause finder cannot use these answers: {'; '.join(result.problems)}")
            reached = result.urgency or NONE
            if reached != c.urgency:
                fail("urgency", f"the worked answer says {c.urgency!r}, the cause finder reaches {reached!r}")
            found = {f.topic_id for f in (*result.red_flags, *result.causes, *result.notes)}
            for o in c.likely:
                if o.topic not in course.topics:
                    fail("likely", f"no topic {o.topic!r}")
            right = c.right
            assert right is not None
            if right.topic not in found:
                fail("likely", f"the right answer {right.topic!r} is not among the cause finder's findings")
        else:
            assert c.ankle is not None and c.arm is not None  # an ABI case has both (Case's validator)
            try:
                band = circ.abi_band(circ.ankle_brachial_index(c.ankle, c.arm))
            except circ.MeasurementError as e:
                fail("ankle", str(e))
            if band.id != c.band:
                fail("band", f"the worked answer says {c.band!r}, the calculator gives {band.id!r}")


def load_cases(course: Course | None = None, text: str | None = None) -> CaseFile:
    """Read and check the worked cases (the packaged ones unless ``text`` is given)."""
    if course is None and text is None:
        return _default_cases()
    course = course or load_course()
    if text is None:
        try:
            text = course.tables[CASES_FILE.removesuffix(".yaml")]
        except KeyError:
            raise ContentError(CASES_FILE, "-", "-", "missing file: the worked cases") from None
    cf = parse_table(text, CASES_FILE, CaseFile, _where)
    _check(cf, course)
    return cf


@functools.lru_cache(maxsize=1)
def _default_cases() -> CaseFile:
    return load_cases(load_course())


def cases_for(tool: str, cf: CaseFile | None = None) -> list[Case]:
    """The cases of one tool (``"cause_finder"`` or ``"abi"``), in file order."""
    cf = cf or load_cases()
    found = [c for c in cf.cases if c.tool == tool]
    if not found:
        tools = sorted({c.tool for c in cf.cases})
        raise ContentError(
            CASES_FILE, "-", "tool", f"no worked cases for {tool!r}; tools with cases: {tools}"
        )
    return found


@dataclass(frozen=True)
class Verdict:
    """How a learner's reasoning compares with the worked answer."""

    case: Case
    guess: str | None  # the topic (cause finder) or band (ABI) the learner chose
    guess_right: bool
    guess_feedback: str
    urgency: str | None
    urgency_right: bool

    @property
    def both_right(self) -> bool:
        return self.guess_right and self.urgency_right


def judge(case: Case, guess: str | None, urgency: str | None, course: Course | None = None) -> Verdict:
    """Compare the learner's likely cause (a topic id) or ABI band, and urgency, with the case."""
    course = course or load_course()
    if case.tool == "cause_finder":
        option = next((o for o in case.likely if o.topic == guess), None)
        right = option is not None and option.right
        feedback = option.feedback if option else "Choose the most likely cause first."
    else:
        bands = {b.id: b for b in circ.ABI_BANDS}
        assert case.band is not None  # an ABI case has a band (Case's validator)
        right = guess == case.band
        if guess in bands:
            feedback = ("Yes. " if right else "Not quite. ") + bands[case.band].explanation
        else:
            feedback = "Choose a band first."
    return Verdict(case, guess, right, feedback, urgency, urgency == case.urgency)
