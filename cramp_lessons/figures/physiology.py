"""Physiology figures: twitch summation, axon excitability, the cramp reflex loop and
excitation-contraction coupling. Data in, ``go.Figure`` out; no widgets here.

Every builder fixes its traces' order (the explorers replace trace data in place by
index) and its axis ranges (so a figure does not jump while a slider moves).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike
from plotly.subplots import make_subplots

from cramp_lessons.figures.palette import OKABE_ITO, TEMPLATE

__all__ = [
    "TWITCH_TRACES",
    "AXON_TRACES",
    "REFLEX_TRACES",
    "COUPLING_TRACES",
    "twitch_figure",
    "excitability_figure",
    "reflex_figure",
    "coupling_figure",
    "coupling_layout",
    "coupling_style",
    "coupling_centre_text",
    "cramp_band",
    "spike_ticks",
]

C = OKABE_ITO
GREY = "#BBBBBB"

# Trace order, so explorers can address traces by name.
TWITCH_TRACES = ("force", "single", "spikes")
AXON_TRACES = ("membrane", "spikes", "rate", "current")
REFLEX_TRACES = ("drive", "spindle", "gto", "cramp", "activity", "force", "force_no_stretch", "stretch")
COUPLING_TRACES = ("nodes", "current")


def spike_ticks(spikes: ArrayLike, y: float) -> tuple[np.ndarray, np.ndarray]:
    """x, y of a row of tick marks at ``y``, one per action potential."""
    xs = np.asarray(spikes, dtype=float)
    return xs, np.full(xs.shape, y)


def twitch_figure(
    t, force, single, spikes, *, title: str = "Twitches add up into a tetanus", y_max: float | None = None
) -> go.Figure:
    """Force of a spike train vs time, with one twitch for reference and tick marks for
    the action potentials. Force in units of one twitch's peak."""
    t = np.asarray(t, dtype=float)
    xs, ys = spike_ticks(spikes, -0.04 * (y_max or 1.0))
    fig = go.Figure(
        [
            go.Scatter(
                name="force of the spike train",
                x=t,
                y=np.asarray(force, dtype=float),
                mode="lines",
                line=dict(color=C["blue"], width=2.5),
                hovertemplate="%{x:.0f} ms: %{y:.2f} x twitch<extra></extra>",
            ),
            go.Scatter(
                name="one twitch (reference)",
                x=t,
                y=np.asarray(single, dtype=float),
                mode="lines",
                line=dict(color=C["orange"], width=2, dash="dash"),
                hovertemplate="%{x:.0f} ms: %{y:.2f}<extra>one twitch</extra>",
            ),
            go.Scatter(
                name="action potentials",
                x=xs,
                y=ys,
                mode="markers",
                marker=dict(symbol="line-ns-open", size=10, color=C["black"], line=dict(width=1.5)),
                hovertemplate="action potential at %{x:.0f} ms<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        template=TEMPLATE,
        title=title,
        height=380,
        margin=dict(t=60, b=50, l=60, r=20),
        xaxis=dict(title="time (ms)", range=[float(t[0]), float(t[-1])]),
        yaxis=dict(
            title="force (x peak of one twitch)",
            range=[-0.08 * (y_max or 1.0), 1.05 * (y_max or max(1.0, float(np.max(force))))],
        ),
        legend=dict(orientation="h", y=-0.22),
    )
    return fig


def excitability_figure(
    t,
    v,
    spikes,
    ca_values,
    rates,
    ca_now: float,
    rate_now: float,
    *,
    normal: tuple[float, float] = (1.16, 1.32),
    t_end: float | None = None,
    rate_max: float = 300.0,
    title: str = "Low calcium makes the axon fire on its own",
) -> go.Figure:
    """Two panels: membrane potential vs time; firing rate vs extracellular calcium with
    the normal range shaded and the current calcium marked."""
    t = np.asarray(t, dtype=float)
    fig = make_subplots(
        rows=2,
        cols=1,
        vertical_spacing=0.2,
        subplot_titles=("Membrane potential of the axon", "Spontaneous firing rate vs blood ionised calcium"),
    )
    fig.add_trace(
        go.Scatter(
            name="membrane potential",
            x=t,
            y=np.asarray(v, dtype=np.float32),
            mode="lines",
            line=dict(color=C["blue"], width=2),
            hovertemplate="%{x:.1f} ms: %{y:.1f} mV<extra></extra>",
        ),
        row=1,
        col=1,
    )
    xs, ys = spike_ticks(spikes, 55.0)
    fig.add_trace(
        go.Scatter(
            name="action potentials",
            x=xs,
            y=ys,
            mode="markers",
            marker=dict(symbol="triangle-down", size=8, color=C["vermillion"]),
            hovertemplate="spike at %{x:.1f} ms<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            name="firing rate",
            x=np.asarray(ca_values, dtype=float),
            y=np.asarray(rates, dtype=float),
            mode="lines+markers",
            line=dict(color=C["blue"], width=2),
            marker=dict(size=4),
            hovertemplate="Ca %{x:.2f} mmol/L: %{y:.0f} Hz<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            name="now",
            x=[float(ca_now)],
            y=[float(rate_now)],
            mode="markers",
            marker=dict(symbol="diamond", size=14, color=C["orange"], line=dict(color=C["black"], width=1.5)),
            hovertemplate="now: Ca %{x:.2f} mmol/L, %{y:.0f} Hz<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_vrect(
        x0=normal[0],
        x1=normal[1],
        fillcolor=C["green"],
        opacity=0.18,
        line_width=0,
        row=2,
        col=1,
        annotation_text="normal range",
        annotation_position="top left",
        annotation_font=dict(color=C["black"], size=11),
    )
    fig.add_hline(y=0.0, line=dict(color=GREY, width=1, dash="dot"), row=1, col=1)
    ca_values = np.asarray(ca_values, dtype=float)
    fig.update_xaxes(
        title_text="time (ms)", range=[0.0, float(t_end if t_end is not None else t[-1])], row=1, col=1
    )
    fig.update_yaxes(title_text="membrane potential (mV)", range=[-90.0, 62.0], row=1, col=1)
    fig.update_xaxes(
        title_text="ionised calcium outside the axon (mmol/L)",
        range=[float(ca_values.min()) - 0.03, float(ca_values.max()) + 0.03],
        row=2,
        col=1,
    )
    fig.update_yaxes(title_text="firing rate (Hz, 0 = silent)", range=[-5.0, rate_max], row=2, col=1)
    fig.update_layout(
        template=TEMPLATE, title=title, height=640, showlegend=False, margin=dict(t=80, b=50, l=70, r=20)
    )
    return fig


def cramp_band(t, episodes, y0: float = 0.0, y1: float = 100.0) -> tuple[list, list]:
    """x, y of filled rectangles (separated by None) covering each cramp episode."""
    xs: list = []
    ys: list = []
    for s, e in episodes:
        xs += [s, s, e, e, s, None]
        ys += [y0, y1, y1, y0, y0, None]
    return xs, ys


def reflex_figure(
    t,
    drive,
    spindle,
    gto,
    activity,
    force,
    stretch,
    episodes,
    *,
    threshold: float,
    force_no_stretch=None,
    title: str = "Fatigue, the reflex loop and a cramp",
) -> go.Figure:
    """Top: net drive to the motor neuron with its threshold, and its two reflex inputs.
    Bottom: motor-neuron activity and force (% of maximum), the applied stretch, and cramp
    episodes shaded. ``force_no_stretch`` (optional) is drawn dashed for comparison."""
    t = np.asarray(t, dtype=float)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.14,
        subplot_titles=("Inputs to the alpha motor neuron (illustrative units)", "Motor neuron and muscle"),
    )
    fig.add_trace(
        go.Scatter(
            name="net drive",
            x=t,
            y=drive,
            mode="lines",
            line=dict(color=C["black"], width=2.5),
            hovertemplate="%{x:.1f} s: drive %{y:.2f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            name="spindle (Ia) excitation",
            x=t,
            y=spindle,
            mode="lines",
            line=dict(color=C["orange"], width=2),
            hovertemplate="%{x:.1f} s: Ia %{y:.2f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            name="tendon organ (Ib) inhibition",
            x=t,
            y=gto,
            mode="lines",
            line=dict(color=C["green"], width=2, dash="dash"),
            hovertemplate="%{x:.1f} s: Ib %{y:.2f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    bx, by = cramp_band(t, episodes)
    fig.add_trace(
        go.Scatter(
            name="cramp",
            x=bx,
            y=by,
            mode="lines",
            fill="toself",
            line=dict(width=0),
            fillcolor="rgba(213,94,0,0.15)",
            hoverinfo="skip",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            name="motor-neuron activity",
            x=t,
            y=100 * np.asarray(activity),
            mode="lines",
            line=dict(color=C["vermillion"], width=2),
            hovertemplate="%{x:.1f} s: %{y:.0f}% of max rate<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            name="force",
            x=t,
            y=100 * np.asarray(force),
            mode="lines",
            line=dict(color=C["blue"], width=2.5),
            hovertemplate="%{x:.1f} s: force %{y:.0f}%<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fns = np.full(t.shape, np.nan) if force_no_stretch is None else 100 * np.asarray(force_no_stretch)
    fig.add_trace(
        go.Scatter(
            name="force without stretching",
            x=t,
            y=fns,
            mode="lines",
            line=dict(color=C["sky_blue"], width=2, dash="dot"),
            hovertemplate="%{x:.1f} s: %{y:.0f}% without stretch<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            name="stretch applied",
            x=t,
            y=100 * np.asarray(stretch),
            mode="lines",
            line=dict(color=C["purple"], width=2, dash="dashdot"),
            hovertemplate="%{x:.1f} s: stretch %{y:.0f}%<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_hline(
        y=threshold,
        line=dict(color=C["vermillion"], width=1.5, dash="dot"),
        row=1,
        col=1,
        annotation_text="threshold",
        annotation_position="bottom right",
    )
    fig.update_xaxes(range=[float(t[0]), float(t[-1])])
    fig.update_xaxes(title_text="time (s)", row=2, col=1)
    fig.update_yaxes(title_text="drive (illustrative)", range=[-1.0, 2.0], row=1, col=1)
    fig.update_yaxes(title_text="% of maximum", range=[-3, 105], row=2, col=1)
    fig.update_layout(
        template=TEMPLATE,
        title=title,
        height=620,
        margin=dict(t=80, b=50, l=70, r=20),
        legend=dict(orientation="h", y=-0.14),
    )
    return fig


def coupling_layout(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Node positions on a clockwise circle starting at the top: the coupling is a cycle."""
    ang = math.pi / 2 - 2 * math.pi * np.arange(n) / n
    return np.cos(ang), np.sin(ang)


def coupling_figure(
    labels: Sequence[str], current: int, *, title: str = "Excitation-contraction coupling"
) -> go.Figure:
    """The steps as numbered nodes around a cycle, arrows between them, ``current``
    (0-based) highlighted in colour and size; the others grey."""
    n = len(labels)
    x, y = coupling_layout(n)
    colors, sizes, text_colors = coupling_style(n, current)
    fig = go.Figure(
        [
            go.Scatter(
                name="steps",
                x=x,
                y=y,
                mode="markers+text",
                text=[str(i + 1) for i in range(n)],
                textfont=dict(color=text_colors, size=14),
                customdata=list(labels),
                marker=dict(size=sizes, color=colors, line=dict(color=C["black"], width=1)),
                hovertemplate="%{text}. %{customdata}<extra></extra>",
            ),
            go.Scatter(
                name="now",
                x=[0.0],
                y=[0.0],
                mode="text",
                text=[coupling_centre_text(labels, current)],
                textfont=dict(color=C["black"], size=15),
                hoverinfo="skip",
            ),
        ]
    )
    annotations = []
    for i in range(n):
        j = (i + 1) % n
        # arrow from node i to node j, shortened so it does not hide the markers
        dx, dy = x[j] - x[i], y[j] - y[i]
        annotations.append(
            dict(
                x=x[i] + 0.78 * dx,
                y=y[i] + 0.78 * dy,
                ax=x[i] + 0.22 * dx,
                ay=y[i] + 0.22 * dy,
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.2,
                arrowwidth=1.5,
                arrowcolor=GREY,
                text="",
            )
        )
    for i, lab in enumerate(labels):
        # outside the circle, anchored on the side facing away from it
        xa = "left" if x[i] > 0.15 else ("right" if x[i] < -0.15 else "center")
        ya = "bottom" if y[i] > 0.5 else ("top" if y[i] < -0.5 else "middle")
        annotations.append(
            dict(
                x=1.26 * x[i],
                y=1.24 * y[i],
                text=_short(lab),
                showarrow=False,
                xanchor=xa,
                yanchor=ya,
                font=dict(size=11, color="#333333"),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title,
        height=460,
        width=520,
        showlegend=False,
        xaxis=dict(visible=False, range=[-2.0, 2.0]),
        yaxis=dict(visible=False, range=[-1.6, 1.6], scaleanchor="x"),
        margin=dict(t=60, b=10, l=10, r=10),
        annotations=annotations,
    )
    return fig


def coupling_style(n: int, current: int) -> tuple[list[str], list[int], list[str]]:
    """Marker colours, sizes and number colours: the current step orange and large, steps
    done blue, the rest grey (numbers black on orange and grey, white on blue, for contrast)."""
    colors = [C["orange"] if i == current else (C["blue"] if i < current else GREY) for i in range(n)]
    sizes = [44 if i == current else 30 for i in range(n)]
    text = ["white" if i < current else C["black"] for i in range(n)]
    return colors, sizes, text


def coupling_centre_text(labels: Sequence[str], current: int) -> str:
    """The text in the middle of the cycle: step number and title."""
    return f"<b>Step {current + 1} of {len(labels)}</b><br>{_short(labels[current], 16)}"


def _short(label: str, width: int = 18) -> str:
    """Wrap a label onto lines of at most ``width`` characters with <br>."""
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)
