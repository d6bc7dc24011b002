"""Altered neuromuscular control: how fatigue can lock a motor neuron into a cramp, and
how stretching can end it.

What it teaches (evidence sheet, "Why cramps happen"; Schwellnus 2009, moderate; Miller
et al. 2022, moderate): the alpha motor neuron sums excitation from muscle spindles (Ia)
and inhibition from Golgi tendon organs (Ib). Fatigue raises spindle excitation and
lowers tendon-organ inhibition; when the net drive stays above the motor neuron's
threshold it keeps firing at a high rate: a sustained, involuntary contraction (a cramp).
Stretching puts tension on the tendon, the tendon organs inhibit the motor neuron, and
the cramp ends. The mechanism is **plausible, not proven**.

The model (every parameter **illustrative and dimensionless**; none is a measurement)
-------------------------------------------------------------------------------------
State, advanced with exponential-Euler steps of ``DT_S``:

* ``r`` motor-neuron activity, 0-1 (fraction of its maximum rate), relaxes with ``TAU_R``
  towards ``sigmoid((D - THRESHOLD) / WIDTH)``;
* ``F`` muscle force, 0-1, follows ``r`` with ``TAU_F``;
* ``a`` slow adaptation of the motor neuron (``TAU_A``), which is why a cramp also ends
  on its own after a while.

Net drive ``D = BASELINE + command + S - G - a`` with

* spindle (Ia) excitation ``S = (S0 + S1 r) (1 + K_SPINDLE f)``: spindles are driven
  along with the motor neuron (alpha-gamma co-activation), and fatigue ``f`` (0-1)
  raises their output;
* tendon-organ (Ib) inhibition ``G = G1 (1 - K_GTO f) (F + STRETCH_TENSION s)``: it grows
  with tendon tension (muscle force plus an applied stretch ``s``, 0-1) and fatigue lowers
  it;
* ``command``: a brief voluntary contraction (``COMMAND`` from ``CONTRACTION_S[0]`` to
  ``CONTRACTION_S[1]`` s), the hard push after which a cramp may start.

A cramp is involuntary high-rate firing: ``r > CRAMP_LEVEL`` while the voluntary command
is off, lasting at least ``MIN_EPISODE_S``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "BASELINE",
    "S0",
    "S1",
    "K_SPINDLE",
    "G1",
    "K_GTO",
    "STRETCH_TENSION",
    "THRESHOLD",
    "WIDTH",
    "TAU_R",
    "TAU_F",
    "TAU_A",
    "K_ADAPT",
    "COMMAND",
    "CONTRACTION_S",
    "STRETCH_RAMP_S",
    "CRAMP_LEVEL",
    "MIN_EPISODE_S",
    "T_END_S",
    "DT_S",
    "ReflexError",
    "ReflexResult",
    "spindle_excitation",
    "gto_inhibition",
    "net_drive",
    "simulate",
    "cramp_episodes",
    "describe",
]

# -- illustrative, dimensionless parameters -------------------------------------------
BASELINE = 0.1
S0, S1, K_SPINDLE = 0.1, 0.5, 0.8
G1, K_GTO = 0.6, 0.6
STRETCH_TENSION = 2.5
THRESHOLD, WIDTH = 0.5, 0.03
TAU_R, TAU_F, TAU_A = 0.05, 0.15, 12.0  # s
K_ADAPT = 0.5
COMMAND = 0.8
CONTRACTION_S = (1.0, 1.5)
STRETCH_RAMP_S = 0.5
CRAMP_LEVEL = 0.5
MIN_EPISODE_S = 0.3
T_END_S = 10.0
DT_S = 0.01


class ReflexError(CrampLessonsError, ValueError):
    """A fatigue level or stretch time the reflex model cannot use."""


def spindle_excitation(fatigue, activity):
    """Ia excitation for fatigue 0-1 and motor-neuron activity 0-1."""
    return (S0 + S1 * np.asarray(activity, dtype=float)) * (
        1.0 + K_SPINDLE * np.asarray(fatigue, dtype=float)
    )


def gto_inhibition(fatigue, force, stretch=0.0):
    """Ib inhibition for fatigue 0-1, muscle force 0-1 and applied stretch 0-1."""
    tension = np.asarray(force, dtype=float) + STRETCH_TENSION * np.asarray(stretch, dtype=float)
    return G1 * (1.0 - K_GTO * np.asarray(fatigue, dtype=float)) * tension


def net_drive(fatigue, activity, force, stretch=0.0, adaptation=0.0, command=0.0):
    """Net drive to the motor neuron: baseline + command + Ia - Ib - adaptation."""
    return (
        BASELINE
        + command
        + spindle_excitation(fatigue, activity)
        - gto_inhibition(fatigue, force, stretch)
        - adaptation
    )


@dataclass(frozen=True)
class ReflexResult:
    fatigue: float
    stretch_at_s: float | None
    t: np.ndarray  # s
    rate: np.ndarray  # motor-neuron activity, fraction of maximum
    force: np.ndarray  # fraction of maximum
    drive: np.ndarray  # net drive
    spindle: np.ndarray
    gto: np.ndarray
    stretch: np.ndarray  # applied stretch, 0-1
    episodes: tuple[tuple[float, float], ...]  # (start, end) s of each cramp

    @property
    def cramped(self) -> bool:
        return bool(self.episodes)

    @property
    def cramp_seconds(self) -> float:
        return float(sum(e - s for s, e in self.episodes))

    @property
    def peak_drive(self) -> float:
        return float(self.drive.max())


def _check(fatigue: float, stretch_at_s: float | None) -> None:
    if not (0.0 <= fatigue <= 1.0) or math.isnan(fatigue):
        raise ReflexError(f"fatigue must be 0-1 (got {fatigue!r})")
    if stretch_at_s is not None and not (0.0 <= stretch_at_s <= T_END_S):
        raise ReflexError(f"stretch time must be 0-{T_END_S:g} s or None (got {stretch_at_s!r})")


def _sigmoid(x: float) -> float:
    if x < -60.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


@lru_cache(maxsize=1024)
def _run(fatigue: float, stretch_at_s: float | None) -> ReflexResult:
    n = int(round(T_END_S / DT_S))
    t = [0.0] * (n + 1)
    rate, force, drive, spindle, gto, stretch = ([0.0] * (n + 1) for _ in range(6))
    s_gain = 1.0 + K_SPINDLE * fatigue
    g_gain = G1 * (1.0 - K_GTO * fatigue)
    er, ef, ea = math.exp(-DT_S / TAU_R), math.exp(-DT_S / TAU_F), math.exp(-DT_S / TAU_A)
    c_on, c_off = CONTRACTION_S
    r = f = a = 0.0
    # start from quiet rest: activity settles to its resting value before the push
    for _ in range(200):
        d = BASELINE + (S0 + S1 * r) * s_gain - g_gain * f
        r = _sigmoid((d - THRESHOLD) / WIDTH)
        f = r
    for k in range(n + 1):
        tk = k * DT_S
        cmd = COMMAND if c_on <= tk < c_off else 0.0
        if stretch_at_s is None or tk < stretch_at_s:
            st = 0.0
        else:
            st = min(1.0, (tk - stretch_at_s) / STRETCH_RAMP_S)
        sp = (S0 + S1 * r) * s_gain
        gt = g_gain * (f + STRETCH_TENSION * st)
        d = BASELINE + cmd + sp - gt - a
        t[k], rate[k], force[k], drive[k], spindle[k], gto[k], stretch[k] = tk, r, f, d, sp, gt, st
        target = _sigmoid((d - THRESHOLD) / WIDTH)
        r = target + (r - target) * er
        f = r + (f - r) * ef
        a_target = K_ADAPT * r
        a = a_target + (a - a_target) * ea
    tt = np.array(t)
    rr = np.array(rate)
    res = ReflexResult(
        fatigue=fatigue,
        stretch_at_s=stretch_at_s,
        t=tt,
        rate=rr,
        force=np.array(force),
        drive=np.array(drive),
        spindle=np.array(spindle),
        gto=np.array(gto),
        stretch=np.array(stretch),
        episodes=cramp_episodes(tt, rr),
    )
    for arr in (res.t, res.rate, res.force, res.drive, res.spindle, res.gto, res.stretch):
        arr.setflags(write=False)
    return res


def simulate(fatigue: float = 0.0, stretch_at_s: float | None = None) -> ReflexResult:
    """Ten seconds: a voluntary push from 1 to 1.5 s, then (optionally) a stretch from
    ``stretch_at_s`` (ramped in over 0.5 s and held). Results are cached (read-only arrays)."""
    fatigue = float(fatigue)
    stretch_at_s = None if stretch_at_s is None else float(stretch_at_s)
    _check(fatigue, stretch_at_s)
    return _run(round(fatigue, 9), None if stretch_at_s is None else round(stretch_at_s, 9))


def cramp_episodes(t, rate) -> tuple[tuple[float, float], ...]:
    """(start, end) of each stretch of involuntary high-rate firing (``rate > CRAMP_LEVEL``
    outside the voluntary push) lasting at least ``MIN_EPISODE_S``; end = last sample if
    the cramp is still going on."""
    t = np.asarray(t, dtype=float)
    rate = np.asarray(rate, dtype=float)
    involuntary = (rate > CRAMP_LEVEL) & ~((t >= CONTRACTION_S[0]) & (t < CONTRACTION_S[1]))
    edges = np.diff(np.concatenate([[0], involuntary.astype(np.int8), [0]]))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0] - 1
    out = []
    for s, e in zip(starts, ends, strict=False):
        if t[e] - t[s] >= MIN_EPISODE_S - 1e-9:
            out.append((round(float(t[s]), 2), round(float(t[e]), 2)))
    return tuple(out)


def describe(res: ReflexResult) -> str:
    """One sentence in words (deterministic: times rounded to 0.1 s)."""
    head = f"Fatigue {res.fatigue:.2f}: "
    if not res.episodes:
        return head + "after the push the motor neuron calms down; no cramp."
    start, end = res.episodes[0]
    still = end >= T_END_S - DT_S / 2
    stretched = res.stretch_at_s is not None and res.stretch_at_s < end + DT_S
    if stretched and not still:
        tail = f"stretching from {res.stretch_at_s:.1f} s ends it at {end:.1f} s."
    elif still:
        tail = f"it is still going at {T_END_S:.0f} s."
    elif res.stretch_at_s is not None:
        tail = f"it fades on its own at {end:.1f} s, before the stretch at {res.stretch_at_s:.1f} s."
    else:
        tail = f"it fades on its own at {end:.1f} s."
    return head + f"the motor neuron keeps firing at a high rate from {start:.1f} s: a cramp; " + tail
