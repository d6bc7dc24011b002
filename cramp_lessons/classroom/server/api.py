"""The classroom API's shapes: what a request may carry and what a response holds.

Requests are strict and bounded (extra fields refused, every string and list capped, no control
characters), since anyone on the network may send anything (tests/classroom/test_fuzz.py does).
Responses are filled from the course and the store by the pure functions at the end: a question
as students see it before the reveal, the answers' distribution, the class report and its CSV.
The routes that send and take them are in :mod:`~cramp_lessons.classroom.server.app`.
"""

import csv
import io
import unicodedata
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    model_validator,
)

from cramp_lessons.classroom.server.store import (
    CODE_LENGTH,
    CONFIDENCE,
    MAX_STUDENTS_LIMIT,
    AnswerTally,
    Poll,
)
from cramp_lessons.course.grading import shuffled_choices
from cramp_lessons.course.model import Course
from cramp_lessons.questions import Question
from cramp_lessons.questions.explorer import SLIDERS
from cramp_lessons.schema import ID_PATTERN

if TYPE_CHECKING:
    from cramp_lessons.learner.itemstats import ItemStats


# --------------------------------------------------------------------------- input models
def _clean(text: str) -> str:
    """Refuse control characters and lone surrogates: they garble displays and break PostgreSQL."""
    for ch in text:
        o = ord(ch)
        if o < 32 or o == 127 or 0xD800 <= o <= 0xDFFF:
            raise ValueError(f"contains a control or invalid character (code {o})")
    return text


def _name(text: str) -> str:
    """A display name in one form (NFKC: a composed and a decomposed "é" are the same name), with no
    invisible characters (zero-width spaces, right-to-left marks), so two names that look the same are
    the same name and the second is refused as taken."""
    text = unicodedata.normalize("NFKC", _clean(text))
    for ch in text:
        if unicodedata.category(ch) in ("Cf", "Co", "Cn", "Zl", "Zp"):
            raise ValueError(f"contains an invisible or unassigned character (U+{ord(ch):04X})")
    return text


Short = Annotated[str, StringConstraints(max_length=200), AfterValidator(_clean)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(_name)
]
JoinCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_upper=True,
        min_length=CODE_LENGTH,
        max_length=CODE_LENGTH,
        pattern=r"^[A-Za-z0-9]+$",
    ),
]
QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=ID_PATTERN)]
SessionId = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[a-z0-9]+$")]
Uid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
# Every answer form grading.grade accepts, each bounded; strict, so "true" stays a string.
AnswerValue = (
    StrictBool
    | Annotated[StrictInt, Field(ge=-(10**15), le=10**15)]
    | StrictFloat
    | Short
    | Annotated[list[Short], Field(max_length=50)]
    | Annotated[dict[Short, Short], Field(max_length=50)]
    # An explorer's state: its controls' values.
    | Annotated[dict[Short, StrictInt | StrictFloat], Field(max_length=20)]
)
Confidence = Annotated[StrictInt, Field(ge=min(CONFIDENCE), le=max(CONFIDENCE))]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JoinIn(_In):
    code: JoinCode = Field(description="the join code the teacher shows, e.g. K7P2QX")
    name: Name = Field(description="a display name; nothing else about the student is stored")


class AnswerIn(_In):
    uid: Uid = Field(description="client-generated uuid4 hex; re-sending the same uid stores nothing new")
    question_id: QuestionId
    answer: AnswerValue = Field(
        description="the answer in the form grading.grade accepts for the question type"
    )
    confidence: Confidence | None = Field(
        None, description="how sure the student is: " + ", ".join(f"{k} {v}" for k, v in CONFIDENCE.items())
    )


class PoseIn(_In):
    question_id: QuestionId
    open: bool = True


class SettingsIn(_In):
    max_students: Annotated[int, Field(ge=1, le=MAX_STUDENTS_LIMIT)] = Field(
        description="no more students may join once the roster has this many"
    )


class RenameIn(_In):
    name: Name


