"""A 2-D sagittal leg: thigh, shank and foot, and the lengths of the two calf muscles.

Why it is here: the course teaches that pulling the toes up with the knee straight
stretches gastrocnemius (it crosses both knee and ankle), that with the knee bent mainly
soleus is stretched (it crosses the ankle only), and that a pointed foot shortens both:
the article's "passive contracture" sleeping positions (evidence sheet, Physiology:
"strong, anatomy").

The model is simple geometry, not a musculoskeletal model:

* The hip is fixed at the origin; the thigh is drawn vertical (pointing down). Lying or
  sitting turns the whole leg in space but changes neither joint angle nor muscle length,
  so every posture is drawn in this one orientation.
* ``x`` points forward (anterior), ``y`` points up; units are metres.
* Knee flexion ``knee`` (deg): 0 = straight; the shank swings backwards as it grows.
* Ankle ``ankle`` (deg): 0 = neutral, foot at 90 deg to the shank; positive = dorsiflexion
  (toes up), negative = plantarflexion (foot pointed).
* Each muscle is a straight line from origin to insertion. Gastrocnemius runs from just
  above and behind the knee joint (femoral condyles, fixed to the thigh) to the heel
  (calcaneus, fixed to the foot). Soleus runs from behind the upper shank (tibia and fibula,
  fixed to the shank) to the same heel point.
* Segment lengths and attachment offsets are **illustrative** round numbers chosen to
  give an adult-sized drawing; they are not measurements from a source. The *direction*
  of each effect follows from which joints a muscle crosses; the exact percentages do not.

Lengths are reported as a fraction of the muscle-tendon length in standing neutral
(knee 0 deg, ankle 0 deg).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "GEOMETRY",
    "KNEE_RANGE",
    "ANKLE_RANGE",
    "POSTURES",
    "TECHNIQUES",
    "Posture",
    "Technique",
    "LegState",
    "PostureError",
    "leg_state",
    "calf_lengths",
    "length_word",
    "verdict",
    "interpolate_postures",
    "technique_frames",
]


class PostureError(CrampLessonsError, ValueError):
    """A joint angle or posture the leg model cannot use."""


#: Illustrative segment lengths and attachment offsets (metres). Not from a source.
GEOMETRY: dict[str, float] = {
    "thigh": 0.45,  # hip to knee joint
    "shank": 0.43,  # knee to ankle joint
    "toe": 0.17,  # ankle to tip of the toes, along the foot
    "heel_back": 0.06,  # heel behind the ankle, along the foot
    "sole_below": 0.06,  # sole below the ankle joint
    "gastroc_above": 0.04,  # gastrocnemius origin above the knee joint (along the thigh)
    "gastroc_behind": 0.02,  # ... and behind it
    "soleus_below": 0.10,  # soleus origin below the knee joint (along the shank)
    "soleus_behind": 0.025,  # ... and behind it
    "insert_back": 0.05,  # Achilles insertion on the calcaneus behind the ankle (along the foot)
    "insert_below": 0.025,  # ... and below it
}

#: Angles this model accepts (deg). The model's range, not a statement about human joints.
KNEE_RANGE = (0.0, 150.0)
ANKLE_RANGE = (-60.0, 40.0)


@dataclass(frozen=True)
class Posture:
    id: str
    knee: float
    ankle: float
    label: str
    note: str = ""


@dataclass(frozen=True)
class Technique:
    id: str
    label: str
    start: Posture
    end: Posture
    note: str = ""


_CRAMP_ANKLE = -35.0  # illustrative: a calf cramp pulls the foot into a pointed position

POSTURES: dict[str, Posture] = {
    p.id: p
    for p in (
        Posture(
            "standing", 0.0, 0.0, "Standing, foot flat", "Reference: every length is a fraction of this one."
        ),
        Posture(
            "lying_on_back_blanket_pressing_feet",
            0.0,
            -30.0,
            "Lying on the back, blanket pressing the feet down",
            "A heavy quilt pushes the feet into a pointed position for hours (article: 'passive contracture').",
        ),
        Posture(
            "lying_on_stomach_feet_pointed",
            0.0,
            -40.0,
            "Lying on the stomach, top of the foot flat on the bed",
            "The bed holds the foot pointed, so both calf muscles stay short for hours.",
        ),
        Posture(
            "toe_pull_knee_straight",
            0.0,
            20.0,
            "Knee straight, toes pulled up",
            "The position that stretches gastrocnemius most: it crosses the knee and the ankle, so it needs both.",
        ),
        Posture(
            "sitting_forefoot_pull",
            0.0,
            20.0,
            "Long sitting, hands pull the ball of the foot towards the trunk",
            "Knee straight and ankle pulled up: the article's stretching technique.",
        ),
        Posture(
            "knee_bent_dorsiflexion",
            90.0,
            20.0,
            "Knee bent, toes pulled up",
            "With the knee bent gastrocnemius is slack, so the stretch falls mainly on soleus.",
        ),
        Posture(
            "pressing_toes_into_floor",
            0.0,
            12.0,
            "Standing, knee straight, leaning forward with the foot flat",
            "Our reading of the article's 'step on the ground with the tip of the toe': the whole "
            "foot stays on the ground, heel down, and leaning the body forward bends the ankle up "
            "(dorsiflexion, about +10 to +15 deg) with the knee straight, like a standing calf "
            "stretch. Rising on tiptoe would do the opposite and shorten the calf. If you are unsteady "
            "(older, at night, dizzy), use the sitting stretch first.",
        ),
        Posture(
            "swimming_technique",
            0.0,
            20.0,
            "Swimming: one hand pulls the toes up, the other presses the knee straight",
            "The article's in-water technique: knee straight plus toes up, as in the toe pull, "
            "only once you are supported (edge, float, buddy) and floating on your back.",
        ),
    )
}


def _cramp_start(knee: float) -> Posture:
    return Posture("calf_cramp", knee, _CRAMP_ANKLE, "Calf in cramp: foot pulled into a pointed position")


TECHNIQUES: dict[str, Technique] = {
    t.id: t
    for t in (
        Technique(
            "toe_pull_knee_straight",
            "Pull the toes up with the knee straight",
            _cramp_start(0.0),
            POSTURES["toe_pull_knee_straight"],
            "Gastrocnemius and soleus both lengthen; gastrocnemius is stretched most.",
        ),
        Technique(
            "sitting_forefoot_pull",
            "Sit up, knee straight, pull the ball of the foot towards you",
            _cramp_start(0.0),
            POSTURES["sitting_forefoot_pull"],
            "Same joint angles as the toe pull: both calf muscles lengthen.",
        ),
        Technique(
            "pressing_toes_into_floor",
            "Stand and press the foot into the floor, knee straight",
            _cramp_start(0.0),
            POSTURES["pressing_toes_into_floor"],
            "A smaller ankle bend than pulling with the hands: a gentler stretch of both muscles.",
        ),
        Technique(
            "swimming_technique",
            "In the water: pull the toes up, press the knee straight",
            _cramp_start(0.0),
            POSTURES["swimming_technique"],
            "Knee straight and toes up: both calf muscles lengthen.",
        ),
        Technique(
            "knee_bent_dorsiflexion",
            "Pull the toes up with the knee bent",
            _cramp_start(90.0),
            POSTURES["knee_bent_dorsiflexion"],
            "Soleus is stretched; gastrocnemius stays slack because the bent knee shortens it.",
        ),
    )
}


@dataclass(frozen=True)
class LegState:
    """Joint angles, joint and attachment coordinates (m), and calf lengths."""

    knee_deg: float
    ankle_deg: float
    hip: np.ndarray
    knee: np.ndarray
    ankle: np.ndarray
    heel: np.ndarray
    toe: np.ndarray
    gastrocnemius_origin: np.ndarray
    soleus_origin: np.ndarray
    insertion: np.ndarray
    gastrocnemius_length_m: float
    soleus_length_m: float
    gastrocnemius_fraction: float
    soleus_fraction: float


def _check_angles(knee: np.ndarray, ankle: np.ndarray) -> None:
    for name, value, (lo, hi) in (("knee", knee, KNEE_RANGE), ("ankle", ankle, ANKLE_RANGE)):
        if not np.all(np.isfinite(value)):
            raise PostureError(f"{name} angle must be a finite number of degrees, got {value!r}")
        if np.any(value < lo) or np.any(value > hi):
            raise PostureError(
                f"{name} angle must be between {lo:g} and {hi:g} deg in this model, got {value!r}"
            )


def _unit(angle_rad: np.ndarray) -> np.ndarray:
    return np.stack([np.cos(angle_rad), np.sin(angle_rad)], axis=-1)


def _points(knee_deg, ankle_deg) -> dict[str, np.ndarray]:
    """Coordinates of every landmark; broadcasts over array-valued angles (last axis = x, y)."""
    g = GEOMETRY
    knee_deg = np.asarray(knee_deg, dtype=float)
    ankle_deg = np.asarray(ankle_deg, dtype=float)
    knee_deg, ankle_deg = np.broadcast_arrays(knee_deg, ankle_deg)
    _check_angles(knee_deg, ankle_deg)
    # Direction angles from +x (forward). Thigh points straight down.
    thigh_dir = _unit(np.full(knee_deg.shape, -np.pi / 2))
    shank_a = np.deg2rad(-90.0 - knee_deg)  # knee flexion swings the shank backwards
    shank_dir = _unit(shank_a)
    foot_a = shank_a + np.pi / 2 + np.deg2rad(ankle_deg)  # dorsiflexion turns the toes up
    foot_dir = _unit(foot_a)

    # "Behind" a segment = its direction turned 90 deg clockwise; "below the foot" likewise.
    def cw(v: np.ndarray) -> np.ndarray:
        return np.stack([v[..., 1], -v[..., 0]], axis=-1)

    hip = np.zeros(knee_deg.shape + (2,))
    knee = hip + g["thigh"] * thigh_dir
    ankle = knee + g["shank"] * shank_dir
    foot_down = cw(foot_dir)
    heel = ankle - g["heel_back"] * foot_dir + g["sole_below"] * foot_down
    toe = ankle + g["toe"] * foot_dir + g["sole_below"] * foot_down
    gastro_o = knee - g["gastroc_above"] * thigh_dir + g["gastroc_behind"] * cw(thigh_dir)
    soleus_o = knee + g["soleus_below"] * shank_dir + g["soleus_behind"] * cw(shank_dir)
    insertion = ankle - g["insert_back"] * foot_dir + g["insert_below"] * foot_down
    return {
        "hip": hip,
        "knee": knee,
        "ankle": ankle,
        "heel": heel,
        "toe": toe,
        "gastrocnemius_origin": gastro_o,
        "soleus_origin": soleus_o,
        "insertion": insertion,
    }


def _raw_lengths(knee_deg, ankle_deg) -> tuple[np.ndarray, np.ndarray]:
    p = _points(knee_deg, ankle_deg)
    g = np.linalg.norm(p["insertion"] - p["gastrocnemius_origin"], axis=-1)
    s = np.linalg.norm(p["insertion"] - p["soleus_origin"], axis=-1)
    return g, s


_G0, _S0 = (float(v) for v in _raw_lengths(0.0, 0.0))


def calf_lengths(knee_deg, ankle_deg) -> tuple[np.ndarray, np.ndarray]:
    """Gastrocnemius and soleus length as a fraction of standing neutral (vectorised).

    ``knee_deg`` and ``ankle_deg`` broadcast against each other, so a whole curve costs one
    call: ``calf_lengths(0, np.linspace(-40, 20, 61))``.
    """
    g, s = _raw_lengths(knee_deg, ankle_deg)
    return g / _G0, s / _S0


def leg_state(knee: float = 0.0, ankle: float = 0.0) -> LegState:
    """The leg at one knee flexion and ankle angle (deg). Raises :class:`PostureError`."""
    try:
        knee = float(knee)
        ankle = float(ankle)
    except (TypeError, ValueError) as exc:
        raise PostureError(f"knee and ankle must be numbers of degrees, got {knee!r}, {ankle!r}") from exc
    p = _points(knee, ankle)
    g = float(np.linalg.norm(p["insertion"] - p["gastrocnemius_origin"]))
    s = float(np.linalg.norm(p["insertion"] - p["soleus_origin"]))
    return LegState(
        knee_deg=knee,
        ankle_deg=ankle,
        gastrocnemius_length_m=g,
        soleus_length_m=s,
        gastrocnemius_fraction=g / _G0,
        soleus_fraction=s / _S0,
        **p,
    )


def length_word(fraction: float) -> str:
    """'stretched', 'shortened' or 'at standing length', judged on the rounded percentage shown."""
    pct = round(float(fraction) * 100)
    if pct > 100:
        return "stretched"
    if pct < 100:
        return "shortened"
    return "at standing length"


def verdict(gastrocnemius_fraction: float, soleus_fraction: float) -> str:
    """Words for the pair, e.g. 'both stretched' or 'gastrocnemius shortened, soleus stretched'."""
    gw, sw = length_word(gastrocnemius_fraction), length_word(soleus_fraction)
    if gw == sw:
        return f"both {gw}"
    return f"gastrocnemius {gw}, soleus {sw}"


def _as_angles(p) -> tuple[float, float]:
    if isinstance(p, str):
        if p not in POSTURES:
            raise PostureError(f"unknown posture {p!r}; known: {', '.join(POSTURES)}")
        p = POSTURES[p]
    if isinstance(p, Posture):
        return p.knee, p.ankle
    if isinstance(p, Mapping):
        return float(p["knee"]), float(p["ankle"])
    knee, ankle = p
    return float(knee), float(ankle)


def interpolate_postures(start, end, n_frames: int = 30, ease: bool = True) -> list[LegState]:
    """``n_frames`` leg states from ``start`` to ``end`` inclusive, for an animation.

    ``start``/``end`` may be a posture id, a :class:`Posture`, a mapping with ``knee`` and
    ``ankle``, or a ``(knee, ankle)`` pair. With ``ease`` the motion starts and ends slowly
    (cosine easing), which reads as "slowly and continuously".
    """
    if int(n_frames) != n_frames or n_frames < 2:
        raise PostureError(f"n_frames must be a whole number of at least 2, got {n_frames!r}")
    k0, a0 = _as_angles(start)
    k1, a1 = _as_angles(end)
    t = np.linspace(0.0, 1.0, int(n_frames))
    if ease:
        t = 0.5 - 0.5 * np.cos(np.pi * t)
    return [leg_state(k0 + (k1 - k0) * ti, a0 + (a1 - a0) * ti) for ti in t]


def technique_frames(technique_id: str, n_frames: int = 30) -> list[LegState]:
    """The leg moving from the cramp position to the end posture of a stretching technique."""
    if technique_id not in TECHNIQUES:
        raise PostureError(f"unknown technique {technique_id!r}; known: {', '.join(TECHNIQUES)}")
    t = TECHNIQUES[technique_id]
    return interpolate_postures(t.start, t.end, n_frames)
