"""Use the explorer: put an explorer (an interactive model) into a state, graded by the model.

The learner moves one slider of a named explorer (``control``) while the question holds the others
(``fixed``). The answer is the explorer's state, as ``Explorer.state`` gives it:
``{"ca_mmol": 1.04, "temp_c": 10.0, "drive": 10.0}``; a held slider left out counts as its ``fixed``
value. The right value is never written in the content: ``target`` names a model target
(:data:`TARGETS`) that computes it from the held values with the model the explorer draws, and an
answer is right within ``tolerance`` of it.

The sliders of each explorer (:data:`SLIDERS`) are the explorers' own, from the physiology models;
this layer cannot import the widgets, so tests/test_explorer_question.py checks that the two agree.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, PrivateAttr, model_validator

from cramp_lessons.errors import AnswerError, echo
from cramp_lessons.physiology import excitability as hh
from cramp_lessons.physiology import twitch as tw
from cramp_lessons.questions.base import Pick, QuestionBase, Scored, Scorer, random_plays
from cramp_lessons.schema import Text

_SLACK = 1e-9  # a slider at 1.04 is at 1.04, whatever the float arithmetic of the bounds

State = dict[str, float]


@dataclass(frozen=True)
class Slider:
    """One slider of an explorer, as the explorer builds it."""

    label: str  # as a sentence names it: "blood calcium"
    unit: str
    lo: float
    hi: float
    step: float
    default: float  # where the explorer starts it

    @property
    def decimals(self) -> int:
        exponent = Decimal(str(self.step)).normalize().as_tuple().exponent
        return max(0, -int(exponent))

    def positions(self) -> list[float]:
        """Every value the slider can show, lowest first."""
        n = round((self.hi - self.lo) / self.step)
        return [round(self.lo + k * self.step, self.decimals) for k in range(n + 1)]

    def number(self, x: float) -> str:
        """A value as the slider's readout rounds it: "1.04", "11"."""
        return f"{round(x, self.decimals):g}"

    def text(self, x: float) -> str:
        return f"{self.number(x)} {self.unit}"

    def problem(self, x: float) -> str | None:
        """Why the slider cannot show ``x``, or None."""
        if not self.lo - _SLACK <= x <= self.hi + _SLACK:
            return f"is outside the slider's range, {self.number(self.lo)} to {self.text(self.hi)}"
        k = (x - self.lo) / self.step
        if abs(k - round(k)) > 1e-6:
            return f"is not a position of the slider (steps of {self.text(self.step)} from {self.number(self.lo)})"
        return None


def _grid(values: np.ndarray) -> tuple[float, float, float]:
    return float(values[0]), float(values[-1]), round(float(values[1] - values[0]), 9)


# The explorers that take questions, and their sliders (name -> slider, in the explorer's order).
SLIDERS: dict[str, dict[str, Slider]] = {
    "excitability": {
        "ca_mmol": Slider("blood calcium", "mmol/L", *_grid(hh.CA_GRID), hh.CA_REF),
        "temp_c": Slider("axon temperature", "°C", *_grid(hh.TEMP_GRID), hh.DEFAULT_TEMP_C),
        "drive": Slider("background drive", "µA/cm²", *_grid(hh.DRIVE_GRID), hh.DEFAULT_DRIVE),
    },
    "twitch": {
        "rate_hz": Slider("firing rate", "Hz", *tw.RATE_SLIDER_HZ, 10),
        "temp_c": Slider("muscle temperature", "°C", *tw.TEMP_SLIDER_C, tw.T_REF_C),
    },
}


@dataclass(frozen=True)
class Target:
    """A value of one slider that a model computes from the other sliders' values."""

    explorer: str
    control: str
    about: str  # what the value is, in words
    # The held sliders' values -> the value (ValueError if no position of the slider reaches it).
    find: Callable[[Mapping[str, float]], float]
    says: Callable[[Mapping[str, float]], str]  # a whole state -> what the model does there, in plain words


def _nerve_fires_from(held: Mapping[str, float]) -> float:
    """The calcium below which the model nerve fires on its own (its rest turns unstable)."""
    ca = np.array(SLIDERS["excitability"]["ca_mmol"].positions())
    temp, drive = held["temp_c"], held["drive"]
    fires = hh.rest_unstable(ca, temp, drive)
    if not fires.any():
        raise ValueError("the model nerve fires on its own at no calcium on the slider")
    top = int(np.flatnonzero(fires)[-1])  # the highest calcium at which it fires
    if top == ca.size - 1:
        raise ValueError("the model nerve fires on its own even at the top of the slider")
    lo, hi = float(ca[top]), float(ca[top + 1])  # it fires at lo and rests at hi: bisect between
    for _ in range(24):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if hh.rest_unstable(mid, temp, drive) else (lo, mid)
    return (lo + hi) / 2


def _nerve_says(state: Mapping[str, float]) -> str:
    fires = bool(hh.rest_unstable(state["ca_mmol"], state["temp_c"], state["drive"]))
    what = "fires on its own, as in tetany" if fires else "rests: it does not fire on its own"
    return f"At {SLIDERS['excitability']['ca_mmol'].text(state['ca_mmol'])} calcium, the model nerve {what}."


