"""Explorers as data a browser plays: their controls, figure updates and text summaries without a kernel.

What an explorer shows is put in a *pack*, which ``explorer_model.js`` plays in the browser: in
JupyterLab, where the plot widget (``plot.py``) redraws a slider step and writes its summary at once,
with no kernel round trip (:func:`lab_pack`), and on the website (``web/``), where each pack is a small
script in ``_static/explorers/`` (:func:`explorer_pack`). Two ways, chosen per explorer (:data:`PACKERS`):

- **precomputed states** (``"states"``: flow, coupling, stretch): the Python explorer itself is put
  into every position of every control (``set_state``), and the pack keeps the figure's properties
  that change (each distinct value stored once) and the summary sentence;
- **a small port** (``"port"``: twitch, excitability, reflex, leg, abi, sweat): ``explorer_model.js``
  computes the figure's changing traces with a JavaScript copy of the model, given the Python model's
  constants (``params``); its summary sentences are ported too. ``tests/web/test_explorers*.py``
  cross-check every port against the Python explorer.

A states pack's sentences are stored as templates with holes (the numbers in the sentence), each
distinct hole text once, and one row of small integers per state (``summary_table``).

A website pack's key is the explorer's name and a hash of its content, so the same explorer on two
pages (twitch in lessons 01 and 03) is one file. The initial state of each mount is in its
``data-state`` attribute.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

PACKS_GLOBAL = "CRAMP_EXPLORER_PACKS"
PACK_DIR = "explorers"  # under _static/
SIG_DIGITS = 7  # stored floats keep this many significant digits (precomputed states)

__all__ = [
    "Pack",
    "PACKERS",
    "LIVE",
    "controls_spec",
    "grid_values",
    "explorer_pack",
    "lab_pack",
    "plain",
    "summary_table",
    "decode_summaries",
]


# -- controls -----------------------------------------------------------------------------------------


def _kind(widget: Any) -> str:
    import ipywidgets as W

    from cramp_lessons.widgets.controls import Slider

    if isinstance(widget, Slider):
        return "range"
    if isinstance(widget, W.Checkbox):
        return "checkbox"
    if isinstance(widget, W.Dropdown):
        return "select"
    if isinstance(widget, (W.BoundedFloatText, W.BoundedIntText, W.FloatText, W.IntText)):
        return "number"
    raise TypeError(f"the website cannot show a {type(widget).__name__} control")


def controls_spec(explorer: Any) -> list[dict[str, Any]]:
    """The explorer's controls as the browser draws them: name, kind, label, range and step, value."""
    out: list[dict[str, Any]] = []
    for name, w in explorer.controls.items():
        kind = _kind(w)
        spec: dict[str, Any] = {"name": name, "kind": kind, "label": str(w.description).rstrip(":")}
        if kind in ("range", "number"):
            spec.update(min=w.min, max=w.max, step=w.step)
        if kind == "range":
            from cramp_lessons.widgets.controls import IntSlider

            spec["decimals"] = int(w.decimals)
            spec["int"] = isinstance(w, IntSlider)
            if getattr(w, "play_interval_ms", 0):
                spec["play_ms"] = int(w.play_interval_ms)
        if kind == "select":
            spec["options"] = [list(o) if isinstance(o, tuple) else [str(o), o] for o in w.options]
        spec["value"] = plain(w.value)
        out.append(spec)
    return out


def grid_values(spec: Mapping[str, Any]) -> list[Any]:
    """Every value a control can take, in order; a typed number has no such list (ValueError)."""
    kind = spec["kind"]
    if kind == "checkbox":
        return [False, True]
    if kind == "select":
        return [o[1] for o in spec["options"]]
    if kind == "range":
        lo, hi, step = spec["min"], spec["max"], spec["step"]
        n = int(round((hi - lo) / step))
        if spec.get("int"):
            return [int(lo + k * step) for k in range(n + 1)]
        return [round(lo + k * step, spec["decimals"]) for k in range(n + 1)]
    raise ValueError(f"control {spec['name']} ({kind}) has no finite set of values")


def _grid_states(specs: list[dict[str, Any]], names: list[str]) -> Iterator[dict[str, Any]]:
    """Every combination of the named controls' values, row-major in ``names`` order (the last fastest)."""
    by = {s["name"]: s for s in specs}
    for combo in itertools.product(*(grid_values(by[n]) for n in names)):
        yield dict(zip(names, combo, strict=True))


# -- plain values -------------------------------------------------------------------------------------

