import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.physiology import excitability as hh


def _step(ca, temp_c, amp, duration=50.0, start=2.0):
    """A current step from rest (no drive, no nudge)."""
    return hh.simulate(
        ca,
        temp_c,
        0.0,
        kick_mv=0.0,
        step_ua=amp,
        step_start=start,
        step_end=start + duration,
        t_end=start + duration,
    )


def test_rest_is_near_minus_65_mv_and_stays_there():
    v, m, h, n = hh.resting_state(hh.CA_REF, 0.0)
    assert float(v) == pytest.approx(-65.0, abs=3.0)
    r = hh.simulate(hh.CA_REF, 6.3, 0.0, kick_mv=0.0)
    assert np.ptp(r.v) < 0.01
    assert r.spike_times.size == 0 and not r.spontaneous


def test_action_potential_overshoots_zero():
    r = _step(hh.CA_REF, 6.3, 10.0)
    assert r.spike_times.size >= 1
    assert r.peak_mv > 0.0
    assert r.peak_mv < hh.E_NA


def test_rheobase_by_bisection_is_sensible_and_separates_spike_from_no_spike():
    rb = hh.rheobase(hh.CA_REF, 6.3)
    assert 1.0 < rb < 10.0  # uA/cm2; the classic HH axon needs a few uA/cm2
    assert _step(hh.CA_REF, 6.3, 0.9 * rb).spike_times.size == 0
    assert _step(hh.CA_REF, 6.3, 1.1 * rb).spike_times.size >= 1


def test_low_calcium_lowers_the_threshold():
    assert hh.rheobase(0.7, 10.0) < hh.rheobase(hh.CA_REF, 10.0) < hh.rheobase(1.8, 10.0)


def test_calcium_shift_sign_and_size():
    assert float(hh.calcium_shift_mv(hh.CA_REF)) == pytest.approx(0.0)
    assert float(hh.calcium_shift_mv(hh.CA_REF / 10)) == pytest.approx(-10.0)  # 10 mV per decade
    assert float(hh.calcium_shift_mv(0.9)) < 0 < float(hh.calcium_shift_mv(1.6))


def test_firing_rate_never_rises_with_calcium():
    ca, rate = hh.firing_rate_vs_calcium(hh.CA_GRID, hh.DEFAULT_TEMP_C, hh.DEFAULT_DRIVE)
    assert np.all(np.diff(rate) <= 1e-9)
    assert rate[0] > 0 and rate[-1] == 0  # fires at 0.5 mmol/L, silent at 2.0


def test_default_drive_is_calibrated_silent_in_normal_range_and_tetany_when_low():
    normal = np.round(np.arange(hh.CA_NORMAL[0], hh.CA_NORMAL[1] + 1e-9, 0.02), 2)
    b = hh.simulate_batch(normal, hh.DEFAULT_TEMP_C, hh.DEFAULT_DRIVE)
    assert not b.spontaneous.any()
    low = hh.simulate_batch([0.5, 0.7, 0.9], hh.DEFAULT_TEMP_C, hh.DEFAULT_DRIVE)
    assert low.spontaneous.all() and np.all(low.rate_hz > 0) and np.all(low.peak_mv > 0)
    assert hh.DEFAULT_DRIVE in hh.calibrate_drive(hh.DEFAULT_TEMP_C)


def test_phi_triples_per_ten_degrees():
    assert hh.phi(6.3) == pytest.approx(1.0)
    assert hh.phi(16.3) == pytest.approx(3.0)


@given(st.floats(min_value=0.0, max_value=20.0))
def test_phi_q10_is_three_everywhere(t):
    assert hh.phi(t + 10.0) / hh.phi(t) == pytest.approx(3.0)


@settings(max_examples=30, deadline=None)
@given(st.floats(min_value=0.5, max_value=2.0), st.floats(min_value=0.5, max_value=2.0))
def test_calcium_shift_is_monotonic(a, b):
    if a < b:
        assert hh.calcium_shift_mv(a) < hh.calcium_shift_mv(b)


def _half_width(r):
    """Duration (ms) of the first action potential above -20 mV."""
    above = r.v > -20.0
    i = int(np.argmax(above))
    j = i + int(np.argmax(~above[i:]))
    return r.t[j] - r.t[i]


