"""Plotly builders for the leg and calf: the leg drawing with both calf muscles and their lengths
against the ankle angle, and one pose of a stretch. Data in, ``go.Figure`` out; no widgets here.

Each figure an explorer updates has a matching ``*_data`` function returning the new trace
properties, one dict per trace in figure order, so the explorer can write them in place
(``figure.data[i].update(...)``) without rebuilding anything.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cramp_lessons.figures.drawing import BONE, FONT
from cramp_lessons.figures.palette import OKABE_ITO as C
from cramp_lessons.figures.palette import TEMPLATE
from cramp_lessons.physiology import leg as legm

__all__ = [
    "GASTROC_STYLE",
    "SOLEUS_STYLE",
    "pct",
    "leg_panel_data",
    "calf_curve_data",
    "leg_figure",
    "stretch_figure",
    "stretch_frame_data",
]

GASTROC_STYLE = {"color": C["blue"], "dash": "solid", "symbol": "circle", "name": "Gastrocnemius"}
SOLEUS_STYLE = {"color": C["orange"], "dash": "dash", "symbol": "square", "name": "Soleus"}


def pct(fraction: float) -> int:
    """A length fraction as the whole percentage shown everywhere (round half up)."""
    return int(np.floor(float(fraction) * 100 + 0.5))


_ANKLE_CURVE = np.linspace(legm.ANKLE_RANGE[0], legm.ANKLE_RANGE[1], 101)
_SOLEUS_CURVE = legm.calf_lengths(0.0, _ANKLE_CURVE)[1] * 100  # soleus does not depend on the knee
_LEG_XRANGE = [-0.78, 0.32]
_LEG_YRANGE = [-1.12, 0.12]


_T = np.linspace(0.0, 1.0, 17)
_BELLY = {  # drawing only: (bulge in m, skew); the length is always the straight origin-insertion line
    "gastrocnemius": (0.05, 0.55),
    "soleus": (0.03, 1.0),
}


def _cw(v: np.ndarray) -> np.ndarray:
    return np.array([v[1], -v[0]])


_POSITIONS = [
    "middle right",
    "top right",
    "top center",
    "top left",
    "middle left",
    "bottom left",
    "bottom center",
    "bottom right",
]


def _textpos(v: np.ndarray) -> str:
    """The textposition that puts a label on the side ``v`` points to."""
    octant = int(np.floor((np.degrees(np.arctan2(v[1], v[0])) + 22.5) % 360 / 45)) % 8
    return _POSITIONS[octant]


def _belly(
    origin: np.ndarray, insertion: np.ndarray, muscle: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Muscle drawn as a belly bulging backwards from the origin-insertion line; returns (points,
    where its label goes, just behind the peak, and the unit normal pointing behind the line)."""
    bulge, skew = _BELLY[muscle]
    d = insertion - origin
    n = _cw(d / np.linalg.norm(d))  # "behind" the line (posterior for every posture)
    prof = np.sin(np.pi * _T**skew)
    pts = origin + _T[:, None] * d + (bulge * prof)[:, None] * n
    k = int(np.argmax(prof))
    return pts, pts[k] + 0.03 * n, n


def leg_panel_data(state: legm.LegState) -> list[dict]:
    """Trace properties for the leg drawing: bones, gastrocnemius, soleus, labels.

    Muscles are drawn with a belly for readability; their length is measured along the
    straight line from origin to insertion (see :mod:`cramp_lessons.physiology.leg`).
    """
    s = state
    bones = np.array([s.hip, s.knee, s.ankle, s.heel, s.toe, s.ankle])
    g_pts, g_lab, g_n = _belly(s.gastrocnemius_origin, s.insertion, "gastrocnemius")
    s_pts, _, _ = _belly(s.soleus_origin, s.insertion, "soleus")
    shank = (s.ankle - s.knee) / np.linalg.norm(s.ankle - s.knee)
    front = -_cw(shank)  # in front of the shin
    s_lab = s.soleus_origin + 0.03 * front + 0.08 * shank
    ankle_lab = s.ankle + 0.03 * front - 0.05 * shank
    front_pos = _textpos(front)
    gp, sp = pct(s.gastrocnemius_fraction), pct(s.soleus_fraction)
    return [
        {"x": bones[:, 0], "y": bones[:, 1]},
        {"x": g_pts[:, 0], "y": g_pts[:, 1], "customdata": np.full(len(_T), s.gastrocnemius_fraction)},
        {"x": s_pts[:, 0], "y": s_pts[:, 1], "customdata": np.full(len(_T), s.soleus_fraction)},
        {
            "x": [s.hip[0] + 0.02, s.knee[0] + 0.03, ankle_lab[0], g_lab[0], s_lab[0]],
            "y": [s.hip[1], s.knee[1], ankle_lab[1], g_lab[1], s_lab[1]],
            "text": ["hip", "knee", "ankle", f"G {gp}%", f"S {sp}%"],
            "textposition": ["middle right", "middle right", front_pos, _textpos(g_n), front_pos],
        },
    ]


