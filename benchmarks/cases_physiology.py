"""Benchmark cases for the physiology explorers (twitch, excitability, reflex, coupling).

Protocol (see run.py): ``CASES`` is a list of objects with ``name``, ``make()``,
``variations`` [(control, values)], optional ``baseline`` (a callable taking the control
values as keywords; optional ``name``, ``samples``, ``quick_samples``, ``prepare``) and
``notes``; ``REPORTS`` is a list of callables ``report(quick) -> dict`` whose result
run.py prints and stores.

Baselines are "the straightforward way" of doing what one update does, timed in the same
run. scipy is imported here only (never by the package).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Baseline:
    """A baseline callable with the optional attributes run.py reads."""

    name: str
    fn: Callable[..., Any]  # fn(**values): the straightforward work for that control state
    samples: int = 5  # values to time (a baseline may be slow)
    quick_samples: int = 2
    prepare: Callable[[], None] | None = None  # run once, untimed, before timing

    def __call__(self, **values: Any) -> Any:
        return self.fn(**values)


@dataclass
class Case:
    name: str
    make: Callable[[], Any]  # a fresh Explorer (fresh caches, so first visits are honest)
    variations: list[tuple[str, list]]
    baseline: Baseline | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)


def _spread(values, n: int = 60, seed: int = 0) -> list:
    """``values`` in a fixed shuffled order, cycled to at least ``n`` items, no value
    repeated back to back (setting the same value again fires no observer)."""
    values = list(values)
    rng = np.random.default_rng(seed)
    out: list = []
    while len(out) < n:
        perm = [values[i] for i in rng.permutation(len(values))]
        if out and perm[0] == out[-1]:
            perm = perm[1:] + perm[:1]
        out += perm
    return out


# -- twitch -------------------------------------------------------------------------------


def _twitch_make():
    from cramp_lessons.widgets.explorers_physiology import TwitchExplorer

    return TwitchExplorer()


def _twitch_python(rate_hz: float, temp_c: float) -> tuple[list, float]:
    """The same force trace and fusion index with plain Python loops."""
    from cramp_lessons.physiology import twitch as tw

    times = tw.twitch_times(temp_c)
    tc, hrt, xh = times.contraction_ms, times.half_relaxation_ms, tw.X_HALF

    def g(t: float) -> float:
        if t <= 0:
            return 0.0
        x = t / tc if t <= tc else 1.0 + xh * (t - tc) / hrt
        return x * math.exp(1.0 - x)

    period = 1000.0 / rate_hz
    spikes = []
    s = 0.0
    while s <= 1000.0 + 1e-9:
        spikes.append(s)
        s += period
    force = [sum(g(t - sp) for sp in spikes) for t in range(0, 1001)]
    horizon = tc + 24.0 * hrt / xh
    ss = []
    for i in range(256):
        u = period * i / 256
        total, k = 0.0, 0
        while k * period <= horizon + period:
            total += g(u + k * period)
            k += 1
        ss.append(total)
    fusion = 1.0 - (max(ss) - min(ss)) / max(ss)
    return force, fusion


def _twitch_baseline(rate_hz: float, temp_c: float, **_: Any) -> None:
    _twitch_python(float(rate_hz), float(temp_c))


# -- excitability -------------------------------------------------------------------------


def _hh_make(precompute: bool = True):
    from cramp_lessons.physiology.excitability import SweepCache
    from cramp_lessons.widgets.explorers_physiology import ExcitabilityExplorer

    return ExcitabilityExplorer(cache=SweepCache(), precompute=precompute)


def _exp(x: float) -> float:
    # math.exp raises on overflow; a trial step far off the solution must instead give a
    # huge derivative so solve_ivp rejects the step (what numpy's inf would do).
    return math.exp(x if x < 700.0 else 700.0)


def _hh_rhs_scalar(t, y, shift, drive, p):
    """HH right-hand side with plain floats and math.exp: the straightforward solve_ivp RHS."""
    v, m, h, n = y
    u = v - shift
    x = u + 40.0
    am = 1.0 if abs(x) < 1e-7 else 0.1 * x / (1.0 - _exp(-x / 10.0))
    bm = 4.0 * _exp(-(u + 65.0) / 18.0)
    ah = 0.07 * _exp(-(u + 65.0) / 20.0)
    bh = 1.0 / (1.0 + _exp(-(u + 35.0) / 10.0))
    x = u + 55.0
    an = 0.1 if abs(x) < 1e-7 else 0.01 * x / (1.0 - _exp(-x / 10.0))
    bn = 0.125 * _exp(-(u + 65.0) / 80.0)
    i_ion = 120.0 * m**3 * h * (v - 50.0) + 36.0 * n**4 * (v + 77.0) + 0.3 * (v + 54.4)
    return [
        drive - i_ion,
        p * (am * (1 - m) - bm * m),
        p * (ah * (1 - h) - bh * h),
        p * (an * (1 - n) - bn * n),
    ]


def _hh_initial(ca: float, temp_c: float, drive: float) -> np.ndarray:
    """The same start as the package: resting state plus the nudge it would use."""
    from cramp_lessons.physiology import excitability as hh

    y0 = np.array([float(a) for a in hh.resting_state(ca, drive)])
    unstable = bool(hh.rest_unstable(ca, temp_c, drive))
    y0[0] += hh.LIMIT_CYCLE_KICK_MV if unstable else hh.DEFAULT_KICK_MV
    return y0


def hh_solve_ivp(
    ca: float,
    temp_c: float,
    drive: float,
    rtol: float,
    atol: float,
    method: str = "RK45",
    t_end: float = 50.0,
    dense_dt: float = 0.005,
):
    """One axon with scipy's solve_ivp; returns (t, v, spike_times) with spikes from the
    dense output on a ``dense_dt`` grid (0 mV up-crossings, linearly interpolated)."""
    from scipy.integrate import solve_ivp

    from cramp_lessons.physiology import excitability as hh

    y0 = _hh_initial(ca, temp_c, drive)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # rejected trial steps at loose tolerances
        sol = solve_ivp(
            _hh_rhs_scalar,
            (0.0, t_end),
            y0,
            method=method,
            rtol=rtol,
            atol=atol,
            dense_output=True,
            args=(float(hh.calcium_shift_mv(ca)), float(drive), hh.phi(temp_c)),
        )
    t = np.arange(0.0, t_end + dense_dt / 2, dense_dt)
    v = sol.sol(t)[0]
    return t, v, _crossings(t, v)


def _crossings(t, v):
    up = np.nonzero((v[:-1] < 0) & (v[1:] >= 0))[0]
    return t[up] + (t[up + 1] - t[up]) * (-v[up]) / (v[up + 1] - v[up])


# Points for the accuracy comparison: firing (spike times compared) and resting (V compared).
_ACC_FIRING = [(0.9, 10.0, 10.0), (0.5, 5.0, 10.0), (0.6, 12.5, 12.0), (0.6, 17.5, 14.0)]
_ACC_RESTING = [(1.24, 10.0, 10.0), (1.6, 5.0, 8.0)]
_RTOLS = (1e-2, 5e-3, 2e-3, 1e-3, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5, 1e-6)
_chosen: dict = {}


def _errors(get) -> tuple[float, float]:
    """(max spike-time error in ms over firing points, max |dV| in mV over resting points)
    of ``get(ca, temp, drive) -> (t, v, spikes)`` against the tight reference."""
    spike_err, v_err = 0.0, 0.0
    try:
        for p in _ACC_FIRING:
            _, _, ref = _reference(*p)
            _, _, sp = get(*p)
            if len(sp) != len(ref):
                return math.inf, math.inf
            spike_err = max(spike_err, float(np.max(np.abs(np.asarray(sp) - ref))))
        for p in _ACC_RESTING:
            t_ref, v_ref, _ = _reference(*p)
            t, v, _ = get(*p)
            v_err = max(v_err, float(np.max(np.abs(np.interp(t_ref, t, v) - v_ref))))
    except (OverflowError, ValueError, FloatingPointError):  # a loose tolerance can blow up
        return math.inf, math.inf
    return spike_err, v_err


_refs: dict = {}


def _reference(ca, temp_c, drive):
    key = (ca, temp_c, drive)
    if key not in _refs:
        _refs[key] = hh_solve_ivp(ca, temp_c, drive, rtol=1e-11, atol=1e-11, method="DOP853")
    return _refs[key]


def _ours(ca, temp_c, drive):
    from cramp_lessons.physiology import excitability as hh

    r = hh.simulate(ca, temp_c, drive)
    return r.t, r.v, r.spike_times


def hh_accuracy(quick: bool = False) -> dict:
    """Compare the package's integrator and solve_ivp (RK45, rtol ladder, atol = rtol/100)
    with a DOP853 rtol=atol=1e-11 reference; pick the loosest rtol at least as accurate
    as ours on both measures. That tolerance is what the HH baseline uses."""
    ours = _errors(_ours)
    rows = [dict(method="package (exp. Euler, lookup tables)", spike_err_ms=ours[0], rest_err_mv=ours[1])]
    chosen = None
    for rtol in _RTOLS:
        err = _errors(lambda ca, t, d, r=rtol: hh_solve_ivp(ca, t, d, rtol=r, atol=r / 100))
        rows.append(
            dict(
                method=f"solve_ivp RK45 rtol={rtol:g} atol={rtol / 100:g}",
                spike_err_ms=err[0],
                rest_err_mv=err[1],
            )
        )
        if err[0] <= ours[0] and err[1] <= ours[1]:
            chosen = rtol
            break
    if chosen is None:
        chosen = _RTOLS[-1]
    _chosen["rtol"] = chosen
    text = [
        f"{r['method']:<48} spike-time err {r['spike_err_ms']:.4f} ms   rest err {r['rest_err_mv']:.4f} mV"
        for r in rows
    ]
    text.append(
        f"-> baseline uses RK45 rtol={chosen:g}, atol={chosen / 100:g} (loosest at least as accurate as ours)"
    )
    text.append(
        f"   reference: DOP853 rtol=atol=1e-11; firing points {_ACC_FIRING}; resting points {_ACC_RESTING}"
        " as (Ca mmol/L, T C, drive uA/cm2), 50 ms each"
    )
    return {
        "title": "HH accuracy: package integrator vs solve_ivp",
        "rows": rows,
        "chosen_rtol": chosen,
        "text": "\n".join(text),
    }


def _baseline_rtol() -> float:
    if "rtol" not in _chosen:
        hh_accuracy()
    return _chosen["rtol"]


def _hh_baseline(ca_mmol: float, temp_c: float, drive: float, **_: Any) -> None:
    """The straightforward update: solve_ivp for every calcium of the rate curve (76 axons,
    the displayed trace is one of them), at the tolerance matched to our accuracy."""
    from cramp_lessons.physiology import excitability as hh

    rtol = _baseline_rtol()
    for ca in hh.CA_GRID:
        t, v, sp = hh_solve_ivp(
            float(ca), float(temp_c), float(drive), rtol=rtol, atol=rtol / 100, dense_dt=0.05
        )
        if len(sp) >= 2 and sp[-1] > 25.0:
            _ = 1000.0 * (len(sp) - 2) / (sp[-1] - sp[1]) if len(sp) >= 3 else 0.0


def hh_per_simulation(quick: bool = False) -> dict:
    """One axon, 50 ms: the package's integrator alone (N=1, and amortised over a batch)
    against solve_ivp at the matched tolerance."""
    from cramp_lessons.physiology import excitability as hh

    rtol = _baseline_rtol()
    reps = 5 if quick else 15
    pts = [(0.9, 10.0, 10.0), (1.24, 10.0, 10.0), (0.6, 17.5, 14.0)]

    def med(fn):
        out = []
        for _ in range(reps):
            for p in pts:
                t0 = time.perf_counter()
                fn(*p)
                out.append(time.perf_counter() - t0)
        return 1000 * float(np.median(out))

    ours_single = med(lambda ca, t, d: hh.simulate(ca, t, d))
    ivp_single = med(lambda ca, t, d: hh_solve_ivp(ca, t, d, rtol=rtol, atol=rtol / 100, dense_dt=0.05))
    n = 76
    t0 = time.perf_counter()
    hh.simulate_batch(hh.CA_GRID, 10.0, 10.0)
    batch = 1000 * (time.perf_counter() - t0)
    cache = hh.SweepCache()
    t0 = time.perf_counter()
    cache.precompute()
    grid = 1000 * (time.perf_counter() - t0)
    n_grid = cache.ca_grid.size * cache.drive_grid.size * cache.temp_grid.size
    rows = [
        dict(what="one axon, package simulate() (N=1)", ms=ours_single, ratio=ivp_single / ours_single),
        dict(what=f"one axon, solve_ivp RK45 rtol={rtol:g}", ms=ivp_single, ratio=1.0),
        dict(
            what=f"76 axons (rate curve), package batch; per axon {batch / n:.2f} ms",
            ms=batch,
            ratio=ivp_single * n / batch,
        ),
        dict(
            what=f"whole slider grid ({n_grid} points), SweepCache.precompute()",
            ms=grid,
            ratio=ivp_single * n_grid / grid,
        ),
    ]
    text = [f"{r['what']:<62} {r['ms']:9.2f} ms   x{r['ratio']:.1f} vs solve_ivp" for r in rows]
    text.append(f"   SweepCache memory after precompute: {cache.nbytes / 1e6:.1f} MB")
    text.append("   (solve_ivp rows extrapolated for batches: per-axon time x number of axons)")
    return {
        "title": "HH per simulation",
        "rows": rows,
        "cache_mb": cache.nbytes / 1e6,
        "text": "\n".join(text),
    }


# -- reflex --------------------------------------------------------------------------------


def _reflex_make():
    from cramp_lessons.physiology import reflex as rx
    from cramp_lessons.widgets.explorers_physiology import ReflexExplorer

    rx._run.cache_clear()
    return ReflexExplorer()


def _reflex_solve_ivp(fatigue: float, stretch_at: float | None) -> None:
    from scipy.integrate import solve_ivp

    from cramp_lessons.physiology import reflex as rx

    s_gain = 1.0 + rx.K_SPINDLE * fatigue
    g_gain = rx.G1 * (1.0 - rx.K_GTO * fatigue)

    def rhs(t, y):
        r, f, a = y
        cmd = rx.COMMAND if rx.CONTRACTION_S[0] <= t < rx.CONTRACTION_S[1] else 0.0
        st = 0.0 if stretch_at is None or t < stretch_at else min(1.0, (t - stretch_at) / rx.STRETCH_RAMP_S)
        d = rx.BASELINE + cmd + (rx.S0 + rx.S1 * r) * s_gain - g_gain * (f + rx.STRETCH_TENSION * st) - a
        target = 1.0 / (1.0 + math.exp(-max(-60.0, (d - rx.THRESHOLD) / rx.WIDTH)))
        return [(target - r) / rx.TAU_R, (r - f) / rx.TAU_F, (rx.K_ADAPT * r - a) / rx.TAU_A]

    sol = solve_ivp(rhs, (0.0, rx.T_END_S), [0.0, 0.0, 0.0], max_step=0.02, t_eval=np.arange(0, 10.005, 0.01))
    rx.cramp_episodes(sol.t, sol.y[0])


def _reflex_baseline(fatigue: float, stretch: bool, stretch_time: float, **_: Any) -> None:
    _reflex_solve_ivp(float(fatigue), float(stretch_time) if stretch else None)
    if stretch:
        _reflex_solve_ivp(float(fatigue), None)


# -- coupling -------------------------------------------------------------------------------


def _coupling_make():
    from cramp_lessons.widgets.explorers_physiology import CouplingStepper

    return CouplingStepper()


def _coupling_baseline(step: int, **_: Any) -> None:
    import plotly.graph_objects as go

    from cramp_lessons.figures.physiology import coupling_figure
    from cramp_lessons.widgets.explorers_physiology import load_coupling_steps

    steps = load_coupling_steps()
    go.FigureWidget(coupling_figure([s["title"] for s in steps], int(step) - 1))


# -- the cases ------------------------------------------------------------------------------


def _cases() -> list[Case]:
    from cramp_lessons.physiology import excitability as hh

    return [
        Case(
            "twitch",
            _twitch_make,
            [
                ("rate_hz", _spread(range(1, 61), 60, 1)),
                ("temp_c", _spread(np.arange(20.0, 37.01, 0.5).round(1), 60, 2)),
            ],
            Baseline(
                "pure-Python loop summation (compute only)", _twitch_baseline, samples=10, quick_samples=3
            ),
        ),
        Case(
            "excitability",
            lambda: _hh_make(True),
            [
                ("ca_mmol", _spread(hh.CA_GRID.tolist(), 76, 3)),
                ("drive", _spread(hh.DRIVE_GRID.tolist(), 60, 4)),
                ("temp_c", _spread(hh.TEMP_GRID.tolist(), 60, 5)),
            ],
            Baseline(
                "solve_ivp RK45, 76 axons (rate curve + trace), matched accuracy",
                _hh_baseline,
                samples=3,
                quick_samples=1,
                prepare=_baseline_rtol,
            ),
            notes="make() precomputes the whole slider grid (fresh cache each make)",
        ),
        Case(
            "excitability-lazy",
            lambda: _hh_make(False),
            [("temp_c", _spread(hh.TEMP_GRID.tolist(), 60, 6))],
            Baseline(
                "solve_ivp RK45, 76 axons (rate curve + trace), matched accuracy",
                _hh_baseline,
                samples=3,
                quick_samples=1,
                prepare=_baseline_rtol,
            ),
            notes="precompute=False: each temperature is computed on its first visit",
        ),
        Case(
            "reflex",
            _reflex_make,
            [
                ("fatigue", _spread(np.arange(0.0, 1.001, 0.05).round(2).tolist(), 60, 7)),
                ("stretch_time", _spread(np.arange(2.0, 9.01, 0.5).round(1).tolist(), 60, 8)),
                ("stretch", [False, True] * 30),
            ],
            Baseline(
                "solve_ivp RK45 of the same ODE (with and without stretch)",
                _reflex_baseline,
                samples=5,
                quick_samples=2,
            ),
        ),
        Case(
            "coupling",
            _coupling_make,
            [("step", _spread(range(1, 10), 60, 9))],
            Baseline(
                "re-create the FigureWidget for each step", _coupling_baseline, samples=10, quick_samples=3
            ),
        ),
    ]


CASES = _cases()
REPORTS = [hh_accuracy, hh_per_simulation]
