"""Plotly builders for the body lessons: leg and calf muscles, blood flow, ABI, sweat,
spinal nerve roots and acupressure points. Data in, ``go.Figure`` out; no widgets here.

The words a learner reads on the ABI, spine and acupressure figures (titles, captions, names,
places, the sources they cite) come from ``content/figures.yaml``; this module draws.

Figures that an explorer updates have a matching ``*_data`` function returning the new
trace properties, one dict per trace in figure order, so the explorer can write them in
place (``figure.data[i].update(...)``) without rebuilding anything.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.figures.palette import OKABE_ITO as C
from cramp_lessons.figures.palette import TEMPLATE
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.physiology import leg as legm
from cramp_lessons.physiology.sweat import SweatBalance

__all__ = [
    "GASTROC_STYLE",
    "SOLEUS_STYLE",
    "leg_panel_data",
    "calf_curve_data",
    "leg_figure",
    "stretch_figure",
    "stretch_frame_data",
    "flow_data",
    "flow_figure",
    "abi_data",
    "abi_figure",
    "sweat_data",
    "sweat_figure",
    "spine_nerve_roots_figure",
    "acupressure_map_figure",
    "ACUPOINT_PLACES",
    "pct",
]

GASTROC_STYLE = {"color": C["blue"], "dash": "solid", "symbol": "circle", "name": "Gastrocnemius"}
SOLEUS_STYLE = {"color": C["orange"], "dash": "dash", "symbol": "square", "name": "Soleus"}
BONE = C["black"]
FONT = {"size": 13}


def pct(fraction: float) -> int:
    """A length fraction as the whole percentage shown everywhere (round half up)."""
    return int(np.floor(float(fraction) * 100 + 0.5))


def _caption(fig: go.Figure, text: str, y: float = -0.2) -> None:
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


# ---------------------------------------------------------------------------- leg
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


def _belly(origin: np.ndarray, insertion: np.ndarray, muscle: str) -> tuple[np.ndarray, np.ndarray]:
    """Muscle drawn as a belly bulging backwards from the origin-insertion line; returns (points, peak)."""
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
    g, s = legm.calf_lengths(knee, ankle)
    gp, sp = float(g) * 100, float(s) * 100
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


def stretch_frame_data(state: legm.LegState) -> list[dict]:
    """Trace properties of one pose of :func:`stretch_figure`: the leg, and a headline of its lengths."""
    headline = {
        "x": [_LEG_XRANGE[0] + 0.01],
        "y": [_LEG_YRANGE[0] + 0.1],
        "text": [
            f"knee {state.knee_deg:.0f} deg, ankle {state.ankle_deg:+.0f} deg<br>gastrocnemius "
            f"{pct(state.gastrocnemius_fraction)}%, soleus {pct(state.soleus_fraction)}%<br>of standing length"
        ],
    }
    return [*leg_panel_data(state), headline]


def stretch_figure(state: legm.LegState, title: str) -> go.Figure:
    """The leg in one pose of a stretch, with both calf lengths in its labels, the muscles'
    ``customdata`` (length fraction) and a headline; an explorer steps it through the poses
    with :func:`stretch_frame_data`."""
    fig = go.Figure(data=_leg_traces(state))
    fig.add_trace(
        go.Scatter(
            mode="text",
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
            textfont={"size": 13, "color": BONE},
            name="headline",
            **stretch_frame_data(state)[4],
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "y": 0.97},
        font=FONT,
        height=560,
        legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"},
        margin={"t": 120, "b": 60},
    )
    _style_leg_axes(fig)
    fig.update_xaxes(constrain="domain")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


# --------------------------------------------------------------------------- flow
_R_CURVE = np.linspace(10.0, 120.0, 111)


def flow_data(relative_radius: float) -> list[dict]:
    """Trace properties for the current point (trace 1) of :func:`flow_figure`."""
    q = circ.relative_flow(relative_radius) * 100
    return [{"x": [relative_radius * 100], "y": [q], "text": [f"{q:.3g}% of normal flow"]}]


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
            textposition="middle right",
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
    _caption(fig, words.caption, y=-0.06)
    return fig


# -------------------------------------------------------------------------- sweat
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


# ------------------------------------------------------------ spine and nerve roots
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
    _caption(fig, words.caption, y=-0.2)
    return fig


# ------------------------------------------------------------------- acupressure
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
