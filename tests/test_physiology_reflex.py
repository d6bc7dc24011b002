import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.physiology import reflex as rx

FATIGUE = np.round(np.arange(0.0, 1.0001, 0.05), 2)


def test_more_fatigue_means_more_spindle_excitation_less_gto_inhibition_more_drive():
    for activity, force in [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]:
        s = rx.spindle_excitation(FATIGUE, activity)
        g = rx.gto_inhibition(FATIGUE, force)
        d = rx.net_drive(FATIGUE, activity, force)
        assert np.all(np.diff(s) > 0)
        assert np.all(np.diff(g) <= 0)
        assert np.all(np.diff(d) > 0)
    peaks = [rx.simulate(f).peak_drive for f in FATIGUE]
    assert np.all(np.diff(peaks) > 0)


def test_no_fatigue_no_cramp_high_fatigue_cramp():
    assert not rx.simulate(0.0).cramped
    assert not rx.simulate(0.0, 4.0).cramped
    hi = rx.simulate(1.0)
    assert hi.cramped
    start, end = hi.episodes[0]
    assert start == pytest.approx(rx.CONTRACTION_S[1], abs=0.05)  # the push does not let go
    assert end == pytest.approx(rx.T_END_S)  # still cramping at the end without a stretch


def test_stretching_ends_the_cramp_sooner():
    for f in (0.8, 0.9, 1.0):
        free = rx.simulate(f)
        stretched = rx.simulate(f, 4.0)
        assert free.cramped and stretched.cramped
        assert stretched.episodes[0][1] < free.episodes[0][1] - 0.5
        assert stretched.episodes[0][1] < 4.0 + 1.0  # within a second of starting to stretch


def test_earlier_stretch_ends_it_earlier():
    ends = [rx.simulate(1.0, s).episodes[0][1] for s in (3.0, 5.0, 7.0)]
    assert ends[0] < ends[1] < ends[2]


def test_cramps_last_longer_with_more_fatigue():
    durations = [rx.simulate(f).cramp_seconds for f in FATIGUE]
    assert np.all(np.diff(durations) >= 0)
    assert durations[0] == 0 and durations[-1] > 5


def test_quiet_before_the_push_at_every_fatigue():
    for f in FATIGUE:
        r = rx.simulate(f)
        assert r.rate[r.t < rx.CONTRACTION_S[0]].max() < 0.05


@settings(max_examples=25, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0), st.one_of(st.none(), st.floats(min_value=0.0, max_value=10.0))
)
def test_activity_and_force_stay_in_range(fatigue, stretch_at):
    r = rx.simulate(fatigue, stretch_at)
    for arr in (r.rate, r.force, r.stretch):
        assert arr.min() >= 0.0 and arr.max() <= 1.0 + 1e-12
    for s, e in r.episodes:
        assert 0.0 <= s <= e <= rx.T_END_S


def test_results_are_cached_read_only_and_described_deterministically():
    a, b = rx.simulate(0.8, 4.0), rx.simulate(0.8, 4.0)
    assert a is b
    with pytest.raises(ValueError):
        a.rate[0] = 1.0
    assert rx.describe(a) == rx.describe(b)
    assert "stretching from 4.0 s ends it" in rx.describe(a)
    assert "no cramp" in rx.describe(rx.simulate(0.2))
    assert "still going" in rx.describe(rx.simulate(1.0))


def test_cramp_episode_detection():
    t = np.arange(0, 10.001, 0.01)
    rate = np.zeros_like(t)
    rate[(t >= 1.0) & (t < 1.5)] = 1.0  # voluntary push: not a cramp
    rate[(t >= 3.0) & (t < 3.1)] = 1.0  # too short
    rate[(t >= 5.0) & (t < 6.0)] = 1.0
    assert rx.cramp_episodes(t, rate) == ((5.0, 5.99),)


def test_bad_inputs_raise():
    with pytest.raises(rx.ReflexError):
        rx.simulate(1.5)
    with pytest.raises(rx.ReflexError):
        rx.simulate(0.5, 20.0)
