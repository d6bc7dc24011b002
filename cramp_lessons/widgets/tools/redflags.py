"""The red-flag checker: tick the signs that go with the cramps; the result says how soon to get
help, emergencies first. A thin front end over :mod:`cramp_lessons.practical.redflags`."""

from __future__ import annotations

from html import escape

import ipywidgets as W

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.practical import redflags
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.tools.base import AUTO, Tool, level_html

__all__ = ["RedFlagWidget", "red_flag_checker"]


class RedFlagWidget(Tool):
    """Tick the signs that apply; the result says how soon to get help, emergencies first."""

    def __init__(self, *, course: Course | None = None) -> None:

        self.course = course or load_course()
        self.boxes = {
            s.id: W.Checkbox(value=False, description=s.title, indent=False, layout=AUTO)
            for s in sorted(redflags.signs(self.course), key=lambda s: list(self.course.topics).index(s.id))
        }
        self.result = W.HTML()
        for b in self.boxes.values():
            b.observe(lambda _c: self.update(), names="value")
        self.update()
        self.widget = Panel(
            [
                W.HTML(
                    "<h4>Red-flag checker</h4><p><i>Tick every sign that goes with the cramps. "
                    f"{escape(redflags.TEACHING_NOTE)}</i></p>"
                ),
                W.VBox(list(self.boxes.values()), layout=W.Layout(border="1px solid #ccc", padding="4px")),
                self.result,
            ],
            label="[red-flag checker] tick the signs that apply",
        )
        self.widget.add_class("cramp-redflags")

    def ticked(self) -> list[str]:
        return [k for k, b in self.boxes.items() if b.value]

    def update(self) -> None:
        self.last = r = redflags.check_signs(self.ticked(), self.course)
        alert = r.most_urgent  # a sign on the top level of the scale
        role = "alert" if alert else "status"
        live = "assertive" if alert else "polite"
        if not r.signs:
            self.result.value = f"<div role='{role}' aria-live='{live}'><p>{escape(r.headline)}</p></div>"
            return
        rows = []
        for lv, signs in r.by_level():
            rows.append(
                f"<p><b>{level_html(lv)}</b></p><ul>"
                + "".join(
                    f"<li><b>{escape(s.title)}</b>: {escape(s.summary)}"
                    + "".join(f"<br>⚠ {escape(c)}" for c in s.cautions)
                    + "</li>"
                    for s in signs
                )
                + "</ul>"
            )
        self.result.value = (
            f"<div role='{role}' aria-live='{live}'><p style='font-size:1.15em'><b>{escape(r.headline)}</b></p>"
            + "".join(rows)
            + f"<p><i>{escape(redflags.TEACHING_NOTE)}</i></p></div>"
        )

    def summary(self) -> str:
        return self.last.summary()


def red_flag_checker() -> RedFlagWidget:
    """Tick the signs that go with your cramps; see how soon to get help."""
    return RedFlagWidget()