def test_spike_is_faster_when_warmer():
    cold, warm = _step(hh.CA_REF, 6.3, 15.0), _step(hh.CA_REF, 16.3, 15.0)
    assert cold.spike_times.size >= 1 and warm.spike_times.size >= 1
    assert _half_width(warm) < 0.75 * _half_width(cold)
    # sustained firing is faster too
    b_cold = hh.simulate(0.7, 7.5, 10.0)
    b_warm = hh.simulate(0.7, 12.5, 10.0)
    assert b_cold.spontaneous and b_warm.spontaneous and b_warm.rate_hz > b_cold.rate_hz


def test_time_step_shrinks_with_phi():
    assert hh.time_step(10.0) == pytest.approx(0.05)
    for t in (15.0, 20.0):
        assert hh.phi(t) * hh.time_step(t) <= 0.1 + 1e-12


def test_rest_stability_agrees_with_simulated_firing():
    ca = np.array([0.5, 0.8, 1.0, 1.04, 1.06, 1.2, 1.6, 2.0])
    for temp, drive in [(10.0, 10.0), (5.0, 8.0), (17.5, 14.0)]:
        b = hh.simulate_batch(ca, temp, drive)
        assert np.array_equal(b.spontaneous, hh.rest_unstable(ca, temp, drive))


def test_batch_equals_single_simulations():
    ca = [0.6, 0.9, 1.3]
    b = hh.simulate_batch(ca, 10.0, [8.0, 10.0, 12.0])
    for k, (c, d) in enumerate(zip(ca, [8.0, 10.0, 12.0], strict=True)):
        r = hh.simulate(c, 10.0, d)
        np.testing.assert_allclose(b.v[:, k], r.v, atol=1e-4)
        assert b.rate_hz[k] == pytest.approx(r.rate_hz)


def test_matches_a_tight_scipy_reference():
    from scipy.integrate import solve_ivp

    ca, temp, drive = 0.9, 10.0, 10.0
    r = hh.simulate(ca, temp, drive)
    y0 = np.array([float(a) for a in hh.resting_state(ca, drive)])
    y0[0] += r.kick_mv
    shift, p = float(hh.calcium_shift_mv(ca)), hh.phi(temp)
    sol = solve_ivp(
        lambda t, y: hh._rhs(y, shift, drive, p),
        (0, 50),
        y0,
        method="DOP853",
        rtol=1e-10,
        atol=1e-10,
        dense_output=True,
    )
    t = np.arange(0, 50, 0.002)
    v = sol.sol(t)[0]
    up = np.nonzero((v[:-1] < 0) & (v[1:] >= 0))[0]
    ref = t[up] - v[up] * (t[up + 1] - t[up]) / (v[up + 1] - v[up])
    assert r.spike_times.size == ref.size >= 4
    assert np.max(np.abs(r.spike_times - ref)) < 0.2  # ms


def test_sweep_cache_gives_the_direct_results():
    cache = hh.SweepCache(temp_grid=[10.0])
    for ca, drive in [(0.9, 10.0), (0.5, 6.0), (1.24, 10.0), (1.06, 10.0)]:
        cached, curve = cache.lookup(ca, 10.0, drive)
        direct = hh.simulate(ca, 10.0, drive)
        assert cached.spontaneous == direct.spontaneous
        assert cached.rate_hz == pytest.approx(direct.rate_hz, abs=1e-9)
        np.testing.assert_allclose(cached.spike_times, direct.spike_times, atol=1e-9)
        # unstable: stored full model (float16); stable: linearised response to the nudge
        assert np.max(np.abs(cached.v - direct.v)) < (0.05 if direct.spontaneous else 1.0)
        assert curve.shape == hh.CA_GRID.shape
    assert cache.nbytes > 1e5
    with pytest.raises(hh.ExcitabilityError):
        cache.lookup(0.901, 10.0, 10.0)


def test_bad_inputs_raise():
    with pytest.raises(hh.ExcitabilityError):
        hh.simulate(0.1)
    with pytest.raises(hh.ExcitabilityError):
        hh.simulate(1.2, temp_c=50.0)
    with pytest.raises(hh.ExcitabilityError):
        hh.simulate(1.2, drive=float("nan"))
