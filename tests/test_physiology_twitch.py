import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.physiology import twitch as tw


def test_default_contraction_time_is_inside_the_evidence_range():
    lo, hi = tw.CONTRACTION_TIME_RANGE_MS
    assert lo <= tw.DEFAULT_CONTRACTION_MS <= hi


def test_single_twitch_peaks_at_tc_and_half_relaxes_after_hrt():
    times = tw.twitch_times(35.0)
    t = np.arange(0, 600, 0.01)
    g = tw.twitch_shape(t, times)
    assert t[np.argmax(g)] == pytest.approx(times.contraction_ms, abs=0.02)
    assert g.max() == pytest.approx(1.0, abs=1e-6)
    half = tw.twitch_shape([times.contraction_ms + times.half_relaxation_ms], times)[0]
    assert half == pytest.approx(0.5, abs=1e-9)
    assert tw.twitch_shape([-5.0, 0.0], times).tolist() == [0.0, 0.0]


def test_separate_half_relaxation_time_is_honoured():
    times = tw.twitch_times(35.0, contraction_ms=40.0, half_relaxation_ms=100.0)
    assert tw.twitch_shape([140.0], times)[0] == pytest.approx(0.5, abs=1e-9)


def test_cold_slows_contraction_q10_143_and_relaxation_q10_17():
    warm, cold = tw.twitch_times(35.0), tw.twitch_times(25.0)
    assert cold.contraction_ms / warm.contraction_ms == pytest.approx(1.43)
    assert cold.half_relaxation_ms / warm.half_relaxation_ms == pytest.approx(1.7)


def test_higher_rate_means_more_fusion_and_more_mean_force():
    rates = np.arange(1, 61)
    fusion = np.array([tw.fusion_index(r) for r in rates])
    force = np.array([tw.mean_force(r) for r in rates])
    assert np.all(np.diff(fusion) >= -1e-12) and fusion[0] < 0.1 and fusion[-1] > 0.95
    assert np.all(np.diff(force) > 0)


def test_colder_muscle_fuses_at_a_lower_rate():
    assert tw.fusion_rate(25.0) < tw.fusion_rate(30.0) < tw.fusion_rate(35.0)
    assert tw.fusion_index(12.0, 20.0) > tw.fusion_index(12.0, 37.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=1.0, max_value=60.0), st.floats(min_value=20.0, max_value=37.0))
def test_fusion_index_is_between_0_and_1(rate, temp):
    f = tw.fusion_index(rate, temp)
    assert 0.0 <= f <= 1.0


def test_force_trace_equals_a_plain_loop_sum():
    times = tw.twitch_times(30.0)
    t, force, spikes = tw.force_trace(25.0, 30.0, t_end_ms=300.0, dt_ms=1.0)
    for k in (0, 17, 150, 299):
        expected = sum(tw.twitch_shape([t[k] - s], times)[0] for s in spikes)
        assert force[k] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_twitch_area_is_exact_and_mean_force_matches_the_trace():
    times = tw.twitch_times(35.0)
    t = np.arange(0, 5000, 0.05)
    area = float(np.sum(tw.twitch_shape(t, times)) * 0.05)
    assert tw.twitch_integral(times) == pytest.approx(area, rel=1e-4)
    t, force, _ = tw.force_trace(20.0, 35.0, t_end_ms=3000.0, dt_ms=0.5)
    late = force[(t >= 2000.0) & (t < 3000.0)]
    assert late.mean() == pytest.approx(tw.mean_force(20.0, 35.0), rel=0.01)


def test_tetanus_bundles_consistent_results():
    r = tw.tetanus(18.0, 35.0)
    assert r.fusion == pytest.approx(tw.fusion_index(18.0, 35.0))
    assert r.mean_force == pytest.approx(tw.mean_force(18.0, 35.0))
    assert r.spikes[0] == 0.0 and r.spikes[1] == pytest.approx(1000 / 18)
    assert r.single.max() == pytest.approx(1.0, abs=1e-3)


def test_fusion_words():
    assert tw.fusion_word(0.0) == "separate twitches"
    assert tw.fusion_word(0.5) == "an unfused tetanus"
    assert tw.fusion_word(0.95) == "a nearly fused tetanus"
    assert tw.fusion_word(0.999) == "a fused tetanus"


def test_x_half_solves_the_shape():
    x = 1 + tw.X_HALF
    assert x * math.exp(1 - x) == pytest.approx(0.5, abs=1e-12)


def test_bad_inputs_raise():
    with pytest.raises(tw.TwitchError):
        tw.fusion_index(0.0)
    with pytest.raises(tw.TwitchError):
        tw.twitch_times(50.0)
    with pytest.raises(tw.TwitchError):
        tw.twitch_times(35.0, contraction_ms=-1)