def _twitches_fuse_from(held: Mapping[str, float]) -> float:
    """The lowest firing rate at which the twitches fuse into a nearly smooth pull."""
    rate, temp = SLIDERS["twitch"]["rate_hz"], held["temp_c"]
    if tw.fusion_index(rate.hi, temp) < tw.NEARLY_FUSED:
        raise ValueError(f"the twitches do not fuse {tw.NEARLY_FUSED:.0%} even at {rate.text(rate.hi)}")
    if tw.fusion_index(rate.lo, temp) >= tw.NEARLY_FUSED:
        raise ValueError(f"the twitches fuse already at {rate.text(rate.lo)}")
    return tw.fusion_rate(temp, tw.NEARLY_FUSED, tol=1e-4)


def _twitch_says(state: Mapping[str, float]) -> str:
    sliders = SLIDERS["twitch"]
    fusion = tw.fusion_index(state["rate_hz"], state["temp_c"])
    return (
        f"At {sliders['rate_hz'].text(state['rate_hz'])} and {sliders['temp_c'].text(state['temp_c'])}, "
        f"the twitches fuse {fusion:.0%}: {tw.fusion_word(fusion)}."
    )


TARGETS: dict[str, Target] = {
    "nerve_fires": Target(
        "excitability",
        "ca_mmol",
        "the highest blood calcium at which the model nerve fires on its own",
        _nerve_fires_from,
        _nerve_says,
    ),
    "twitches_fuse": Target(
        "twitch",
        "rate_hz",
        f"the lowest firing rate at which the twitches fuse {tw.NEARLY_FUSED:.0%} or more",
        _twitches_fuse_from,
        _twitch_says,
    ),
}


