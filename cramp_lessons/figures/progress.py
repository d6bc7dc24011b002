"""Progress figures: per-lesson mastery and mastery over time, each with its text summary.

Data in (:mod:`cramp_lessons.learner.mastery`), ``go.Figure`` out.
"""

from __future__ import annotations

import plotly.graph_objects as go

from cramp_lessons.figures.palette import OKABE_ITO, TEMPLATE
from cramp_lessons.learner.mastery import LessonProgress


def mastery_bar(rows: list[LessonProgress]) -> go.Figure:
    labels = [r.label for r in rows]
    fig = go.Figure(
        [
            go.Bar(
                name="answered",
                x=labels,
                y=[100 * r.answered / r.total if r.total else 0 for r in rows],
                marker_color=OKABE_ITO["sky_blue"],
                marker_pattern_shape="/",
                hovertemplate="%{x}: %{y:.0f}% answered<extra></extra>",
            ),
            go.Bar(
                name="mastered (fully right)",
                x=labels,
                y=[100 * r.mastery for r in rows],
                marker_color=OKABE_ITO["blue"],
                hovertemplate="%{x}: %{y:.0f}% mastered<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        template=TEMPLATE,
        barmode="group",
        title="Your progress by lesson",
        yaxis=dict(title="share of the lesson's questions (%)", range=[0, 100]),
        xaxis_title="lesson",
        legend=dict(orientation="h", y=-0.3),
        height=380,
        margin=dict(t=50, b=40),
    )
    return fig


def progress_summary(rows: list[LessonProgress]) -> str:
    """:func:`mastery_bar` in words, with the reviews due."""
    answered = sum(r.answered for r in rows)
    total = sum(r.total for r in rows)
    due = sum(r.due for r in rows)
    tail = f" {due} question(s) are due for review today." if due else ""
    if not answered:
        return f"You have not answered any of the course's {total} questions yet: start with lesson 01.{tail}"
    mastered = sum(r.mastered for r in rows)
    best = max(rows, key=lambda r: r.mastery)
    return (
        f"You have answered {answered} of {total} questions and fully mastered {mastered}; "
        f"your strongest lesson is {best.label} ({best.mastery:.0%}).{tail}"
    )


def mastery_over_time(points: list[tuple[str, int]]) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=[d for d, _ in points],
            y=[n for _, n in points],
            mode="lines+markers",
            name="mastered",
            line=dict(color=OKABE_ITO["green"]),
            marker=dict(symbol="circle", size=8),
            hovertemplate="%{x}: %{y} questions mastered<extra></extra>",
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        title="Mastery over time",
        height=320,
        margin=dict(t=50, b=40),
        xaxis=dict(title="day", type="category"),
        yaxis=dict(title="questions fully right (count)", rangemode="tozero"),
    )
    return fig


def timeline_summary(points: list[tuple[str, int]]) -> str:
    """:func:`mastery_over_time` in words."""
    if not points:
        return "Mastered questions over time: none yet; the line grows as you get questions fully right."
    return f"Mastered questions over time: {points[-1][1]} by {points[-1][0]}."
