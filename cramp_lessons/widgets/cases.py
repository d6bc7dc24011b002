"""Worked cases in a notebook: read a made-up person's story, decide, then see the tool's reasoning.

The learner picks a case, chooses the most likely cause (or the ABI band) and how soon the person
should see a doctor, and only then sees the worked answer and the tool (the cause finder or the
ABI calculator) filled in with the case, ready for "what if?" changes. A banner says the tool is
for these cases, and sends anyone with symptoms of their own to the red flags and a doctor.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import ipywidgets as W

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.practical.cases import NONE, Case, Verdict, judge, load_cases
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.tools.base import Tool, level_html
from cramp_lessons.widgets.tools.causefinder import CauseFinderWidget

if TYPE_CHECKING:
    from cramp_lessons.widgets.explorers_body import AbiCalculator

__all__ = ["WorkedCasesWidget", "band_label", "worked_cases"]

_STYLE = {"description_width": "initial"}
_AUTO = W.Layout(width="auto")
_CHOOSE = ("— choose —", "")


def band_label(band: circ.AbiBand) -> str:
    """How an ABI band reads as a choice: its name, then its range ("normal (ABI 1.00 to 1.40)")."""
    return f"{band.label} ({band.explanation.split(':')[0]})"


class WorkedCasesWidget(Tool):
    """The worked cases of one tool (``"cause_finder"`` or ``"abi"``)."""

    def __init__(self, tool: str, *, course: Course | None = None) -> None:
        from cramp_lessons.practical.cases import cases_for

        self.course = course or load_course()
        self.file = load_cases(course)  # None: the packaged cases, read once
        self.tool = tool
        self.cases = {c.id: c for c in cases_for(tool, self.file)}
        self.verdict: Verdict | None = None
        self.picker = W.Dropdown(
            options=[(c.name, c.id) for c in self.cases.values()],
            description="Worked case:",
            style=_STYLE,
            layout=_AUTO,
        )
        self.story = W.HTML()
        self.guess = W.Dropdown(
            description="Most likely cause:" if tool == "cause_finder" else "Which ABI band?",
            style=_STYLE,
            layout=_AUTO,
        )
        self.urgency = W.Dropdown(
            options=[
                _CHOOSE,
                *[(lv.label, lv.id) for lv in self.course.urgency],
                (self.file.no_urgency, NONE),
            ],
            description="How soon should they see a doctor?",
            style=_STYLE,
            layout=_AUTO,
        )
        self.reveal = W.Button(
            description="Show the tool's reasoning", button_style="primary", layout=W.Layout(width="auto")
        )
        self.reveal.on_click(lambda _b: self.check())
        self.feedback = W.HTML()
        if tool == "cause_finder":
            self.finder: CauseFinderWidget | None = CauseFinderWidget(
                course=self.course,
                intro="The case's answers are ticked. Change one to see what would change.",
            )
            self.abi: AbiCalculator | None = None
            inner = self.finder.widget
        else:
            from cramp_lessons.widgets.explorers_body import AbiCalculator

            self.finder = None
            self.abi = AbiCalculator()
            inner = self.abi.widget
        self.tool_box = W.VBox([inner], layout=W.Layout(display="none"))
        self.picker.observe(lambda _c: self.choose(self.picker.value), names="value")
        banner = W.HTML(
            "<p role='note' style='border-left:4px solid #b35806;padding:4px 8px;background:#fff7ec'>"
            f"<b>Made-up cases, not a diagnosis.</b> {escape(self.file.own_symptoms)}</p>"
        )
        self.widget = Panel(
            [
                banner,
                self.picker,
                self.story,
                W.HTML("<p><b>Your reasoning first</b></p>"),
                self.guess,
                self.urgency,
                self.reveal,
                self.feedback,
                self.tool_box,
            ],
            label=lambda: f"[worked cases] {self.summary()}",
        )
        self.widget.add_class("cramp-cases")
        self.choose(self.picker.value)

    @property
    def case(self) -> Case:
        return self.cases[self.picker.value]

    def _guess_options(self, c: Case) -> list[tuple[str, str]]:
        if c.tool == "cause_finder":
            # Alphabetical: the author's order would put the right answer in a fixed place.
            titles = sorted((self.course.topics[o.topic].title, o.topic) for o in c.likely)
            return [_CHOOSE, *titles]
        return [_CHOOSE, *[(band_label(b), b.id) for b in circ.ABI_BANDS]]

    def choose(self, case_id: str) -> None:
        """Show a case: its story, fresh choices, the tool hidden until the learner has decided."""
        if self.picker.value != case_id:
            self.picker.value = case_id  # observed: comes back here
            return
        c = self.cases[case_id]
        self.verdict = None
        self.story.value = f"<blockquote><p><b>{escape(c.name)}.</b> {escape(c.story)}</p></blockquote>"
        self.guess.options = self._guess_options(c)
        self.guess.value = ""
        self.urgency.value = ""
        self.feedback.value = ""
        self.tool_box.layout.display = "none"

    def check(self) -> None:
        c = self.case
        if not self.guess.value or not self.urgency.value:
            what = "the most likely cause" if c.tool == "cause_finder" else "the ABI band"
            missing = " and ".join(
                m for m, d in ((what, self.guess), ("how soon", self.urgency)) if not d.value
            )
            self.feedback.value = (
                f"<p role='status' aria-live='polite'>Decide first: choose {escape(missing)}.</p>"
            )
            return
        v = self.verdict = judge(c, self.guess.value, self.urgency.value, self.course)
        level = self.course.level(c.urgency) if c.urgency != NONE else None
        said = (
            level_html(level) + f". {escape(level.action)}" if level else escape(self.file.no_urgency) + "."
        )
        mark = {True: "✔ Right.", False: "✘ Not this time."}
        parts = [
            f"<p><b>{mark[v.guess_right]}</b> {escape(v.guess_feedback)}</p>",
            f"<p><b>{mark[v.urgency_right]}</b> How soon: {said}</p>",
            f"<p><b>The worked answer.</b> {escape(c.reasoning)}</p>",
        ]
        self.feedback.value = "<div role='status' aria-live='polite'>" + "".join(parts) + "</div>"
        if self.finder is not None:
            assert c.answers is not None
            self.finder.set_answers(c.answers)
        else:
            assert self.abi is not None  # the ABI tool's cases
            self.abi.controls["ankle_systolic"].value = c.ankle
            self.abi.controls["arm_systolic"].value = c.arm
        self.tool_box.layout.display = ""

    def summary(self) -> str:
        c = self.case
        if self.verdict is None:
            what = "cause" if c.tool == "cause_finder" else "ABI band"
            return f"Worked case {c.name}: decide the most likely {what} and how soon, then show the tool's reasoning."
        v = self.verdict
        inner = self.finder if self.finder is not None else self.abi
        assert inner is not None  # one of the two tools is built
        tool = inner.summary()
        return (
            f"Worked case {c.name}: likely {'right' if v.guess_right else 'not right'}, "
            f"urgency {'right' if v.urgency_right else 'not right'}. {c.reasoning} Tool: {tool}"
        )


def worked_cases(tool: str = "cause_finder") -> WorkedCasesWidget:
    """Made-up people's stories to reason about with the cause finder or the ABI calculator (``"abi"``)."""
    return WorkedCasesWidget(tool)
