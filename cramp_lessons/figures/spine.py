"""Plotly builder for the spinal nerve roots to the leg (L1-S2, back view). The words a learner
reads on it (title, caption, the stenosis note) come from ``content/figures.yaml``; this module
draws. No widgets here."""

from __future__ import annotations

import plotly.graph_objects as go

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.figures.drawing import BONE, FONT, caption
from cramp_lessons.figures.palette import OKABE_ITO as C
from cramp_lessons.figures.palette import TEMPLATE

__all__ = ["spine_nerve_roots_figure"]


_LEVELS = ["L1", "L2", "L3", "L4", "L5", "S1", "S2"]


def spine_nerve_roots_figure(course: Course | None = None) -> go.Figure:
    """Back view of the lumbar and upper sacral spine (L1-S2) with the roots to the leg.

    Textbook anatomy, simplified: the calf muscles (gastrocnemius, soleus) are supplied by
    the tibial nerve, mainly from roots S1 and S2; the L5 root mainly supplies the muscles at
    the front and side of the shin (via the common fibular nerve). Markers show where a disc
    herniation or spinal canal stenosis can press a root. Only the right-side roots are drawn.
    """
    words = (course or load_course()).figure("spine")
    fig = go.Figure()
    h, gap = 1.0, 0.45
    centre = {lv: -i * (h + gap) for i, lv in enumerate(_LEVELS)}
    for lv in _LEVELS:
        y = centre[lv]
        sacral = lv.startswith("S")
        fig.add_shape(
            type="rect",
            x0=-0.8,
            x1=0.8,
            y0=y - h / 2,
            y1=y + h / 2,
            layer="below",
            line={"color": BONE, "width": 2},
            fillcolor=C["sky_blue"] if sacral else "#FFFFFF",
            opacity=0.45 if sacral else 1.0,
        )
        fig.add_annotation(x=-0.42, y=y, text=f"<b>{lv}</b>", showarrow=False, font={"size": 14})
    fig.add_annotation(
        x=-0.9,
        y=(centre["S1"] + centre["S2"]) / 2,
        xanchor="right",
        showarrow=False,
        text="sacrum<br>(fused)",
        font={"size": 12},
    )
    canal_bottom = centre["S2"] + h / 2
    fig.add_trace(
        go.Scatter(
            x=[-0.25, -0.25, None, 0.25, 0.25],
            y=[h / 2 + 0.3, canal_bottom, None, h / 2 + 0.3, canal_bottom],
            mode="lines",
            line={"color": BONE, "dash": "dot", "width": 1.5},
            name="Spinal canal (the roots run down inside it)",
            hoverinfo="skip",
        )
    )
    groups = {
        "calf": ("Roots to the calf: S1, S2 (tibial nerve)", C["blue"], "solid", 5),
        "shin": ("Root to the front and side of the shin: L5", C["orange"], "dash", 5),
        "other": ("Other lumbar roots (thigh, hip)", BONE, "dot", 2),
    }
    which = {"L5": "shin", "S1": "calf", "S2": "calf"}
    ends = {}
    shown: set[str] = set()
    for lv in _LEVELS:
        y = centre[lv] - (h + gap) / 2 + 0.05  # a root leaves below its own vertebra
        g = which.get(lv, "other")
        label, colour, dash, width = groups[g]
        xs, ys = [0.25, 0.8, 1.7, 2.5], [y + 0.35, y, y - 0.2, y - 0.45]
        ends[lv] = (xs[-1], ys[-1])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+text",
                text=["", "", "", f"  {lv} root"],
                textposition="middle right",
                line={"color": colour, "dash": dash, "width": width},
                name=label,
                legendgroup=g,
                showlegend=g not in shown,
                hoverinfo="text",
                hovertext=f"{lv} nerve root. {label}",
            )
        )
        shown.add(g)
    calf_xy = (4.6, centre["S2"] - 1.6)
    shin_xy = (4.6, centre["L5"] - 0.6)
    for lv in ("S1", "S2"):
        x0, y0 = ends[lv]
        fig.add_annotation(
            x=calf_xy[0],
            y=calf_xy[1],
            ax=x0 + 0.9,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            text="",
            showarrow=True,
            arrowhead=2,
            arrowwidth=3,
            arrowcolor=C["blue"],
        )
    x0, y0 = ends["L5"]
    fig.add_annotation(
        x=shin_xy[0],
        y=shin_xy[1],
        ax=x0 + 0.9,
        ay=y0,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowwidth=3,
        arrowcolor=C["orange"],
    )
    fig.add_annotation(
        x=calf_xy[0] + 0.1,
        y=calf_xy[1],
        xanchor="left",
        showarrow=False,
        align="left",
        text="<b>calf</b>: gastrocnemius, soleus<br>(tibial nerve, mainly S1-S2)",
        font={"color": C["blue"], "size": 13},
    )
    fig.add_annotation(
        x=shin_xy[0] + 0.1,
        y=shin_xy[1],
        xanchor="left",
        showarrow=False,
        align="left",
        text="<b>front and side of the shin</b><br>(common fibular nerve, mainly L5)",
        font={"color": BONE, "size": 13},
    )
    disc_y = (centre["L5"] + centre["S1"]) / 2
    fig.add_trace(
        go.Scatter(
            x=[0.35],
            y=[disc_y],
            mode="markers",
            name="Disc herniation (example: the L5-S1 disc presses the S1 root)",
            marker={"symbol": "x", "size": 20, "color": C["vermillion"], "line": {"color": BONE, "width": 1}},
            hoverinfo="text",
            hovertext="A herniated L5-S1 disc bulges backwards and can press the S1 root.",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.0],
            y=[centre["L4"]],
            mode="markers",
            name="Spinal canal stenosis (a narrowed canal can press several roots)",
            marker={
                "symbol": "triangle-down",
                "size": 20,
                "color": C["purple"],
                "line": {"color": BONE, "width": 1},
            },
            hoverinfo="text",
            hovertext=words.stenosis,
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        title=words.title,
        font=FONT,
        height=680,
        legend={"orientation": "h", "y": 0.0, "x": 0, "yanchor": "top"},
        margin={"b": 130, "r": 10, "l": 10},
    )
    fig.update_xaxes(range=[-1.8, 8.0], visible=False, title_text="schematic, no unit")
    fig.update_yaxes(
        range=[calf_xy[1] - 0.6, h / 2 + 0.5],
        visible=False,
        title_text="schematic, no unit",
        scaleanchor="x",
        scaleratio=1,
    )
    caption(fig, words.caption, y=-0.2)
    return fig
