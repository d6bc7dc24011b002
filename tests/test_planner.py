"""The prevention planner: situations -> checklist from the content, export, save and load.

Issue 12 §4: every measure has a verdict (content/verdicts.yaml); only measures that may help and
safety steps are to-dos; untested ones are optional, and those that do not help are listed apart,
never as to-dos. Red flags sit under the levels of content/urgency.yaml."""

import html
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.course.model import load_course
from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.practical.planner import (
    SECTIONS,
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
from cramp_lessons.schema import EVIDENCE_TAGS
from cramp_lessons.widgets.tools.planner import PlannerWidget

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
COURSE = load_course()
URGENCY = tuple(lv.id for lv in COURSE.urgency)  # the scale, read from content
VRANK = {v.id: k for k, v in enumerate(COURSE.verdicts)}
SRANK = {key: k for k, key in enumerate(SECTIONS)}


def measure_key(i):
    """How the plan orders its measures: section, then verdict, then evidence."""
    return (SRANK[i.section], VRANK[i.verdict], RANK[i.evidence])


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
    keys = [measure_key(i) for i in plan.items]
    assert keys == sorted(keys)
    urg = [URGENCY.index(f.urgency) for f in plan.red_flags]
    assert urg == sorted(urg)
    emergencies = {t.id for t in course.of_kind("red_flag") if t.urgency == URGENCY[0]}
    assert emergencies <= {f.topic_id for f in plan.red_flags}
    for i in plan.items:  # every item is there for a reason the learner can see
        assert i.because and set(i.because) <= set(selected) | {"everyone"}
        assert i.section == course.verdict(i.verdict).plan
    md = plan_markdown(plan, course)
    for i in plan.items:  # only measures that may help and safety steps get a checkbox
        assert (f"- [ ] **{i.title}**" in md) == (i.section in ("to_do", "safety")), i.title


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
    keys = [measure_key(i) for i in plan.items]
    assert keys == sorted(keys) and len({k[0] for k in keys}) == 4
    urg = [URGENCY.index(f.urgency) for f in plan.red_flags]
    assert urg == sorted(urg) and len(set(urg)) > 1


def test_measure_shown_not_to_help_is_listed_apart(course):
    plan = make_plan(["older_adult"], course)
    mg = next(i for i in plan.items if i.topic_id == "prevention.magnesium")
    assert mg.verdict == "does not help" and mg.section == "not_advised" and not mg.to_do
    md = plan_markdown(plan, course)
    assert "- [ ] **Magnesium" not in md and "- ✗ **Magnesium" in md
    assert "Best supported: Magnesium" not in plan_summary(plan)


def _section_of(md: str, title: str) -> str:
    """The Markdown heading (##) under which a measure's title first appears."""
    at = md.index(f"**{title}**")
    return md[:at].rsplit("\n## ", 1)[1].split("\n", 1)[0]


def test_calcium_is_never_a_to_do_for_a_teenager_or_anyone(course):
    """Issue 12 §4: 'Calcium only after finding the real cause' used to be a tick-box to-do."""
    for selected in (["adolescent"], ["older_adult"], ["pregnant"], SITUATIONS):
        plan = make_plan(selected, course)
        ca = next(i for i in plan.items if i.topic_id == "prevention.calcium_adolescents")
        assert ca.verdict == "not shown to help" and ca.section == "not_advised" and not ca.to_do
        md = plan_markdown(plan, course)
        assert f"- [ ] **{ca.title}**" not in md and f"- ✗ **{ca.title}**" in md
        assert _section_of(md, ca.title) == SECTIONS["not_advised"]
        page = plan_html(plan, course)
        assert f"☐</span> <strong>{html.escape(ca.title)}" not in page
        assert f"✗</span> <strong>{html.escape(ca.title)}" in page
    assert "Calcium only after finding the real cause" not in plan_markdown(make_plan(["adolescent"], course))


def test_untested_measures_are_optional_never_to_dos(course):
    plan = make_plan(SITUATIONS, course)
    md = plan_markdown(plan, course)
    untested = [i for i in plan.items if i.verdict in ("not tested", "unclear")]
    assert {i.topic_id for i in untested} >= {
        "prevention.sun",
        "prevention.foot_soak",
        "prevention.vitamins_b1_e",
    }
    for i in untested:
        assert i.section == "optional" and not i.to_do
        assert f"- **{i.title}** *(optional, {i.verdict};" in md
        assert _section_of(md, i.title) == SECTIONS["optional"]
    todo = [i.topic_id for i in plan.items if i.section == "to_do"]
    assert todo == ["prevention.stretch_before_sleep"]  # the only measure that may help
    assert "worth trying" not in md and "worth it" not in plan_summary(plan)


def test_checking_medicines_is_a_safety_step_not_a_preventive(course):
    plan = make_plan(["medicines"], course)
    med = next(i for i in plan.items if i.topic_id == "prevention.medicine_review")
    assert med.verdict == "safety step" and med.section == "safety" and med.to_do
    md = plan_markdown(plan, course)
    assert _section_of(md, med.title) == SECTIONS["safety"]
    assert "Best supported: Check your medicines" not in plan_summary(plan)


def test_a_verdict_places_a_measure_as_its_content_says(course):
    """The verdict -> section mapping is read from verdicts.yaml, not decided in code."""
    import dataclasses

    verdicts = tuple(
        v.model_copy(update={"plan": "not_advised"}) if v.id == "not tested" else v for v in course.verdicts
    )
    changed = dataclasses.replace(course, verdicts=verdicts)
    plan = make_plan(["night_cramps"], changed)
    sun = next(i for i in plan.items if i.topic_id == "prevention.sun")
    assert sun.section == "not_advised"
    assert (
        sun.section
        != next(
            i for i in make_plan(["night_cramps"], course).items if i.topic_id == "prevention.sun"
        ).section
    )


def test_red_flags_sit_under_their_level_label(course):
    plan = make_plan(["athlete"], course)
    fluid = next(f for f in plan.red_flags if f.topic_id == "redflags.fluid_loss")
    assert fluid.urgency == "same_day"
    md = plan_markdown(plan, course)
    em, same = course.level("emergency"), course.level("same_day")
    assert md.index(f"**{em.label}.** {em.action}") < md.index(f"**{same.label}.** {same.action}")
    assert md.index(f"**{same.label}.**") < md.index(f"**{fluid.title}**")
    assert f"at '{em.label}'" in plan_summary(plan)


def test_ranked_table_ranks_by_evidence_that_a_measure_prevents_cramps(course):
    from cramp_lessons.widgets.content import ranked, show

    table = ranked("prevention", course=course).text
    rows = [r for r in table.splitlines() if r.startswith("| ") and not r.startswith("| Measure")]
    titles = [r.split(" | ")[0].removeprefix("| ") for r in rows]
    verdicts = [r.split(" | ")[1] for r in rows]
    assert titles[0] == "Stretch your calves before bed" and verdicts[0] == "may help"
    assert verdicts == sorted(verdicts, key=VRANK.__getitem__)
    assert verdicts[-1] == "safety step" and titles[-1] == "Check your medicines with your prescriber"
    assert rows[-1].endswith("| not rated: not a way to prevent cramps |")  # its tag rates another claim
    assert titles.index("Magnesium does not help (for most people)") > max(
        k for k, v in enumerate(verdicts) if v == "not tested"
    )
    assert "worth trying" not in table
    for v in set(verdicts):  # a legend says what each verdict means
        assert f"- **{v}**: {course.verdict(v).meaning}" in table
    card = show("prevention.quinine").text
    assert "that it **not for routine use**" not in card and "Not for routine use." in card


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
    # the Markdown follows the plan's order: sections, then verdict, then evidence
    positions = [md.index(f"**{i.title}**") for i in plan.items]
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
    frag = w.checklist.value
    assert (
        frag.index(SECTIONS["to_do"]) < frag.index(SECTIONS["optional"]) < frag.index(SECTIONS["not_advised"])
    )
    assert "☐</span> <b>Sun exposure" not in frag and "○</span> <b>Sun exposure" in frag
    assert COURSE.level("emergency").label in frag
    w.save()
    assert load_plan(store, course=course).situations == ("night_cramps",)
    md_path, html_path = w.export()
    assert "Stretch your calves before bed" in md_path.read_text() and html_path.exists()
    assert "data:text/markdown" in w.message.value
    # A new widget on the same store starts from the saved plan.
    w2 = PlannerWidget(course=course, store=store, export_dir=tmp_path)
    assert w2.boxes["night_cramps"].value and w2.summary() == w.summary()
