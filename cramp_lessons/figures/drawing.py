"""What the body lessons' drawings share: the ink of bones and outlines, the font, and a caption
written under a figure."""

from __future__ import annotations

import plotly.graph_objects as go

from cramp_lessons.figures.palette import OKABE_ITO as C

__all__ = ["BONE", "FONT", "caption"]

BONE = C["black"]
FONT = {"size": 13}


def caption(fig: go.Figure, text: str, y: float = -0.2) -> None:
    """``text`` left-aligned at height ``y`` of the plot area (paper coordinates; below it when negative)."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=y,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 12, "color": C["black"]},
    )
