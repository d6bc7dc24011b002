import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.physiology import leg

knees = st.floats(min_value=0, max_value=150, allow_nan=False)
ankles = st.floats(min_value=-60, max_value=40, allow_nan=False)


def test_standing_neutral_is_the_reference():
    s = leg.leg_state(0, 0)
    assert s.gastrocnemius_fraction == pytest.approx(1.0, abs=1e-12)
    assert s.soleus_fraction == pytest.approx(1.0, abs=1e-12)


def test_segments_keep_their_lengths_and_the_neutral_foot_is_square_to_the_shank():
    for knee, ankle in [(0, 0), (90, 20), (37, -41), (150, -60)]:
        s = leg.leg_state(knee, ankle)
        assert np.linalg.norm(s.knee - s.hip) == pytest.approx(leg.GEOMETRY["thigh"])
        assert np.linalg.norm(s.ankle - s.knee) == pytest.approx(leg.GEOMETRY["shank"])
    s = leg.leg_state(30, 0)
    shank = s.ankle - s.knee
    sole = s.toe - s.heel
    assert float(np.dot(shank, sole)) == pytest.approx(0.0, abs=1e-12)


def test_dorsiflexion_lifts_the_toes_and_knee_flexion_moves_the_ankle_back():
    assert leg.leg_state(0, 20).toe[1] > leg.leg_state(0, 0).toe[1] > leg.leg_state(0, -30).toe[1]
    assert leg.leg_state(60, 0).ankle[0] < leg.leg_state(0, 0).ankle[0]


@given(ankle=ankles, knee=st.floats(min_value=5, max_value=150))
def test_gastrocnemius_is_longer_with_the_knee_straight(ankle, knee):
    straight, _ = leg.calf_lengths(0, ankle)
    bent, _ = leg.calf_lengths(knee, ankle)
    assert straight > bent


@given(ankle=ankles, k1=knees, k2=knees)
def test_soleus_does_not_depend_on_the_knee(ankle, k1, k2):
    assert leg.calf_lengths(k1, ankle)[1] == pytest.approx(leg.calf_lengths(k2, ankle)[1], rel=1e-12)


@given(knee=knees, a1=ankles, a2=ankles)
def test_both_lengthen_with_dorsiflexion(knee, a1, a2):
    if abs(a1 - a2) < 1e-6:
        return
    lo, hi = sorted((a1, a2))
    g_lo, s_lo = leg.calf_lengths(knee, lo)
    g_hi, s_hi = leg.calf_lengths(knee, hi)
    assert g_hi > g_lo and s_hi > s_lo


@given(knee=knees, ankle=st.floats(min_value=-60, max_value=-1))
def test_plantarflexion_shortens_both(knee, ankle):
    g, s = leg.calf_lengths(knee, ankle)
    assert g < 1 and s < 1


def test_vectorised_lengths_match_single_states():
    k = np.array([0.0, 45.0, 90.0])
    a = np.array([-30.0, 0.0, 25.0])
    g, s = leg.calf_lengths(k, a)
    for i in range(3):
        st_ = leg.leg_state(k[i], a[i])
        assert g[i] == pytest.approx(st_.gastrocnemius_fraction)
        assert s[i] == pytest.approx(st_.soleus_fraction)


def test_named_postures_teach_the_anatomy():
    P = leg.POSTURES

    def lengths(pid):
        return leg.calf_lengths(P[pid].knee, P[pid].ankle)

    # knee straight + toes up: gastrocnemius at its longest of all named postures
    g_toe = lengths("toe_pull_knee_straight")[0]
    assert all(g_toe >= lengths(pid)[0] for pid in P)
    for pid in (
        "toe_pull_knee_straight",
        "sitting_forefoot_pull",
        "swimming_technique",
        "pressing_toes_into_floor",
    ):
        assert P[pid].knee == 0 and P[pid].ankle > 0
        g, s = lengths(pid)
        assert g > 1 and s > 1
    assert 10 <= P["pressing_toes_into_floor"].ankle <= 15
    # knee bent: soleus stretched, gastrocnemius slack
    g, s = lengths("knee_bent_dorsiflexion")
    assert s > 1 > g
    # the article's "passive contracture" sleeping positions shorten both
    for pid in ("lying_on_back_blanket_pressing_feet", "lying_on_stomach_feet_pointed"):
        g, s = lengths(pid)
        assert P[pid].ankle < 0 and g < 1 and s < 1
    assert all(p.label and p.id == key for key, p in P.items())


