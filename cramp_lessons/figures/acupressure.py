"""Plotly builder for the acupressure points on the back of the leg and the hand. The points, their
names, places and the evidence note come from ``content/figures.yaml``; this module draws them
where :data:`ACUPOINT_PLACES` says. No widgets here."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.figures.drawing import BONE, FONT
from cramp_lessons.figures.palette import OKABE_ITO as C
from cramp_lessons.figures.palette import TEMPLATE

__all__ = ["ACUPOINT_PLACES", "acupressure_map_figure"]


# Schematic drawing coordinates (no unit). Leg: knee crease at y = 0; hand centred at _HAND.
_LEG_PROFILE = (  # (height, half-width) down the back of the leg
    [0.38, 0.20, 0.05, 0.0, -0.08, -0.22, -0.34, -0.48, -0.62, -0.74, -0.86, -0.93],
    [0.18, 0.17, 0.155, 0.15, 0.165, 0.19, 0.19, 0.16, 0.11, 0.08, 0.07, 0.075],
)
_HAND = np.array([1.25, -0.40])
# Where each point the content may name (figures.yaml, acupressure) is drawn: the leg's points on
# the midline of the calf, LI4 on the hand. Then each point's marker (a shape each: not colour alone).
ACUPOINT_PLACES: dict[str, tuple[float, float]] = {
    "BL40": (0.0, 0.0),
    "BL56": (0.0, -0.30),
    "BL57": (0.0, -0.58),
    "LI4": (float(_HAND[0]) - 0.17, float(_HAND[1]) - 0.05),
}
_ON_HAND = {"LI4"}
_POINT_STYLE = {
    "BL40": ("circle", C["vermillion"]),
    "BL56": ("square", C["vermillion"]),
    "BL57": ("diamond", C["vermillion"]),
    "LI4": ("star", C["purple"]),
}


def _outline(fig: go.Figure, xs, ys, name: str, showlegend: bool = False, width: float = 2, **line) -> None:
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            name=name,
            showlegend=showlegend,
            hoverinfo="skip",
            line={"color": BONE, "width": width, **line},
        )
    )


def acupressure_map_figure(course: Course | None = None) -> go.Figure:
    """Back of the leg and back of the right hand with the acupressure points the content names.

    The points, their names, places and the evidence note are ``content/figures.yaml``
    (acupressure); their places on this schematic drawing are :data:`ACUPOINT_PLACES`.
    """
    words = (course or load_course()).figure("acupressure")
    unplaced = [p.id for p in words.points if p.id not in ACUPOINT_PLACES]
    if unplaced:
        raise KeyError(
            f"figures.yaml names acupressure point(s) {', '.join(unplaced)} that the drawing cannot place; "
            f"it places {', '.join(ACUPOINT_PLACES)}"
        )
    fig = go.Figure()
    # -- leg, back view: smooth outline, knee crease, two gastrocnemius heads, tendon, heel
    ys = np.linspace(_LEG_PROFILE[0][0], _LEG_PROFILE[0][-1], 80)
    hw = np.interp(-ys, [-v for v in _LEG_PROFILE[0]], _LEG_PROFILE[1])
    hw = np.convolve(np.pad(hw, 3, mode="edge"), np.ones(7) / 7, mode="valid")  # smooth the corners
    _outline(
        fig,
        np.concatenate([-hw, [None], hw]),
        np.concatenate([ys, [None], ys]),
        "Leg outline (back view)",
        True,
    )
    _outline(fig, [-0.075, -0.09, -0.05, 0.05, 0.09, 0.075], [-0.93, -1.0, -1.04, -1.04, -1.0, -0.93], "heel")
    _outline(fig, [-0.13, 0.13], [0.0, 0.0], "Knee crease", True, width=1.5, dash="dashdot")
    gy = np.linspace(-0.04, -0.58, 30)
    bulge = 0.13 * np.sin(np.pi * (gy + 0.04) / -0.54) ** 0.8
    fig.add_trace(
        go.Scatter(
            x=np.concatenate([-bulge, [None], bulge]),
            y=np.concatenate([gy, [None], gy]),
            mode="lines",
            name="Gastrocnemius, two heads",
            hoverinfo="skip",
            line={"color": C["blue"], "width": 2, "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[-0.03, -0.03, None, 0.03, 0.03],
            y=[-0.58, -0.95, None, -0.58, -0.95],
            mode="lines",
            name="Achilles tendon",
            hoverinfo="skip",
            line={"color": C["sky_blue"], "width": 2, "dash": "dot"},
        )
    )
    # -- right hand, back view (fingers up, thumb on the left)
    hx, hy = _HAND
    palm = np.array([(-0.15, -0.22), (0.16, -0.22), (0.18, 0.14), (-0.12, 0.16), (-0.15, 0.02)])
    _outline(fig, hx + palm[:, 0], hy + palm[:, 1], "Hand outline (back view)", True)
    for fx, fy, ln in ((-0.09, 0.16, 0.30), (-0.01, 0.16, 0.34), (0.07, 0.155, 0.32), (0.145, 0.145, 0.25)):
        _outline(
            fig,
            [hx + fx - 0.035, hx + fx - 0.035, hx + fx + 0.035, hx + fx + 0.035],
            [hy + fy, hy + fy + ln, hy + fy + ln, hy + fy],
            "finger",
        )
    thumb = np.array(
        [(-0.15, -0.22), (-0.30, -0.04), (-0.40, 0.10), (-0.35, 0.14), (-0.24, 0.04), (-0.15, 0.02)]
    )
    _outline(fig, hx + thumb[:, 0], hy + thumb[:, 1], "thumb")
    fig.add_trace(
        go.Scatter(
            x=[hx - 0.11, hx - 0.27, None, hx - 0.09, hx - 0.09],
            y=[hy - 0.2, hy + 0.0, None, hy - 0.2, hy + 0.15],
            mode="lines",
            name="1st and 2nd metacarpal bones",
            hoverinfo="skip",
            line={"color": C["sky_blue"], "width": 2, "dash": "dot"},
        )
    )
    # -- the points
    for p in words.points:
        sym, colour = _POINT_STYLE[p.id]
        x, y = ACUPOINT_PLACES[p.id]
        label = f"<b>{p.full_name}</b>" + (f" {p.note}" if p.note else "")
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers",
                name=p.full_name,
                marker={"symbol": sym, "size": 15, "color": colour, "line": {"color": BONE, "width": 1}},
                hoverinfo="text",
                hovertext=f"{p.full_name}: {p.where}. {words.hover}",
            )
        )
        if p.id in _ON_HAND:
            fig.add_annotation(
                x=x,
                y=y,
                ax=hx - 0.55,
                ay=hy - 0.35,
                axref="x",
                ayref="y",
                xanchor="center",
                yanchor="top",
                showarrow=True,
                arrowhead=2,
                arrowcolor=BONE,
                font={"size": 12},
                text=label,
            )
        else:
            fig.add_annotation(
                x=x,
                y=y,
                ax=0.42,
                ay=y,
                axref="x",
                ayref="y",
                xanchor="left",
                showarrow=True,
                arrowhead=0,
                arrowcolor=BONE,
                arrowwidth=1,
                font={"size": 12},
                text=label,
            )
    fig.add_annotation(
        xref="paper",
        yref="paper",
        x=0,
        y=1.0,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        align="left",
        text=words.caption,
        font={"size": 12, "color": BONE},
        bordercolor=BONE,
        borderwidth=1,
        borderpad=4,
    )
    fig.update_layout(
        template=TEMPLATE,
        title={"text": words.title, "y": 0.97},
        font=FONT,
        height=640,
        legend={"orientation": "h", "y": -0.02, "x": 0, "yanchor": "top"},
        margin={"t": 120, "b": 110},
    )
    fig.update_xaxes(range=[-0.45, 1.75], visible=False, title_text="schematic, no unit")
    fig.update_yaxes(
        range=[-1.1, 0.42], visible=False, scaleanchor="x", scaleratio=1, title_text="schematic, no unit"
    )
    return fig
