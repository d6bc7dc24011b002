"""Diary figures: when cramps come, during what, and what helped fastest. Data in, go.Figure out.

Every figure has one bar trace (so a widget can update it in place), a title, axis titles with
units, and colours from the colour-blind-safe palette. :func:`diary_summary` says the same in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

from cramp_lessons.figures.palette import OKABE_ITO, TEMPLATE
from cramp_lessons.practical.diary import (
    ACTIVITIES,
    DiaryEntry,
    activity_counts,
    duration_by_helped,
    hour_counts,
)
from cramp_lessons.practical.redflags import long_cramp

__all__ = [
    "NIGHT_HOURS",
    "CAPTION",
    "hours_figure",
    "activity_figure",
    "helped_figure",
    "diary_figures",
    "diary_summary",
]

NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5})  # 22:00 to 06:00, for the shaded band and the summary
CAPTION = (
    "A diary shows your own patterns, not their causes: several things change at once. "
    "To judge a measure, try one change at a time for a few weeks."
)
_HEIGHT = 340


def _layout(fig: go.Figure, title: str, xtitle: str, ytitle: str) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title=title,
        xaxis_title=xtitle,
        yaxis_title=ytitle,
        height=_HEIGHT,
        margin=dict(t=60, b=50, l=60, r=20),
        showlegend=False,
    )
    return fig


def _count_dtick(counts: Iterable[int]) -> int | None:
    return 1 if max(counts, default=0) <= 10 else None  # whole cramps while the counts are small


def diary_data(entries: Sequence[DiaryEntry], labels: dict[str, str] | None = None) -> list[dict]:
    """The three charts' trace data (x, y, text, y-axis dtick): to build them, or to update them in place."""
    hours = hour_counts(entries)
    acts = activity_counts(entries)
    stats = duration_by_helped(entries)
    labels = labels or {}
    return [
        dict(x=list(range(24)), y=hours, text=None, dtick=_count_dtick(hours)),
        dict(
            x=[ACTIVITIES[a] for a in acts],
            y=list(acts.values()),
            text=None,
            dtick=_count_dtick(acts.values()),
        ),
        dict(
            x=[m for m, _n in stats.values()],
            y=[f"{labels.get(h, h)} (n = {n})" for h, (_m, n) in stats.items()],
            text=[f"{m:g} s" for m, _n in stats.values()],
            dtick=None,
        ),
    ]


def hours_figure(entries: Iterable[DiaryEntry]) -> go.Figure:
    """Cramps by hour of the day, the night hours (22:00-06:00) shaded."""
    d = diary_data(list(entries))[0]
    fig = go.Figure(
        go.Bar(
            x=d["x"],
            y=d["y"],
            marker_color=OKABE_ITO["blue"],
            name="cramps",
            hovertemplate="%{x}:00-%{x}:59: %{y} cramps<extra></extra>",
        )
    )
    for x0, x1 in ((-0.5, 5.5), (21.5, 23.5)):
        fig.add_vrect(
            x0=x0, x1=x1, fillcolor=OKABE_ITO["sky_blue"], opacity=0.15, line_width=0, layer="below"
        )
    fig.add_annotation(x=2.5, y=1, yref="paper", text="night", showarrow=False, yanchor="bottom")
    fig.update_xaxes(tickmode="array", tickvals=list(range(0, 24, 3)), range=[-0.5, 23.5])
    fig.update_yaxes(rangemode="tozero", dtick=d["dtick"])
    return _layout(fig, "Cramps by hour of the day", "hour of the day (h, 0 = midnight)", "cramps (count)")


def activity_figure(entries: Iterable[DiaryEntry]) -> go.Figure:
    """Cramps by what the learner was doing: asleep, exercising, swimming, resting, other."""
    d = diary_data(list(entries))[1]
    fig = go.Figure(
        go.Bar(
            x=d["x"],
            y=d["y"],
            marker_color=OKABE_ITO["orange"],
            name="cramps",
            hovertemplate="%{x}: %{y} cramps<extra></extra>",
        )
    )
    fig.update_yaxes(rangemode="tozero", dtick=d["dtick"])
    return _layout(fig, "Cramps by what you were doing", "activity when the cramp started", "cramps (count)")


def helped_figure(entries: Iterable[DiaryEntry], labels: dict[str, str] | None = None) -> go.Figure:
    """Median cramp duration for each thing that helped, shortest first; n per bar in its label."""
    d = diary_data(list(entries), labels)[2]
    fig = go.Figure(
        go.Bar(
            x=d["x"],
            y=d["y"],
            orientation="h",
            marker_color=OKABE_ITO["green"],
            name="median duration",
            text=d["text"],
            textposition="auto",
            hovertemplate="%{y}: median %{x:g} s<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")  # shortest (fastest) at the top
    fig.update_xaxes(rangemode="tozero")
    return _layout(fig, "What helped fastest: median cramp duration", "median duration (s)", "what helped")


def diary_figures(entries: Sequence[DiaryEntry], labels: dict[str, str] | None = None) -> list[go.Figure]:
    return [hours_figure(entries), activity_figure(entries), helped_figure(entries, labels)]


def _fmt_s(s: float) -> str:
    return f"{s:g} s" if s < 120 else f"{s / 60:.1f} min"


def diary_summary(entries: Sequence[DiaryEntry], labels: dict[str, str] | None = None) -> str:
    """The figures in one or two sentences."""
    entries = list(entries)
    if not entries:
        return "No cramps in your diary yet: add one with the form, and the charts will show your patterns."
    labels = labels or {}
    n = len(entries)
    parts = [f"{n} cramp{'s' if n != 1 else ''} in your diary"]
    hours = hour_counts(entries)
    night = sum(hours[h] for h in NIGHT_HOURS)
    parts.append(f"{night} at night (22:00-06:00)")
    peak = max(range(24), key=lambda h: (hours[h], -h))
    parts.append(f"most often between {peak:02d}:00 and {peak:02d}:59 ({hours[peak]})")
    acts = activity_counts(entries)
    top = max(acts, key=lambda a: acts[a])
    parts.append(f"most often while {ACTIVITIES[top].lower()} ({acts[top]})")
    text = "; ".join(parts) + "."
    stats = duration_by_helped(entries)
    if stats:
        h, (m, k) = next(iter(stats.items()))
        text += (
            f" Shortest median duration: {labels.get(h, h)} ({_fmt_s(m)}, {k} cramp{'s' if k != 1 else ''})."
        )
        if k < 5:
            text += " Too few entries to compare fairly yet."
    long = sum(e.long for e in entries)
    if long:
        limit = long_cramp()
        text += (
            f" {long} lasted more than {limit.seconds / 60:g} minutes. {limit.warning} "
            "See the red flags in lesson 09."
        )
    return text
