"""The red-flag checker: emergencies first, wording that never names a condition, a clear empty result."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.course import load_course
from cramp_lessons.redflags import NOTHING_TICKED, RedFlagError, check_signs, signs
from cramp_lessons.widgets.practical import RedFlagWidget

ORDER = ("emergency", "soon", "routine")
ALL = [t.id for t in load_course().of_kind("red_flag")]
CLAIMS = re.compile(r"diagnos|\byou have\b|\byou've got\b|\byou are suffering\b", re.IGNORECASE)


def test_signs_are_the_content_red_flags_emergency_first():
    s = signs()
    assert sorted(x.id for x in s) == sorted(ALL)
    ranks = [ORDER.index(x.urgency) for x in s]
    assert ranks == sorted(ranks) and s[0].urgency == "emergency"


def test_emergency_comes_first_whatever_the_tick_order():
    r = check_signs(["redflags.sleep_daily_life", "redflags.claudication", "redflags.pe"])
    assert [x.urgency for x in r.signs] == ["emergency", "soon", "routine"]
    assert r.urgency == "emergency" and r.headline.startswith("Seek emergency help now")
    assert r.text().index("breathlessness") < r.text().index("walking")


def test_order_is_by_urgency_not_content_order():
    import dataclasses

    course = load_course()
    flipped = dataclasses.replace(course, topics=dict(reversed(list(course.topics.items()))))
    r = check_signs(ALL, flipped)
    ranks = [ORDER.index(x.urgency) for x in r.signs]
    assert ranks == sorted(ranks) and r.signs[0].urgency == "emergency"


def test_soon_and_routine_headlines_say_what_is_needed():
    assert check_signs(["redflags.dvt"]).headline.startswith("This needs a doctor soon")
    assert check_signs(["redflags.sleep_daily_life"]).headline.startswith("This needs a doctor's appointment")


def test_nothing_ticked_is_a_clear_message():
    r = check_signs([])
    assert r.signs == () and r.urgency is None
    assert r.text() == r.summary() == NOTHING_TICKED
    assert "most cramps pass" in NOTHING_TICKED and "See a doctor if you are worried" in NOTHING_TICKED


def test_unknown_sign_is_refused():
    with pytest.raises(RedFlagError, match="'redflags.nope'"):
        check_signs(["redflags.nope"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(ALL), unique=True))
def test_any_ticks_ordered_and_never_a_diagnosis(ticked):
    r = check_signs(ticked)
    assert {x.id for x in r.signs} == set(ticked)
    ranks = [ORDER.index(x.urgency) for x in r.signs]
    assert ranks == sorted(ranks)
    for text in (r.text(), r.summary(), r.headline):
        assert not CLAIMS.search(text), text
    if ticked:
        assert r.headline.startswith(("Seek", "This needs"))
        assert "cannot tell what is wrong" in r.text()


def test_widget_ticks_change_the_result():
    w = RedFlagWidget()
    assert all(b.description for b in w.boxes.values())
    assert w.summary() == NOTHING_TICKED and "role='status'" in w.result.value
    w.boxes["redflags.claudication"].value = True
    assert "doctor soon" in w.summary() and "role='status'" in w.result.value
    w.boxes["redflags.chest_arm_belly"].value = True
    assert w.summary().startswith("Seek emergency help now")
    assert "role='alert'" in w.result.value and "aria-live='assertive'" in w.result.value
    assert w.result.value.index("chest") < w.result.value.index("walking")
    for b in w.boxes.values():
        b.value = False
    assert w.summary() == NOTHING_TICKED
