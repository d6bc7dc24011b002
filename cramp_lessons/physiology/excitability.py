"""Nerve excitability and extracellular calcium: a Hodgkin-Huxley axon.

What it teaches (evidence sheet, Physiology): low extracellular ionised calcium makes
nerves over-excitable. With less Ca2+ screening the membrane's surface charge, sodium
(and potassium) channels open at more negative voltages, the threshold falls, and the
axon can fire on its own: tetany (Frankenhaeuser & Hodgkin 1957, strong). Contraction
itself runs on calcium stored inside the muscle fibre; low *blood* calcium acts on nerves.

The model
---------
* The standard Hodgkin-Huxley (1952) squid giant axon: gNa 120, gK 36, gL 0.3 mS/cm2;
  ENa +50, EK -77, EL -54.4 mV; Cm 1 uF/cm2; rest about -65 mV. It is a teaching model of
  an excitable membrane, not a human motor nerve: its firing rates are the squid axon's.
* Temperature scales every gating rate by ``phi = 3 ** ((T - 6.3) / 10)`` (Q10 = 3; the
  rate constants were measured at 6.3 C).
* Calcium: every gating rate function of the Na (m, h) and K (n) gates is evaluated at
  ``V - shift`` with ``shift = K_SHIFT * log10(Ca / CA_REF)`` mV, ``K_SHIFT = 10`` mV per
  tenfold change of [Ca2+]o and ``CA_REF = 1.24`` mmol/L (middle of the normal ionised
  range 1.16-1.32). Lower calcium gives a negative shift: channels open at more negative
  voltages. **This is an approximation**: the direction of the shift is Frankenhaeuser &
  Hodgkin (1957); its size, 10 mV per decade, is this model's choice (the measured size
  could not be confirmed), and the shift is not exactly logarithmic nor equal for every gate.
  The calcium level at which the model starts firing follows from that choice: it is
  illustrative, not a clinical threshold (real tetany usually needs a much lower calcium).
* A small steady *background drive* current (uA/cm2) stands for everything that keeps a
  real axon near threshold.
* *Spontaneous firing* (as in tetany) means the resting state is unstable: linearised
  around rest, some disturbance grows (an eigenvalue of the Jacobian has a positive real
  part), so channel noise alone starts a train of action potentials that does not stop.
  ``rest_unstable`` computes this exactly, with no time window.
* What the trace shows: the membrane starts at its resting state with a nudge. Where rest
  is stable the nudge is small (1 mV) and dies away. Where rest is unstable the build-up
  from a tiny disturbance can take from a few to hundreds of milliseconds near the
  boundary, so the trace skips it with a 10 mV nudge that lands on the steady train at
  once (``kick_mv=None`` picks the nudge this way; pass a number to choose it).
  ``spontaneous`` and ``rate_hz`` are then read from the trace: sustained firing (at
  least two spikes, the last in the second half of the window), rate from the
  inter-spike intervals after the first spike.

Default temperature and drive
-----------------------------
The classic HH axon stops firing repetitively when warmed a few degrees above 20 C (by
25 C a current step gives a single spike at most: its gates become too fast for the
sodium current to win), so the temperature slider stops at 20 C and the default is
``DEFAULT_TEMP_C = 10`` C, not body temperature. ``DEFAULT_DRIVE = 10`` uA/cm2 was chosen
(see ``calibrate_drive``) so that, at 10 C, rest is stable over the whole normal calcium
range (1.16-1.32 mmol/L) and unstable (spontaneous firing) at 1.04 mmol/L and below;
at 0.9 mmol/L the axon fires. The numbers are illustrative; the direction of the effect is the
teaching point.

Speed
-----
Every simulation is integrated in batches: numpy arrays over parameter sets, one Python
loop over time steps. Gates use the exponential (Rush-Larsen) update from precomputed
lookup tables of ``exp(-phi*dt*(alpha+beta))`` and ``x_inf`` (0.01 mV resolution); the
membrane potential uses an exponential-Euler step with the conductances of that step.
The step is ``dt <= 0.05 ms`` and shrinks with ``phi`` (``phi*dt <= 0.1``); against a
DOP853 reference (rtol = atol = 1e-11) spike times stay within 0.1 ms over 50 ms
(``benchmarks/run.py``, report "HH accuracy").
``SweepCache`` holds whole calcium x drive sweeps per temperature so an explorer update
is a lookup.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "G_NA",
    "G_K",
    "G_L",
    "E_NA",
    "E_K",
    "E_L",
    "C_M",
    "CA_REF",
    "CA_NORMAL",
    "CA_RANGE",
    "K_SHIFT",
    "DEFAULT_TEMP_C",
    "DEFAULT_DRIVE",
    "DEFAULT_T_END",
    "SPIKE_THRESHOLD_MV",
    "CA_GRID",
    "TEMP_GRID",
    "DRIVE_GRID",
    "ExcitabilityError",
    "AxonResult",
    "BatchResult",
    "SweepCache",
    "phi",
    "calcium_shift_mv",
    "resting_state",
    "time_step",
    "simulate",
    "simulate_batch",
    "firing_rate_vs_calcium",
    "rheobase",
    "rest_growth_rate",
    "rest_unstable",
    "linear_response",
    "DEFAULT_KICK_MV",
    "LIMIT_CYCLE_KICK_MV",
    "calibrate_drive",
    "rates",
]

# -- Hodgkin & Huxley (1952) standard parameters (evidence sheet) ---------------------
G_NA, G_K, G_L = 120.0, 36.0, 0.3  # mS/cm2
E_NA, E_K, E_L = 50.0, -77.0, -54.4  # mV
C_M = 1.0  # uF/cm2
T_HH = 6.3  # C, temperature of the rate constants

# -- calcium --------------------------------------------------------------------------
CA_NORMAL = (1.16, 1.32)  # mmol/L ionised, MedlinePlus
CA_REF = 1.24  # mmol/L, middle of the normal range
CA_RANGE = (0.5, 2.0)  # mmol/L, what the model accepts
K_SHIFT = 10.0  # mV per tenfold change: a model choice; the direction is Frankenhaeuser & Hodgkin 1957

# -- defaults (see module docstring) --------------------------------------------------
DEFAULT_TEMP_C = 10.0
DEFAULT_DRIVE = 10.0  # uA/cm2, from calibrate_drive() at DEFAULT_TEMP_C
DEFAULT_T_END = 50.0  # ms
DEFAULT_KICK_MV = 1.0  # nudge where rest is stable
LIMIT_CYCLE_KICK_MV = 10.0  # nudge where rest is unstable (skips the build-up)
SPIKE_THRESHOLD_MV = 0.0  # an action potential is an upward crossing of 0 mV (overshoot)
TEMP_RANGE = (0.0, 30.0)

# -- the explorer's slider grids (slider steps are discrete, so sweeps can be cached) --
CA_GRID = np.round(np.arange(0.5, 2.0 + 1e-9, 0.02), 2)  # 76 values
TEMP_GRID = np.arange(5.0, 20.0 + 1e-9, 2.5)  # 7 values
DRIVE_GRID = np.round(np.arange(0.0, 15.0 + 1e-9, 0.5), 1)  # 31 values

_DT_MAX = 0.05  # ms
_PHI_DT = 0.1  # phi * dt bound (see module docstring)
_V_LO, _V_HI, _DV = -150.0, 150.0, 0.01  # lookup table range and resolution (mV)


class ExcitabilityError(CrampLessonsError, ValueError):
    """A calcium, temperature or drive value the axon model cannot use."""


def _check(ca: np.ndarray, temp_c: float, drive: np.ndarray) -> None:
    if not np.all(np.isfinite(ca)) or np.any(ca < CA_RANGE[0] - 1e-9) or np.any(ca > CA_RANGE[1] + 1e-9):
        raise ExcitabilityError(f"calcium must be {CA_RANGE[0]}-{CA_RANGE[1]} mmol/L (got {ca!r})")
    if not (TEMP_RANGE[0] <= temp_c <= TEMP_RANGE[1]):
        raise ExcitabilityError(f"temperature must be {TEMP_RANGE[0]}-{TEMP_RANGE[1]} C (got {temp_c!r})")
    if not np.all(np.isfinite(drive)) or np.any(np.abs(drive) > 100):
        raise ExcitabilityError(f"drive must be within +-100 uA/cm2 (got {drive!r})")


def phi(temp_c: float) -> float:
    """Gating-rate factor at ``temp_c``: ``3 ** ((T - 6.3) / 10)`` (Q10 = 3)."""
    return 3.0 ** ((float(temp_c) - T_HH) / 10.0)


def calcium_shift_mv(ca_mmol, k_mv_per_decade: float = K_SHIFT, ca_ref: float = CA_REF):
    """Gating shift (mV) for extracellular ionised calcium ``ca_mmol`` (mmol/L).

    ``k * log10(Ca / Ca_ref)``: negative below ``ca_ref`` (channels open at more negative
    voltages, threshold falls). An approximation of Frankenhaeuser & Hodgkin (1957).
    """
    return k_mv_per_decade * np.log10(np.asarray(ca_mmol, dtype=float) / ca_ref)


def rates(v):
    """HH rate constants (1/ms at 6.3 C) at membrane potential ``v`` (mV).

    Returns ``alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n``; the removable
    singularities at -40 and -55 mV are filled with their limits.
    """
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = v + 40.0
        am = np.where(np.abs(x) < 1e-7, 1.0, 0.1 * x / -np.expm1(-x / 10.0))
        bm = 4.0 * np.exp(-(v + 65.0) / 18.0)
        ah = 0.07 * np.exp(-(v + 65.0) / 20.0)
        bh = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
        x = v + 55.0
        an = np.where(np.abs(x) < 1e-7, 0.1, 0.01 * x / -np.expm1(-x / 10.0))
        bn = 0.125 * np.exp(-(v + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


def _steady_gates(v, shift):
    am, bm, ah, bh, an, bn = rates(np.asarray(v) - shift)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def _ionic_current(v, m, h, n):
    return G_NA * m**3 * h * (v - E_NA) + G_K * n**4 * (v - E_K) + G_L * (v - E_L)


def resting_state(ca_mmol=CA_REF, drive=0.0):
    """Fixed point of the axon: ``(v, m, h, n)`` arrays, broadcast over the inputs.

    Found by bisection on the steady-state current-voltage curve, which is monotonic for
    the HH axon, so the resting state is unique.
    """
    shift = calcium_shift_mv(ca_mmol)
    drive = np.asarray(drive, dtype=float)
    shift, drive = np.broadcast_arrays(shift, drive)
    lo = np.full(shift.shape, -100.0)
    hi = np.full(shift.shape, 0.0)
    for _ in range(48):
        mid = 0.5 * (lo + hi)
        m, h, n = _steady_gates(mid, shift)
        above = drive - _ionic_current(mid, m, h, n) > 0  # net inward: rest is higher
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    v = 0.5 * (lo + hi)
    m, h, n = _steady_gates(v, shift)
    return v, m, h, n


def _rhs(y, shift, drive, phi_value):
    v, m, h, n = y[..., 0], y[..., 1], y[..., 2], y[..., 3]
    am, bm, ah, bh, an, bn = rates(v - shift)
    return np.stack(
        [
            (drive - _ionic_current(v, m, h, n)) / C_M,
            phi_value * (am * (1 - m) - bm * m),
            phi_value * (ah * (1 - h) - bh * h),
            phi_value * (an * (1 - n) - bn * n),
        ],
        axis=-1,
    )


def _jacobian(y, shift, drive, phi_value):
    """Jacobian (..., 4, 4) of the HH equations at states ``y`` (central differences)."""
    jac = np.empty(np.shape(shift) + (4, 4))
    for j, eps in enumerate((1e-4, 1e-7, 1e-7, 1e-7)):
        d = np.zeros(4)
        d[j] = eps
        jac[..., :, j] = (_rhs(y + d, shift, drive, phi_value) - _rhs(y - d, shift, drive, phi_value)) / (
            2 * eps
        )
    return jac


def _rest_and_modes(ca, drive, phi_value):
    """Resting state (n, 4) and the eigen-decomposition of the Jacobian there.

    Returns ``(rest, lam, amp)``: eigenvalues ``lam`` (n, 4) and, for a +1 mV nudge of V,
    the weight ``amp`` (n, 4) of each mode in V, so the linearised response to a nudge of
    ``k`` mV is ``V*(t) = V_rest + k * Re(sum(amp * exp(lam * t)))``.
    """
    ca, drive = np.broadcast_arrays(np.asarray(ca, dtype=float), np.asarray(drive, dtype=float))
    shift = calcium_shift_mv(ca)
    rest = np.stack(resting_state(ca, drive), axis=-1)
    phi_value = np.asarray(phi_value, dtype=float)[..., None] if np.ndim(phi_value) else phi_value
    jac = _jacobian(rest, shift, drive, phi_value)
    lam, vec = np.linalg.eig(jac)
    # coefficients of the unit V nudge in the eigenbasis: solve vec @ c = e_V
    e_v = np.zeros(vec.shape[:-1], dtype=vec.dtype)
    e_v[..., 0] = 1.0
    coef = np.linalg.solve(vec, e_v[..., None])[..., 0]
    return rest, lam, vec[..., 0, :] * coef


def rest_growth_rate(ca_mmol=CA_REF, temp_c: float = DEFAULT_TEMP_C, drive=DEFAULT_DRIVE):
    """Largest real part (1/ms) of the Jacobian's eigenvalues at the resting state.

    Positive: rest is unstable and any disturbance grows into firing. Vectorised over
    ``ca_mmol`` and ``drive``; the Jacobian is taken by central differences.
    """
    shift = calcium_shift_mv(ca_mmol)
    drive = np.asarray(drive, dtype=float)
    shift, drive = np.broadcast_arrays(shift, drive)
    y = np.stack(resting_state(np.asarray(ca_mmol, dtype=float) + 0 * drive, drive), axis=-1)
    return np.linalg.eigvals(_jacobian(y, shift, drive, phi(temp_c))).real.max(axis=-1)


def linear_response(t, rest_v: float, lam, amp, kick_mv: float = DEFAULT_KICK_MV) -> np.ndarray:
    """Membrane potential after a small nudge at a *stable* rest, from the linearised model."""
    t = np.asarray(t, dtype=float)
    return rest_v + kick_mv * (np.exp(np.multiply.outer(t, lam)) @ amp).real


def rest_unstable(ca_mmol=CA_REF, temp_c: float = DEFAULT_TEMP_C, drive=DEFAULT_DRIVE):
    """True where the resting state is unstable: the axon fires on its own (spontaneously)."""
    return rest_growth_rate(ca_mmol, temp_c, drive) > 0


def time_step(temp_c: float) -> float:
    """Integration step (ms) at ``temp_c``: 0.05 ms divided so that ``phi * dt <= 0.1``."""
    return _DT_MAX / max(1, math.ceil(phi(temp_c) * _DT_MAX / _PHI_DT - 1e-12))


@lru_cache(maxsize=16)
def _gate_table(phi_value: float, dt: float) -> np.ndarray:
    """Rows over V - shift from -150 to +150 mV: (A_m, A_h, A_n, B_m, B_h, B_n).

    One exponential step of a gate is ``x <- A * x + B`` with ``A = exp(-phi dt (a + b))``
    and ``B = x_inf (1 - A)``: exact for a fixed voltage over the step.
    """
    v = np.arange(_V_LO, _V_HI + _DV / 2, _DV)
    am, bm, ah, bh, an, bn = rates(v)
    cols_a, cols_b = [], []
    for a, b in ((am, bm), (ah, bh), (an, bn)):
        decay = np.exp(-phi_value * dt * (a + b))
        cols_a.append(decay)
        cols_b.append(a / (a + b) * (1.0 - decay))
    table = np.ascontiguousarray(np.stack(cols_a + cols_b, axis=1))
    table.setflags(write=False)
    return table


@dataclass
class BatchResult:
    """Many simulations at one temperature (arrays over parameter sets, last axis = set)."""

    t: np.ndarray  # (n_t,) ms, the stored samples
    v: np.ndarray  # (n_t, n) mV, float32 unless decimated storage asked for less
    ca_mmol: np.ndarray  # (n,)
    drive: np.ndarray  # (n,)
    temp_c: float
    spike_times: list  # n arrays (ms), upward crossings of 0 mV, interpolated
    rate_hz: np.ndarray  # (n,) sustained firing rate, 0 when not firing repetitively
    spontaneous: np.ndarray  # (n,) bool
    peak_mv: np.ndarray  # (n,) highest potential reached
    rest_unstable: np.ndarray  # (n,) bool, from the eigenvalues at rest
    kick_mv: np.ndarray  # (n,) the nudge each set started with
    dt: float = 0.05


@dataclass
class AxonResult:
    """One simulated axon."""

    t: np.ndarray  # ms
    v: np.ndarray  # mV
    spike_times: np.ndarray  # ms
    rate_hz: float
    spontaneous: bool
    ca_mmol: float
    temp_c: float
    drive: float
    shift_mv: float
    peak_mv: float = field(default=float("nan"))
    rest_unstable: bool = False
    kick_mv: float = DEFAULT_KICK_MV


def _integrate(ca, temp_c, drive, t_end, kick_mv, step_ua, step_start, step_end, dt, rest=None):
    """Vectorised integration. Returns (t, v[n_t, n]) at every step, float32.

    ``temp_c`` is a scalar or one temperature per set (sets with different temperatures
    use stacked lookup tables). ``rest`` (n, 4) skips the resting-state search.
    """
    n = ca.size
    shift = calcium_shift_mv(ca)
    temps = np.broadcast_to(np.asarray(temp_c, dtype=float), (n,))
    uniq, which = np.unique(temps, return_inverse=True)
    tables = [_gate_table(phi(tc), dt) for tc in uniq]
    table = tables[0] if len(tables) == 1 else np.concatenate(tables, axis=0)
    if rest is None:
        rest = np.stack(resting_state(ca, drive), axis=-1)
    gates = np.ascontiguousarray(rest[:, 1:4], dtype=float)  # (n, 3)
    v = rest[:, 0] + kick_mv  # kick_mv: scalar or one value per set
    n_steps = int(round(t_end / dt))
    hist = np.empty((n_steps + 1, n), dtype=np.float32)
    hist[0] = v
    # row = round((v - shift - V_LO) / DV), in the block of the set's temperature
    offset = (-shift - _V_LO) / _DV + 0.5 + which.reshape(n) * tables[0].shape[0]
    inv_dv = 1.0 / _DV
    leak_on = G_L * E_L + drive
    leak_off = leak_on
    if step_ua is not None:
        leak_on = leak_on + step_ua
    k_on = int(round(step_start / dt)) if step_ua is not None else 0
    k_off = int(round(step_end / dt)) if step_ua is not None else 0
    const = leak_off
    a_cols, b_cols = slice(0, 3), slice(3, 6)
    g_sum = np.empty(n)
    num = np.empty(n)
    for k in range(1, n_steps + 1):
        if step_ua is not None:
            const = leak_on if k_on < k <= k_off else leak_off
        idx = (v * inv_dv + offset).astype(np.intp)
        tab = table.take(idx, axis=0, mode="clip")  # out-of-range rows only far outside -150..150 mV
        gates *= tab[:, a_cols]
        gates += tab[:, b_cols]
        m = gates[:, 0]
        g_na = m * m
        g_na *= m
        g_na *= gates[:, 1]
        g_na *= G_NA
        n2 = gates[:, 2] * gates[:, 2]
        g_k = n2 * n2
        g_k *= G_K
        np.add(g_na, g_k, out=g_sum)
        g_sum += G_L
        np.multiply(g_na, E_NA, out=num)
        g_k *= E_K
        num += g_k
        num += const
        v_inf = num / g_sum
        g_sum *= -dt / C_M
        v -= v_inf
        v *= np.exp(g_sum)
        v += v_inf
        hist[k] = v
    t = np.arange(n_steps + 1) * dt
    return t, hist


def _spike_analysis(t, hist, t_end):
    """Spike times (interpolated 0 mV up-crossings), sustained rate, spontaneous flag."""
    above = hist >= SPIKE_THRESHOLD_MV
    up = ~above[:-1] & above[1:]
    step_i, set_j = np.nonzero(up)
    v0 = hist[step_i, set_j].astype(float)
    v1 = hist[step_i + 1, set_j].astype(float)
    dt = t[1] - t[0]
    times = t[step_i] + dt * (SPIKE_THRESHOLD_MV - v0) / (v1 - v0)
    n = hist.shape[1]
    order = np.argsort(set_j, kind="stable")
    set_sorted, times_sorted = set_j[order], times[order]
    bounds = np.searchsorted(set_sorted, np.arange(n + 1))
    spikes = [times_sorted[bounds[j] : bounds[j + 1]] for j in range(n)]
    rate = np.zeros(n)
    spont = np.zeros(n, dtype=bool)
    for j, s in enumerate(spikes):
        # Repetitive firing that is still going on: >= 2 spikes, the last in the second half.
        if s.size >= 2 and s[-1] > 0.5 * t_end:
            use = s[1:] if s.size >= 3 else s  # drop the first spike (the nudge) when we can
            rate[j] = 1000.0 * (use.size - 1) / (use[-1] - use[0])
            spont[j] = True
    return spikes, rate, spont


def simulate_batch(
    ca_mmol,
    temp_c: float = DEFAULT_TEMP_C,
    drive=DEFAULT_DRIVE,
    *,
    t_end: float = DEFAULT_T_END,
    kick_mv: float | None = None,
    step_ua: float | None = None,
    step_start: float = 5.0,
    step_end: float | None = None,
    dt: float | None = None,
    store_every: int = 1,
    store_dtype=np.float32,
) -> BatchResult:
    """Simulate many axons at one temperature at once.

    ``ca_mmol`` and ``drive`` broadcast against each other and are flattened into sets.
    ``step_ua`` adds a current step from ``step_start`` to ``step_end`` ms (default: to the
    end); with a step, ``spontaneous`` only means "firing repetitively at the end", since
    the step drives it. Stored traces keep every ``store_every``-th sample in
    ``store_dtype``; spike times and rates always come from every step.
    """
    ca, dr = np.broadcast_arrays(np.asarray(ca_mmol, dtype=float), np.asarray(drive, dtype=float))
    ca, dr = ca.ravel().copy(), dr.ravel().copy()
    temp_c = float(temp_c)
    _check(ca, temp_c, dr)
    if t_end <= 0:
        raise ExcitabilityError(f"t_end must be positive (got {t_end!r})")
    dt = time_step(temp_c) if dt is None else float(dt)
    unstable = rest_unstable(ca, temp_c, dr)
    if kick_mv is None:
        kick = np.where(unstable, LIMIT_CYCLE_KICK_MV, DEFAULT_KICK_MV)
    else:
        kick = np.full(ca.shape, float(kick_mv))
    t, hist = _integrate(
        ca, temp_c, dr, float(t_end), kick, step_ua, step_start, t_end if step_end is None else step_end, dt
    )
    spikes, rate, spont = _spike_analysis(t, hist, t_end)
    peak = hist.max(axis=0).astype(float)
    if store_every != 1 or store_dtype != np.float32:
        t, hist = t[::store_every], hist[::store_every].astype(store_dtype)
    return BatchResult(
        t=t,
        v=hist,
        ca_mmol=ca,
        drive=dr,
        temp_c=temp_c,
        spike_times=spikes,
        rate_hz=rate,
        spontaneous=spont,
        peak_mv=peak,
        rest_unstable=unstable,
        kick_mv=kick,
        dt=dt,
    )


def simulate(
    ca_mmol: float = CA_REF,
    temp_c: float = DEFAULT_TEMP_C,
    drive: float = DEFAULT_DRIVE,
    **kwargs,
) -> AxonResult:
    """Simulate one axon; keyword arguments as in :func:`simulate_batch`."""
    b = simulate_batch([float(ca_mmol)], temp_c, [float(drive)], **kwargs)
    return AxonResult(
        t=b.t,
        v=b.v[:, 0].astype(float),
        spike_times=b.spike_times[0],
        rate_hz=float(b.rate_hz[0]),
        spontaneous=bool(b.spontaneous[0]),
        ca_mmol=float(ca_mmol),
        temp_c=float(temp_c),
        drive=float(drive),
        shift_mv=float(calcium_shift_mv(ca_mmol)),
        peak_mv=float(b.peak_mv[0]),
        rest_unstable=bool(b.rest_unstable[0]),
        kick_mv=float(b.kick_mv[0]),
    )


def firing_rate_vs_calcium(
    ca_values: Sequence[float] | np.ndarray = CA_GRID,
    temp_c: float = DEFAULT_TEMP_C,
    drive: float = DEFAULT_DRIVE,
    **kwargs,
) -> tuple[np.ndarray, np.ndarray]:
    """Sustained firing rate (Hz, 0 = silent) for every calcium value, in one batch."""
    ca = np.asarray(ca_values, dtype=float)
    b = simulate_batch(ca, temp_c, drive, **kwargs)
    return ca, b.rate_hz


def rheobase(
    ca_mmol: float = CA_REF,
    temp_c: float = DEFAULT_TEMP_C,
    *,
    duration: float = 50.0,
    lo: float = 0.0,
    hi: float = 20.0,
    tol: float = 0.01,
    probes: int = 16,
) -> float:
    """Smallest current step (uA/cm2) from rest, lasting ``duration`` ms, that fires a spike.

    Multi-section bisection: each round simulates ``probes`` step sizes in one batch and
    keeps the bracket where "no spike" turns into "spike". No drive, no nudge.
    """
    if not hi > lo:
        raise ExcitabilityError("rheobase needs hi > lo")
    start = 2.0
    while hi - lo > tol:
        amps = np.linspace(lo, hi, probes)
        fired = np.array(
            [len(s) > 0 for s in _step_batch(ca_mmol, temp_c, amps, start, duration).spike_times]
        )
        if fired[0]:
            raise ExcitabilityError(f"a step of {lo} uA/cm2 already fires; lower 'lo'")
        if not fired[-1]:
            raise ExcitabilityError(f"a step of {hi} uA/cm2 does not fire; raise 'hi'")
        first = int(np.argmax(fired))
        lo, hi = float(amps[first - 1]), float(amps[first])
    return hi


def _step_batch(ca_mmol, temp_c, amps, start, duration) -> BatchResult:
    amps = np.asarray(amps, dtype=float)
    ca = np.full(amps.shape, float(ca_mmol))
    # The step is the only input: drive 0, no nudge; each set gets its own amplitude.
    ca, dr = ca.ravel(), np.zeros(amps.size)
    _check(ca, float(temp_c), dr)
    dt = time_step(temp_c)
    t, hist = _integrate(ca, float(temp_c), dr, start + duration, 0.0, amps, start, start + duration, dt)
    spikes, rate, spont = _spike_analysis(t, hist, start + duration)
    return BatchResult(
        t=t,
        v=hist,
        ca_mmol=ca,
        drive=dr,
        temp_c=float(temp_c),
        spike_times=spikes,
        rate_hz=rate,
        spontaneous=spont,
        peak_mv=hist.max(axis=0).astype(float),
        rest_unstable=np.zeros(ca.size, dtype=bool),
        kick_mv=np.zeros(ca.size),
        dt=dt,
    )


def calibrate_drive(
    temp_c: float = DEFAULT_TEMP_C,
    silent_at: Sequence[float] = CA_NORMAL,
    fires_at: float = 0.9,
    drives: Sequence[float] | np.ndarray = DRIVE_GRID,
) -> list[float]:
    """Drive values (from ``drives``) with a stable rest at every calcium in ``silent_at``
    (mmol/L) and an unstable rest (spontaneous firing) at ``fires_at``.

    How ``DEFAULT_DRIVE`` was chosen: at ``DEFAULT_TEMP_C`` this gives 9.0-10.5 uA/cm2;
    10 puts the onset of spontaneous firing at 1.04 mmol/L, between 0.9 and the normal range.
    """
    drives = np.asarray(drives, dtype=float)
    ca = np.array([*silent_at, fires_at], dtype=float)
    unstable = rest_unstable(ca[:, None], temp_c, drives[None, :])
    ok = ~unstable[:-1].any(axis=0) & unstable[-1]
    return [float(d) for d in drives[ok]]


class SweepCache:
    """Every calcium x drive x temperature point of the explorer's sliders, computed on
    first use and kept, so that moving a slider is a lookup.

    How a sweep is computed (``sweep(temps)`` does several temperatures in one batch):

    * resting state and Jacobian eigenvalues at every point (vectorised);
    * points with an **unstable** rest (spontaneous firing) are integrated with the full
      nonlinear model in one batch (traces stored every ``store_dt`` ms as float16);
    * points with a **stable** rest show the response to the 1 mV nudge from the exact
      solution of the linearised model (``linear_response``), computed at lookup from
      four stored eigenvalues and weights. A 1 mV nudge at a stable rest is where the
      linearisation is accurate: the tests compare it with the full model.

    ``nbytes`` reports the memory held.
    """

    def __init__(
        self,
        ca_grid=CA_GRID,
        drive_grid=DRIVE_GRID,
        temp_grid=TEMP_GRID,
        t_end: float = DEFAULT_T_END,
        store_dt: float = 0.05,
    ) -> None:
        self.ca_grid = np.asarray(ca_grid, dtype=float)
        self.drive_grid = np.asarray(drive_grid, dtype=float)
        self.temp_grid = np.asarray(temp_grid, dtype=float)
        self.t_end, self.store_dt = float(t_end), float(store_dt)
        self.t = np.arange(int(round(self.t_end / self.store_dt)) + 1) * self.store_dt
        self._sweeps: dict[float, dict] = {}
        self.seconds = 0.0  # time spent computing sweeps

    @staticmethod
    def _key(temp_c: float) -> float:
        return round(float(temp_c), 6)

    def has(self, temp_c: float) -> bool:
        return self._key(temp_c) in self._sweeps

    def sweep(self, temps: ArrayLike) -> dict:
        """Compute (if needed) the sweeps for ``temps``; return the last one."""
        temps = [float(x) for x in np.atleast_1d(temps)]
        todo = sorted({self._key(x) for x in temps if not self.has(x)})
        start = time.perf_counter()
        nd, nc = self.drive_grid.size, self.ca_grid.size
        ca2 = np.broadcast_to(self.ca_grid[None, :], (nd, nc)).ravel()
        dr2 = np.broadcast_to(self.drive_grid[:, None], (nd, nc)).ravel()
        pending: dict[float, list[float]] = {}
        for temp in todo:
            _check(ca2, temp, dr2)
            rest, lam, amp = _rest_and_modes(ca2, dr2, phi(temp))
            unstable = lam.real.max(axis=-1) > 0
            self._sweeps[temp] = {
                "rest": rest,
                "lam": lam.astype(np.complex64),
                "amp": amp.astype(np.complex64),
                "unstable": unstable.reshape(nd, nc),
                "rate": np.zeros((nd, nc)),
                "spontaneous": np.zeros((nd, nc), dtype=bool),
                "peak": np.zeros((nd, nc)),
                "row": np.full((nd, nc), -1, dtype=np.int32),
                "v": None,
                "spikes": {},
            }
            pending.setdefault(time_step(temp), []).append(temp)
        # one nonlinear batch per integration step size, over all pending temperatures
        for dt, group in pending.items():
            sel = [(temp, np.nonzero(self._sweeps[temp]["unstable"].ravel())[0]) for temp in group]
            if sum(len(i) for _, i in sel) == 0:
                for temp, _ in sel:
                    self._sweeps[temp]["v"] = np.empty((self.t.size, 0), dtype=np.float16)
                continue
            ca = np.concatenate([ca2[i] for _, i in sel])
            dr = np.concatenate([dr2[i] for _, i in sel])
            tt = np.concatenate([np.full(len(i), temp) for temp, i in sel])
            rest = np.concatenate([self._sweeps[temp]["rest"][i] for temp, i in sel])
            t, hist = _integrate(ca, tt, dr, self.t_end, LIMIT_CYCLE_KICK_MV, None, 0.0, 0.0, dt, rest=rest)
            spikes, rate, spont = _spike_analysis(t, hist, self.t_end)
            every = max(1, int(round(self.store_dt / dt)))
            stored = hist[::every].astype(np.float16)
            peak = hist.max(axis=0)
            col = 0
            for temp, idx in sel:
                sw = self._sweeps[temp]
                k = len(idx)
                sw["v"] = np.ascontiguousarray(stored[:, col : col + k])
                sw["rate"].ravel()[idx] = rate[col : col + k]
                sw["spontaneous"].ravel()[idx] = spont[col : col + k]
                sw["peak"].ravel()[idx] = peak[col : col + k]
                sw["row"].ravel()[idx] = np.arange(k)
                for j, flat in enumerate(idx):
                    sw["spikes"][int(flat)] = spikes[col + j]
                col += k
        for temp in todo:
            sw = self._sweeps[temp]
            stable = ~sw["unstable"].ravel()
            # peak of a stable trace: rest plus the largest excursion of the nudge response
            sw["peak"].ravel()[stable] = sw["rest"][stable, 0] + DEFAULT_KICK_MV
        self.seconds += time.perf_counter() - start
        return self._sweeps[self._key(temps[-1])]

    def index(self, ca_mmol: float, drive: float) -> tuple[int, int]:
        i = int(np.argmin(np.abs(self.drive_grid - drive)))
        j = int(np.argmin(np.abs(self.ca_grid - ca_mmol)))
        if abs(self.drive_grid[i] - drive) > 1e-6 or abs(self.ca_grid[j] - ca_mmol) > 1e-6:
            raise ExcitabilityError(f"({ca_mmol}, {drive}) is not on the cached grid")
        return i, j

    def lookup(self, ca_mmol: float, temp_c: float, drive: float) -> tuple[AxonResult, np.ndarray]:
        """The axon at one grid point and the rate-vs-calcium curve at its temperature and drive."""
        s = self.sweep(temp_c)
        i, j = self.index(ca_mmol, drive)
        flat = i * self.ca_grid.size + j
        unstable = bool(s["unstable"][i, j])
        if unstable:
            v = s["v"][:, s["row"][i, j]].astype(np.float32)
            spikes = s["spikes"][flat]
            kick = LIMIT_CYCLE_KICK_MV
        else:
            v = linear_response(
                self.t,
                float(s["rest"][flat, 0]),
                s["lam"][flat].astype(complex),
                s["amp"][flat].astype(complex),
            ).astype(np.float32)
            spikes = np.empty(0)
            kick = DEFAULT_KICK_MV
        res = AxonResult(
            t=self.t,
            v=v,
            spike_times=spikes,
            rate_hz=float(s["rate"][i, j]),
            spontaneous=bool(s["spontaneous"][i, j]),
            ca_mmol=float(self.ca_grid[j]),
            temp_c=float(temp_c),
            drive=float(self.drive_grid[i]),
            shift_mv=float(calcium_shift_mv(self.ca_grid[j])),
            peak_mv=float(s["peak"][i, j]),
            rest_unstable=unstable,
            kick_mv=kick,
        )
        return res, s["rate"][i]

    def precompute(self, temps: ArrayLike | None = None) -> None:
        """Compute every temperature of the grid now (about 0.3-0.5 s on a laptop core)."""
        self.sweep(self.temp_grid if temps is None else temps)

    @property
    def nbytes(self) -> int:
        total = self.t.nbytes
        for s in self._sweeps.values():
            for key in ("rest", "lam", "amp", "unstable", "rate", "spontaneous", "peak", "row", "v"):
                total += s[key].nbytes
            total += sum(a.nbytes + 100 for a in s["spikes"].values())  # arrays plus dict overhead, roughly
        return total