def calf_curve_data(knee: float, ankle: float) -> list[dict]:
    """Trace properties for the length-vs-ankle panel at this knee angle."""
    g_curve = legm.calf_lengths(knee, _ANKLE_CURVE)[0] * 100
    g_now, s_now = legm.calf_lengths(knee, ankle)
    g, s = float(g_now), float(s_now)
    gp, sp = g * 100, s * 100
    return [
        {"y": g_curve},
        {"y": _SOLEUS_CURVE},
        {"x": [ankle], "y": [gp], "text": [f"{pct(g)}%"]},
        {"x": [ankle], "y": [sp], "text": [f"{pct(s)}%"]},
    ]


def _leg_traces(state: legm.LegState, xaxis: str = "x", yaxis: str = "y") -> list[go.Scatter]:
    d = leg_panel_data(state)
    common = {"xaxis": xaxis, "yaxis": yaxis}
    return [
        go.Scatter(
            name="Bones (thigh, shank, foot)",
            mode="lines+markers",
            line={"color": BONE, "width": 5},
            marker={"size": 9, "color": BONE},
            hoverinfo="skip",
            **d[0],
            **common,
        ),
        go.Scatter(
            name="G = gastrocnemius (crosses knee and ankle)",
            mode="lines",
            line={"color": GASTROC_STYLE["color"], "width": 7, "dash": GASTROC_STYLE["dash"]},
            hovertemplate="Gastrocnemius: %{customdata:.1%} of standing length<extra></extra>",
            **d[1],
            **common,
        ),
        go.Scatter(
            name="S = soleus (crosses ankle only)",
            mode="lines",
            line={"color": SOLEUS_STYLE["color"], "width": 7, "dash": SOLEUS_STYLE["dash"]},
            hovertemplate="Soleus: %{customdata:.1%} of standing length<extra></extra>",
            **d[2],
            **common,
        ),
        go.Scatter(
            name="labels",
            mode="text",
            showlegend=False,
            hoverinfo="skip",
            textfont={"size": 13, "color": BONE},
            **d[3],
            **common,
        ),
    ]


def _style_leg_axes(fig: go.Figure, row: int | None = None, col: int | None = None) -> None:
    kw = {} if row is None else {"row": row, "col": col}
    fig.update_xaxes(title_text="forward (m)", range=_LEG_XRANGE, zeroline=False, **kw)
    fig.update_yaxes(title_text="height below the hip (m)", range=_LEG_YRANGE, zeroline=False, **kw)


