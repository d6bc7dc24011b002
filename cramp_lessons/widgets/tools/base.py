"""What the practical tools share: control layouts, a level of the urgency scale as HTML, the
spoken status line, download and file links, and :class:`Tool`, the display every tool has (its
panel, then its one-line summary printed as text).
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

import ipywidgets as W

from cramp_lessons.course.model import UrgencyLevel
from cramp_lessons.widgets.base import Panel

__all__ = ["STYLE", "WIDE", "AUTO", "level_html", "status_html", "data_link", "file_link", "Tool"]

STYLE = {"description_width": "initial"}
WIDE = W.Layout(width="min(100%, 560px)")
AUTO = W.Layout(width="auto")


def level_html(lv: UrgencyLevel) -> str:
    """A level of the urgency scale (content/urgency.yaml) as HTML: icon (decorative), then label."""
    return f"<span aria-hidden='true'>{escape(lv.icon)}</span> {escape(lv.label)}"


def status_html(text: str, *, alert: bool = False) -> str:
    """``text`` as a live region: read out politely, or at once (``role=alert``) when ``alert``."""
    role = "alert" if alert else "status"
    live = "assertive" if alert else "polite"
    return f"<p role='{role}' aria-live='{live}'>{escape(text)}</p>"


def data_link(text: str, filename: str, mime: str) -> str:
    """A link that downloads ``text`` as ``filename`` (a data URL: works with no file on disk)."""
    b64 = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"<a download='{escape(filename)}' href='data:{mime};charset=utf-8;base64,{b64}'>download {escape(filename)}</a>"


def file_link(path: Path, base: Path) -> str:
    """A link relative to the notebook's folder; the plain path when the file is elsewhere."""
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return f"<code>{escape(str(path))}</code>"
    return f"<a href='{escape(rel)}' target='_blank'>{escape(path.name)}</a>"


class Tool:
    """Shared display: the panel, and the summary printed as text."""

    widget: Panel

    def summary(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        print(self.summary())

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary()}>"
