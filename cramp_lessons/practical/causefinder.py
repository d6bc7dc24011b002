"""The cause finder: a described cramp in, the course's possible contributing causes out.

Pure logic, no IPython. It is a teaching aid: a transparent rule table
(``content/causefinder.yaml``) links what the learner ticks to cause topics and red flags,
each with a one-line reason. Red flags that need a doctor always come first, most urgent first:
their levels, order and wording are the course's one scale (``content/urgency.yaml``).
It never says what someone has.

:func:`find_causes` never raises on the learner's input: empty, invalid (an age of 130, an
unknown option) or contradictory answers (pregnant at age 8) come back as a result with a
clear message. A malformed rule table raises :class:`~cramp_lessons.errors.ContentError`
naming the file, the rule and the field.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cramp_lessons.course.model import Course, UrgencyLevel, load_course, parse_table
from cramp_lessons.errors import ContentError
from cramp_lessons.schema import EVIDENCE_TAGS, ID_PATTERN

__all__ = [
    "RULES_FILE",
    "TEACHING_AID",
    "EMPTY_MESSAGE",
    "Rules",
    "Finding",
    "CauseResult",
    "Description",
    "answer_options",
    "load_rules",
    "find_causes",
]

RULES_FILE = "causefinder.yaml"
GROUPS = ("when", "where", "how_often", "conditions", "medicines", "triggers", "signs")
# A rule links an answer to one of these kinds of topic.
TARGET_KINDS = ("cause", "secondary_cause", "red_flag", "situation")
TEACHING_AID = (
    "This cause finder is a teaching aid: it shows which causes the course links with what you "
    "describe, and why. It cannot tell why your legs cramp; a doctor who examines you can."
)
EMPTY_MESSAGE = (
    "Describe the cramp first: tick when and where it comes, how often, and anything else "
    "that applies. Nothing ticked, nothing to show."
)
NO_PATTERN = (
    "Nothing you ticked points to a particular cause in the course. Most cramps, above all at "
    "night, have no single cause that can be found. See a doctor if you are worried."
)

_OptId = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]


# --------------------------------------------------------------------------- the rule table
class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class InputGroup(_M):
    label: Annotated[str, Field(min_length=1)]
    multiple: bool = True
    options: dict[_OptId, Annotated[str, Field(min_length=1)]] = Field(min_length=1)


class Condition(_M):
    """ALL keys must match; a key matches when ANY listed option is ticked."""

    when: list[_OptId] | None = None
    where: list[_OptId] | None = None
    how_often: list[_OptId] | None = None
    conditions: list[_OptId] | None = None
    medicines: list[_OptId] | None = None
    triggers: list[_OptId] | None = None
    signs: list[_OptId] | None = None
    age_at_least: Annotated[int, Field(ge=0, le=150)] | None = None
    age_below: Annotated[int, Field(ge=0, le=150)] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not any(getattr(self, k) for k in (*GROUPS, "age_at_least", "age_below")):
            raise ValueError("a rule's 'if' needs at least one key")
        for g in GROUPS:
            if getattr(self, g) == []:
                raise ValueError(f"'{g}' lists no options")
        return self

    def matches(self, d: Description) -> bool:
        for g in GROUPS:
            wanted = getattr(self, g)
            if wanted and not (set(wanted) & d.group(g)):
                return False
        if self.age_at_least is not None and (d.age is None or d.age < self.age_at_least):
            return False
        if self.age_below is not None and (d.age is None or d.age >= self.age_below):
            return False
        return True


class Rule(_M):
    target: Annotated[str, Field(pattern=ID_PATTERN)]
    if_: Condition = Field(alias="if")
    reason: Annotated[str, Field(min_length=1)]
    role: Literal["auto", "note"] = "auto"


class Contradiction(_M):
    if_: Condition = Field(alias="if")
    message: Annotated[str, Field(min_length=1)]


class AgeRange(_M):
    min: Annotated[int, Field(ge=0)] = 0
    max: Annotated[int, Field(gt=0, le=150)] = 120


class Rules(_M):
    version: Literal[1]
    inputs: dict[str, InputGroup]
    age: AgeRange = AgeRange()
    rules: list[Rule] = Field(min_length=1)
    contradictions: list[Contradiction] = Field(default_factory=list)

    @model_validator(mode="after")
    def _vocabulary(self) -> Rules:
        missing = [g for g in GROUPS if g not in self.inputs]
        extra = [g for g in self.inputs if g not in GROUPS]
        if missing or extra:
            raise ValueError(
                f"inputs must be exactly {', '.join(GROUPS)}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unknown {', '.join(extra)}" if extra else "")
            )
        if self.age.min >= self.age.max:
            raise ValueError("age: min must be below max")
        return self

    def options(self, group: str) -> dict[str, str]:
        return self.inputs[group].options


def _where(data: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """(item, field) for an error location: rules[3] -> the rule's target."""
    item, path = "-", []
    if len(loc) >= 2 and loc[0] in ("rules", "contradictions") and isinstance(loc[1], int):
        try:
            entry = data[loc[0]][loc[1]]
            item = (
                str(entry.get("target") or f"{loc[0]}[{loc[1]}]")
                if isinstance(entry, dict)
                else f"{loc[0]}[{loc[1]}]"
            )
        except (KeyError, IndexError, TypeError):
            item = f"{loc[0]}[{loc[1]}]"
        path = [str(p) for p in loc[2:]]
    elif len(loc) >= 2 and loc[0] == "inputs":
        item, path = f"inputs.{loc[1]}", [str(p) for p in loc[2:]]
    else:
        path = [str(p) for p in loc]
    return item, ".".join(path) or "-"


def _check_against_course(rules: Rules, course: Course) -> None:
    for r in rules.rules:
        item = r.target
        if r.target not in course.topics:
            raise ContentError(RULES_FILE, item, "target", f"no topic {r.target!r} in the course content")
        kind = course.kinds[r.target]
        if kind not in TARGET_KINDS:
            raise ContentError(
                RULES_FILE,
                item,
                "target",
                f"a rule links to a cause, secondary cause, red flag or situation, not a {kind}",
            )
        if r.role == "note" and kind == "red_flag":
            raise ContentError(RULES_FILE, item, "role", "a red flag is never only a note")
    entries: list[Rule | Contradiction] = [*rules.rules, *rules.contradictions]
    for k, entry in enumerate(entries):
        item = entry.target if isinstance(entry, Rule) else f"contradictions[{k - len(rules.rules)}]"
        for g in GROUPS:
            for opt in getattr(entry.if_, g) or []:
                if opt not in rules.options(g):
                    raise ContentError(
                        RULES_FILE,
                        item,
                        f"if.{g}",
                        f"unknown option {opt!r}; known: {', '.join(rules.options(g))}",
                    )


def load_rules(text: str | None = None, course: Course | None = None) -> Rules:
    """Read and check the rule table (the packaged one unless ``text`` is given)."""
    if text is None:
        return _packaged_rules(course)
    return _parse_rules(text, course or load_course())


def _rules_text(course: Course) -> str:
    try:
        return course.tables[RULES_FILE.removesuffix(".yaml")]
    except KeyError:
        raise ContentError(
            RULES_FILE, "-", "-", "missing file: the cause finder needs its rule table"
        ) from None


def _packaged_rules(course: Course | None) -> Rules:
    if course is None:
        return _default_rules()
    return _parse_rules(_rules_text(course), course)


@functools.lru_cache(maxsize=1)
def _default_rules() -> Rules:
    course = load_course()
    return _parse_rules(_rules_text(course), course)


def _parse_rules(text: str, course: Course) -> Rules:
    rules = parse_table(text, RULES_FILE, Rules, _where)
    _check_against_course(rules, course)
    return rules


# --------------------------------------------------------------------------- the description
@dataclass(frozen=True)
class Description:
    when: frozenset[str] = frozenset()
    where: frozenset[str] = frozenset()
    how_often: frozenset[str] = frozenset()  # at most one
    conditions: frozenset[str] = frozenset()
    medicines: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()
    signs: frozenset[str] = frozenset()
    age: int | None = None

    def group(self, g: str) -> frozenset[str]:
        return getattr(self, g)

    @property
    def empty(self) -> bool:
        return self.age is None and not any(self.group(g) for g in GROUPS)


def _parse(answers: Mapping[str, Any], rules: Rules) -> tuple[Description, list[str]]:
    """The description (answers that are not valid left out) and the problems found."""
    problems: list[str] = []
    unknown_keys = [k for k in answers if k not in (*GROUPS, "age")]
    if unknown_keys:
        problems.append(
            f"unknown question(s) {', '.join(map(repr, unknown_keys))}; "
            f"the questions are {', '.join((*GROUPS, 'age'))}"
        )
    groups: dict[str, frozenset[str]] = {}
    for g in GROUPS:
        v = answers.get(g)
        if v is None or v == "":
            vals: list[str] = []
        elif isinstance(v, str):
            vals = [v]
        elif isinstance(v, Iterable):
            vals = [str(x) for x in v if x is not None and str(x) != ""]
        else:
            problems.append(f"{rules.inputs[g].label} expects a choice from the list, not {v!r}")
            continue
        opts = rules.options(g)
        bad = [x for x in vals if x not in opts]
        if bad:
            problems.append(
                f"{rules.inputs[g].label} {', '.join(map(repr, bad))} is not an option; "
                f"choose from {', '.join(opts)}"
            )
        if not rules.inputs[g].multiple and len(set(vals)) > 1:
            problems.append(f"{rules.inputs[g].label} takes one answer, not {len(set(vals))}")
        groups[g] = frozenset(x for x in vals if x in opts)
    age = answers.get("age")
    if age is None or (isinstance(age, str) and not age.strip()):
        age_v = None
    else:
        try:
            if isinstance(age, bool):
                raise ValueError
            f = float(age)
            if f != int(f):
                raise ValueError
            age_v = int(f)
        except (TypeError, ValueError, OverflowError):
            problems.append(f"Age must be a whole number of years, not {age!r}")
            age_v = None
        else:
            if not rules.age.min <= age_v <= rules.age.max:
                problems.append(
                    f"Age {age_v} is outside {rules.age.min}-{rules.age.max} years; please check it"
                )
                age_v = None
    return Description(age=age_v, **groups), problems


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class Finding:
    topic_id: str
    kind: str  # cause | secondary_cause | red_flag | situation
    title: str
    summary: str
    evidence: str
    level: UrgencyLevel | None  # from content/urgency.yaml; every red flag has one
    reasons: tuple[str, ...]

    @property
    def urgency(self) -> str | None:
        """The level's id (``"emergency"``, ``"same_day"``...), or None."""
        return self.level.id if self.level else None


@dataclass(frozen=True)
class CauseResult:
    status: Literal["empty", "invalid", "contradictory", "ok"]
    message: str
    red_flags: tuple[Finding, ...] = ()  # most urgent first
    causes: tuple[Finding, ...] = ()  # most reasons first, then stronger evidence
    notes: tuple[Finding, ...] = ()
    problems: tuple[str, ...] = ()
    most_urgent: bool = False  # the first red flag is on the top level of the scale

    @property
    def level(self) -> UrgencyLevel | None:
        """The most urgent level among the red flags, or None."""
        return self.red_flags[0].level if self.red_flags else None

    @property
    def urgency(self) -> str | None:
        """The id of the most urgent level among the red flags, or None."""
        return self.level.id if self.level else None

    def by_level(self) -> list[tuple[UrgencyLevel, list[Finding]]]:
        """The red flags grouped by level, most urgent level first."""
        out: list[tuple[UrgencyLevel, list[Finding]]] = []
        for f in self.red_flags:
            assert f.level is not None  # the content check gives every red flag a level
            if out and out[-1][0] == f.level:
                out[-1][1].append(f)
            else:
                out.append((f.level, [f]))
        return out

    def text(self) -> str:
        """The whole result as plain text: message, red flags first, then causes, then notes."""
        lines = [self.message]
        lines += [f"- {p}" for p in self.problems]
        if self.red_flags:
            lines.append("Red flags first: these need a doctor.")
            for f in self.red_flags:
                label = f.level.label if f.level else ""
                lines.append(f"- [{label}] {f.title}: {f.summary} (Because: {' '.join(f.reasons)})")
        if self.causes:
            lines.append("Possible contributing causes, for learning:")
            for f in self.causes:
                lines.append(f"- {f.title} [{f.evidence}]: {' '.join(f.reasons)}")
        if self.notes:
            lines.append("Also worth knowing:")
            for f in self.notes:
                lines.append(f"- {f.title}: {' '.join(f.reasons)}")
        if self.status != "empty":
            lines.append(TEACHING_AID)
        return "\n".join(lines)

    def summary(self) -> str:
        """One line for screen readers and nbval: red flags by level, most urgent first, then causes."""
        if self.status == "empty":
            return self.message
        parts = [f"{lv.label} ({'; '.join(f.title for f in fs)})." for lv, fs in self.by_level()]
        if self.status in ("contradictory", "invalid"):
            parts.append(self.message)
            parts += [p.rstrip(".") + "." for p in self.problems]
        elif self.causes:
            parts.append(
                "Possible contributing causes (a teaching aid): "
                + "; ".join(f"{f.title} ({f.evidence})" for f in self.causes)
                + "."
            )
        elif not self.red_flags:
            parts.append(NO_PATTERN)
        return " ".join(parts)