def leg_figure(state: legm.LegState) -> go.Figure:
    """Leg drawing (left) and calf length vs ankle angle at the current knee angle (right)."""
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.5, 0.5],
        horizontal_spacing=0.1,
        subplot_titles=("Leg, side view (toes point right)", "Calf length vs ankle angle, this knee angle"),
    )
    for t in _leg_traces(state):
        fig.add_trace(t, row=1, col=1)
    cd = calf_curve_data(state.knee_deg, state.ankle_deg)
    fig.add_trace(
        go.Scatter(
            x=_ANKLE_CURVE,
            name="Gastrocnemius at this knee angle",
            mode="lines",
            showlegend=False,
            line={"color": GASTROC_STYLE["color"], "width": 3, "dash": GASTROC_STYLE["dash"]},
            hovertemplate="ankle %{x:.0f} deg: gastrocnemius %{y:.1f}%<extra></extra>",
            **cd[0],
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=_ANKLE_CURVE,
            name="Soleus (same at every knee angle)",
            mode="lines",
            showlegend=False,
            line={"color": SOLEUS_STYLE["color"], "width": 3, "dash": SOLEUS_STYLE["dash"]},
            hovertemplate="ankle %{x:.0f} deg: soleus %{y:.1f}%<extra></extra>",
            **cd[1],
        ),
        row=1,
        col=2,
    )
    for style, d, pos in ((GASTROC_STYLE, cd[2], "top left"), (SOLEUS_STYLE, cd[3], "bottom right")):
        fig.add_trace(
            go.Scatter(
                name=f"{style['name']} now",
                mode="markers+text",
                showlegend=False,
                textposition=pos,
                marker={
                    "color": style["color"],
                    "symbol": style["symbol"],
                    "size": 13,
                    "line": {"color": BONE, "width": 1},
                },
                textfont={"color": style["color"], "size": 13},
                hovertemplate=f"{style['name']}: %{{y:.1f}}% at ankle %{{x:.0f}} deg<extra></extra>",
                **d,
            ),
            row=1,
            col=2,
        )
    fig.add_trace(
        go.Scatter(
            x=[_ANKLE_CURVE[0], _ANKLE_CURVE[-1]],
            y=[100, 100],
            mode="lines",
            name="Standing length (100%)",
            line={"color": BONE, "width": 1, "dash": "dot"},
            hoverinfo="skip",
        ),
        row=1,
        col=2,
    )
    _style_leg_axes(fig, 1, 1)
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    fig.update_xaxes(title_text="ankle angle (deg; + = toes up, - = pointed)", range=[-60, 40], row=1, col=2)
    fig.update_yaxes(title_text="muscle-tendon length (% of standing)", range=[72, 112], row=1, col=2)
    fig.update_layout(
        template=TEMPLATE,
        title="Which calf muscle does a position stretch?",
        height=560,
        font=FONT,
        legend={"orientation": "h", "y": -0.14, "x": 0},
        margin={"t": 80, "b": 90, "l": 60, "r": 20},
    )
    return fig


def stretch_headline(state: legm.LegState) -> str:
    """The pose in words under the drawing: its joint angles and both calf lengths."""
    return (
        f"knee {state.knee_deg:.0f} deg, ankle {state.ankle_deg:+.0f} deg<br>gastrocnemius "
        f"{pct(state.gastrocnemius_fraction)}%, soleus {pct(state.soleus_fraction)}% of standing length"
    )


def stretch_frame_data(state: legm.LegState) -> list[dict]:
    """Trace properties of one pose of :func:`stretch_figure`: the leg (its headline is
    :func:`stretch_frame_layout`)."""
    return leg_panel_data(state)


def stretch_frame_layout(state: legm.LegState) -> dict:
    """Layout properties of one pose of :func:`stretch_figure`: the headline under the drawing."""
    return {"annotations[0].text": stretch_headline(state)}


def stretch_figure(state: legm.LegState, title: str) -> go.Figure:
    """The leg in one pose of a stretch, with both calf lengths in its labels, the muscles'
    ``customdata`` (length fraction) and a headline under it; an explorer steps it through the poses
    with :func:`stretch_frame_data` and :func:`stretch_frame_layout`."""
    fig = go.Figure(data=_leg_traces(state))
    # The headline is under the drawing, not in it: a drawing kept to scale leaves no free corner at
    # every width, and text over the foot hid it.
    fig.add_annotation(
        name="headline",
        text=stretch_headline(state),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-62,  # under the x-axis title, at every height of the drawing
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 13, "color": BONE},
    )
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "y": 0.97},
        font=FONT,
        height=560,
        legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"},
        margin={"t": 120, "b": 110},
    )
    _style_leg_axes(fig)
    fig.update_xaxes(constrain="domain")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig
