"""The cramp diary: a labelled entry form, the diary's charts, CSV export and import, delete.
A thin front end over :mod:`cramp_lessons.practical.diary`, with the charts of
:mod:`cramp_lessons.figures.diary`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.figures import diary as diary_figures
from cramp_lessons.practical import diary as diary_logic
from cramp_lessons.practical import redflags
from cramp_lessons.widgets.base import Panel, figure_widget
from cramp_lessons.widgets.tools.base import AUTO, STYLE, WIDE, Tool, data_link, file_link, status_html

if TYPE_CHECKING:
    from cramp_lessons.learner.progress import ProgressStore

__all__ = ["DiaryWidget", "cramp_diary"]


class DiaryWidget(Tool):
    """A labelled entry form, the diary's charts, CSV export and import, delete."""

    def __init__(
        self,
        *,
        course: Course | None = None,
        store: ProgressStore | None = None,
        now: Callable[[], datetime] | None = None,
        export_dir: str | Path | None = None,
        charts: bool = True,
    ) -> None:
        self.course = course or load_course()
        if store is None:
            from cramp_lessons.learner.progress import get_store

            store = get_store()
        self.diary = diary_logic.Diary(store, course=self.course, now=now)
        self.export_dir = Path(export_dir) if export_dir else Path.cwd()
        self.helped_labels = diary_logic.helped_choices(self.course)

        now_v = self.diary.now().replace(second=0, microsecond=0)
        self.when = W.NaiveDatetimePicker(value=now_v, description="Date and time:", style=STYLE)
        self.muscle = W.Dropdown(
            options=[(v, k) for k, v in diary_logic.MUSCLES.items()],
            value="calf",
            description="Muscle:",
            style=STYLE,
            layout=WIDE,
        )
        self.muscle_other = W.Text(
            description="If other, which muscle:", placeholder="e.g. neck", style=STYLE, layout=WIDE
        )
        self.duration = W.Text(
            description="How long (seconds):",
            placeholder="e.g. 45 (2 minutes = 120)",
            style=STYLE,
            layout=WIDE,
        )
        self.activity = W.Dropdown(
            options=[(v, k) for k, v in diary_logic.ACTIVITIES.items()],
            value="sleep",
            description="What you were doing:",
            style=STYLE,
            layout=WIDE,
        )
        self.helped = {
            k: W.Checkbox(value=False, description=v, indent=False, layout=AUTO)
            for k, v in self.helped_labels.items()
        }
        self.helped_other = W.Text(description="If something else helped, what:", style=STYLE, layout=WIDE)
        self.notes = W.Textarea(
            description="Notes:",
            placeholder="new medicine? long walk? cold night?",
            style=STYLE,
            layout=WIDE,
        )
        self.save_button = W.Button(
            description="Add to diary",
            button_style="primary",
            icon="plus",
            tooltip="Check the entry and save it",
        )
        self.message = W.HTML()
        self.entry_list = W.Dropdown(options=[], description="Entry:", style=STYLE, layout=WIDE)
        self.delete_button = W.Button(
            description="Delete entry", icon="trash", tooltip="Delete the chosen entry"
        )
        self.export_button = W.Button(
            description="Export CSV", icon="download", tooltip="Write cramp_diary.csv next to the notebook"
        )
        self.upload = W.FileUpload(accept=".csv", multiple=False, description="Import CSV")
        self.status = W.HTML()
        self.save_button.on_click(lambda _b: self.add())
        self.delete_button.on_click(lambda _b: self.delete())
        self.export_button.on_click(lambda _b: self.export())
        self.upload.observe(self._on_upload, names="value")
        self.figures = (
            [figure_widget(f) for f in diary_figures.diary_figures([], self.helped_labels)] if charts else []
        )
        self.refresh()
        form = W.VBox(
            [
                self.when,
                self.muscle,
                self.muscle_other,
                self.duration,
                self.activity,
                W.HTML("<p><b>What helped?</b> <i>(tick all that apply)</i></p>"),
                *self.helped.values(),
                self.helped_other,
                self.notes,
                self.save_button,
                self.message,
            ],
            layout=W.Layout(border="1px solid #ccc", padding="4px"),
        )
        self.widget = Panel(
            [
                W.HTML(
                    "<h4>Your cramp diary</h4><p><i>Note each cramp after it has passed. "
                    "Your diary is saved on this computer and stays after a restart.</i></p>"
                ),
                form,
                self.status,
                *(f.widget for f in self.figures),
                W.HTML(f"<p><em>{escape(diary_figures.CAPTION)}</em></p>"),
                W.HBox([self.entry_list, self.delete_button]),
                W.HBox([self.export_button, self.upload]),
            ],
            label="[cramp diary] add an entry with the form",
        )
        self.widget.add_class("cramp-diary")

    def form_data(self) -> dict[str, Any]:
        return {
            "when": self.when.value,
            "muscle": self.muscle.value,
            "muscle_other": self.muscle_other.value,
            "duration_seconds": self.duration.value.strip().replace(",", "."),
            "activity": self.activity.value,
            "helped": [k for k, b in self.helped.items() if b.value],
            "helped_other": self.helped_other.value,
            "notes": self.notes.value,
        }

    def add(self) -> diary_logic.DiaryEntry | None:
        data = self.form_data()
        if data["when"] is None:
            data.pop("when")
        try:
            entry = self.diary.add(data)
        except diary_logic.DiaryError as exc:
            self.message.value = (
                "<div role='alert' aria-live='assertive'><p>⚠ Not saved. Please check:</p><ul>"
                + "".join(
                    f"<li>{escape(diary_logic.LABELS.get(f, f))}: {escape(m)}</li>"
                    if f
                    else f"<li>{escape(m)}</li>"
                    for f, m in exc.problems
                )
                + "</ul></div>"
            )
            return None
        extra = ""
        if entry.long:
            limit = redflags.long_cramp(self.course)
            extra = f" It lasted more than {limit.seconds / 60:g} minutes. {limit.warning}"
        self.message.value = status_html(
            f"Saved: {entry.muscle_text}, {entry.duration_seconds:g} s, {entry.when:%Y-%m-%d %H:%M}.{extra}",
            alert=bool(extra),
        )
        self.duration.value = ""
        self.notes.value = ""
        for b in self.helped.values():
            b.value = False
        self.refresh()
        return entry

    def delete(self) -> None:
        uid = self.entry_list.value
        if not uid:
            self.message.value = status_html("Choose an entry to delete first.", alert=True)
            return
        ok = self.diary.delete(uid)
        self.message.value = status_html("Entry deleted." if ok else "That entry was already gone.")
        self.refresh()

    def export(self) -> Path | None:
        text = self.diary.to_csv()
        path = self.export_dir / "cramp_diary.csv"
        link = data_link(text, "cramp_diary.csv", "text/csv")
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.message.value = (
                status_html(f"Could not write the file ({exc}); use the download link.", alert=True)
                + f"<p>{link}</p>"
            )
            return None
        self.message.value = (
            status_html(f"Exported {len(self.diary)} entries to {path.name} next to the notebook.")
            + f"<p>Open {file_link(path, Path.cwd())} or {link}.</p>"
        )
        return path

    def import_text(self, text: str | bytes) -> diary_logic.ImportReport | None:
        try:
            report = self.diary.import_csv(text)
        except diary_logic.DiaryError as exc:
            self.message.value = status_html(f"Nothing imported: {exc}", alert=True)
            return None
        self.message.value = status_html(report.text, alert=bool(report.errors))
        self.refresh()
        return report

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        content = f["content"] if isinstance(f, dict) else f.content
        self.import_text(bytes(content))

    def refresh(self) -> None:
        entries = self.diary.entries()
        self.entries = entries
        self.entry_list.options = [
            (f"{x.when:%Y-%m-%d %H:%M} {x.muscle_text}, {x.duration_seconds:g} s", x.uid)
            for x in reversed(entries)
        ]
        self.entry_list.value = self.entry_list.options[0][1] if entries else None
        self.delete_button.disabled = not entries
        if self.figures:
            # Only the trace data: building three whole figures per entry took ~45 ms.
            for fw, d in zip(
                self.figures, diary_figures.diary_data(entries, self.helped_labels), strict=False
            ):
                with fw.batch_update():
                    fw.data[0].x, fw.data[0].y = d["x"], d["y"]
                    if d["text"] is not None:
                        fw.data[0].text = d["text"]
                    fw.layout.yaxis.dtick = d["dtick"]
        self.status.value = status_html(self.summary())

    def summary(self) -> str:
        return diary_figures.diary_summary(self.diary.entries(), self.helped_labels)


def cramp_diary() -> DiaryWidget:
    """Your cramp diary: add entries, see patterns, export CSV."""
    return DiaryWidget()
