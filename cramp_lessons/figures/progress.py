"""Progress figures: per-lesson mastery and mastery over time."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from cramp_lessons.figures.palette import OKABE_ITO, TEMPLATE


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    label: str
    total: int  # questions in the lesson's banks
    answered: int
    mastered: int  # best score 1.0
    score: float = 0.0  # mean best score over the lesson's questions
    due: int = 0  # questions due for review

    @property
    def mastery(self) -> float:
        return self.mastered / self.total if self.total else 0.0


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