class ExplorerQuestion(QuestionBase):
    LABEL = "use the explorer"
    ORDER = 8
    type: Literal["explorer"]
    explorer: str  # an explorer of SLIDERS
    control: str  # the slider the learner moves
    fixed: dict[str, float] = Field(default_factory=dict)  # every other slider, held by the question
    start: float | None = None  # where the control starts; by default, where the explorer starts it
    target: str  # the model target (TARGETS) that computes the right value
    tolerance: Annotated[float, Field(gt=0)]
    feedback: Text  # for a right answer
    feedback_low: Text  # below the accepted range: what happens there, and why
    feedback_high: Text  # above it
    _value: float = PrivateAttr(default=math.nan)  # the target's value, computed as the question loads

    @model_validator(mode="after")
    def _model(self) -> ExplorerQuestion:
        sliders = SLIDERS.get(self.explorer)
        if sliders is None:
            raise ValueError(
                f"no explorer {self.explorer!r} takes questions; choose from {', '.join(SLIDERS)}"
            )
        if self.control not in sliders:
            raise ValueError(
                f"the {self.explorer} explorer has no slider {self.control!r}; its sliders: {', '.join(sliders)}"
            )
        for name in self.fixed:
            if name == self.control:
                raise ValueError(f"'fixed' holds {name!r}, the slider the learner moves")
            if name not in sliders:
                raise ValueError(
                    f"'fixed' names {name!r}, no slider of the {self.explorer} explorer; its sliders: "
                    f"{', '.join(sliders)}"
                )
        missing = [n for n in sliders if n != self.control and n not in self.fixed]
        if missing:
            raise ValueError(
                f"'fixed' must hold every other slider (the target depends on them): add {', '.join(missing)}"
            )
        for name, x in self.fixed.items():
            if why := sliders[name].problem(x):
                raise ValueError(f"fixed {name} {x:g} {why}")
        target = TARGETS.get(self.target)
        if target is None:
            raise ValueError(f"no target {self.target!r}; known: {', '.join(TARGETS)}")
        if (target.explorer, target.control) != (self.explorer, self.control):
            raise ValueError(
                f"target {self.target!r} is read on the {target.explorer} explorer's {target.control} slider, "
                f"not on the {self.explorer} explorer's {self.control}"
            )
        s = self.slider
        try:
            self._value = target.find(self.fixed)
        except ValueError as e:
            raise ValueError(
                f"target {self.target!r} is not reached on the {s.label} slider ({s.number(s.lo)} to "
                f"{s.text(s.hi)}) with {self.held()}: {e}"
            ) from None
        if not self.right_positions():
            raise ValueError(
                f"no position of the {s.label} slider (steps of {s.text(s.step)}) is within "
                f"±{self.tolerance:g} of the target, {self._value:.4g}: widen 'tolerance'"
            )
        if why := s.problem(self.start_value):
            raise ValueError(f"start {self.start_value:g} {why}")
        if self._within(self.start_value):
            raise ValueError(
                f"the slider starts at {s.text(self.start_value)}, a right answer: choose another 'start'"
            )
        return self

    # -- what the question holds --------------------------------------------------------------
    @property
    def slider(self) -> Slider:
        """The slider the learner moves."""
        return SLIDERS[self.explorer][self.control]

    @property
    def value(self) -> float:
        """The target's value, from the model."""
        return self._value

    @property
    def start_value(self) -> float:
        return self.slider.default if self.start is None else self.start

    def held(self) -> str:
        """The held sliders in words: "the axon temperature at 10 °C and the background drive at 10 µA/cm²"."""
        sliders = SLIDERS[self.explorer]
        parts = [f"the {sliders[n].label} at {sliders[n].text(x)}" for n, x in self.fixed.items()]
        return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)

    def start_state(self) -> State:
        """The explorer's state when the question opens."""
        return self._state(self.start_value)

    def _state(self, x: float) -> State:
        return {n: (x if n == self.control else self.fixed[n]) for n in SLIDERS[self.explorer]}

    def _within(self, x: float) -> bool:
        return abs(x - self._value) <= self.tolerance + _SLACK

    def right_positions(self) -> list[float]:
        """The slider positions that are right answers."""
        return [x for x in self.slider.positions() if self._within(x)]

    # -- an answer ------------------------------------------------------------------------------
    # The explorer's state: slider name -> value; the held sliders may be left out.
    def read(self, answer: Any) -> State:
        sliders = SLIDERS[self.explorer]
        if not isinstance(answer, Mapping):
            raise AnswerError(
                f"{self.id}: expected the explorer's state, slider names and values such as "
                f"{self.start_state()}; got {type(answer).__name__} {echo(answer)}"
            )
        given: State = {}
        for name, x in answer.items():
            if name not in sliders:
                raise AnswerError(
                    f"{self.id}: the {self.explorer} explorer has no slider {echo(name)}; its sliders: "
                    f"{', '.join(sliders)}"
                )
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise AnswerError(f"{self.id}: {name} must be a number, got {type(x).__name__} {echo(x)}")
            if isinstance(x, float) and not math.isfinite(x):
                raise AnswerError(f"{self.id}: {name} is {x}, not a finite number")
            if why := sliders[name].problem(x):
                raise AnswerError(f"{self.id}: {name} {echo(x)} {why}")
            given[name] = float(x)
        if self.control not in given:
            raise AnswerError(
                f"{self.id}: the state has no {self.control}; move the {self.slider.label} slider and send "
                "the explorer's state"
            )
        for name, want in self.fixed.items():
            if name in given and abs(given[name] - want) > _SLACK:
                s = sliders[name]
                raise AnswerError(
                    f"{self.id}: the {s.label} is {s.text(given[name])}, but this question holds it at "
                    f"{s.text(want)}: put the {s.label} slider back to {s.text(want)}"
                )
        return self._state(given[self.control])

    def score(self, answer: State) -> Scored:
        x = answer[self.control]
        says = TARGETS[self.target].says(answer)
        if self._within(x):
            return 1.0, [says, self.feedback]
        return 0.0, [says, self.feedback_low if x < self._value else self.feedback_high]

    def right_answer(self) -> State:
        return self._state(min(self.right_positions(), key=lambda x: abs(x - self._value)))

    def answer_text(self) -> str:
        s, right = self.slider, self.right_positions()
        where = s.text(right[0]) if len(right) == 1 else f"{s.number(right[0])} to {s.text(right[-1])}"
        held = f", with {self.held()}" if self.fixed else ""
        return f"about {s.text(self._value)} ({where} on the slider): {TARGETS[self.target].about}{held}"

    # -- counting answers: the class's chart shows the values sent, in order ---------------------
    def picks(self, answer: State) -> list[Pick]:
        x = answer[self.control]
        return [(self.slider.number(x), not self._within(x))]

    def pick_label(self, key: str) -> str:
        return f"{key} {self.slider.unit}"

    def key_order(self, key: str, count: int) -> tuple[float, str]:
        return (float(key), "")  # values in order

    def public(self, order: list[str]) -> dict[str, Any]:
        s = self.slider
        return {
            "explorer": self.explorer,
            "control": self.control,
            "fixed": dict(self.fixed),
            "start": self.start_value,
            "unit": s.unit,
            "min": s.lo,
            "max": s.hi,
            "step": s.step,
        }

    # -- guessing ---------------------------------------------------------------------------------
    def chance(self, score: Scorer) -> float:
        """A slider left anywhere: the share of its positions that are right."""
        return random_plays(score, [self._state(x) for x in self.slider.positions()])

    def wrong_answer(self, rng: random.Random) -> State:
        return self._state(rng.choice([x for x in self.slider.positions() if not self._within(x)]))

    # -- other formats ----------------------------------------------------------------------------
    def unsupported(self, fmt: str) -> str | None:
        if fmt in ("gift", "jupyterquiz"):
            name = "GIFT" if fmt == "gift" else "jupyterquiz"
            return f"{name} has no question answered by setting an interactive model"
        return None

    def worksheet(self, order: list[str], letter: Callable[[int], str]) -> tuple[list[str], str]:
        s = self.slider
        held = f"set {self.held()}, then " if self.fixed else ""
        how = f"*In the {self.explorer} explorer, {held}move the {s.label} slider and write down its value.*"
        return [how, "", f"Answer: ______________ {s.unit}"], self.answer_text()
