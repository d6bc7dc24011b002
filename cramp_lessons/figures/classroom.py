"""The classroom's live answer chart: how many students chose each answer to the posed question.

Data in (the server's answer distribution, as JSON), ``go.Figure`` out. One bar trace, so the
teacher's dashboard can update it in place with :func:`chart_data` and :func:`chart_title`.
Every bar has the same colour until the reveal: the teacher's screen is often on the projector,
and colouring the right bar would give it away.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from cramp_lessons.figures.palette import OKABE_ITO, TEMPLATE

NEUTRAL, RIGHT, WRONG = OKABE_ITO["sky_blue"], OKABE_ITO["blue"], OKABE_ITO["orange"]
NO_QUESTION = "Answers: no question posed yet"


def shorten(text: str, n: int = 40) -> str:
    """``text`` cut to ``n`` characters, an ellipsis marking the cut."""
    return text if len(text) <= n else text[: n - 1] + "…"


def chart_data(dist: dict[str, Any] | None) -> tuple[list[str], list[int], list[str]]:
    """Bar labels, counts and colours. Right answers are marked (✔ and colour) only once revealed."""
    if not dist:
        return [], [], []
    shown = dist["revealed"]
    labels = [shorten(c["label"]) + (" ✔" if shown and not c["wrong"] else "") for c in dist["choices"]]
    colors = [(WRONG if c["wrong"] else RIGHT) if shown else NEUTRAL for c in dist["choices"]]
    return labels, [c["count"] for c in dist["choices"]], colors


def chart_title(dist: dict[str, Any] | None) -> str:
    return f"Answers to {dist['question_id']}: {shorten(dist['prompt'], 60)}" if dist else NO_QUESTION


def answers_figure(dist: dict[str, Any] | None = None) -> go.Figure:
    """One bar per answer (for multiple select, per ticked option), the count on each bar."""
    labels, counts, colors = chart_data(dist)
    fig = go.Figure(
        [
            go.Bar(
                x=labels, y=counts, marker={"color": colors}, text=counts, textposition="auto", name="answers"
            )
        ]
    )
    fig.update_layout(
        template=TEMPLATE,
        height=360,
        margin={"t": 50, "b": 90},
        title={"text": chart_title(dist)},
        xaxis={"title": {"text": "Answer"}},
        yaxis={"title": {"text": "Students (count)"}, "rangemode": "tozero"},
    )
    return fig