_DTYPES = {
    "f8": "<f8",
    "f4": "<f4",
    "i1": "i1",
    "u1": "u1",
    "i2": "<i2",
    "u2": "<u2",
    "i4": "<i4",
    "u4": "<u4",
}


def plain(value: Any) -> Any:
    """``value`` as JSON-able Python: numpy arrays and plotly's base64 arrays as lists, NaN as None."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=_DTYPES[value["dtype"]])
            if "shape" in value:
                shape = (
                    [int(x) for x in str(value["shape"]).split(",")]
                    if isinstance(value["shape"], str)
                    else value["shape"]
                )
                arr = arr.reshape(shape)
            return plain(arr)
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _rounded(value: Any, digits: int = SIG_DIGITS) -> Any:
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


def figure_dict(fig: Any) -> dict[str, Any]:
    """A plotly figure (``go.Figure`` or a live figure) as plain data: ``{"data": [...], "layout": {...}}``."""
    d = plain(fig.to_plotly_json())
    return {"data": d.get("data", []), "layout": d.get("layout", {})}


def flatten(obj: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, leaf) pairs of a figure: dicts and lists of dicts are walked; other lists are leaves."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from flatten(v, (*path, k))
    elif isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        for i, v in enumerate(obj):
            yield from flatten(v, (*path, i))
    else:
        yield path, obj


# -- summaries ----------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)")


def summary_table(rows: list[str]) -> dict[str, Any]:
    """Sentences as templates with holes (their numbers): ``{"templates", "holes", "width", "bytes",
    "rows"}``. ``rows`` is base64 of one fixed-width row of small integers per sentence: the template's
    index, then for each hole k its text's index in ``holes[k]`` (the distinct texts of the k-th hole)."""
    templates: dict[tuple[str, ...], int] = {}
    holes: list[dict[str, int]] = []
    coded: list[list[int]] = []
    for text in rows:
        parts = _NUMBER.split(text)
        pieces, nums = tuple(parts[0::2]), parts[1::2]
        while len(holes) < len(nums):
            holes.append({})
        t = templates.setdefault(pieces, len(templates))
        coded.append([t] + [holes[k].setdefault(x, len(holes[k])) for k, x in enumerate(nums)])
    width = max((len(r) for r in coded), default=1)
    biggest = max([len(templates), *(len(h) for h in holes)])
    dtype = np.dtype(np.uint8 if biggest <= 256 else (np.uint16 if biggest <= 65536 else np.uint32))
    flat = np.zeros((len(coded), width), dtype=dtype)
    for i, r in enumerate(coded):
        flat[i, : len(r)] = r
    return {
        "templates": [list(p) for p in templates],
        "holes": [list(h) for h in holes],
        "width": width,
        "bytes": int(dtype.itemsize),
        "rows": base64.b64encode(flat.astype(dtype.newbyteorder("<")).tobytes()).decode("ascii"),
    }


def decode_summaries(table: Mapping[str, Any]) -> list[str]:
    """The sentences of :func:`summary_table`, back (what ``explorers.js`` does, in Python)."""
    dtype = {1: "u1", 2: "<u2", 4: "<u4"}[table["bytes"]]
    flat = np.frombuffer(base64.b64decode(table["rows"]), dtype=dtype).reshape(-1, table["width"])
    out = []
    for row in flat:
        pieces = table["templates"][row[0]]
        text = pieces[0]
        for k, piece in enumerate(pieces[1:]):
            text += table["holes"][k][row[1 + k]] + piece
        out.append(text)
    return out


# -- driving the Python explorer ---------------------------------------------------------------------


@contextmanager
def _driven(explorer: Any, *, figure: bool) -> Iterator[Any]:
    """The explorer, to be put into states; its figure is left alone when ``figure`` is False (only
    its model and summary are wanted), and its first state is put back at the end."""
    start = explorer.state
    if not figure:
        explorer.restyle = lambda *_a, **_k: None  # the instance's: the class's method is untouched
    try:
        yield explorer
    finally:
        if not figure:
            del explorer.restyle
        explorer.set_state(start)


