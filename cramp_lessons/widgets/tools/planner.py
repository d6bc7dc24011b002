"""The prevention planner: tick your situations, get a checklist, save it, export it as Markdown
and HTML. A thin front end over :mod:`cramp_lessons.practical.planner`."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as W

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.practical import planner
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.tools.base import AUTO, Tool, data_link, file_link, level_html, status_html

if TYPE_CHECKING:
    from cramp_lessons.learner.progress import ProgressStore

__all__ = ["PlannerWidget", "prevention_planner"]


def _plan_fragment(plan: planner.Plan, course: Course) -> str:
    from cramp_lessons.practical.planner import MARK, measure_tag, plan_sections

    def li(i: planner.PlanItem, mark: str) -> str:
        cautions = "".join(f"<li>⚠ {escape(c)}</li>" for c in i.cautions)
        return (
            f"<li><span aria-hidden='true'>{mark}</span> <b>{escape(i.title)}</b> "
            f"<i>({escape(measure_tag(i, course))})</i><br>{escape(i.summary)}"
            + (f"<ul>{cautions}</ul>" if cautions else "")
            + "</li>"
        )

    parts = [
        f"<h5>{escape(heading)}</h5><ul style='list-style:none;padding-left:0'>"
        + "".join(li(i, MARK[key]) for i in items)
        + "</ul>"
        for key, heading, items in plan_sections(plan)
    ] or ["<p>No measures for these situations.</p>"]
    adv = [a for a in plan.advice if a.cautions]
    if adv:
        parts.append(
            "<h5>For your situations</h5><ul>"
            + "".join(
                f"<li><b>{escape(a.title)}</b>: " + " ".join(escape(c) for c in a.cautions) + "</li>"
                for a in adv
            )
            + "</ul>"
        )
    parts.append("<h5>Red flags: when to get help</h5>")
    for lv, flags in plan.flags_by_level():
        parts.append(
            f"<p><b>{level_html(lv)}.</b> {escape(lv.action)}</p><ul>"
            + "".join(f"<li>{escape(f.title)}</li>" for f in flags)
            + "</ul>"
        )
    return "".join(parts)


class PlannerWidget(Tool):
    """Tick your situations; get a checklist; save it, export it as Markdown and HTML."""

    def __init__(
        self,
        *,
        course: Course | None = None,
        store: ProgressStore | None = None,
        export_dir: str | Path | None = None,
        name: str = "my plan",
    ) -> None:

        self.course = course or load_course()
        self._store = store
        self.name = name
        self.export_dir = Path(export_dir) if export_dir else Path.cwd()
        self.boxes = {
            sid: W.Checkbox(value=False, description=label, indent=False, layout=AUTO)
            for sid, label in planner.situation_choices(self.course)
        }
        self.checklist = W.HTML()
        self.status = W.HTML()
        self.message = W.HTML()
        self.save_button = W.Button(
            description="Save my plan", icon="save", tooltip="Save the ticked situations"
        )
        self.export_button = W.Button(
            description="Export as Markdown",
            icon="download",
            tooltip="Write my_cramp_plan.md and a print-friendly my_cramp_plan.html",
        )
        self.save_button.on_click(lambda _b: self.save())
        self.export_button.on_click(lambda _b: self.export())
        try:
            saved = planner.load_plan(self.store, name, self.course)
        except CrampLessonsError as exc:
            saved = None
            self.message.value = status_html(f"Your saved plan could not be loaded: {exc}", alert=True)
        if saved is not None:
            for sid in saved.situations:
                self.boxes[sid].value = True
        for b in self.boxes.values():
            b.observe(lambda _c: self.update(), names="value")
        self.update()
        if saved is not None:
            self.message.value = status_html(f"Loaded your saved plan {name!r}.")
        self.widget = Panel(
            [
                W.HTML(
                    "<h4>Your prevention plan</h4><p><i>Tick every situation that fits you. "
                    "The advice for everyone is always included.</i></p>"
                ),
                W.VBox(list(self.boxes.values()), layout=W.Layout(border="1px solid #ccc", padding="4px")),
                W.HBox([self.save_button, self.export_button]),
                self.message,
                self.status,
                self.checklist,
            ],
            label="[prevention planner] tick your situations",
        )
        self.widget.add_class("cramp-planner")

    @property
    def store(self) -> ProgressStore:
        if self._store is None:
            from cramp_lessons.learner.progress import get_store

            self._store = get_store()
        return self._store

    def selected(self) -> list[str]:
        return [sid for sid, b in self.boxes.items() if b.value]

    def update(self) -> None:
        self.plan = planner.make_plan(self.selected(), self.course)
        self.checklist.value = _plan_fragment(self.plan, self.course)
        self.status.value = status_html(self.summary())

    def save(self) -> None:
        try:
            planner.save_plan(self.store, self.plan, self.name)
        except CrampLessonsError as exc:
            self.message.value = status_html(f"Not saved: {exc}", alert=True)
            return
        self.message.value = status_html(
            f"Saved as {self.name!r}: {len(self.plan.situations)} situations ticked."
        )

    def export(self) -> tuple[Path, Path] | None:
        md = planner.plan_markdown(self.plan, self.course)
        page = planner.plan_html(self.plan, self.course)
        md_path, html_path = self.export_dir / "my_cramp_plan.md", self.export_dir / "my_cramp_plan.html"
        try:
            md_path.write_text(md, encoding="utf-8")
            html_path.write_text(page, encoding="utf-8")
        except OSError as exc:
            self.message.value = (
                status_html(f"Could not write the files ({exc}); use the download links instead.", alert=True)
                + f"<p>{data_link(md, 'my_cramp_plan.md', 'text/markdown')} · "
                f"{data_link(page, 'my_cramp_plan.html', 'text/html')}</p>"
            )
            return None
        self.message.value = (
            status_html(f"Exported {md_path.name} and {html_path.name} next to the notebook.")
            + f"<p>Open {file_link(md_path, Path.cwd())} or the print-friendly {file_link(html_path, Path.cwd())}; "
            f"or {data_link(md, 'my_cramp_plan.md', 'text/markdown')}.</p>"
        )
        return md_path, html_path

    def summary(self) -> str:
        return planner.plan_summary(self.plan, self.course)


def prevention_planner() -> PlannerWidget:
    """Tick your situations and get a personal prevention checklist."""
    return PlannerWidget()
