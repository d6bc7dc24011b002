"""A guided relief routine: the steps of a relief technique, one at a time, with a timer.

Pure logic, no IPython. Time is always passed in (``now``, in seconds from any monotonic
clock), so the routine can be tested without sleeping and driven by any ticker.

Durations come only from the content:

- a step of a topic with ``hold_seconds`` (acupressure: 20-30 s, the article's timing) is
  timed by that range: the countdown uses the upper bound unless the learner picks another
  value inside the range;
- a stretch held "until the cramp eases" has no duration in any source. It counts *up*
  (elapsed time) until the learner presses Skip ("it eased"), or, if the learner has set a
  time of their own, counts down from that time, labelled "your choice";
- any other step (sit down, take hold of the foot...) waits for the learner.

A hold that goes on past the long-cramp limit shows the content's red flag
(``redflags.long_cramp``: its ``limit_minutes`` and its level of urgency, read by
``redflags.long_cramp``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from cramp_lessons.course.model import Course, Topic, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.practical.redflags import long_cramp

__all__ = [
    "Routine",
    "RoutineError",
    "RoutineStep",
    "Tick",
    "build_routine",
    "relief_techniques",
    "steps_from_topic",
]


StepKind = Literal["timed", "until_eases", "action"]
State = Literal["ready", "running", "paused", "done"]

# A step is held "until the cramp eases" when its text says so; these phrases are the ones the
# relief topics use ("until the cramp eases", "until the spasm is relieved", "Stay there until...").
_UNTIL_EASES = re.compile(
    r"\buntil (?:the |it )?(?:cramp|spasm|pain|it)\b.*\b(?:eases|stops|fades|is relieved|settles)\b"
    r"|\buntil (?:it|the cramp) eases\b|\bstay there until\b|\bhold until\b",
    re.IGNORECASE,
)
_MENTIONS_SECONDS = re.compile(r"\bseconds?\b", re.IGNORECASE)
_STARTS_WITH_HOLD = re.compile(r"^\s*hold\b", re.IGNORECASE)


class RoutineError(CrampLessonsError, ValueError):
    """A routine cannot be built or driven as asked (unknown technique, bad time of your choice)."""


@dataclass(frozen=True)
class RoutineStep:
    """One step: its text, and how long it lasts.

    ``seconds`` is the countdown length, or ``None`` when the step waits for the learner.
    ``source`` says where a duration comes from: ``"content"`` (the topic's ``hold_seconds``),
    ``"your choice"`` (a time the learner set for a stretch held until it eases) or ``None``.
    """

    text: str
    kind: StepKind = "action"
    seconds: float | None = None
    source: Literal["content", "your choice"] | None = None
    hold_range: tuple[int, int] | None = None
    topic_id: str = ""
    topic_title: str = ""

    def __post_init__(self) -> None:
        if self.seconds is not None and not self.seconds > 0:
            raise RoutineError(f"step {self.text[:40]!r}: seconds must be more than 0, not {self.seconds}")

    @property
    def duration_text(self) -> str:
        if self.kind == "timed" and self.seconds is not None:
            if self.source == "content" and self.hold_range:
                lo, hi = self.hold_range
                rng = f"{lo}-{hi} s" if lo != hi else f"{lo} s"
                return f"hold {self.seconds:g} s; the lesson gives {rng}"
            return f"hold {self.seconds:g} s"
        if self.kind == "until_eases":
            if self.seconds is not None:
                return f"until it eases (timer: {self.seconds:g} s, your choice)"
            return "until it eases (press Skip when it has eased)"
        return "press Skip when done"


@dataclass(frozen=True)
class Tick:
    """What the routine shows at one moment."""

    state: State
    index: int  # 0-based; equals the number of steps when done
    step: RoutineStep | None
    remaining: float | None  # seconds left on a countdown, None when the step has none
    elapsed: float  # seconds spent on the current step (pauses excluded)
    total_steps: int
    long_hold: bool = False  # a hold has gone on past the long-cramp limit (content: redflags.long_cramp)

    @property
    def progress(self) -> float:
        """Share of the routine finished, 0..1 (steps done, plus the part of a timed step)."""
        if self.total_steps == 0 or self.state == "done":
            return 1.0
        part = 0.0
        if self.step is not None and self.step.seconds and self.remaining is not None:
            part = 1 - self.remaining / self.step.seconds
        return min(1.0, (self.index + part) / self.total_steps)


def _fmt_seconds(s: float) -> str:
    s = max(0, int(round(s)))
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else f"{s} s"


class Routine:
    """A state machine over steps: ready -> running <-> paused -> done.

    Every method takes ``now`` (seconds on a monotonic clock). ``tick(now)`` advances past
    timed steps whose time is up (carrying the overshoot into the next step) and returns a
    :class:`Tick`. ``skip(now)`` moves on from any step; after the last step the routine is done.
    Calls that make no sense in the current state (pause when not running...) change nothing.
    """

    def __init__(
        self,
        steps: Iterable[RoutineStep],
        title: str = "Relief routine",
        cautions: Iterable[str] = (),
        long_cramp_text: str = "",
        long_cramp_seconds: float | None = None,
    ) -> None:
        self.steps: list[RoutineStep] = list(steps)
        if not self.steps:
            raise RoutineError("a routine needs at least one step")
        self.title = title
        self.cautions = list(cautions)
        if long_cramp_seconds is None or not long_cramp_text:  # what is not given comes from content
            limit = long_cramp()
            long_cramp_text = long_cramp_text or limit.warning
            long_cramp_seconds = limit.seconds if long_cramp_seconds is None else long_cramp_seconds
        self.long_cramp_text, self.long_cramp_seconds = long_cramp_text, long_cramp_seconds
        self.state: State = "ready"
        self.index = 0
        self._banked = 0.0  # elapsed on the current step before the last resume
        self._since: float | None = None  # when the current running stretch began
        self._last_now: float | None = None

    # -- time ---------------------------------------------------------------
    def _clamp(self, now: float) -> float:
        """Never let time run backwards (a clock adjusted under us)."""
        if self._last_now is not None and now < self._last_now:
            now = self._last_now
        self._last_now = now
        return now

    def _elapsed(self, now: float) -> float:
        if self.state == "running" and self._since is not None:
            return self._banked + (now - self._since)
        return self._banked

    # -- transitions --------------------------------------------------------
    def start(self, now: float) -> Tick:
        """Start (or restart) at the first step."""
        self._last_now = None
        now = self._clamp(now)
        self.state, self.index, self._banked, self._since = "running", 0, 0.0, now
        return self.tick(now)

    def pause(self, now: float) -> Tick:
        now = self._clamp(now)
        if self.state == "running":
            self.tick(now)  # finish any step whose time is up first
            if self.state == "running":
                self._banked = self._elapsed(now)
                self._since = None
                self.state = "paused"
        return self._snapshot(now)

    def resume(self, now: float) -> Tick:
        now = self._clamp(now)
        if self.state == "paused":
            self.state, self._since = "running", now
        return self.tick(now)

    def skip(self, now: float) -> Tick:
        """Go to the next step now (or finish, at the last step)."""
        now = self._clamp(now)
        if self.state == "ready":
            self.state, self._since = "running", now
        if self.state in ("running", "paused"):
            before = self.index
            self.tick(now)
            # If the step's time ran out before this press, the press was meant for that step:
            # it has already ended, so do not skip the next one as well.
            if self.state != "done" and self.index == before:
                self._advance(now, carry=0.0)
        return self._snapshot(now)

    def tick(self, now: float) -> Tick:
        """Where the routine is at ``now``; while running, moves past timed steps whose time is up."""
        now = self._clamp(now)
        while self.state == "running":
            step = self.steps[self.index]
            elapsed = self._elapsed(now)
            if step.seconds is None or elapsed < step.seconds:
                break
            self._advance(now, carry=elapsed - step.seconds)
        return self._snapshot(now)

    def _advance(self, now: float, carry: float) -> None:
        self.index += 1
        if self.index >= len(self.steps):
            self.index, self.state, self._banked, self._since = len(self.steps), "done", 0.0, None
            return
        if self.state == "running":
            self._banked, self._since = 0.0, now - carry
        else:  # paused: the next step starts paused, with nothing spent on it yet
            self._banked, self._since = 0.0, None

    # -- reading ------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.state == "done"

    @property
    def current(self) -> RoutineStep | None:
        return None if self.done else self.steps[self.index]

    def _snapshot(self, now: float) -> Tick:
        step = self.current
        elapsed = self._elapsed(now) if step else 0.0
        remaining = None
        if step is not None and step.seconds is not None:
            remaining = max(0.0, step.seconds - elapsed)
        long_hold = step is not None and step.kind != "action" and elapsed > self.long_cramp_seconds
        return Tick(self.state, self.index, step, remaining, elapsed, len(self.steps), long_hold)

    def summary(self, now: float, *, timing: bool = True) -> str:
        """One line of text saying where the routine is (for screen readers, nbval and logs).

        ``timing=False`` leaves out the running numbers (seconds left or so far), for a status
        line that is announced once per step rather than every second.
        """
        t = self.tick(now)
        n = len(self.steps)
        if t.state == "ready":
            return f"{self.title}: {n} steps, not started. Press Start."
        if t.state == "done":
            return f"{self.title}: all {n} steps done. If the cramp has not eased, start again or stretch once more."
        assert t.step is not None
        where = f"{self.title}: step {t.index + 1} of {n}"
        if t.state == "paused":
            where += " (paused)"
        if not timing:
            how = t.step.duration_text
        elif t.remaining is not None:
            how = f"{_fmt_seconds(t.remaining)} left ({t.step.duration_text})"
        elif t.step.kind == "until_eases":
            how = f"{_fmt_seconds(t.elapsed)} so far, hold until it eases, then press Skip"
        else:
            how = "press Skip when done"
        text = f"{where}: {t.step.text} [{how}]"
        if t.long_hold:
            text += f" Warning: {self.long_cramp_text}"
        return text


# --------------------------------------------------------------------------- from the content
def relief_techniques(course: Course | None = None) -> list[Topic]:
    """The relief topics that have steps to follow, in content order."""
    course = course or load_course()
    return [t for t in course.of_kind("relief") if t.steps]


def _timed_step_index(t: Topic) -> int:
    """Which of a topic's steps its ``hold_seconds`` times: the one that mentions seconds,
    else the first that starts with "Hold", else the last."""
    for k, s in enumerate(t.steps):
        if _MENTIONS_SECONDS.search(s):
            return k
    for k, s in enumerate(t.steps):
        if _STARTS_WITH_HOLD.search(s):
            return k
    return len(t.steps) - 1


def steps_from_topic(
    t: Topic, *, stretch_seconds: float | None = None, hold_pick: float | None = None
) -> list[RoutineStep]:
    """The routine steps of one relief topic.

    ``stretch_seconds``: the learner's own timer for steps held "until it eases" (None: count up
    until they press Skip). ``hold_pick``: a value inside the topic's ``hold_seconds`` range
    (default: the upper bound).
    """
    if not t.steps:
        raise RoutineError(f"{t.id} has no steps to follow")
    limit = long_cramp()
    if stretch_seconds is not None and not (0 < stretch_seconds <= limit.seconds):
        raise RoutineError(
            f"your stretch timer must be between 1 and {limit.seconds:g} seconds, not {stretch_seconds:g}; "
            f"{limit.warning}"
        )
    timed_at = _timed_step_index(t) if t.hold_seconds else -1
    out = []
    for k, text in enumerate(t.steps):
        if k == timed_at:
            assert t.hold_seconds is not None  # a timed step exists only when the topic has hold_seconds
            lo, hi = t.hold_seconds
            secs = hi if hold_pick is None else hold_pick
            if not lo <= secs <= hi:
                raise RoutineError(
                    f"{t.id}: the hold time must be within the lesson's {lo}-{hi} s, not {secs:g} s"
                )
            out.append(RoutineStep(text, "timed", float(secs), "content", (lo, hi), t.id, t.title))
        elif _UNTIL_EASES.search(text):
            src: Literal["content", "your choice"] | None = (
                "your choice" if stretch_seconds is not None else None
            )
            out.append(RoutineStep(text, "until_eases", stretch_seconds, src, None, t.id, t.title))
        else:
            out.append(RoutineStep(text, "action", None, None, None, t.id, t.title))
    return out


def build_routine(
    topic_ids: str | Iterable[str] = "relief.toe_pull",
    *,
    course: Course | None = None,
    stretch_seconds: float | None = None,
    hold_pick: float | None = None,
) -> Routine:
    """A routine from one relief technique, or several in order (e.g. stretch, then massage)."""
    course = course or load_course()
    ids = [topic_ids] if isinstance(topic_ids, str) else list(topic_ids)
    if not ids:
        raise RoutineError("choose at least one relief technique")
    known = {t.id: t for t in relief_techniques(course)}
    steps: list[RoutineStep] = []
    cautions: list[str] = []
    for tid in ids:
        if tid not in known:
            raise RoutineError(f"no relief technique {tid!r} with steps; choose one of: {', '.join(known)}")
        t = known[tid]
        steps += steps_from_topic(
            t, stretch_seconds=stretch_seconds, hold_pick=hold_pick if t.hold_seconds else None
        )
        cautions += [c for c in t.cautions if c not in cautions]
    title = " + ".join(known[i].title for i in ids)
    limit = long_cramp(course)
    return Routine(
        steps,
        title=title,
        cautions=cautions,
        long_cramp_text=limit.warning,
        long_cramp_seconds=limit.seconds,
    )