def test_the_longest_gastrocnemius_on_a_grid_has_the_knee_straight():
    K, A = np.meshgrid(np.linspace(0, 150, 31), np.linspace(-60, 40, 21))
    g, _ = leg.calf_lengths(K, A)
    i = np.unravel_index(np.argmax(g), g.shape)
    assert K[i] == 0 and A[i] == 40


def test_words_follow_the_rounded_percentage():
    assert leg.length_word(1.004) == "at standing length"
    assert leg.length_word(1.006) == "stretched"
    assert leg.length_word(0.994) == "shortened"
    assert leg.verdict(1.03, 1.04) == "both stretched"
    assert leg.verdict(0.9, 1.04) == "gastrocnemius shortened, soleus stretched"


@pytest.mark.parametrize(
    "knee,ankle", [(-1, 0), (151, 0), (0, -61), (0, 41), (math.nan, 0), (0, math.inf), ("x", 0)]
)
def test_bad_angles_raise_a_clear_error(knee, ankle):
    with pytest.raises(leg.PostureError) as info:
        leg.leg_state(knee, ankle)
    assert isinstance(info.value, ValueError) and isinstance(info.value, CrampLessonsError)
    assert "knee" in str(info.value) or "ankle" in str(info.value)


def test_interpolation_runs_from_start_to_end():
    frames = leg.interpolate_postures("lying_on_stomach_feet_pointed", (90, 20), n_frames=7)
    assert len(frames) == 7
    assert (frames[0].knee_deg, frames[0].ankle_deg) == (0, -40)
    assert (frames[-1].knee_deg, frames[-1].ankle_deg) == pytest.approx((90, 20))
    ankles_ = [f.ankle_deg for f in frames]
    assert ankles_ == sorted(ankles_)
    linear = leg.interpolate_postures(
        {"knee": 0, "ankle": 0}, leg.POSTURES["toe_pull_knee_straight"], 5, ease=False
    )
    assert [f.ankle_deg for f in linear] == pytest.approx([0, 5, 10, 15, 20])


@pytest.mark.parametrize("bad", [1, 0, 2.5])
def test_interpolation_needs_two_whole_frames(bad):
    with pytest.raises(leg.PostureError):
        leg.interpolate_postures("standing", "toe_pull_knee_straight", bad)


def test_unknown_posture_and_technique_are_named():
    with pytest.raises(leg.PostureError, match="nowhere"):
        leg.interpolate_postures("nowhere", "standing")
    with pytest.raises(leg.PostureError, match="cartwheel"):
        leg.technique_frames("cartwheel")


@pytest.mark.parametrize("tid", list(leg.TECHNIQUES))
def test_every_technique_starts_in_cramp_and_ends_in_its_posture(tid):
    t = leg.TECHNIQUES[tid]
    frames = leg.technique_frames(tid, 10)
    assert frames[0].ankle_deg < 0
    assert frames[0].gastrocnemius_fraction < frames[-1].gastrocnemius_fraction
    assert frames[0].soleus_fraction < frames[-1].soleus_fraction
    assert (frames[-1].knee_deg, frames[-1].ankle_deg) == pytest.approx((t.end.knee, t.end.ankle))
    if tid == "knee_bent_dorsiflexion":
        assert frames[-1].soleus_fraction > 1 > frames[-1].gastrocnemius_fraction
    else:
        assert frames[-1].soleus_fraction > 1 and frames[-1].gastrocnemius_fraction > 1
