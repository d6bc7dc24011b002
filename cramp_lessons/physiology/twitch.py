"""Motor-unit twitches summing into a tetanus, and how cold slows them.

What it teaches (evidence sheet, Physiology): one action potential gives a twitch; at
higher firing rates the twitches overlap and add up (summation) until the force no longer
ripples (a fused tetanus). Cold slows the twitch, so a cold muscle fuses at a lower rate.

The model
---------
* One twitch is ``g(x) = x * exp(1 - x)`` (peak 1 at x = 1). On the rising side
  ``x = t / Tc`` (contraction time ``Tc``: onset to peak). On the falling side
  ``x = 1 + X_HALF * (t - Tc) / HRT`` so the force is half its peak ``HRT`` ms after the
  peak (half-relaxation time). The two sides meet smoothly at the peak.
* ``DEFAULT_CONTRACTION_MS = 66.5`` ms at 35 C: the middle of the 35-98 ms range of
  single human motor units (Sica & McComas 1971).
* The default half-relaxation time is the shape's own: ``X_HALF * Tc`` (about 1.68 Tc),
  i.e. the plain ``t/Tc * exp(1 - t/Tc)`` twitch. No measured value is claimed for it.
* Temperature, relative to 35 C: ``Tc`` scales with Q10 1.43 and ``HRT`` with Q10 1.7
  (human twitch, 35 to 25 C; Ranatunga et al. 1987). Colder is slower:
  ``Tc(T) = Tc35 * 1.43 ** ((35 - T) / 10)``. The twitch's peak force is kept at 1; the
  measured fall of twitch tension with cooling is not modelled.
* Twitches add linearly (no saturation), so force at high rates is overstated: the model
  shows *timing* (fusion), and force is given in units of one twitch's peak.
* Fusion index: in the steady train, ``1 - (max - min) / max`` of the force over one
  inter-spike interval. 0 = the force falls back to zero between twitches; 1 = no ripple.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "T_REF_C",
    "Q10_CONTRACTION",
    "Q10_HALF_RELAXATION",
    "CONTRACTION_TIME_RANGE_MS",
    "DEFAULT_CONTRACTION_MS",
    "X_HALF",
    "RATE_RANGE_HZ",
    "TEMP_RANGE_C",
    "RATE_SLIDER_HZ",
    "TEMP_SLIDER_C",
    "NEARLY_FUSED",
    "TwitchError",
    "TwitchTimes",
    "TetanusResult",
    "twitch_times",
    "twitch_shape",
    "twitch_integral",
    "spike_times",
    "force_trace",
    "steady_state_ripple",
    "fusion_index",
    "mean_force",
    "tetanus",
    "fusion_rate",
    "fusion_word",
]

T_REF_C = 35.0
Q10_CONTRACTION = 1.43  # time to peak, Ranatunga et al. 1987
Q10_HALF_RELAXATION = 1.7  # half-relaxation, Ranatunga et al. 1987
CONTRACTION_TIME_RANGE_MS = (35.0, 98.0)  # single human motor units, Sica & McComas 1971
DEFAULT_CONTRACTION_MS = 0.5 * (CONTRACTION_TIME_RANGE_MS[0] + CONTRACTION_TIME_RANGE_MS[1])
RATE_RANGE_HZ = (0.5, 100.0)
TEMP_RANGE_C = (10.0, 40.0)
# The explorer's sliders: (lowest, highest, step); the twitch explorer and explorer questions read them.
RATE_SLIDER_HZ = (1, 60, 1)
TEMP_SLIDER_C = (20.0, 37.0, 0.5)
NEARLY_FUSED = 0.9  # a fusion index from here on reads "a nearly fused tetanus" (fusion_word)


def _x_half() -> float:
    """x > 1 where x * exp(1 - x) = 1/2 (Newton's method)."""
    x = 2.7
    for _ in range(50):
        f = x * math.exp(1 - x) - 0.5
        x -= f / ((1 - x) * math.exp(1 - x))
    return x


X_HALF = _x_half() - 1.0  # about 1.678: half-relaxation of the plain shape, in units of Tc


class TwitchError(CrampLessonsError, ValueError):
    """A firing rate, temperature or twitch time the model cannot use."""


@dataclass(frozen=True)
class TwitchTimes:
    contraction_ms: float  # onset to peak
    half_relaxation_ms: float  # peak to half force


def twitch_times(
    temp_c: float = T_REF_C,
    contraction_ms: float = DEFAULT_CONTRACTION_MS,
    half_relaxation_ms: float | None = None,
) -> TwitchTimes:
    """Contraction and half-relaxation times at ``temp_c`` (both given at 35 C)."""
    if not (TEMP_RANGE_C[0] <= temp_c <= TEMP_RANGE_C[1]):
        raise TwitchError(f"temperature must be {TEMP_RANGE_C[0]:g}-{TEMP_RANGE_C[1]:g} C (got {temp_c!r})")
    if not contraction_ms > 0:
        raise TwitchError(f"contraction time must be positive (got {contraction_ms!r})")
    hrt = X_HALF * contraction_ms if half_relaxation_ms is None else float(half_relaxation_ms)
    if not hrt > 0:
        raise TwitchError(f"half-relaxation time must be positive (got {half_relaxation_ms!r})")
    cold = (T_REF_C - float(temp_c)) / 10.0
    return TwitchTimes(contraction_ms * Q10_CONTRACTION**cold, hrt * Q10_HALF_RELAXATION**cold)


def twitch_shape(t, times: TwitchTimes) -> np.ndarray:
    """Force of one twitch (peak 1) at times ``t`` (ms) after its action potential; 0 before."""
    t = np.asarray(t, dtype=float)
    tc, hrt = times.contraction_ms, times.half_relaxation_ms
    x = np.where(t <= tc, t / tc, 1.0 + X_HALF * (t - tc) / hrt)
    return np.where(t > 0, x * np.exp(1.0 - x), 0.0)


def twitch_integral(times: TwitchTimes) -> float:
    """Area under one twitch (force x ms): Tc (e - 2) + 2 HRT / X_HALF, exactly."""
    return times.contraction_ms * (math.e - 2.0) + 2.0 * times.half_relaxation_ms / X_HALF


def _check_rate(rate_hz: float) -> None:
    if not (RATE_RANGE_HZ[0] <= rate_hz <= RATE_RANGE_HZ[1]):
        raise TwitchError(
            f"firing rate must be {RATE_RANGE_HZ[0]:g}-{RATE_RANGE_HZ[1]:g} Hz (got {rate_hz!r})"
        )


def spike_times(rate_hz: float, t_end_ms: float) -> np.ndarray:
    """Regular action potentials from t = 0 at ``rate_hz``, up to ``t_end_ms``."""
    _check_rate(rate_hz)
    period = 1000.0 / rate_hz
    return np.arange(0.0, t_end_ms + 1e-9, period)


def force_trace(
    rate_hz: float,
    temp_c: float = T_REF_C,
    t_end_ms: float = 1000.0,
    dt_ms: float = 1.0,
    contraction_ms: float = DEFAULT_CONTRACTION_MS,
    half_relaxation_ms: float | None = None,
):
    """Force over time (units of one twitch's peak) for a regular spike train from t = 0.

    Returns ``(t, force, spikes)``; every twitch is summed exactly at every sample.
    """
    times = twitch_times(temp_c, contraction_ms, half_relaxation_ms)
    t = np.arange(0.0, t_end_ms + dt_ms / 2, dt_ms)
    spikes = spike_times(rate_hz, t_end_ms)
    force = twitch_shape(t[:, None] - spikes[None, :], times).sum(axis=1)
    return t, force, spikes


def steady_state_ripple(rate_hz: float, times: TwitchTimes, samples: int = 256):
    """Force over one inter-spike interval once the train has run forever.

    ``F(s) = sum_k g(s + k P)`` for ``s`` in [0, P), summed until the twitch has decayed
    below 1e-9 of its peak.
    """
    _check_rate(rate_hz)
    period = 1000.0 / rate_hz
    # g(x) < 1e-9 for x > 25: beyond Tc + 24 HRT / X_HALF
    horizon = times.contraction_ms + 24.0 * times.half_relaxation_ms / X_HALF
    k = np.arange(int(math.ceil(horizon / period)) + 1)
    s = np.linspace(0.0, period, samples, endpoint=False)
    return s, twitch_shape(s[:, None] + k[None, :] * period, times).sum(axis=1)


def fusion_index(
    rate_hz: float,
    temp_c: float = T_REF_C,
    contraction_ms: float = DEFAULT_CONTRACTION_MS,
    half_relaxation_ms: float | None = None,
) -> float:
    """``1 - (max - min) / max`` of the steady-state force: 0 separate twitches, 1 fused."""
    times = twitch_times(temp_c, contraction_ms, half_relaxation_ms)
    _, f = steady_state_ripple(rate_hz, times)
    return float(np.clip(1.0 - (f.max() - f.min()) / f.max(), 0.0, 1.0))


def mean_force(
    rate_hz: float,
    temp_c: float = T_REF_C,
    contraction_ms: float = DEFAULT_CONTRACTION_MS,
    half_relaxation_ms: float | None = None,
) -> float:
    """Steady-state mean force (units of one twitch's peak): rate x twitch area, exactly."""
    _check_rate(rate_hz)
    return rate_hz / 1000.0 * twitch_integral(twitch_times(temp_c, contraction_ms, half_relaxation_ms))


@dataclass(frozen=True)
class TetanusResult:
    rate_hz: float
    temp_c: float
    times: TwitchTimes
    t: np.ndarray  # ms
    force: np.ndarray  # units of one twitch's peak
    single: np.ndarray  # one twitch on the same time axis
    spikes: np.ndarray  # ms
    fusion: float
    mean_force: float  # steady state
    peak_force: float  # in the window


def tetanus(
    rate_hz: float,
    temp_c: float = T_REF_C,
    t_end_ms: float = 1000.0,
    dt_ms: float = 1.0,
    contraction_ms: float = DEFAULT_CONTRACTION_MS,
    half_relaxation_ms: float | None = None,
) -> TetanusResult:
    """Everything the twitch explorer shows for one rate and temperature."""
    times = twitch_times(temp_c, contraction_ms, half_relaxation_ms)
    t, force, spikes = force_trace(rate_hz, temp_c, t_end_ms, dt_ms, contraction_ms, half_relaxation_ms)
    _, ss = steady_state_ripple(rate_hz, times)
    fusion = float(np.clip(1.0 - (ss.max() - ss.min()) / ss.max(), 0.0, 1.0))
    return TetanusResult(
        rate_hz=float(rate_hz),
        temp_c=float(temp_c),
        times=times,
        t=t,
        force=force,
        single=twitch_shape(t, times),
        spikes=spikes,
        fusion=fusion,
        mean_force=rate_hz / 1000.0 * twitch_integral(times),
        peak_force=float(force.max()),
    )


def fusion_rate(
    temp_c: float = T_REF_C,
    threshold: float = NEARLY_FUSED,
    contraction_ms: float = DEFAULT_CONTRACTION_MS,
    half_relaxation_ms: float | None = None,
    tol: float = 0.01,
) -> float:
    """Lowest firing rate (Hz) whose fusion index reaches ``threshold`` (bisection)."""
    lo, hi = RATE_RANGE_HZ
    if fusion_index(hi, temp_c, contraction_ms, half_relaxation_ms) < threshold:
        raise TwitchError(f"fusion {threshold} is not reached below {hi:g} Hz")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if fusion_index(mid, temp_c, contraction_ms, half_relaxation_ms) >= threshold:
            hi = mid
        else:
            lo = mid
    return hi


FUSION_WORDS: tuple[tuple[float, str], ...] = (
    (0.1, "separate twitches"),
    (NEARLY_FUSED, "an unfused tetanus"),
    (0.99, "a nearly fused tetanus"),
    (math.inf, "a fused tetanus"),
)
"""Words for a fusion index below each cut-off (the course's cut-offs, for reading the figure)."""


def fusion_word(fusion: float) -> str:
    """Words for a fusion index (:data:`FUSION_WORDS`)."""
    return next(word for below, word in FUSION_WORDS if fusion < below)
