"""Plotly builder for the sweat balance: fluid and sodium lost in sweat against replaced, with
:func:`sweat_data` for the explorer that updates the bars in place. No widgets here."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cramp_lessons.figures.drawing import BONE, FONT
from cramp_lessons.figures.palette import OKABE_ITO as C
from cramp_lessons.figures.palette import TEMPLATE
from cramp_lessons.physiology.sweat import SweatBalance

__all__ = ["sweat_data", "sweat_figure"]


_LOST = {"name": "Lost in sweat", "color": C["vermillion"], "pattern": ""}
_REPL = {"name": "Replaced (drunk / taken in)", "color": C["blue"], "pattern": "/"}


def sweat_data(b: SweatBalance | None) -> list[dict]:
    """Trace properties for the four bars of :func:`sweat_figure`; ``None`` empties them."""
    if b is None:
        return [{"y": [0], "text": ["-"]} for _ in range(4)]
    return [
        {"y": [b.fluid_lost_l], "text": [f"{b.fluid_lost_l:.2f} L"]},
        {"y": [b.fluid_replaced_l], "text": [f"{b.fluid_replaced_l:.2f} L"]},
        {"y": [b.sodium_lost_mg], "text": [f"{b.sodium_lost_mg:,.0f} mg"]},
        {"y": [b.sodium_replaced_mg], "text": [f"{b.sodium_replaced_mg:,.0f} mg"]},
    ]


def sweat_figure(b: SweatBalance | None = None) -> go.Figure:
    """Fluid (L) and sodium (mg) lost in sweat vs replaced, as two bar panels."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Fluid (L)", "Sodium (mg)"), horizontal_spacing=0.15)
    d = sweat_data(b)
    for i, (col, what, style) in enumerate(
        ((1, "fluid", _LOST), (1, "fluid", _REPL), (2, "sodium", _LOST), (2, "sodium", _REPL))
    ):
        fig.add_trace(
            go.Bar(
                x=[style["name"].split(" (")[0]],
                name=style["name"],
                legendgroup=style["name"],
                showlegend=col == 1,
                marker={
                    "color": style["color"],
                    "pattern": {"shape": style["pattern"]},
                    "line": {"color": BONE, "width": 1},
                },
                textposition="outside",
                hovertemplate=f"{what}: %{{text}}<extra>{style['name']}</extra>",
                **d[i],
            ),
            row=1,
            col=col,
        )
    fig.update_layout(
        template=TEMPLATE,
        title="Sweat balance: lost vs replaced (not a cramp risk)",
        font=FONT,
        height=430,
        legend={"orientation": "h", "y": -0.15, "x": 0},
        margin={"b": 90},
        bargap=0.35,
    )
    fig.update_yaxes(title_text="fluid (L)", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="sodium (mg)", rangemode="tozero", row=1, col=2)
    return fig