# -- packs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pack:
    """One explorer's data for the browser: ``key`` names its file ``_static/explorers/KEY.js``."""

    key: str
    data: dict[str, Any]

    @property
    def filename(self) -> str:
        return f"{PACK_DIR}/{self.key}.js"

    def script(self) -> str:
        text = json.dumps(self.data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        text = text.replace("</", "<\\/")
        return f'(window.{PACKS_GLOBAL} = window.{PACKS_GLOBAL} || {{}})["{self.key}"] = {text};\n'


def _base(explorer: Any, name: str, how: str) -> dict[str, Any]:
    return {"explorer": name, "how": how, "controls": [{**c, "value": None} for c in controls_spec(explorer)]}


def states_pack(explorer: Any, name: str) -> dict[str, Any]:
    """Precomputed states: every combination of every control's values; per state its summary and the
    figure's properties that differ between states (each distinct value once)."""
    pack = _base(explorer, name, "states")
    specs = controls_spec(explorer)
    names = [s["name"] for s in specs]
    states = list(_grid_states(specs, names))
    flats: list[dict[tuple, Any]] = []
    summaries: list[str] = []
    with _driven(explorer, figure=True) as e:
        for st in states:
            e.set_state(st)
            summaries.append(e.summary())
            flats.append(dict(flatten(figure_dict(e.figure))))
    paths = list(flats[0])
    for f in flats[1:]:
        if list(f) != paths:
            raise ValueError(f"the {name} explorer's figure changes shape between states: not precomputable")
    changing = []
    for p in paths:
        texts = [json.dumps(_rounded(f[p]), sort_keys=True) for f in flats]
        if len(set(texts)) == 1:
            continue
        distinct: dict[str, int] = {}
        index = [distinct.setdefault(t, len(distinct)) for t in texts]
        changing.append({"path": list(p), "values": [json.loads(t) for t in distinct], "index": index})
    pack.update(grid=names, changes=changing, summaries=summary_table(summaries))
    return pack


def port_pack(
    explorer: Any, name: str, params: Mapping[str, Any], *, fixed: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A port: the model's constants (``params``) and the values of what the explorer holds but does
    not show (``fixed``); ``explorer_model.js`` computes the figure and the sentence from them."""
    pack = _base(explorer, name, "port")
    pack["params"] = plain(params)
    pack["fixed"] = plain(dict(fixed or {}))
    return pack


# -- one packer per explorer -------------------------------------------------------------------------


def _twitch(e: Any) -> dict[str, Any]:
    from cramp_lessons.physiology import twitch as tw

    params = {
        "T_REF_C": tw.T_REF_C,
        "Q10_CONTRACTION": tw.Q10_CONTRACTION,
        "Q10_HALF_RELAXATION": tw.Q10_HALF_RELAXATION,
        "DEFAULT_CONTRACTION_MS": tw.DEFAULT_CONTRACTION_MS,
        "X_HALF": tw.X_HALF,
        "t_end_ms": e.t_end_ms,
        "dt_ms": 1.0,
        "RIPPLE_SAMPLES": 256,  # tw.steady_state_ripple's default
        "FUSION_WORDS": [[None if math.isinf(b) else b, w] for b, w in tw.FUSION_WORDS],
    }
    return port_pack(e, "twitch", params)


def _reflex(e: Any) -> dict[str, Any]:
    from cramp_lessons.physiology import reflex as rx

    names = (
        "BASELINE S0 S1 K_SPINDLE G1 K_GTO STRETCH_TENSION THRESHOLD WIDTH TAU_R TAU_F TAU_A K_ADAPT "
        "COMMAND CONTRACTION_S STRETCH_RAMP_S CRAMP_LEVEL MIN_EPISODE_S T_END_S DT_S"
    ).split()
    params = {n: getattr(rx, n) for n in names}
    return port_pack(e, "reflex", params, fixed=e.fixed)


def _leg(e: Any) -> dict[str, Any]:
    from cramp_lessons.figures import leg as leg_fig
    from cramp_lessons.physiology import leg as legm

    custom = e.CUSTOM
    params = {
        "GEOMETRY": legm.GEOMETRY,
        "T": leg_fig._T,  # the muscles' drawing: points along them and the belly's bulge
        "BELLY": leg_fig._BELLY,
        "POSITIONS": leg_fig._POSITIONS,
        "ANKLE_CURVE": leg_fig._ANKLE_CURVE,
        "CUSTOM": custom,
        "POSTURES": {p.id: [p.knee, p.ankle] for p in legm.POSTURES.values()},
        "POSTURE_LABELS": {p.id: p.label for p in legm.POSTURES.values()},
    }
    return port_pack(e, "leg", params, fixed={"posture": custom})


def _excitability(e: Any) -> dict[str, Any]:
    """The axon: which states fire on their own and how fast (the Python sweeps' own numbers), the
    constants of the Hodgkin-Huxley model, and each temperature's factor and time step."""
    from cramp_lessons.physiology import excitability as hh

    cache = e.cache
    cache.precompute()
    ca, temps, drives = cache.ca_grid, cache.temp_grid, cache.drive_grid
    unstable = np.zeros((ca.size, temps.size, drives.size), dtype=bool)  # grid order: ca, temp, drive
    rate = np.zeros(unstable.shape)
    for it, temp in enumerate(temps):
        sw = cache.sweep(temp)  # arrays over (drive, ca)
        unstable[:, it, :] = sw["unstable"].T
        rate[:, it, :] = sw["rate"].T
    params = {
        **{n: getattr(hh, n) for n in "G_NA G_K G_L E_NA E_K E_L C_M SPIKE_THRESHOLD_MV".split()},
        "CA_NORMAL": hh.CA_NORMAL,
        "DEFAULT_KICK_MV": hh.DEFAULT_KICK_MV,
        "LIMIT_CYCLE_KICK_MV": hh.LIMIT_CYCLE_KICK_MV,
        "V_LO": hh._V_LO,  # the gate tables' range and resolution (mV)
        "V_HI": hh._V_HI,
        "DV": hh._DV,
        "t_end": cache.t_end,
        "store_dt": cache.store_dt,
        "n_t": int(cache.t.size),
        "ca": ca,
        "shift": hh.calcium_shift_mv(ca),
        "temp": temps,
        "phi": [hh.phi(t) for t in temps],
        "dt": [hh.time_step(t) for t in temps],
        "drive": drives,
        "unstable": base64.b64encode(np.packbits(unstable.ravel(), bitorder="little").tobytes()).decode(),
        "rates": base64.b64encode(rate.ravel()[unstable.ravel()].astype("<f8").tobytes()).decode(),
    }
    return port_pack(e, "excitability", params)


def _abi(e: Any) -> dict[str, Any]:
    """The ABI calculator: the bands and the range of pressures it accepts."""
    from cramp_lessons.figures import circulation as circulation_fig
    from cramp_lessons.physiology import circulation as circ

    params = {
        "PLAUSIBLE": circ.PLAUSIBLE_SYSTOLIC_MMHG,
        "BANDS": [{"id": b.id, "label": b.label, "high": b.high} for b in circ.ABI_BANDS],
        "ABI_Y": circulation_fig._ABI_Y,  # where the reading's marker is kept inside the plot
        "bands_source": e.words.bands_source,
    }
    return port_pack(e, "abi", params)


def _sweat(e: Any) -> dict[str, Any]:
    """The sweat calculator: its inputs' names, units and limits."""
    from cramp_lessons.physiology import sweat as sw

    params = {"ORDER": list(sw.DEFAULTS), "LABELS": sw.LABELS, "UNITS": sw.UNITS, "LIMITS": sw.LIMITS}
    return port_pack(e, "sweat", params)


PACKERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "abi": _abi,
    "sweat": _sweat,
    "excitability": _excitability,
    "leg": _leg,
    "twitch": _twitch,
    "reflex": _reflex,
    "flow": lambda e: states_pack(e, "flow"),
    "coupling": lambda e: {
        **states_pack(e, "coupling"),
        "buttons": [
            {"label": e.prev_button.description, "control": "step", "delta": -1},
            {"label": e.next_button.description, "control": "step", "delta": 1},
        ],
    },
    "stretch": lambda e: {**states_pack(e, "stretch"), "animate": "step"},
}
"""The explorers played in the browser (JupyterLab and the website), each with the function that makes
its pack."""

LIVE = frozenset(PACKERS)

_MEMO: dict[str, Pack] = {}


def _identity(name: str, explorer: Any) -> str:
    """What makes two explorers' packs the same: name, controls (not their values), title, what is fixed."""
    ident = {
        "name": name,
        "controls": [{**c, "value": None} for c in controls_spec(explorer)],
        "title": getattr(explorer, "title", ""),
        "fixed": plain(getattr(explorer, "fixed", {})),
        "extra": [getattr(explorer, a, None) for a in ("technique_id", "t_end_ms") if hasattr(explorer, a)],
    }
    return json.dumps(ident, sort_keys=True, default=str)


def explorer_pack(name: str, explorer: Any) -> Pack | None:
    """The pack of an explorer played in the browser (None: it has no packer; the kernel draws it)."""
    if name not in PACKERS:
        return None
    ident = _identity(name, explorer)
    if ident not in _MEMO:
        data = PACKERS[name](explorer)
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
        _MEMO[ident] = Pack(f"{name}-{digest}", data)
    return _MEMO[ident]


def lab_pack(explorer: Any) -> dict[str, Any] | None:
    """The pack JupyterLab's plot widget plays for ``explorer``: the website's (None: its kernel draws
    every step)."""
    name = getattr(explorer, "pack_name", "")
    pack = explorer_pack(name, explorer)
    return None if pack is None else pack.data
