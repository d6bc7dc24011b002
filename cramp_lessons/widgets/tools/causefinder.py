"""The cause finder: describe a cramp with labelled controls; red flags first, then possible
causes with their reasons. A thin front end over :mod:`cramp_lessons.practical.causefinder`."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as W

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.practical import causefinder
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.tools.base import AUTO, STYLE, Tool, level_html

__all__ = ["CauseFinderWidget", "cause_finder"]


def _red_flag(f: causefinder.Finding) -> str:
    assert f.level is not None  # the content check gives every red flag a level
    return (
        f"<li>{level_html(f.level)}: <b>{escape(f.title)}</b>. {escape(f.summary)}"
        f"<br><small>Because: {escape(' '.join(f.reasons))}</small></li>"
    )


class CauseFinderWidget(Tool):
    """Describe a cramp with labelled controls; red flags first, then possible causes with reasons."""

    def __init__(self, *, course: Course | None = None, intro: str = "Tick what the case describes.") -> None:

        self._holding = False  # set_answers changes many controls: one update at the end
        self.course = course or load_course()
        rules = causefinder.load_rules(course=None if course is None else self.course)
        self.rules = rules
        self.controls: dict[str, Any] = {}
        blocks: list[W.Widget] = []
        single: list[W.Widget] = []  # one-answer questions share a column with the age
        for g, (label, multiple, options) in causefinder.answer_options(rules).items():
            if multiple:
                boxes = {
                    k: W.Checkbox(value=False, description=v, indent=False, layout=AUTO)
                    for k, v in options.items()
                }
                self.controls[g] = boxes
                blocks.append(W.VBox([W.HTML(f"<p><b>{escape(label)}</b></p>"), *boxes.values()]))
                for b in boxes.values():
                    b.observe(lambda _c: self.update(), names="value")
            else:
                dd = W.Dropdown(
                    options=[("— not given —", ""), *[(v, k) for k, v in options.items()]],
                    value="",
                    description=label,
                    style=STYLE,
                    layout=AUTO,
                )
                self.controls[g] = dd
                single.append(dd)
                dd.observe(lambda _c: self.update(), names="value")
        self.age = W.Text(
            description="Age (years, optional):",
            placeholder="e.g. 67",
            style=STYLE,
            layout=AUTO,
            continuous_update=False,
        )
        self.age.observe(lambda _c: self.update(), names="value")
        blocks.insert(min(2, len(blocks)), W.VBox([*single, self.age]))
        self.result = W.HTML()
        self.update()
        grid = W.GridBox(
            blocks,
            layout=W.Layout(
                grid_template_columns="repeat(auto-fill, minmax(380px, 1fr))",
                grid_gap="4px 16px",
                border="1px solid #ccc",
                padding="4px",
            ),
        )
        self.widget = Panel(
            [
                W.HTML(
                    f"<h4>Cause finder</h4><p><i>{escape(intro)} {escape(causefinder.TEACHING_AID)}</i></p>"
                ),
                grid,
                self.result,
            ],
            label="[cause finder] describe the cramp",
        )
        self.widget.add_class("cramp-causefinder")

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for g, c in self.controls.items():
            out[g] = (
                [k for k, b in c.items() if b.value]
                if isinstance(c, dict)
                else ([c.value] if c.value else [])
            )
        out["age"] = self.age.value
        return out

    def set_answers(self, answers: dict[str, Any]) -> None:
        """Fill the controls with a worked case's answers (option ids, as in ``content/cases.yaml``)."""
        self._holding = True
        try:
            for g, c in self.controls.items():
                given = answers.get(g) or []
                given = [given] if isinstance(given, str) else list(given)
                if isinstance(c, dict):
                    for k, box in c.items():
                        box.value = k in given
                else:
                    c.value = given[0] if given else ""
            age = answers.get("age")
            self.age.value = "" if age is None else str(age)
        finally:
            self._holding = False
        self.update()

    def update(self) -> None:
        if self._holding:
            return
        self.last = r = causefinder.find_causes(self.answers(), rules=self.rules, course=self.course)
        alert = r.most_urgent  # a red flag on the top level of the scale
        role, live = ("alert", "assertive") if alert else ("status", "polite")
        parts = [f"<p style='font-size:1.1em'><b>{escape(r.message)}</b></p>"]
        if r.problems:
            parts.append("<ul>" + "".join(f"<li>⚠ {escape(p)}</li>" for p in r.problems) + "</ul>")
        if r.red_flags:
            parts.append(
                "<p><b>Red flags first: these need a doctor</b></p><ul>"
                + "".join(_red_flag(f) for f in r.red_flags)
                + "</ul>"
            )
        if r.causes:
            parts.append(
                "<p><b>Possible contributing causes, for learning</b></p><ul>"
                + "".join(
                    f"<li><b>{escape(f.title)}</b> <i>({escape(self.course.evidence[f.evidence].words)})</i>: "
                    f"{escape(' '.join(f.reasons))}</li>"
                    for f in r.causes
                )
                + "</ul>"
            )
        if r.notes:
            parts.append(
                "<p><b>Also worth knowing</b></p><ul>"
                + "".join(
                    f"<li><b>{escape(f.title)}</b>: {escape(' '.join(f.reasons))}</li>" for f in r.notes
                )
                + "</ul>"
            )
        if r.status != "empty":
            parts.append(f"<p><i>{escape(causefinder.TEACHING_AID)}</i></p>")
        self.result.value = f"<div role='{role}' aria-live='{live}'>" + "".join(parts) + "</div>"

    def summary(self) -> str:
        return self.last.summary()


def cause_finder() -> CauseFinderWidget:
    """Describe your cramps and see the causes and red flags the course links with them."""
    return CauseFinderWidget()
