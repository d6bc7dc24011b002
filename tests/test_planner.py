"""The prevention planner: situations -> checklist from the content, export, save and load."""

import html
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.course import EVIDENCE_TAGS, load_course
from cramp_lessons.planner import (
    Plan,
    PlannerError,
    delete_plan,
    list_plans,
    load_plan,
    make_plan,
    plan_html,
    plan_markdown,
    plan_summary,
    save_plan,
    situation_choices,
)
from cramp_lessons.progress import ProgressStore
from cramp_lessons.widgets.practical import PlannerWidget

SITUATIONS = [
    "athlete",
    "older_adult",
    "pregnant",
    "night_cramps",
    "cold_sports",
    "flat_feet",
    "medicines",
    "adolescent",
]
RANK = {t: k for k, t in enumerate(EVIDENCE_TAGS)}


@pytest.fixture(scope="module")
def course():
    return load_course()


def expected_ids(course, selected):
    wanted = set(selected) | {"everyone"}
    return {t.id for t in course.of_kind("prevention") if wanted & set(t.situations)}


def test_situations_come_from_the_content(course):
    ids = [sid for sid, _ in situation_choices(course)]
    assert sorted(ids) == sorted(SITUATIONS) and "everyone" not in ids
    assert all(label for _, label in situation_choices(course))


def test_night_cramps_gets_the_matching_measures(course):
    plan = make_plan(["night_cramps"], course)
    ids = [i.topic_id for i in plan.items]
    assert set(ids) == expected_ids(course, ["night_cramps"])
    assert "prevention.stretch_before_sleep" in ids and "prevention.quilt_position" in ids
    assert "prevention.shoes_flat_feet" not in ids and "prevention.quinine" not in ids
    stretch = next(i for i in plan.items if i.topic_id == "prevention.stretch_before_sleep")
    assert stretch.evidence == "moderate" and stretch.cautions and "night_cramps" in stretch.because


def test_flat_feet_gets_shoes_and_everyone_always_applies(course):
    ids = {i.topic_id for i in make_plan(["flat_feet"], course).items}
    assert "prevention.shoes_flat_feet" in ids
    everyone = {i.topic_id for i in make_plan([], course).items}
    assert everyone == expected_ids(course, []) and everyone <= ids


def test_prefixed_ids_and_everyone_are_accepted(course):
    a = make_plan(["situations.pregnant", "everyone"], course)
    assert a.situations == ("pregnant",)


def test_unknown_situation_is_refused_by_name(course):
    with pytest.raises(PlannerError, match="'astronaut'"):
        make_plan(["astronaut"], course)


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(SITUATIONS)))
def test_any_selection_is_ordered_by_evidence(selected):
    course = load_course()
    plan = make_plan(selected, course)
    assert {i.topic_id for i in plan.items} == expected_ids(course, selected)
    ranks = [RANK[i.evidence] for i in plan.items]
    assert ranks == sorted(ranks)
    urg = [("emergency", "soon", "routine").index(f.urgency) for f in plan.red_flags]
    assert urg == sorted(urg)
    emergencies = {t.id for t in course.of_kind("red_flag") if t.urgency == "emergency"}
    assert emergencies <= {f.topic_id for f in plan.red_flags}
    for i in plan.items:  # every item is there for a reason the learner can see
        assert i.because and set(i.because) <= set(selected) | {"everyone"}


def test_order_is_by_evidence_and_urgency_not_content_order(course):
    import dataclasses

    topics = dict(reversed(list(course.topics.items())))
    # Red flags tagged with a situation join the emergencies (content may tag them: see planner docs).
    topics["redflags.claudication"] = topics["redflags.claudication"].model_copy(
        update={"situations": ["older_adult"]}
    )
    topics["redflags.sleep_daily_life"] = topics["redflags.sleep_daily_life"].model_copy(
        update={"situations": ["night_cramps"]}
    )
    flipped = dataclasses.replace(course, topics=topics)
    plan = make_plan(SITUATIONS, flipped)
    assert {"redflags.claudication", "redflags.sleep_daily_life"} <= {f.topic_id for f in plan.red_flags}
    assert "redflags.claudication" not in {f.topic_id for f in make_plan(["athlete"], flipped).red_flags}
    ranks = [RANK[i.evidence] for i in plan.items]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    urg = [("emergency", "soon", "routine").index(f.urgency) for f in plan.red_flags]
    assert urg == sorted(urg)


