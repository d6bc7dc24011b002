"""Plotly builders for blood flow: Poiseuille's flow against an artery's radius, and the
ankle-brachial index (ABI) bands with one reading. Data in, ``go.Figure`` out; no widgets here.

The ABI figure's title and caption come from ``content/figures.yaml``. Each figure has a matching
``*_data`` function returning the new properties of the trace an explorer updates, so it can
write them in place without rebuilding anything.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.figures.drawing import BONE, FONT, caption
from cramp_lessons.figures.palette import OKABE_ITO as C
from cramp_lessons.figures.palette import TEMPLATE
from cramp_lessons.physiology import circulation as circ

__all__ = ["flow_data", "flow_figure", "abi_data", "abi_figure"]


_R_CURVE = np.linspace(10.0, 120.0, 111)


def flow_data(relative_radius: float) -> list[dict]:
    """Trace properties for the current point (trace 1) of :func:`flow_figure`."""
    q = circ.relative_flow(relative_radius) * 100
    side = "middle right" if relative_radius <= 0.7 else "middle left"  # the label stays inside the plot
    return [
        {"x": [relative_radius * 100], "y": [q], "text": [f"{q:.3g}% of normal flow"], "textposition": side}
    ]


def flow_figure(relative_radius: float = 0.5) -> go.Figure:
    """Relative flow vs relative radius (log scale), Poiseuille's r^4, with the current point."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=_R_CURVE,
            y=circ.relative_flow(_R_CURVE / 100) * 100,
            mode="lines",
            name="Flow = radius^4 (same pressure)",
            line={"color": C["blue"], "width": 3},
            hovertemplate="radius %{x:.0f}%: flow %{y:.3g}%<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            mode="markers+text",
            name="This artery",
            marker={
                "color": C["vermillion"],
                "symbol": "diamond",
                "size": 15,
                "line": {"color": BONE, "width": 1},
            },
            textfont={"color": C["vermillion"], "size": 14},
            hovertemplate="radius %{x:.0f}%: flow %{y:.3g}%<extra></extra>",
            **flow_data(relative_radius)[0],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[100],
            y=[100],
            mode="markers",
            name="Normal artery (100%, 100%)",
            marker={"color": C["green"], "symbol": "circle-open", "size": 14, "line": {"width": 3}},
            hovertemplate="normal artery<extra></extra>",
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        title="Halve an artery's radius and the flow falls to 1/16",
        font=FONT,
        height=440,
        legend={"orientation": "h", "y": -0.22, "x": 0},
        margin={"b": 100},
    )
    fig.update_xaxes(title_text="artery radius (% of normal)", range=[5, 125])
    fig.update_yaxes(title_text="blood flow (% of normal, log scale)", type="log", range=[-2.2, 2.4])
    return fig


_ABI_Y = (0.3, 1.7)
_ABI_COLOUR = {
    "abnormal": C["vermillion"],
    "borderline": C["orange"],
    "normal": C["green"],
    "noncompressible": C["purple"],
}


def abi_data(abi: float | None) -> list[dict]:
    """Trace properties for the measurement point (trace 0) of :func:`abi_figure`; ``None`` hides it."""
    if abi is None:
        return [{"x": [None], "y": [None], "text": [""]}]
    band = circ.abi_band(abi)
    shown = min(max(abi, _ABI_Y[0] + 0.02), _ABI_Y[1] - 0.02)
    return [{"x": [0.35], "y": [shown], "text": [f"ABI {abi:.2f}: {band.label}"]}]


def abi_figure(abi: float | None = None, course: Course | None = None) -> go.Figure:
    """The 2016 AHA/ACC ABI bands as coloured, labelled horizontal regions, with one reading."""
    words = (course or load_course()).figure("abi")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            mode="markers+text",
            name="Your reading",
            textposition="middle right",
            marker={"color": BONE, "symbol": "diamond", "size": 18, "line": {"color": "#FFFFFF", "width": 2}},
            textfont={"size": 14, "color": BONE},
            hovertemplate="ABI %{y:.2f}<extra></extra>",
            **abi_data(abi)[0],
        )
    )
    edges = {
        "abnormal": (_ABI_Y[0], 0.905),
        "borderline": (0.905, 0.995),
        "normal": (0.995, 1.405),
        "noncompressible": (1.405, _ABI_Y[1]),
    }
    names = {
        "abnormal": "ABI <= 0.90: abnormal, peripheral artery disease",
        "borderline": "0.91-0.99: borderline",
        "normal": "1.00-1.40: normal",
        "noncompressible": "> 1.40: non-compressible arteries",
    }
    for band in circ.ABI_BANDS:
        lo, hi = edges[band.id]
        fig.add_shape(
            type="rect",
            xref="x",
            yref="y",
            x0=0,
            x1=1,
            y0=lo,
            y1=hi,
            fillcolor=_ABI_COLOUR[band.id],
            opacity=0.28,
            line={"width": 0},
            layer="below",
        )
        fig.add_annotation(
            x=0.99,
            y=(lo + hi) / 2,
            xanchor="right",
            text=names[band.id],
            showarrow=False,
            font={"size": 12, "color": BONE},
        )
    for y in (0.905, 0.995, 1.405):
        fig.add_hline(y=y, line={"color": BONE, "width": 1, "dash": "dot"})
    fig.update_layout(
        template=TEMPLATE,
        title=words.title,
        font=FONT,
        height=460,
        showlegend=False,
        margin={"b": 90},
    )
    fig.update_xaxes(range=[0, 1], visible=False, fixedrange=True)
    fig.update_yaxes(
        title_text="ABI (ankle systolic / arm systolic, no unit)",
        range=list(_ABI_Y),
        dtick=0.1,
        fixedrange=True,
    )
    caption(fig, words.caption, y=-0.06)
    return fig