def _finding(course: Course, tid: str, reasons: list[str]) -> Finding:
    t = course.topics[tid]
    level = course.level(t.urgency) if t.urgency else None
    return Finding(tid, course.kinds[tid], t.title, t.summary, t.evidence, level, tuple(reasons))


def find_causes(
    answers: Mapping[str, Any] | None = None,
    *,
    rules: Rules | None = None,
    course: Course | None = None,
    **kwargs: Any,
) -> CauseResult:
    """Answers (``when=["night"], conditions=["pregnancy"], age=30`` ...) -> a :class:`CauseResult`."""
    rules = rules or load_rules(course=course)  # the packaged table, checked against this course
    course = course or load_course()
    merged = {**(answers or {}), **kwargs}
    d, problems = _parse(merged, rules)
    if d.empty and not problems:
        return CauseResult("empty", EMPTY_MESSAGE)

    contradictions = [c.message for c in rules.contradictions if c.if_.matches(d)]
    hits: dict[str, list[str]] = {}
    roles: dict[str, str] = {}
    for r in rules.rules:
        if r.if_.matches(d):
            reasons = hits.setdefault(r.target, [])
            if r.reason not in reasons:
                reasons.append(r.reason)
            # A topic reached by a cause rule is a cause even if a note rule also reached it.
            roles[r.target] = "auto" if roles.get(r.target) == "auto" or r.role == "auto" else "note"

    order = {tid: k for k, tid in enumerate(course.topics)}
    urank = course.urgency_rank
    erank = {e: k for k, e in enumerate(EVIDENCE_TAGS)}
    flags = [_finding(course, t, rs) for t, rs in hits.items() if course.kinds[t] == "red_flag"]
    flags.sort(key=lambda f: (urank[f.urgency], order[f.topic_id]))  # type: ignore[index]
    top = bool(flags) and flags[0].level == course.urgency[0]
    causes = [
        _finding(course, t, rs)
        for t, rs in hits.items()
        if course.kinds[t] != "red_flag" and roles[t] == "auto"
    ]
    causes.sort(key=lambda f: (-len(f.reasons), erank[f.evidence], order[f.topic_id]))
    notes = [
        _finding(course, t, rs)
        for t, rs in hits.items()
        if course.kinds[t] != "red_flag" and roles[t] == "note"
    ]
    notes.sort(key=lambda f: order[f.topic_id])

    if problems:
        # Safety first: the red flags of the answers that are valid are shown anyway.
        msg = "Please check your answers." + (
            " Red flags are shown anyway; causes are shown once the answers are valid."
            if flags
            else " Causes are shown once the answers are valid."
        )
        return CauseResult("invalid", msg, tuple(flags), (), (), tuple(problems), top)

    if contradictions:
        msg = "Some answers do not fit together; please check them." + (
            " Red flags are shown anyway; causes are shown once the answers fit."
            if flags
            else " Causes are shown once the answers fit."
        )
        return CauseResult("contradictory", msg, tuple(flags), (), (), tuple(contradictions), top)

    if flags:
        lv = flags[0].level
        assert lv is not None
        msg = f"{lv.label}. {lv.action} See the red flags first; the causes below are for learning."
    elif causes:
        msg = "Possible contributing causes the course links with what you describe."
    else:
        msg = NO_PATTERN
    return CauseResult("ok", msg, tuple(flags), tuple(causes), tuple(notes), (), top)


def answer_options(rules: Rules | None = None) -> dict[str, tuple[str, bool, dict[str, str]]]:
    """For a form: group -> (label, multiple, {option id: label})."""
    rules = rules or load_rules()
    return {
        g: (rules.inputs[g].label, rules.inputs[g].multiple, dict(rules.inputs[g].options)) for g in GROUPS
    }
