"""Blood flow through a narrowed artery (Poiseuille) and the ankle-brachial index.

Why it is here: the article lists "lower extremity arteriosclerosis and occlusion" as a
cause of leg pain and cramps. The lesson shows why a modest narrowing matters (flow goes
with the fourth power of the radius) and how peripheral artery disease is screened for
with the ankle-brachial index (ABI), using the 2016 AHA/ACC bands (Gerhard-Herman MD et al.,
evidence sheet, "strong").

Poiseuille's law, Q = pi r^4 dP / (8 eta L), holds for steady laminar flow of a simple
fluid in a rigid straight tube. Blood in arteries is pulsatile, arteries are elastic, a
tight stenosis adds entrance losses and turbulence, and the body compensates (collateral
vessels, dilation downstream). The narrowed-segment model below is therefore
**illustrative**: it shows the direction and the steepness of the effect, not a clinical
prediction.

Nothing here diagnoses anything. An ABI is measured and interpreted by a clinician.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "MeasurementError",
    "PLAUSIBLE_SYSTOLIC_MMHG",
    "ABI_BANDS",
    "ABI_NOTE",
    "AbiBand",
    "poiseuille_flow",
    "resistance",
    "relative_flow",
    "stenosis_relative_flow",
    "ankle_brachial_index",
    "abi_band",
]


class MeasurementError(CrampLessonsError, ValueError):
    """A measurement (pressure, radius, fraction) that the model cannot use, with the reason."""


#: Systolic pressures this teaching calculator accepts (mmHg). Outside it we assume a typing error.
PLAUSIBLE_SYSTOLIC_MMHG = (40.0, 300.0)

ABI_NOTE = (
    "A teaching calculator, not a diagnosis: the ABI is measured and interpreted by a "
    "clinician. Bands: 2016 AHA/ACC guideline on lower extremity peripheral artery disease "
    "(Gerhard-Herman MD et al.)."
)


@dataclass(frozen=True)
class AbiBand:
    id: str
    label: str
    low: float | None  # inclusive lower bound of the (2-decimal) ABI, None = open
    high: float | None  # inclusive upper bound, None = open
    explanation: str


ABI_BANDS: tuple[AbiBand, ...] = (
    AbiBand(
        "abnormal",
        "abnormal: peripheral artery disease",
        None,
        0.90,
        "ABI 0.90 or lower: the guideline's threshold for peripheral artery disease.",
    ),
    AbiBand(
        "borderline",
        "borderline",
        0.91,
        0.99,
        "ABI 0.91 to 0.99: borderline.",
    ),
    AbiBand(
        "normal",
        "normal",
        1.00,
        1.40,
        "ABI 1.00 to 1.40: normal.",
    ),
    AbiBand(
        "noncompressible",
        "non-compressible arteries",
        1.41,
        None,
        "ABI above 1.40: the ankle arteries are too stiff to be squeezed shut by the cuff, so "
        "the reading cannot be trusted (non-compressible vessels).",
    ),
)


def _number(name: str, value, *, error=MeasurementError) -> float:
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise error(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise error(f"{name} must be a finite number, got {value!r}")
    return value


def resistance(radius_m: float, length_m: float, viscosity_pa_s: float) -> float:
    """Poiseuille resistance 8 eta L / (pi r^4) in Pa s / m^3."""
    r = _number("radius", radius_m)
    length = _number("length", length_m)
    eta = _number("viscosity", viscosity_pa_s)
    if r <= 0 or length <= 0 or eta <= 0:
        raise MeasurementError("radius, length and viscosity must all be greater than zero")
    return 8.0 * eta * length / (math.pi * r**4)


def poiseuille_flow(
    radius_m: float, pressure_drop_pa: float, viscosity_pa_s: float, length_m: float
) -> float:
    """Volume flow Q = pi r^4 dP / (8 eta L) in m^3/s (steady laminar flow in a rigid tube)."""
    dp = _number("pressure drop", pressure_drop_pa)
    return dp / resistance(radius_m, length_m, viscosity_pa_s)


def relative_flow(relative_radius):
    """Flow relative to normal at the same pressure drop: ``relative_radius ** 4``.

    Vectorised. Half the radius gives exactly 1/16 of the flow. ``relative_radius`` must be
    zero or more (zero = occluded).
    """
    r = np.asarray(relative_radius, dtype=float)
    if not np.all(np.isfinite(r)):
        raise MeasurementError(f"relative radius must be finite, got {relative_radius!r}")
    if np.any(r < 0):
        raise MeasurementError(f"relative radius cannot be negative, got {relative_radius!r}")
    out = r**4
    return float(out) if out.ndim == 0 else out


def stenosis_relative_flow(diameter_reduction, segment_fraction: float = 0.1):
    """Flow through a vessel with one narrowed segment, relative to the healthy vessel.

    Illustrative series-resistance model: a fraction ``segment_fraction`` (0 < f <= 1) of the
    vessel's length has its diameter reduced by ``diameter_reduction`` (0 <= s < 1; 0.5 = "50%
    stenosis"). Resistances add in series, so at the same pressure drop::

        Q / Q_healthy = 1 / ((1 - f) + f / (1 - s)^4)

    It ignores pulsatility, turbulence and entrance losses at the narrowing, collateral
    vessels and the body's own regulation; real stenoses matter less at rest and more during
    exercise than this suggests. Vectorised in ``diameter_reduction``.
    """
    s = np.asarray(diameter_reduction, dtype=float)
    f = _number("segment fraction", segment_fraction)
    if not np.all(np.isfinite(s)) or np.any(s < 0) or np.any(s >= 1):
        raise MeasurementError(
            f"diameter reduction must be at least 0 and below 1 (1 = fully blocked), got {diameter_reduction!r}"
        )
    if not 0 < f <= 1:
        raise MeasurementError(f"segment fraction must be above 0 and at most 1, got {segment_fraction!r}")
    out = 1.0 / ((1.0 - f) + f / (1.0 - s) ** 4)
    return float(out) if out.ndim == 0 else out


def ankle_brachial_index(ankle_systolic: float, arm_systolic: float) -> float:
    """ABI = ankle systolic / arm (brachial) systolic pressure, both in mmHg.

    Raises :class:`MeasurementError` for a non-number, or a pressure outside
    ``PLAUSIBLE_SYSTOLIC_MMHG`` (40-300 mmHg), which this calculator treats as a typing error.
    """
    lo, hi = PLAUSIBLE_SYSTOLIC_MMHG
    values = {}
    for name, v in (("ankle systolic pressure", ankle_systolic), ("arm systolic pressure", arm_systolic)):
        x = _number(name, v)
        if x <= 0:
            raise MeasurementError(f"{name} must be positive (mmHg), got {x:g}")
        if not lo <= x <= hi:
            raise MeasurementError(
                f"{name} of {x:g} mmHg is outside the range this calculator accepts "
                f"({lo:g}-{hi:g} mmHg); check the number"
            )
        values[name] = x
    return values["ankle systolic pressure"] / values["arm systolic pressure"]


def abi_band(abi: float) -> AbiBand:
    """The 2016 AHA/ACC band for an ABI, judged on the value rounded to two decimals.

    The guideline gives its cut-offs to two decimals (<= 0.90, 0.91-0.99, 1.00-1.40, > 1.40);
    rounding first leaves no gaps between bands. Returns an :class:`AbiBand` (``id``,
    ``label``, ``explanation``). Not a diagnosis: see ``ABI_NOTE``.
    """
    x = _number("ABI", abi)
    if x <= 0:
        raise MeasurementError(f"ABI must be positive, got {x:g}")
    r = round(x, 2)
    if r <= 0.90:
        return ABI_BANDS[0]
    if r <= 0.99:
        return ABI_BANDS[1]
    if r <= 1.40:
        return ABI_BANDS[2]
    return ABI_BANDS[3]
