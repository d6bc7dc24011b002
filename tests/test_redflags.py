"""The red-flag checker: the course's one urgency scale, most urgent first, wording read from
content/urgency.yaml, levels as the evidence sheet sets them, never a diagnosis, a clear empty result."""

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import cramp_lessons
from cramp_lessons.course.model import CONTENT_DIR, load_course
from cramp_lessons.practical.redflags import NOTHING_TICKED, RedFlagError, check_signs, level_labels, signs
from cramp_lessons.widgets.tools.redflags import RedFlagWidget

COURSE = load_course()
ORDER = tuple(lv.id for lv in COURSE.urgency)  # the scale, read from content
LABEL = {lv.id: lv.label for lv in COURSE.urgency}
ALL = [t.id for t in COURSE.of_kind("red_flag")]
CLAIMS = re.compile(r"diagnos|\byou have\b|\byou've got\b|\byou are suffering\b", re.IGNORECASE)


def test_signs_are_the_content_red_flags_most_urgent_first():
    s = signs()
    assert sorted(x.id for x in s) == sorted(ALL)
    ranks = [ORDER.index(x.urgency) for x in s]
    assert ranks == sorted(ranks) and s[0].urgency == ORDER[0]


def test_most_urgent_comes_first_whatever_the_tick_order():
    r = check_signs(["redflags.sleep_daily_life", "redflags.claudication", "redflags.pe"])
    assert [x.urgency for x in r.signs] == ["emergency", "within_days", "routine"]
    assert r.urgency == "emergency" and r.most_urgent
    assert r.headline.startswith(LABEL["emergency"])
    assert r.text().index("breathlessness") < r.text().index("walking")


# ------------------------------------------------------------------ the four levels of the evidence sheet
def test_the_scale_is_the_four_levels_of_the_evidence_sheet():
    assert ORDER == ("emergency", "same_day", "within_days", "routine")
    assert "ambulance" in LABEL["emergency"].lower() and "same day" in LABEL["same_day"]
    assert "1-2 days" in LABEL["within_days"] and "routine" in LABEL["routine"].lower()
    assert len(set(LABEL.values())) == 4
    assert level_labels() == LABEL


SHEET_LEVELS = {
    # emergency (call an ambulance): chest pain, breathlessness, a swollen leg with breathlessness (NHS DVT)
    "redflags.pe": "emergency",
    "redflags.chest_pain": "emergency",
    # sudden one-sided weakness or slurred speech: a stroke (NHS ambulance service, FAST), not a cramp
    "redflags.stroke": "emergency",
    # see a doctor right away / the same day: Merck's "right away" list and the NHS "urgent" list
    "redflags.weakness_numbness": "same_day",
    "redflags.twitching": "same_day",
    "redflags.fluid_loss": "same_day",
    "redflags.arms_belly": "same_day",
    "redflags.dvt": "same_day",
    "redflags.long_cramp": "same_day",
    "redflags.tetanus_wound": "same_day",
    "redflags.lead_mercury": "same_day",
    # within 1-2 days (Merck): claudication, a new drug, heavy alcohol use
    "redflags.claudication": "within_days",
    "redflags.new_drug": "within_days",
    "redflags.alcohol": "within_days",
    # routine appointment (NHS): frequent cramps, disturbed sleep
    "redflags.sleep_daily_life": "routine",
    "redflags.frequent_long": "routine",
}


@pytest.mark.parametrize("sign, level", SHEET_LEVELS.items())
def test_each_red_flag_sits_on_the_level_the_evidence_sheet_gives(sign, level):
    assert check_signs([sign]).urgency == level


def test_chest_pain_is_an_emergency_and_numbness_is_not():
    chest = check_signs(["redflags.chest_pain"])
    assert chest.urgency == "emergency" and chest.most_urgent
    assert "ambulance" in chest.headline.lower()
    numb = check_signs(["redflags.weakness_numbness", "redflags.twitching"])
    assert numb.urgency == "same_day" and not numb.most_urgent
    assert "ambulance" not in numb.text().lower().split("take care")[0]
    assert numb.headline.startswith(LABEL["same_day"])


def test_heavy_fluid_loss_is_defined_so_an_ordinary_sweaty_run_does_not_count():
    s = next(x for x in signs() if x.id == "redflags.fluid_loss")
    for words in ("vomiting", "diarrhoea", "heavy sweating", "dizzy or unwell", "not heavy fluid loss"):
        assert words in s.summary, words
    assert s.urgency == "same_day"


def test_twitching_is_taught_as_usually_harmless():
    s = next(x for x in signs() if x.id == "redflags.twitching")
    assert "common and usually harmless" in s.summary
    assert "common and usually harmless" in (COURSE.level("same_day").note or "")


