"""The classroom's live answer chart: how many students chose each answer to the posed question.

Data in (the server's answer distribution, as JSON), ``go.Figure`` out. Two bar traces: the
current round, and (in peer instruction's second round) round 1 beside it, hatched, so the shift
per answer shows without relying on colour. The teacher's dashboard updates them in place with
:func:`chart_data`, :func:`first_round_counts` and :func:`chart_title`.
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


def first_round_counts(dist: dict[str, Any] | None, first: dict[str, Any] | None) -> list[int]:
    """Round 1's count for each of the current round's bars (none outside round 2)."""
    if not dist or not first or dist.get("round", 1) != 2:
        return []
    counts = {c["key"]: c["count"] for c in first["choices"]}
    return [counts.get(c["key"], 0) for c in dist["choices"]]


def chart_title(dist: dict[str, Any] | None) -> str:
    if not dist:
        return NO_QUESTION
    return f"Answers to {dist['question_id']} (round {dist.get('round', 1)}): {shorten(dist['prompt'], 60)}"


def answers_figure(dist: dict[str, Any] | None = None, first: dict[str, Any] | None = None) -> go.Figure:
    """One bar per answer (for multiple select, per ticked option), the count on each bar; in round 2,
    round 1's count beside it."""
    labels, counts, colors = chart_data(dist)
    before = first_round_counts(dist, first)
    fig = go.Figure(
        [
            go.Bar(
                x=labels, y=counts, marker={"color": colors}, text=counts, textposition="auto", name="now"
            ),
            go.Bar(
                x=labels if before else [],
                y=before,
                text=before,
                textposition="auto",
                name="round 1",
                marker={
                    "color": "white",
                    "line": {"color": OKABE_ITO["black"], "width": 1},
                    "pattern": {"shape": "/"},
                },
            ),
        ]
    )
    fig.update_layout(
        template=TEMPLATE,
        barmode="group",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        height=360,
        margin={"t": 50, "b": 90},
        title={"text": chart_title(dist)},
        xaxis={"title": {"text": "Answer"}},
        yaxis={"title": {"text": "Students (count)"}, "rangemode": "tozero"},
    )
    return fig
