import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.physiology import sweat


def test_balance_arithmetic():
    b = sweat.sweat_balance(
        duration_h=2,
        sweat_rate_l_per_h=1.5,
        sweat_sodium_mg_per_l=1000,
        fluid_drunk_l=1,
        sodium_intake_mg=800,
        body_mass_kg=80,
    )
    assert b.fluid_lost_l == pytest.approx(3.0)
    assert b.fluid_replaced_l == pytest.approx(1.0)
    assert b.net_fluid_deficit_l == pytest.approx(2.0)
    assert b.net_fluid_deficit_pct_body_mass == pytest.approx(2.5)
    assert b.sodium_lost_mg == pytest.approx(3000)
    assert b.sodium_replaced_mg == pytest.approx(800)
    assert b.net_sodium_deficit_mg == pytest.approx(2200)
    text = b.summary()
    assert "net deficit 2.00 L (2.5% of body mass)" in text and "net deficit 2,200 mg" in text
    assert "not a cramp risk" in text


def test_drinking_more_than_you_sweat_is_a_surplus():
    b = sweat.sweat_balance(
        duration_h=1,
        sweat_rate_l_per_h=0.5,
        fluid_drunk_l=1.5,
        sweat_sodium_mg_per_l=1000,
        sodium_intake_mg=2000,
        body_mass_kg=60,
    )
    assert b.net_fluid_deficit_l == pytest.approx(-1.0)
    assert b.net_sodium_deficit_mg == pytest.approx(-1500)
    assert "net surplus 1.00 L" in b.summary() and "net surplus 1,500 mg" in b.summary()


@given(
    d=st.floats(min_value=0.01, max_value=48),
    rate=st.floats(min_value=0, max_value=6),
    na=st.floats(min_value=0, max_value=5000),
    drunk=st.floats(min_value=0, max_value=30),
    na_in=st.floats(min_value=0, max_value=50000),
    mass=st.floats(min_value=1, max_value=350),
)
def test_balance_identities(d, rate, na, drunk, na_in, mass):
    b = sweat.sweat_balance(d, rate, na, drunk, na_in, mass)
    assert b.fluid_lost_l - b.fluid_replaced_l == pytest.approx(b.net_fluid_deficit_l)
    assert b.sodium_lost_mg - b.sodium_replaced_mg == pytest.approx(b.net_sodium_deficit_mg)
    assert b.sodium_lost_mg == pytest.approx(b.fluid_lost_l * na)
    assert b.net_fluid_deficit_pct_body_mass * mass / 100 == pytest.approx(b.net_fluid_deficit_l, abs=1e-9)


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("duration_h", 0, "Duration (h) must be greater than zero"),
        ("duration_h", -1, "greater than zero"),
        ("duration_h", 100, "above 48"),
        ("sweat_rate_l_per_h", -0.5, "Sweat rate (L/h) cannot be negative"),
        ("sweat_rate_l_per_h", 20, "check the number"),
        ("sweat_sodium_mg_per_l", math.nan, "finite"),
        ("fluid_drunk_l", -1, "Fluid drunk (L) cannot be negative"),
        ("sodium_intake_mg", math.inf, "finite"),
        ("body_mass_kg", 0, "Body mass (kg) must be greater than zero"),
        ("body_mass_kg", -70, "greater than zero"),
        ("body_mass_kg", 700, "above 350"),
        ("body_mass_kg", "70", "must be a number"),
        ("fluid_drunk_l", True, "must be a number"),
    ],
)
def test_bad_inputs_raise_clear_errors(field, value, words):
    with pytest.raises(sweat.SweatInputError) as info:
        sweat.sweat_balance(**{field: value})
    assert isinstance(info.value, ValueError) and isinstance(info.value, CrampLessonsError)
    assert words in str(info.value)


def test_sweat_rate_from_weighing():
    # 70.0 -> 68.5 kg over 1.5 h, drank 0.5 L, passed 0.2 L urine: (1.5 + 0.5 - 0.2) / 1.5 = 1.2 L/h
    assert sweat.sweat_rate_from_weighing(70.0, 68.5, 0.5, 0.2, 1.5) == pytest.approx(1.2)
    with pytest.raises(sweat.SweatInputError, match="negative sweat loss"):
        sweat.sweat_rate_from_weighing(70.0, 71.0, 0.0, 0.0, 1.0)
    with pytest.raises(sweat.SweatInputError, match="Urine"):
        sweat.sweat_rate_from_weighing(70.0, 69.0, 0.0, -0.1, 1.0)


def test_the_calculator_claims_no_cramp_risk():
    assert "Schwellnus" in sweat.BALANCE_NOTE and "not a cramp risk" in sweat.BALANCE_NOTE
    assert not [
        f.name for f in dataclasses.fields(sweat.SweatBalance) if "risk" in f.name or "cramp" in f.name
    ]
    assert "1 kg" in sweat.MEASURE_HOWTO and "urine" in sweat.MEASURE_HOWTO
    assert set(sweat.DEFAULTS) == set(sweat.LIMITS) == set(sweat.UNITS) == set(sweat.LABELS)
    assert "illustrative" in sweat.__doc__
