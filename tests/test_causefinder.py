"""The cause finder: a transparent rule table, red flags first, clear messages for empty,
invalid and contradictory input, and a rule file that explains its own mistakes."""

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.course.model import load_course
from cramp_lessons.errors import ContentError
from cramp_lessons.practical.causefinder import (
    EMPTY_MESSAGE,
    TEACHING_AID,
    answer_options,
    find_causes,
    load_rules,
)
from cramp_lessons.widgets.tools.causefinder import CauseFinderWidget

COURSE = load_course()
ORDER = tuple(lv.id for lv in COURSE.urgency)  # the scale, read from content/urgency.yaml
LABEL = {lv.id: lv.label for lv in COURSE.urgency}
CLAIMS = re.compile(r"diagnos|\byou have\b|\byou've got\b|\byou are suffering\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def rules_text():
    from importlib import resources

    return (resources.files("cramp_lessons") / "content" / "causefinder.yaml").read_text()


def ids(findings):
    return [f.topic_id for f in findings]


# --------------------------------------------------------------------------- results
def test_pregnancy_points_to_the_pregnancy_cause():
    r = find_causes(conditions=["pregnancy"], age=30)
    assert r.status == "ok" and "causes.pregnancy" in ids(r.causes)
    assert r.causes[0].reasons and r.causes[0].evidence
    assert TEACHING_AID in r.text()


def test_walking_pain_points_to_arteries_with_the_claudication_flag_first():
    r = find_causes(signs=["walking_pain"], where=["calf"])
    assert ids(r.red_flags)[0] == "redflags.claudication"
    assert ids(r.causes)[0] == "causes.arteries"
    text = r.text()
    assert text.index("Leg pain or cramps when walking") < text.index("Narrowed or blocked leg arteries")
    assert r.summary().startswith(f"{LABEL['within_days']} (Leg pain or cramps when walking")
    assert r.urgency == "within_days" and r.message.startswith(LABEL["within_days"])


def test_most_urgent_first_then_down_the_scale():
    r = find_causes(
        signs=["disturbs_sleep", "walking_pain", "breathless_chest_pain", "twitching"],
        where=["calf", "chest"],
    )
    assert [f.urgency for f in r.red_flags][:2] == ["emergency", "emergency"]
    ranks = [ORDER.index(f.urgency) for f in r.red_flags]
    assert ranks == sorted(ranks) and ranks[-1] == ORDER.index("routine")
    assert r.summary().startswith(LABEL["emergency"]) and r.message.startswith(LABEL["emergency"])
    summary = r.summary()
    positions = [summary.index(LABEL[u]) for u in ("emergency", "same_day", "within_days", "routine")]
    assert positions == sorted(positions)


# ------------------------------------------------------------------ issue 12 §3: the worked cases
def test_diabetes_weekly_night_cramps_and_numb_feet_points_to_neuropathy_not_an_emergency():
    r = find_causes(
        age=67, conditions=["diabetes"], when=["night"], how_often="weekly",
        signs=["numbness_weakness"], where=["calf", "foot"],
    )  # fmt: skip
    assert r.status == "ok"
    assert ids(r.causes)[0] == "secondary.neuropathy"
    assert len(r.causes[0].reasons) == 2  # the diabetes and the numbness both point to it
    assert "redflags.weakness_numbness" in ids(r.red_flags)
    assert r.urgency == "same_day" and not r.most_urgent
    assert r.message.startswith(LABEL["same_day"]) and r.summary().startswith(LABEL["same_day"])
    for text in (r.text(), r.summary(), r.message):
        assert LABEL["emergency"] not in text and "ambulance" not in text.lower()


def test_a_marathoner_who_sweated_a_lot_but_feels_fine_is_not_an_emergency():
    r = find_causes(age=35, when=["exercise"], triggers=["hard_exercise", "sweated"], where=["calf"])
    assert r.status == "ok" and r.red_flags == () and r.urgency is None
    assert ids(r.causes)[:2] == ["causes.fatigue", "causes.sweat"]
    for lv in COURSE.urgency:
        assert lv.label not in r.text()
    # Fluid loss that left someone dizzy or unwell is a red flag, on the same-day level, not an emergency.
    r = find_causes(age=35, when=["exercise"], signs=["fluid_loss"])
    assert ids(r.red_flags) == ["redflags.fluid_loss"] and r.urgency == "same_day"


def test_feeling_well_and_heavy_fluid_loss_together_is_a_contradiction_with_the_flag_kept():
    r = find_causes(triggers=["sweated"], signs=["fluid_loss"])
    assert r.status == "contradictory" and ids(r.red_flags) == ["redflags.fluid_loss"]


@pytest.mark.parametrize("answers", [dict(where=["chest"]), dict(signs=["breathless_chest_pain"])])
def test_chest_pain_or_breathlessness_is_an_emergency(answers):
    r = find_causes(answers)
    assert "redflags.chest_pain" in ids(r.red_flags)
    assert r.urgency == "emergency" and r.most_urgent and r.message.startswith(LABEL["emergency"])


def test_arm_or_belly_cramps_are_same_day_not_emergency():
    r = find_causes(where=["arm", "belly"])
    assert ids(r.red_flags) == ["redflags.arms_belly"] and r.urgency == "same_day"


@pytest.mark.parametrize(
    "answers, topic",
    [
        (dict(conditions=["diabetes"]), "secondary.neuropathy"),
        (dict(signs=["burning_both_legs"]), "secondary.neuropathy"),
        (dict(conditions=["kidney_dialysis"]), "secondary.kidney"),
        (dict(conditions=["thyroid"]), "secondary.thyroid"),
        (dict(conditions=["liver"]), "secondary.liver"),
        (dict(medicines=["statins"]), "secondary.medicines"),
    ],
)
def test_the_secondary_causes_the_sources_name_can_be_found(answers, topic):
    r = find_causes(answers)
    assert topic in ids(r.causes)
    f = next(f for f in r.causes if f.topic_id == topic)
    assert f.kind == "secondary_cause" and f.reasons and f.evidence == "strong"


def test_red_flags_ordered_by_urgency_not_by_content_order():
    import dataclasses

    course = load_course()
    flipped = dataclasses.replace(course, topics=dict(reversed(list(course.topics.items()))))
    r = find_causes(signs=["disturbs_sleep", "walking_pain", "twitching"], course=flipped)
    assert [f.urgency for f in r.red_flags] == ["same_day", "within_days", "routine"]


def test_every_link_has_a_reason_and_several_reasons_rank_higher():
    r = find_causes(when=["exercise"], triggers=["hard_exercise", "cold"])
    assert ids(r.causes)[0] == "causes.fatigue" and len(r.causes[0].reasons) == 2
    assert "causes.cold" in ids(r.causes)
    assert all(f.reasons for f in (*r.causes, *r.red_flags, *r.notes))


def test_medicines_and_alcohol():
    r = find_causes(medicines=["statins", "new_medicine"], conditions=["alcohol"])
    assert {"redflags.new_drug", "redflags.alcohol"} <= set(ids(r.red_flags))
    assert {"secondary.medicines", "causes.malnutrition"} <= set(ids(r.causes))


def test_nothing_specific_says_so():
    r = find_causes(where=["calf"], how_often=["sometimes"])
    assert r.status == "ok" and not r.causes and not r.red_flags
    assert "no single cause" in r.message


def test_empty_input_is_a_clear_message():
    for r in (find_causes(), find_causes({}), find_causes(when=[], age="", how_often=None)):
        assert r.status == "empty" and r.message == EMPTY_MESSAGE and r.summary() == EMPTY_MESSAGE
        assert not (r.causes or r.red_flags or r.notes)


@pytest.mark.parametrize(
    "answers, words",
    [
        (dict(conditions=["pregnancy"], age=8), "under 10"),
        (dict(conditions=["pregnancy"], age=70), "65 or over"),
        (dict(how_often="first_time", signs=["walking_pain"]), "first time"),
    ],
)
def test_contradictions_are_explained_and_hold_back_causes(answers, words):
    r = find_causes(answers)
    assert r.status == "contradictory" and not r.causes
    assert any(words in p for p in r.problems) and words in r.summary()


@pytest.mark.parametrize(
    "answers, words",
    [
        (dict(age=130), "outside 0-120"),
        (dict(age=-1), "outside 0-120"),
        (dict(age="forty"), "whole number"),
        (dict(age=40.5), "whole number"),
        (dict(where=["neck"]), "'neck' is not an option"),
        (dict(how_often=["daily", "weekly"]), "one answer"),
        (dict(mood=["sad"]), "unknown question"),
        (dict(signs=42), "choice from the list"),
    ],
)
def test_invalid_answers_are_explained_not_raised(answers, words):
    r = find_causes(answers)
    assert r.status == "invalid" and not r.causes
    assert any(words in p for p in r.problems), r.problems


def test_red_flags_still_shown_when_other_answers_are_wrong():
    r = find_causes(where=["chest"], age=300)
    assert r.status == "invalid" and ids(r.red_flags) == ["redflags.chest_pain"]
    assert r.summary().startswith(LABEL["emergency"]) and r.most_urgent
    r = find_causes(where=["chest"], conditions=["pregnancy"], age=8)
    assert r.status == "contradictory" and ids(r.red_flags) == ["redflags.chest_pain"]


OPTIONS = {g: list(o) for g, (_l, _m, o) in answer_options().items()}


@st.composite
def answers(draw):
    out = {
        g: draw(st.lists(st.sampled_from(opts), unique=True, max_size=3 if g != "how_often" else 1))
        for g, opts in OPTIONS.items()
    }
    out["age"] = draw(st.one_of(st.none(), st.integers(-5, 130)))
    return out


@settings(max_examples=150, deadline=None)
@given(answers())
def test_any_answers_never_crash_flags_first_and_no_diagnosis(a):
    course = load_course()
    r = find_causes(a)
    assert r.status in ("empty", "invalid", "contradictory", "ok")
    ranks = [ORDER.index(f.urgency) for f in r.red_flags]
    assert ranks == sorted(ranks)
    assert all(course.kinds[f.topic_id] == "red_flag" for f in r.red_flags)
    assert all(
        course.kinds[f.topic_id] in ("cause", "secondary_cause", "situation") for f in (*r.causes, *r.notes)
    )
    assert r.urgency == (r.red_flags[0].urgency if r.red_flags else None)
    assert r.most_urgent == (r.urgency == ORDER[0])
    for text in (r.text(), r.summary()):
        assert not CLAIMS.search(text), text
    if r.red_flags:
        text = r.text()
        assert text.index(r.red_flags[0].title) < min(
            (text.index(c.title) for c in r.causes), default=len(text)
        )
    if r.status != "empty":
        assert TEACHING_AID in r.text()


# --------------------------------------------------------------------------- the rule file
def test_packaged_rules_load_and_cover_every_red_flag_and_cause():
    course = load_course()
    rules = load_rules()
    targets = {r.target for r in rules.rules}
    assert {t.id for t in course.of_kind("red_flag")} <= targets
    assert {t.id for t in course.of_kind("cause")} <= targets
    assert {t.id for t in course.of_kind("secondary_cause")} <= targets
    assert all(r.reason.strip() for r in rules.rules)


def _edit(text, fn):
    data = yaml.safe_load(text)
    fn(data)
    return yaml.safe_dump(data, sort_keys=False)


def test_malformed_yaml_names_the_file_and_line(rules_text):
    with pytest.raises(ContentError) as info:
        load_rules("rules: [unclosed\n", load_course())
    assert info.value.file == "causefinder.yaml" and info.value.item.startswith("line ")


@pytest.mark.parametrize(
    "fn, item, field, words",
    [
        (
            lambda d: d["rules"][0]["if"].update(signs=["sneezing"]),
            "redflags.pe",
            "if.signs",
            "unknown option 'sneezing'",
        ),
        (lambda d: d["rules"][0].update(target="causes.nope"), "causes.nope", "target", "no topic"),
        (
            lambda d: d["rules"][0].update(target="relief.toe_pull"),
            "relief.toe_pull",
            "target",
            "not a relief",
        ),
        (lambda d: d["rules"][0].update({"if": {}}), "redflags.pe", "if", "at least one key"),
        (lambda d: d["rules"][0].pop("reason"), "redflags.pe", "reason", "required"),
        (lambda d: d["rules"][0].update(role="note"), "redflags.pe", "role", "never only a note"),
        (lambda d: d["inputs"].pop("signs"), "-", "-", "missing signs"),
        (
            lambda d: d["contradictions"][0]["if"].update(conditions=["flu"]),
            "contradictions[0]",
            "if.conditions",
            "'flu'",
        ),
    ],
)
def test_bad_rules_name_the_rule_and_field(rules_text, fn, item, field, words):
    with pytest.raises(ContentError) as info:
        load_rules(_edit(rules_text, fn), load_course())
    e = info.value
    assert (e.file, e.item, e.field) == ("causefinder.yaml", item, field), str(e)
    assert words in e.problem


# --------------------------------------------------------------------------- widget
def test_widget_describes_and_updates():
    w = CauseFinderWidget()
    labelled = [b for c in w.controls.values() for b in (c.values() if isinstance(c, dict) else [c])] + [
        w.age
    ]
    assert all(x.description for x in labelled)
    assert w.summary() == EMPTY_MESSAGE
    w.controls["conditions"]["pregnancy"].value = True
    assert "Pregnancy" in w.summary() and "role='status'" in w.result.value
    w.age.value = "8"
    assert "do not fit together" in w.summary()
    w.age.value = "31"
    w.controls["signs"]["numbness_weakness"].value = True
    assert w.summary().startswith(LABEL["same_day"]) and "role='status'" in w.result.value
    assert LABEL["same_day"] in w.result.value
    w.controls["where"]["chest"].value = True
    assert w.summary().startswith(LABEL["emergency"]) and "role='alert'" in w.result.value
    assert w.result.value.index(LABEL["emergency"]) < w.result.value.index(LABEL["same_day"])
    assert w.result.value.index("Red flags first") < w.result.value.index("Possible contributing causes")
    w.controls["how_often"].value = "daily"
    assert "redflags.frequent_long" in ids(w.last.red_flags)