def _reworded_copy(tmp_path: Path) -> Path:
    """A copy of the content whose levels are reworded and whose last two levels swap places."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    f = copy / "urgency.yaml"
    data = yaml.safe_load(f.read_text())
    for lv in data["levels"]:
        lv["label"] = f"LEVEL {lv['id'].upper()}"
        lv["action"] = f"Do the {lv['id']} thing."
        lv["order"] = {"within_days": 4, "routine": 3}.get(lv["id"], lv["order"])
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return copy


def test_order_labels_and_wording_are_read_from_content(tmp_path):
    course = load_course(_reworded_copy(tmp_path))
    assert [lv.id for lv in course.urgency] == ["emergency", "same_day", "routine", "within_days"]
    r = check_signs(["redflags.claudication", "redflags.sleep_daily_life"], course)
    assert [x.urgency for x in r.signs] == ["routine", "within_days"]  # the copy's order, not the shipped one
    assert r.headline == "LEVEL ROUTINE. Do the routine thing."
    assert "[LEVEL WITHIN_DAYS] Leg pain or cramps when walking" in r.text()
    assert "1-2 days" not in r.summary()
    w = RedFlagWidget(course=course)
    w.boxes["redflags.chest_pain"].value = True
    assert "LEVEL EMERGENCY" in w.result.value and LABEL["emergency"] not in w.result.value
    assert "role='alert'" in w.result.value  # the top level of the copy's scale is the alarm


# Every file that shows a level of the scale: the checkers, the planner, the cards, the worked
# cases (their answer is a level), and the long-cramp warning of the routine and the diary.
TOOLS = [
    "practical/redflags.py",
    "practical/causefinder.py",
    "practical/planner.py",
    "practical/cases.py",
    "practical/routine.py",
    "practical/diary.py",
    "widgets/tools/base.py",
    "widgets/tools/routine.py",
    "widgets/tools/planner.py",
    "widgets/tools/diary.py",
    "widgets/tools/redflags.py",
    "widgets/tools/causefinder.py",
    "widgets/content.py",
    "widgets/cases.py",
    "figures/diary.py",
    "course/rendered.py",
]


@pytest.mark.parametrize("rel", TOOLS)
def test_no_tool_keeps_its_own_copy_of_the_scale(rel):
    """Level ids, labels and wording live in content/urgency.yaml; code holds no string copy of them."""
    tree = ast.parse((Path(cramp_lessons.__file__).parent / rel).read_text())
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    strings = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    words = ("ambulance", "same day", "1-2 days", "emergency help", "routine appointment", "get help now")
    for text in strings:
        assert text not in ORDER, f"{rel} names the level {text!r} in code"
        for lv in COURSE.urgency:
            assert lv.label not in text and lv.action not in text, f"{rel} copies the wording of {lv.id}"
        for w in words:
            assert w not in text.lower(), f"{rel} words a level itself: {text!r}"


def test_every_file_that_reads_the_scale_is_in_tools():
    """A new tool that shows a level (reads .urgency, .level(...), the long-cramp rule) joins TOOLS."""
    root = Path(cramp_lessons.__file__).parent
    reads = re.compile(r"\.urgency\b|\.level\(|long_cramp\(|urgency_rank|\.levels\b")
    readers = {p.relative_to(root).as_posix() for p in root.rglob("*.py") if reads.search(p.read_text())}
    assert readers - {"course/model.py"} <= set(TOOLS), sorted(readers - {"course/model.py"} - set(TOOLS))


def test_order_is_by_urgency_not_content_order():
    import dataclasses

    course = load_course()
    flipped = dataclasses.replace(course, topics=dict(reversed(list(course.topics.items()))))
    r = check_signs(ALL, flipped)
    ranks = [ORDER.index(x.urgency) for x in r.signs]
    assert ranks == sorted(ranks) and r.signs[0].urgency == ORDER[0]


@pytest.mark.parametrize(
    "sign", ["redflags.pe", "redflags.dvt", "redflags.claudication", "redflags.sleep_daily_life"]
)
def test_each_headline_is_its_level_label_then_what_to_do(sign):
    r = check_signs([sign])
    lv = COURSE.level(r.urgency)
    assert r.headline == f"{lv.label}. {lv.action}"
    assert r.summary().startswith(r.headline) and f"1 at '{lv.label}'" in r.summary()


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
        assert r.headline.startswith(tuple(LABEL.values()))
        assert r.most_urgent == (r.urgency == ORDER[0])
        assert "cannot tell what is wrong" in r.text()


def test_widget_ticks_change_the_result():
    w = RedFlagWidget()
    assert all(b.description for b in w.boxes.values())
    assert w.summary() == NOTHING_TICKED and "role='status'" in w.result.value
    w.boxes["redflags.claudication"].value = True
    assert w.summary().startswith(LABEL["within_days"]) and "role='status'" in w.result.value
    w.boxes["redflags.weakness_numbness"].value = True
    assert w.summary().startswith(LABEL["same_day"]) and "role='status'" in w.result.value
    w.boxes["redflags.chest_pain"].value = True
    assert w.summary().startswith(LABEL["emergency"])
    assert "role='alert'" in w.result.value and "aria-live='assertive'" in w.result.value
    html = w.result.value
    assert html.index(LABEL["emergency"]) < html.index(LABEL["same_day"]) < html.index(LABEL["within_days"])
    assert html.index("chest") < html.index("walking")
    for b in w.boxes.values():
        b.value = False
    assert w.summary() == NOTHING_TICKED