class SharedStateIn(_In):
    """An explorer state the teacher shares: every student's explorer of that name opens in it.
    The explorers a class can share are those whose sliders the course describes (the ones that
    take explorer questions); each value must be a position of its slider."""

    explorer: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    state: Annotated[dict[Short, StrictInt | StrictFloat], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _on_the_sliders(self) -> "SharedStateIn":
        sliders = SLIDERS.get(self.explorer)
        if sliders is None:
            raise ValueError(f"no shareable explorer {self.explorer!r}; choose from {', '.join(SLIDERS)}")
        for name, value in self.state.items():
            if name not in sliders:
                raise ValueError(
                    f"the {self.explorer} explorer has no slider {name!r}; its sliders: {', '.join(sliders)}"
                )
            why = sliders[name].problem(float(value))
            if why:
                raise ValueError(f"{sliders[name].label} {value:g} {why}")
        return self


# --------------------------------------------------------------------------- output models
class JoinOut(BaseModel):
    session_id: str
    student_id: int
    name: str
    token: str = Field(description="send as X-Student-Token; shown only once")


class Choice(BaseModel):
    id: str
    text: str


class PublicQuestion(BaseModel):
    """A question as students see it: no correct flags, no feedback, no explanation."""

    id: str
    type: str
    lesson: str
    prompt: str
    options: list[Choice] | None = None
    items: list[Choice] | None = None  # ordering, shuffled
    lefts: list[Choice] | None = None  # matching
    rights: list[str] | None = None  # matching, shuffled
    unit: str | None = None
    # explorer: the explorer to show, the slider to move (with its range) and the others' held values
    explorer: str | None = None
    control: str | None = None
    fixed: dict[str, float] | None = None
    start: float | None = None
    min: float | None = None
    max: float | None = None
    step: float | None = None


class RevealOut(BaseModel):
    answer_text: str
    explanation: str
    evidence: str
    references: list[str]
    your_score: float | None = None
    your_correct: bool | None = None
    your_feedback: list[str] = []


class SharedStateOut(BaseModel):
    explorer: str
    state: dict[str, float]


class StateOut(BaseModel):
    session_id: str
    name: str
    question: PublicQuestion | None
    open: bool
    revealed: bool
    answered: bool = Field(description="answered in the current round")
    round: int = Field(1, description="peer instruction: 1 alone, 2 again after talking with a neighbour")
    ended: bool = False
    shared: SharedStateOut | None = Field(None, description="an explorer state the teacher shares")
    reveal: RevealOut | None = None


class SubmitOut(BaseModel):
    status: Literal["stored", "replaced", "duplicate", "not_posed"] = Field(
        description="duplicate: this uid was stored before; not_posed: the teacher has not posed this question, "
        "so nothing is stored (a joined student's self-paced quiz answers stay local)"
    )
    question_id: str


class SessionOut(BaseModel):
    id: str
    join_code: str
    current_question: str | None
    open: bool
    revealed: bool
    round: int
    students: int
    max_students: int
    ended: bool
    answers: int = Field(description="answers to the current question in its current round")


class QuestionItem(BaseModel):
    id: str
    lesson: str
    lesson_title: str
    type: str
    prompt: str
    posed: bool
    open: bool
    revealed: bool


class PollOut(BaseModel):
    question_id: str
    open: bool
    revealed: bool
    round: int


class RosterItem(BaseModel):
    id: int
    name: str
    joined_at: float
    answers: int


class ChoiceCount(BaseModel):
    key: str
    label: str
    count: int
    wrong: bool


class DistributionOut(BaseModel):
    question_id: str
    type: str
    prompt: str
    open: bool
    revealed: bool
    round: int = Field(1, description="the round these answers were given in")
    answers: int
    correct: int
    share_correct: float | None
    mean_score: float | None
    choices: list[ChoiceCount]
    top_wrong: ChoiceCount | None


class Shift(BaseModel):
    """How students who answered in both rounds moved between them."""

    both_rounds: int
    wrong_to_right: int
    right_to_wrong: int
    stayed_right: int
    stayed_wrong: int


class ConfidenceCount(BaseModel):
    confidence: int
    label: str
    right: int
    wrong: int


class PeerOut(BaseModel):
    """A peer-instruction question for the teacher: each round's answers, the shift between them,
    and how sure the students were in round 1 (sure and wrong is the misconception to talk about)."""

    question_id: str
    round: int
    open: bool
    revealed: bool
    rounds: list[DistributionOut]
    shift: Shift | None = Field(description="None until round 2 has answers")
    confidence: list[ConfidenceCount]


class ProjectorRound(BaseModel):
    round: int
    answers: int
    share_correct: float | None
    choices: list[ChoiceCount]


class ProjectorOut(BaseModel):
    """What the class sees on the projector: never a name; no answer and no tally before the reveal."""

    join_code: str
    ended: bool
    question: PublicQuestion | None
    round: int
    open: bool
    revealed: bool
    students: int
    answered: int = Field(description="how many have answered this round (not what they answered)")
    answer_text: str | None = None
    rounds: list[ProjectorRound] = Field(default_factory=list, description="filled after the reveal")
    wrong_to_right: int | None = None


class ProjectorLink(BaseModel):
    key: str = Field(description="the projector's read-only key (send as X-Projector-Key); shown once")
    path: str = Field(description="open this page on the projector (the key travels in the #fragment)")


class ReportRow(BaseModel):
    question_id: str
    lesson: str
    type: str
    prompt: str
    answers: int
    share_correct: float | None
    mean_score: float | None
    most_chosen_wrong: str | None = Field(description="the misconception: the most chosen wrong option")
    most_chosen_wrong_count: int
    # Item analysis (itemstats.py): how well the question separates students who do well overall.
    discrimination: float | None = Field(
        None, description="upper-lower index D: share right in the top 27% minus the bottom 27% (-1..1)"
    )
    flags: list[str] = Field(default_factory=list, description="too easy, too hard, does not discriminate...")
    # Peer instruction: each round's share right and most chosen wrong option, with the
    # misconception it stands for (the option's feedback). Round 2 columns are empty without one.
    share_correct_round1: float | None = None
    most_chosen_wrong_round1: str | None = None
    misconception_round1: str | None = None
    share_correct_round2: float | None = None
    most_chosen_wrong_round2: str | None = None
    misconception_round2: str | None = None
    wrong_to_right: int | None = Field(None, description="students wrong in round 1 and right in round 2")


class AnswerRow(BaseModel):
    name: str
    question_id: str
    answer: Any
    score: float
    correct: bool
    submitted_at: float
    uid: str
    round: int = 1
    confidence: int | None = None


# --------------------------------------------------------------------------- filling the responses
def public_question(q: Question, course: Course, seed: str) -> PublicQuestion:
    """What a student may see before the reveal. Orders are shuffled: authors list them solved."""
    base = {"id": q.id, "type": q.type, "lesson": course.lesson_of_question(q.id), "prompt": q.prompt}
    return PublicQuestion(**base, **q.public(shuffled_choices(q, seed)))


def distribution(
    q: Question, t: AnswerTally, open_: bool, revealed: bool, round_: int = 1
) -> DistributionOut:
    counts = dict(t.picks)
    for key, wrong in q.listed_keys():  # an option nobody chose still shows, at zero
        counts.setdefault(key, (0, wrong))
    order = [k for k, _ in q.listed_keys()]
    keys = sorted(
        counts, key=lambda k: (order.index(k) if k in order else len(order), q.key_order(k, counts[k][0]))
    )
    choices = [
        ChoiceCount(key=k, label=q.pick_label(k), count=counts[k][0], wrong=counts[k][1]) for k in keys
    ]
    chosen_wrong = [c for c in choices if c.wrong and c.count]
    top = max(chosen_wrong, key=lambda c: c.count) if chosen_wrong else None  # ties: the first listed
    return DistributionOut(
        question_id=q.id,
        type=q.type,
        prompt=q.prompt,
        open=open_,
        revealed=revealed,
        round=round_,
        answers=t.answers,
        correct=t.correct,
        share_correct=round(t.correct / t.answers, 4) if t.answers else None,
        mean_score=round(t.score_sum / t.answers, 4) if t.answers else None,
        choices=choices,
        top_wrong=top,
    )


def misconception(q: Question, key: str) -> str | None:
    """What choosing ``key`` stands for: the author's feedback on that option (why it tempts and
    why it is wrong), for the types whose options carry feedback."""
    for o in getattr(q, "options", None) or []:
        if o.id == key:
            return str(o.feedback)
    if q.type == "truefalse":
        return str(getattr(q, "feedback_true" if key == "true" else "feedback_false"))
    return None


def shift(rows: list[tuple[int, int, bool, int | None]]) -> Shift | None:
    """From (student, round, correct, confidence) rows: how students moved from round 1 to round 2."""
    first = {st: ok for st, r, ok, _ in rows if r == 1}
    second = {st: ok for st, r, ok, _ in rows if r == 2}
    if not second:
        return None
    both = [(first[st], second[st]) for st in second if st in first]
    return Shift(
        both_rounds=len(both),
        wrong_to_right=sum(not a and b for a, b in both),
        right_to_wrong=sum(a and not b for a, b in both),
        stayed_right=sum(a and b for a, b in both),
        stayed_wrong=sum(not a and not b for a, b in both),
    )


def confidence_counts(rows: list[tuple[int, int, bool, int | None]]) -> list[ConfidenceCount]:
    """Round 1 answers by how sure the student said they were."""
    return [
        ConfidenceCount(
            confidence=level,
            label=label,
            right=sum(r == 1 and c == level and ok for _, r, ok, c in rows),
            wrong=sum(r == 1 and c == level and not ok for _, r, ok, c in rows),
        )
        for level, label in CONFIDENCE.items()
    ]


def report_rows(
    course: Course,
    polls: list[Poll],
    tallies: dict[str, AnswerTally],
    items: dict[str, "ItemStats"] | None = None,
    by_round: dict[int, dict[str, AnswerTally]] | None = None,
    shifts: dict[str, Shift | None] | None = None,
) -> list[ReportRow]:
    """One row per posed question; ``items`` (question id -> itemstats.ItemStats) adds the item
    analysis, ``by_round`` (round -> tallies) and ``shifts`` the peer-instruction columns."""
    items, by_round, shifts = items or {}, by_round or {}, shifts or {}
    rows = []
    for p in polls:
        q = course.questions.get(p.question_id)
        if q is None:  # content changed since the question was posed
            continue
        d = distribution(q, tallies.get(q.id, AnswerTally(q.id)), p.open, p.revealed, p.round)
        per_round: dict[str, Any] = {}
        for r in (1, 2) if p.round == 2 else (1,):
            t = by_round.get(r, {}).get(q.id)
            if t is None:
                continue
            dr = distribution(q, t, p.open, p.revealed, r)
            top = dr.top_wrong
            per_round |= {
                f"share_correct_round{r}": dr.share_correct,
                f"most_chosen_wrong_round{r}": top.label if top else None,
                f"misconception_round{r}": misconception(q, top.key) if top else None,
            }
        moved = shifts.get(q.id)
        rows.append(
            ReportRow(
                question_id=q.id,
                lesson=course.lesson_of_question(q.id),
                type=q.type,
                prompt=q.prompt,
                answers=d.answers,
                share_correct=d.share_correct,
                mean_score=d.mean_score,
                most_chosen_wrong=d.top_wrong.label if d.top_wrong else None,
                most_chosen_wrong_count=d.top_wrong.count if d.top_wrong else 0,
                discrimination=items[q.id].discrimination if q.id in items else None,
                flags=list(items[q.id].flags) if q.id in items else [],
                wrong_to_right=moved.wrong_to_right if moved else None,
                **per_round,
            )
        )
    return rows


REPORT_COLUMNS = [
    "question_id",
    "lesson",
    "type",
    "prompt",
    "answers",
    "share_correct",
    "mean_score",
    "most_chosen_wrong",
    "most_chosen_wrong_count",
    "discrimination",
    "flags",
    "share_correct_round1",
    "most_chosen_wrong_round1",
    "misconception_round1",
    "share_correct_round2",
    "most_chosen_wrong_round2",
    "misconception_round2",
    "wrong_to_right",
]


def report_csv(rows: list[ReportRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REPORT_COLUMNS)
    for r in rows:
        w.writerow(
            [
                "; ".join(v) if isinstance(v := getattr(r, c), list) else "" if v is None else v
                for c in REPORT_COLUMNS
            ]
        )
    return buf.getvalue()
