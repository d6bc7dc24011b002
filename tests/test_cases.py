"""Worked cases (issue 12 §5): the cause finder and the ABI calculator teach on made-up people.

The learner decides first and the tool shows its reasoning after; the worked answers cannot drift
from what the tools compute (the loader refuses a case the tool would answer differently); a
banner sends anyone with their own symptoms to the red flags and a doctor.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from cramp_lessons.course.model import load_course
from cramp_lessons.errors import ContentError
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.practical import cases as K
from cramp_lessons.practical.causefinder import find_causes
from cramp_lessons.widgets.cases import WorkedCasesWidget

COURSE = load_course()
TEXT = COURSE.tables["cases"]
SHIPPED = K.load_cases(COURSE)


def test_every_tool_has_several_cases_on_different_levels_of_urgency():
    for tool in ("cause_finder", "abi"):
        cs = K.cases_for(tool, SHIPPED)
        assert len(cs) >= 3
        assert len({c.urgency for c in cs}) >= 2, f"{tool}: every case on the same level teaches nothing"


@pytest.mark.parametrize("case", [c for c in SHIPPED.cases if c.tool == "cause_finder"], ids=lambda c: c.id)
def test_a_cause_finder_case_is_answered_by_the_tool_as_worked(case):
    r = find_causes(case.answers, course=COURSE)
    assert (r.urgency or K.NONE) == case.urgency
    found = {f.topic_id for f in (*r.red_flags, *r.causes)}
    assert case.right.topic in found
    # The story mentions the person's age as given to the tool.
    assert str(case.answers["age"]) in case.name


@pytest.mark.parametrize("case", [c for c in SHIPPED.cases if c.tool == "abi"], ids=lambda c: c.id)
def test_an_abi_case_is_in_the_band_its_reasoning_gives(case):
    abi = circ.ankle_brachial_index(case.ankle, case.arm)
    assert circ.abi_band(abi).id == case.band
    assert f"{abi:.2f}" in case.reasoning
    assert f"{case.ankle:g}" in case.story and f"{case.arm:g}" in case.story


def _broken(old: str, new: str) -> ContentError:
    assert old in TEXT
    with pytest.raises(ContentError) as ei:
        K.load_cases(COURSE, TEXT.replace(old, new, 1))
    return ei.value


def test_a_worked_urgency_the_tool_does_not_reach_is_refused():
    e = _broken("    urgency: routine\n", "    urgency: same_day\n")
    assert e.file == K.CASES_FILE and e.item == "cause_finder.mrs_adeyemi" and e.field == "urgency"
    assert "'routine'" in e.problem


def test_a_worked_band_the_calculator_does_not_give_is_refused():
    e = _broken("    band: abnormal\n", "    band: borderline\n")
    assert (e.item, e.field) == ("abi.mr_okafor", "band") and "'abnormal'" in e.problem


def test_a_right_answer_the_tool_never_names_is_refused():
    e = _broken(
        "      - topic: secondary.neuropathy\n        right: true",
        "      - topic: causes.cold\n        right: true",
    )
    assert (e.item, e.field) == ("cause_finder.mrs_adeyemi", "likely")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("    urgency: within_days\n", "    urgency: soonish\n", "urgency"),
        ("      how_often: weekly\n", "      how_often: hourly\n", "answers"),
        ("    ankle: 84\n", "    ankle: -84\n", "ankle"),
        ("    arm: 140\n", "", "-"),
    ],
)
def test_bad_cases_name_the_case_and_field(old, new, field):
    e = _broken(old, new)
    assert e.file == K.CASES_FILE and e.item != "-" and (field == "-" or e.field == field)


def test_two_right_options_are_refused():
    e = _broken("      - topic: causes.arteries\n", "      - topic: causes.arteries\n        right: true\n")
    assert e.item == "cause_finder.mrs_adeyemi" and "exactly one" in e.problem


def test_cli_check_refuses_a_broken_case(tmp_path):
    import shutil

    from cramp_lessons.course.model import CONTENT_DIR

    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    f = copy / "cases.yaml"
    f.write_text(f.read_text().replace("    band: normal\n", "    band: abnormal\n", 1))
    r = subprocess.run(
        [sys.executable, "-m", "cramp_lessons.cli.main", "check", str(copy)], capture_output=True, text=True
    )
    assert r.returncode == 1 and "cases.yaml: item 'abi.mrs_ruiz'" in r.stderr and "Traceback" not in r.stderr


def test_judge_compares_choice_and_urgency():
    c = next(c for c in SHIPPED.cases if c.id == "cause_finder.mr_lewis")
    v = K.judge(c, "secondary.medicines", "within_days", COURSE)
    assert v.both_right
    v = K.judge(c, "causes.calcium", "emergency", COURSE)
    assert not v.guess_right and not v.urgency_right and "Tempting" in v.guess_feedback


# ------------------------------------------------------------------ the widget
def test_the_tool_stays_hidden_until_the_learner_has_decided():
    w = WorkedCasesWidget("cause_finder", course=COURSE)
    assert "not a diagnosis" in w.widget.children[0].value and "red flags" in w.widget.children[0].value
    assert w.tool_box.layout.display == "none"
    w.check()  # nothing chosen yet
    assert "Decide first" in w.feedback.value and w.tool_box.layout.display == "none"
    w.guess.value = w.case.right.topic
    w.check()  # urgency still missing
    assert "how soon" in w.feedback.value and w.tool_box.layout.display == "none"
    w.urgency.value = w.case.urgency
    w.check()
    assert w.tool_box.layout.display != "none"
    assert w.verdict.both_right and "The worked answer" in w.feedback.value
    # The cause finder now shows the case's answers, and its result is the worked level.
    assert (w.finder.last.urgency or K.NONE) == w.case.urgency
    assert w.finder.controls["conditions"]["diabetes"].value is True


def test_choices_are_not_in_the_authors_order_and_a_new_case_starts_afresh():
    w = WorkedCasesWidget("cause_finder", course=COURSE)
    shown = [v for _label, v in w.guess.options if v]
    assert shown != [o.topic for o in w.case.likely]  # the author lists the right answer first
    assert sorted(shown) == sorted(o.topic for o in w.case.likely)
    w.guess.value, w.urgency.value = shown[0], "routine"
    w.check()
    w.choose("cause_finder.ms_patel")
    assert w.verdict is None and w.guess.value == "" and w.tool_box.layout.display == "none"
    assert "Ms Patel" in w.story.value and "Ms Patel" in w.summary() and "decide" in w.summary()


def test_a_wrong_abi_band_gets_the_right_band_explained():
    w = WorkedCasesWidget("abi", course=COURSE)
    w.choose("abi.mr_hall")
    w.guess.value, w.urgency.value = "normal", "routine"
    w.check()
    assert not w.verdict.guess_right and not w.verdict.urgency_right
    assert "too stiff" in w.feedback.value and "within 1-2 days" in w.feedback.value
    assert w.abi.abi == pytest.approx(230 / 150) and w.abi.band.id == "noncompressible"
    assert "1.53" in w.summary()


def test_cases_for_an_unknown_tool_is_a_content_error():
    with pytest.raises(ContentError, match="no worked cases"):
        K.cases_for("stethoscope", SHIPPED)
