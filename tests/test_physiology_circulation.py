import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.physiology import circulation as circ


def test_half_the_radius_gives_exactly_one_sixteenth_of_the_flow():
    assert circ.relative_flow(0.5) == 1 / 16
    assert circ.relative_flow(1.0) == 1.0
    assert circ.relative_flow(0.0) == 0.0
    np.testing.assert_allclose(circ.relative_flow(np.array([0.1, 2.0])), [1e-4, 16.0])


def test_poiseuille_absolute_flow():
    r, dp, eta, length = 2e-3, 100.0, 3.5e-3, 0.1
    q = circ.poiseuille_flow(r, dp, eta, length)
    assert q == pytest.approx(math.pi * r**4 * dp / (8 * eta * length))
    assert circ.poiseuille_flow(r / 2, dp, eta, length) == pytest.approx(q / 16)
    assert circ.poiseuille_flow(r, 2 * dp, eta, length) == pytest.approx(2 * q)
    assert circ.resistance(r, length, eta) == pytest.approx(dp / q)


@given(st.floats(min_value=0, max_value=10), st.floats(min_value=0, max_value=10))
def test_flow_rises_with_radius(r1, r2):
    if r1 == r2:
        return
    lo, hi = sorted((r1, r2))
    assert circ.relative_flow(lo) <= circ.relative_flow(hi)
    if lo > 1e-3:
        assert circ.relative_flow(lo) < circ.relative_flow(hi)


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_relative_flow_rejects_bad_radius(bad):
    with pytest.raises(circ.MeasurementError):
        circ.relative_flow(bad)


@pytest.mark.parametrize("args", [(0, 1, 1), (1, 0, 1), (1, 1, -1), ("1", 1, 1)])
def test_resistance_rejects_bad_inputs(args):
    with pytest.raises(circ.MeasurementError):
        circ.resistance(*args)


def test_stenosis_series_resistance():
    assert circ.stenosis_relative_flow(0.0, 0.3) == pytest.approx(1.0)
    assert circ.stenosis_relative_flow(0.5, 1.0) == pytest.approx(1 / 16)
    # 10% of the length narrowed to half its diameter: R = 0.9 + 0.1 * 16 = 2.5
    assert circ.stenosis_relative_flow(0.5, 0.1) == pytest.approx(1 / 2.5)
    s = np.linspace(0, 0.9, 50)
    q = circ.stenosis_relative_flow(s, 0.1)
    assert np.all(np.diff(q) < 0)
    assert circ.stenosis_relative_flow(0.6, 0.05) > circ.stenosis_relative_flow(0.6, 0.5)


@pytest.mark.parametrize("s,f", [(1.0, 0.1), (-0.1, 0.1), (0.5, 0.0), (0.5, 1.5), (math.nan, 0.1)])
def test_stenosis_rejects_bad_inputs(s, f):
    with pytest.raises(circ.MeasurementError):
        circ.stenosis_relative_flow(s, f)


def test_abi_is_ankle_over_arm():
    assert circ.ankle_brachial_index(108, 120) == pytest.approx(0.9)
    assert circ.ankle_brachial_index(40, 300) == pytest.approx(40 / 300)
    assert circ.ankle_brachial_index(300, 40) == pytest.approx(7.5)


@pytest.mark.parametrize(
    "ankle,arm,word",
    [
        (39.9, 120, "ankle"),
        (120, 301, "arm"),
        (0, 120, "positive"),
        (-80, 120, "positive"),
        (math.nan, 120, "finite"),
        ("120", 120, "number"),
        (True, 120, "number"),
        (120, None, "number"),
    ],
)
def test_abi_rejects_implausible_pressures(ankle, arm, word):
    with pytest.raises(circ.MeasurementError) as info:
        circ.ankle_brachial_index(ankle, arm)
    assert isinstance(info.value, ValueError) and isinstance(info.value, CrampLessonsError)
    assert word in str(info.value)


@pytest.mark.parametrize(
    "abi,band",
    [
        (0.5, "abnormal"),
        (0.90, "abnormal"),
        (0.91, "borderline"),
        (0.99, "borderline"),
        (1.00, "normal"),
        (1.40, "normal"),
        (1.41, "noncompressible"),
        (2.0, "noncompressible"),
    ],
)
def test_abi_bands_at_the_guideline_boundaries(abi, band):
    assert circ.abi_band(abi).id == band


def test_abi_bands_from_pressures_and_labels():
    assert circ.abi_band(circ.ankle_brachial_index(108, 120)).id == "abnormal"  # 0.90 exactly
    assert circ.abi_band(circ.ankle_brachial_index(168, 120)).id == "normal"  # 1.40
    assert circ.abi_band(circ.ankle_brachial_index(169, 120)).id == "noncompressible"  # 1.408 -> 1.41
    assert circ.abi_band(0.9).label == "abnormal: peripheral artery disease"
    assert "not a diagnosis" in circ.ABI_NOTE
    assert [b.id for b in circ.ABI_BANDS] == ["abnormal", "borderline", "normal", "noncompressible"]


@given(st.floats(min_value=0.01, max_value=5))
def test_every_abi_falls_in_exactly_one_band(abi):
    band = circ.abi_band(abi)
    r = round(abi, 2)
    assert (band.low is None or r >= band.low) and (band.high is None or r <= band.high)


@pytest.mark.parametrize("bad", [0, -1, math.nan, "1.0"])
def test_abi_band_rejects_bad_values(bad):
    with pytest.raises(circ.MeasurementError):
        circ.abi_band(bad)