def test_measure_shown_not_to_help_is_listed_apart(course):
    plan = make_plan(["older_adult"], course)
    mg = next(i for i in plan.items if i.topic_id == "prevention.magnesium")
    assert not mg.helps
    md = plan_markdown(plan, course)
    assert "- [ ] **Magnesium" not in md and "- ✗ **Magnesium" in md
    assert "Best supported: Magnesium" not in plan_summary(plan)


def test_markdown_contains_every_item_flag_and_caution(course):
    plan = make_plan(["pregnant", "medicines", "athlete"], course)
    md = plan_markdown(plan, course, today=date(2024, 5, 1))
    assert md.startswith("# My cramp prevention plan") and "2024-05-01" in md
    for i in (*plan.items, *plan.red_flags, *plan.advice):
        assert i.title in md
        for c in i.cautions:
            assert c in md
    for i in plan.items:
        assert i.summary in md
    assert "teaching aid" in md and "## Sources" in md
    # checklist order follows the plan's evidence order
    positions = [md.index(f"**{i.title}**") for i in plan.items if i.helps]
    assert positions == sorted(positions)


def test_print_html_escapes_and_holds_every_item(course):
    plan = make_plan(["older_adult"], course)
    page = plan_html(plan, course, today=date(2024, 5, 1))
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    for i in (*plan.items, *plan.red_flags):
        assert html.escape(i.title) in page
    assert "<script" not in page


def test_save_load_round_trip_survives_a_new_store(tmp_path, course):
    path = tmp_path / "p.sqlite"
    store = ProgressStore(path, clock=lambda: 1000.0)
    plan = make_plan(["pregnant", "night_cramps"], course)
    assert save_plan(store, plan) == "my plan"
    again = load_plan(ProgressStore(path), course=course)
    assert isinstance(again, Plan) and again == plan
    assert list_plans(store) == [("my plan", 1000.0)]
    save_plan(store, ["athlete"])  # replaces, by name
    assert load_plan(store, course=course).situations == ("athlete",)
    save_plan(store, ["adolescent"], name="for my son")
    assert {n for n, _ in list_plans(store)} == {"my plan", "for my son"}
    assert delete_plan(store, "for my son") and load_plan(store, "for my son", course) is None
    with pytest.raises(PlannerError):
        save_plan(store, plan, name="  ")


def test_saved_situation_gone_from_content_is_noted(tmp_path, course):
    store = ProgressStore(tmp_path / "p.sqlite")
    save_plan(store, ["athlete"])
    with store.transaction() as con:
        con.execute("UPDATE plans SET situations = ?", ('["athlete", "astronaut"]',))
    plan = load_plan(store, course=course)
    assert plan.situations == ("athlete",) and "astronaut" in plan.notes[0]
    with store.transaction() as con:
        con.execute("UPDATE plans SET situations = ?", ("{not json",))
    with pytest.raises(PlannerError, match="cannot be read"):
        load_plan(store, course=course)


def test_widget_ticks_saves_and_exports(tmp_path, course):
    store = ProgressStore(tmp_path / "p.sqlite")
    w = PlannerWidget(course=course, store=store, export_dir=tmp_path)
    assert all(b.description for b in w.boxes.values())
    before = w.summary()
    assert "advice for everyone" in before
    w.boxes["night_cramps"].value = True
    assert w.summary() != before and "night cramps" in w.summary()
    assert "Stretch your calves before bed" in w.checklist.value and "role='status'" in w.status.value
    w.save()
    assert load_plan(store, course=course).situations == ("night_cramps",)
    md_path, html_path = w.export()
    assert "Stretch your calves before bed" in md_path.read_text() and html_path.exists()
    assert "data:text/markdown" in w.message.value
    # A new widget on the same store starts from the saved plan.
    w2 = PlannerWidget(course=course, store=store, export_dir=tmp_path)
    assert w2.boxes["night_cramps"].value and w2.summary() == w.summary()
