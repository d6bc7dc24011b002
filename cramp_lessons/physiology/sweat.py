"""Sweat loss: how much fluid and sodium a session costs, and how much was put back.

Why it is here: the article says that sweating a lot without replacing salt leads to
cramps. The evidence does not support a simple link: distance runners who cramped and
those who did not showed no clinically meaningful difference in serum electrolytes or
hydration (Schwellnus MP et al., Br J Sports Med 2004;38:488-492; evidence sheet, "moderate"), and
reviews favour altered neuromuscular control (Schwellnus 2009). So this calculator shows a
**balance**, never a cramp risk, and it attaches no threshold to any result.

How to measure your own sweat rate (1 kg of body mass lost ~ 1 L of fluid)::

    sweat rate (L/h) = (mass before - mass after (kg) + fluid drunk (L) - urine passed (L)) / hours

Weigh with minimal clothing, towel dry, same scale. :func:`sweat_rate_from_weighing` does the
sum. Sweat sodium differs between people: use a measured value if you have one.

Every default in ``DEFAULTS`` is **illustrative**, not from a source: set your own values.
The balance ignores urine, breathing and food water, and the sodium in food eaten is
counted only if you enter it as sodium taken in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from cramp_lessons.errors import CrampLessonsError

__all__ = [
    "SweatInputError",
    "DEFAULTS",
    "LIMITS",
    "UNITS",
    "LABELS",
    "BALANCE_NOTE",
    "MEASURE_HOWTO",
    "SweatBalance",
    "sweat_balance",
    "sweat_rate_from_weighing",
]


class SweatInputError(CrampLessonsError, ValueError):
    """An input the sweat calculator cannot use (names the input and the problem)."""


#: Illustrative defaults (not from a source): change them to your own numbers.
DEFAULTS: dict[str, float] = {
    "duration_h": 2.0,
    "sweat_rate_l_per_h": 1.0,
    "sweat_sodium_mg_per_l": 900.0,
    "fluid_drunk_l": 1.0,
    "sodium_intake_mg": 500.0,
    "body_mass_kg": 70.0,
}

UNITS = {
    "duration_h": "h",
    "sweat_rate_l_per_h": "L/h",
    "sweat_sodium_mg_per_l": "mg/L",
    "fluid_drunk_l": "L",
    "sodium_intake_mg": "mg",
    "body_mass_kg": "kg",
}

LABELS = {
    "duration_h": "Duration",
    "sweat_rate_l_per_h": "Sweat rate",
    "sweat_sodium_mg_per_l": "Sweat sodium",
    "fluid_drunk_l": "Fluid drunk",
    "sodium_intake_mg": "Sodium taken in",
    "body_mass_kg": "Body mass",
}

#: (lowest, highest) accepted. Wide limits to catch typing errors, not health thresholds.
#: ``None`` as the lowest bound means "must be above zero".
LIMITS: dict[str, tuple[float | None, float]] = {
    "duration_h": (None, 48.0),
    "sweat_rate_l_per_h": (0.0, 6.0),
    "sweat_sodium_mg_per_l": (0.0, 5000.0),
    "fluid_drunk_l": (0.0, 30.0),
    "sodium_intake_mg": (0.0, 50000.0),
    "body_mass_kg": (None, 350.0),
}

BALANCE_NOTE = (
    "This is a fluid and sodium balance, not a cramp risk: distance runners who cramped and "
    "those who did not showed no clinically meaningful difference in serum electrolytes or "
    "hydration (Schwellnus et al., Br J Sports Med 2004)."
)

MEASURE_HOWTO = (
    "Measure your sweat rate: weigh before and after exercise; sweat rate (L/h) = "
    "(mass before - mass after + fluid drunk - urine) / hours, since 1 kg lost is about 1 L."
)


@dataclass(frozen=True)
class SweatBalance:
    """Result of :func:`sweat_balance`. Positive ``net_*_deficit`` = more lost than replaced."""

    duration_h: float
    sweat_rate_l_per_h: float
    sweat_sodium_mg_per_l: float
    body_mass_kg: float
    fluid_lost_l: float
    fluid_replaced_l: float
    net_fluid_deficit_l: float
    net_fluid_deficit_pct_body_mass: float
    sodium_lost_mg: float
    sodium_replaced_mg: float
    net_sodium_deficit_mg: float

    def summary(self) -> str:
        fd, sd = self.net_fluid_deficit_l, self.net_sodium_deficit_mg
        fluid = (
            f"net deficit {fd:.2f} L ({self.net_fluid_deficit_pct_body_mass:.1f}% of body mass)"
            if fd > 0
            else (f"net surplus {-fd:.2f} L" if fd < 0 else "fluid balanced")
        )
        sodium = (
            f"net deficit {sd:,.0f} mg"
            if sd > 0
            else (f"net surplus {-sd:,.0f} mg" if sd < 0 else "balanced")
        )
        return (
            f"{self.duration_h:g} h at {self.sweat_rate_l_per_h:g} L/h: fluid lost {self.fluid_lost_l:.2f} L, "
            f"drunk {self.fluid_replaced_l:.2f} L, {fluid}. Sodium lost {self.sodium_lost_mg:,.0f} mg, "
            f"taken in {self.sodium_replaced_mg:,.0f} mg, {sodium}. A balance, not a cramp risk."
        )


def _check(name: str, value) -> float:
    label = f"{LABELS.get(name, name)} ({UNITS.get(name, '')})".replace(" ()", "")
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise SweatInputError(f"{label} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise SweatInputError(f"{label} must be a finite number, got {value!r}")
    lo, hi = LIMITS[name]
    if lo is None and x <= 0:
        raise SweatInputError(f"{label} must be greater than zero, got {x:g}")
    if lo is not None and x < lo:
        raise SweatInputError(f"{label} cannot be negative, got {x:g}")
    if x > hi:
        raise SweatInputError(
            f"{label} of {x:g} is above {hi:g}, the most this calculator accepts; check the number"
        )
    return x


def sweat_balance(
    duration_h: float = DEFAULTS["duration_h"],
    sweat_rate_l_per_h: float = DEFAULTS["sweat_rate_l_per_h"],
    sweat_sodium_mg_per_l: float = DEFAULTS["sweat_sodium_mg_per_l"],
    fluid_drunk_l: float = DEFAULTS["fluid_drunk_l"],
    sodium_intake_mg: float = DEFAULTS["sodium_intake_mg"],
    body_mass_kg: float = DEFAULTS["body_mass_kg"],
) -> SweatBalance:
    """Fluid and sodium lost in sweat vs replaced. Raises :class:`SweatInputError`.

    fluid lost = duration x sweat rate; sodium lost = fluid lost x sweat sodium;
    net deficit = lost - replaced; % body mass = net fluid deficit (1 L ~ 1 kg) / body mass.
    Defaults are illustrative.
    """
    d = _check("duration_h", duration_h)
    rate = _check("sweat_rate_l_per_h", sweat_rate_l_per_h)
    na = _check("sweat_sodium_mg_per_l", sweat_sodium_mg_per_l)
    drunk = _check("fluid_drunk_l", fluid_drunk_l)
    na_in = _check("sodium_intake_mg", sodium_intake_mg)
    mass = _check("body_mass_kg", body_mass_kg)
    lost = d * rate
    na_lost = lost * na
    deficit = lost - drunk
    return SweatBalance(
        duration_h=d,
        sweat_rate_l_per_h=rate,
        sweat_sodium_mg_per_l=na,
        body_mass_kg=mass,
        fluid_lost_l=lost,
        fluid_replaced_l=drunk,
        net_fluid_deficit_l=deficit,
        net_fluid_deficit_pct_body_mass=100.0 * deficit / mass,
        sodium_lost_mg=na_lost,
        sodium_replaced_mg=na_in,
        net_sodium_deficit_mg=na_lost - na_in,
    )


def sweat_rate_from_weighing(
    mass_before_kg: float, mass_after_kg: float, fluid_drunk_l: float, urine_l: float, duration_h: float
) -> float:
    """Sweat rate (L/h) = (mass before - mass after + fluid drunk - urine) / duration, 1 kg ~ 1 L."""
    before = _check("body_mass_kg", mass_before_kg)
    after = _check("body_mass_kg", mass_after_kg)
    drunk = _check("fluid_drunk_l", fluid_drunk_l)
    if (
        isinstance(urine_l, bool)
        or not isinstance(urine_l, (Real, np.floating, np.integer))
        or not math.isfinite(urine_l)
    ):
        raise SweatInputError(f"Urine (L) must be a finite number, got {urine_l!r}")
    if urine_l < 0:
        raise SweatInputError(f"Urine (L) cannot be negative, got {urine_l:g}")
    d = _check("duration_h", duration_h)
    lost = before - after + drunk - float(urine_l)
    if lost < 0:
        raise SweatInputError(
            "these numbers give a negative sweat loss (mass after + urine is more than mass before + fluid "
            "drunk); check the weighings"
        )
    return lost / d
