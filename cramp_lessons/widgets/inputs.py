"""One input per question type: the native ipywidgets a learner answers with, and the answer they hold.

Every builder takes the question and its choices in the learner's order and returns an
:class:`Input`. Every control is a native ipywidget (radio buttons, checkboxes, toggles, text,
dropdowns) or a native range input (an explorer's slider), so Tab, arrows and Enter work and each
has a name a screen reader reads. A new question type adds its builder here (and its module in
``questions/``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from cramp_lessons.questions import Question
from cramp_lessons.questions.explorer import ExplorerQuestion
from cramp_lessons.questions.matching import Matching
from cramp_lessons.questions.multiple import MultipleSelect
from cramp_lessons.questions.numeric import Numeric
from cramp_lessons.questions.ordering import Ordering
from cramp_lessons.questions.single import SingleChoice
from cramp_lessons.widgets.base import Explorer
from cramp_lessons.widgets.explorers import show_explorer

_STYLE = {"description_width": "initial"}
_WIDE = W.Layout(width="auto")
_CHOOSE = ("— choose —", None)


@dataclass
class Input:
    # Shown in order: instructions are HTML, a figure is in a box, the rest are controls.
    widgets: list[W.Widget]
    answer: Callable[[], Any]  # the answer as entered, in the form the question reads (may be malformed)
    fill: Callable[[Any], None]  # put an answer into the controls (as a learner would enter it)
    missing: Callable[[], str] = lambda: ""  # what is left to choose before checking ("" if nothing)

    @property
    def controls(self) -> list[W.Widget]:
        return [w for w in self.widgets if not isinstance(w, (W.HTML, W.Box))]


def _single(q: Question, order: list[str]) -> Input:
    assert isinstance(q, SingleChoice)
    text = {o.id: o.text for o in q.options}
    radio = W.RadioButtons(
        options=[(text[i], i) for i in order],
        value=None,
        description="Your answer:",
        style=_STYLE,
        layout=_WIDE,
    )
    return Input([radio], lambda: radio.value, lambda a: setattr(radio, "value", a))


def _multiple(q: Question, order: list[str]) -> Input:
    assert isinstance(q, MultipleSelect)
    text = {o.id: o.text for o in q.options}
    boxes = {i: W.Checkbox(description=text[i], value=False, indent=False, layout=_WIDE) for i in order}

    def fill(answer: Any) -> None:
        for i, b in boxes.items():
            b.value = i in answer

    return Input(
        [W.HTML("<i>Tick every answer that applies.</i>"), *boxes.values()],
        lambda: [i for i, b in boxes.items() if b.value],
        fill,
    )


def _truefalse(q: Question, order: list[str]) -> Input:
    toggle = W.ToggleButtons(
        options=[("Fact", True), ("Myth", False)],
        value=None,
        description="Myth or fact?",
        style=_STYLE,
        tooltips=["The statement is true", "The statement is false"],
    )
    return Input([toggle], lambda: toggle.value, lambda a: setattr(toggle, "value", a))


def _numeric(q: Question, order: list[str]) -> Input:
    assert isinstance(q, Numeric)
    unit = f" ({q.unit})" if q.unit else ""
    text = W.Text(
        value="",
        placeholder="type a number",
        description=f"Your answer{unit}:",
        style=_STYLE,
        continuous_update=True,
    )
    return Input([text], lambda: text.value, lambda a: setattr(text, "value", str(a)))


def _ordering(q: Question, order: list[str]) -> Input:
    assert isinstance(q, Ordering)
    text = {i.id: i.text for i in q.items}
    opts = [_CHOOSE, *((text[i], i) for i in order)]
    slots = [
        W.Dropdown(options=opts, value=None, description=f"Step {k + 1}:", style=_STYLE, layout=_WIDE)
        for k in range(len(q.items))
    ]

    def fill(answer: Any) -> None:
        for slot, item in zip(slots, answer, strict=False):
            slot.value = item

    def missing() -> str:
        return "Choose a step for every position before checking." if None in [s.value for s in slots] else ""

    return Input(
        [W.HTML("<i>Choose the step that comes at each position.</i>"), *slots],
        lambda: [s.value for s in slots],
        fill,
        missing,
    )


def _matching(q: Question, order: list[str]) -> Input:
    assert isinstance(q, Matching)
    opts = [_CHOOSE, *((r, r) for r in order)]
    pairs = {
        p.id: W.Dropdown(options=opts, value=None, description=f"{p.left}:", style=_STYLE, layout=_WIDE)
        for p in q.pairs
    }

    def fill(answer: Any) -> None:
        for pid, d in pairs.items():
            d.value = answer.get(pid)

    return Input(
        [W.HTML("<i>Match each item on the left.</i>"), *pairs.values()],
        lambda: {pid: d.value for pid, d in pairs.items() if d.value is not None},
        fill,
    )


def _short(q: Question, order: list[str]) -> Input:
    text = W.Text(value="", placeholder="type a word", description="Your answer:", style=_STYLE)
    return Input([text], lambda: text.value, lambda a: setattr(text, "value", str(a)))


def _explorer(q: Question, order: list[str]) -> Input:
    assert isinstance(q, ExplorerQuestion)
    explorer = show_explorer(q.explorer, **q.start_state())
    assert isinstance(explorer, Explorer)
    held = f"The question holds {q.held()}. " if q.fixed else ""
    note = W.HTML(
        f"<i>{html.escape(held)}Move the {html.escape(q.slider.label)} slider, read what the model does, "
        "then press Check.</i>"
    )
    # Only the slider the learner moves is shown: the held ones cannot be moved away.
    view = explorer.panel(controls=())
    view.add_class("cramp-question-explorer")
    return Input([note, explorer.controls[q.control], view], lambda: explorer.state, explorer.set_state)


BUILDERS: dict[str, Callable[[Question, list[str]], Input]] = {
    "single": _single,
    "multiple": _multiple,
    "truefalse": _truefalse,
    "numeric": _numeric,
    "ordering": _ordering,
    "matching": _matching,
    "short": _short,
    "explorer": _explorer,
}


def build(q: Question, order: list[str]) -> Input:
    """The input for ``q``, its choices shown in ``order``."""
    return BUILDERS[q.type](q, order)
