"""The content model: shipped content loads; broken content fails naming file, item and field."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cramp_lessons.course.model import collect_errors, load_course
from cramp_lessons.errors import ContentError
from cramp_lessons.schema import EVIDENCE_TAGS

FIXTURE = Path(__file__).parent / "fixtures" / "content"


def test_shipped_content_loads_and_covers_the_article():
    c = load_course()
    kinds = {k for k in c.kinds.values()}
    assert {"cause", "relief", "prevention", "red_flag", "definition"} <= kinds
    causes = {t.id for t in c.of_kind("cause")}
    assert causes == {
        "causes.cold",
        "causes.fatigue",
        "causes.sweat",
        "causes.calcium",
        "causes.arteries",
        "causes.sleeping_position",
        "causes.spine",
        "causes.malnutrition",
        "causes.pregnancy",
    }
    assert "disclaimer" in c.documents
    # The conditions the course's sources name as causes (evidence sheet: "must not leave these out").
    assert {t.id for t in c.of_kind("secondary_cause")} == {
        "secondary.neuropathy",
        "secondary.kidney",
        "secondary.thyroid",
        "secondary.liver",
        "secondary.medicines",
    }


def test_every_cause_has_a_bank_of_three_questions_of_two_types():
    c = load_course()
    for t in c.of_kind("cause"):
        bank = c.bank(t.id)
        assert len(bank.questions) >= 3, t.id
        assert len({q.type for q in bank.questions}) >= 2, t.id


def test_every_claim_is_tagged_and_cited_references_exist():
    c = load_course()
    for item in [*c.topics.values(), *c.questions.values()]:
        assert item.evidence in EVIDENCE_TAGS
        for r in item.references:
            assert r in c.references


def test_red_flags_include_an_emergency():
    c = load_course()
    assert any(t.urgency == "emergency" for t in c.of_kind("red_flag"))


# ------------------------------------------------------------------ the urgency scale (issue 12 §3)
def test_the_urgency_scale_is_defined_once_with_sources():
    c = load_course()
    assert [lv.id for lv in c.urgency] == ["emergency", "same_day", "within_days", "routine"]
    assert [lv.order for lv in c.urgency] == sorted(lv.order for lv in c.urgency)
    assert c.urgency_rank == {"emergency": 0, "same_day": 1, "within_days": 2, "routine": 3}
    for lv in c.urgency:
        assert lv.label and lv.action and lv.references
        assert all(r in c.references for r in lv.references)
    assert "urgency" not in c.tables  # modelled, not a loose table
    for t in c.topics.values():
        assert t.urgency is None or t.urgency in c.urgency_rank
    assert all(t.urgency for t in c.of_kind("red_flag"))


def test_a_red_flag_level_that_is_not_on_the_scale_is_refused(content_copy):
    _edit(content_copy / "topics" / "flags.yaml", lambda d: d["items"][0].update(urgency="soon"))
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == ("topics/flags.yaml", "redflags.chest", "urgency")
    assert "'soon'" in e.problem and "emergency, routine" in e.problem


def test_a_red_flag_without_a_level_is_refused(content_copy):
    _edit(content_copy / "topics" / "flags.yaml", lambda d: d["items"][0].pop("urgency"))
    e = _only_error(content_copy)
    assert (e.item, e.field) == ("redflags.chest", "urgency") and "needs an urgency level" in e.problem


def test_a_level_citing_an_unknown_reference_is_refused(content_copy):
    _edit(content_copy / "urgency.yaml", lambda d: d["levels"][1].update(references=["nowhere2020"]))
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == ("urgency.yaml", "routine", "references")


def test_two_levels_with_one_order_are_refused(content_copy):
    _edit(content_copy / "urgency.yaml", lambda d: d["levels"][1].update(order=1))
    e = _only_error(content_copy)
    assert e.file == "urgency.yaml" and "share order 1" in e.problem


def test_the_urgency_file_is_required(content_copy):
    (content_copy / "urgency.yaml").unlink()
    e = _only_error(content_copy)  # reported once, not again for every red flag
    assert e.file == "urgency.yaml" and "missing file" in e.problem


def test_cli_check_refuses_a_red_flag_off_the_scale(tmp_path):
    import shutil

    from cramp_lessons.course.model import CONTENT_DIR

    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    f = copy / "topics" / "red_flags.yaml"
    f.write_text(f.read_text().replace("urgency: same_day", "urgency: soon", 1))
    r = _cli("check", str(copy))
    assert r.returncode == 1 and "field 'urgency': unknown urgency level 'soon'" in r.stderr


def _all_quiz_options(c):
    for b in c.banks.values():
        for q in b.questions:
            for o in getattr(q, "options", []):
                yield q, o


def test_quiz_options_name_a_level_with_its_label():
    """An option for a level of care shows that level's label, word for word, in every bank."""
    c = load_course()
    seen = set()
    for q, o in _all_quiz_options(c):
        if o.id in c.urgency_rank:
            seen.add(q.id)
            assert o.text.startswith(c.level(o.id).label), (q.id, o.id, o.text)
    assert {"red_flags.q1", "red_flags.q9", "causes.pregnancy.q5", "causes.malnutrition.q4"} <= seen
    rights = {p.right for p in c.question("red_flags.q8").pairs}
    assert {lv.label for lv in c.urgency} <= rights


OLD_LEVEL_WORDS = re.compile(
    r"get help now|doctor soon|emergency help|emergency number|urgent medical help|urgent help|urgent now",
    re.IGNORECASE,
)
# A sign the evidence sheet puts on the same-day level must not read as an emergency anywhere, unless
# the sentence is about chest pain or breathlessness (the emergency signs).
SAME_DAY_SIGN = re.compile(r"numb|weakness|twitch|fluid loss|loss of feeling", re.IGNORECASE)
EMERGENCY_WORDS = re.compile(r"emergency|ambulance|at once|immediately", re.IGNORECASE)
EMERGENCY_SIGN = re.compile(r"chest pain|breathless|stroke", re.IGNORECASE)


def _course_texts(c):
    for t in c.topics.values():
        for field in ("title", "summary", "body", "correction", "evidence_note"):
            if getattr(t, field):
                yield t.id, getattr(t, field)
        for x in (*t.steps, *t.cautions):
            yield t.id, x
        for part in t.parts:
            yield t.id, part.claim
            if part.note:
                yield t.id, part.note
    for q in c.questions.values():
        yield q.id, q.prompt
        yield q.id, q.explanation
        for o in getattr(q, "options", []):
            yield q.id, o.text
            yield q.id, o.feedback
        for x in (getattr(q, "feedback_true", None), getattr(q, "feedback_false", None)):
            if x:
                yield q.id, x
    yield "disclaimer.md", c.documents["disclaimer"]
    from cramp_lessons.practical.causefinder import load_rules

    rules = load_rules()
    for r in rules.rules:
        yield f"causefinder {r.target}", r.reason
    for g in rules.inputs.values():
        for label in g.options.values():
            yield "causefinder inputs", label


def test_every_text_uses_the_one_scale():
    c = load_course()
    for where, text in _course_texts(c):
        assert not OLD_LEVEL_WORDS.search(text), (where, OLD_LEVEL_WORDS.search(text).group(), text)
        for sentence in re.split(r"(?<=[.;:!?])\s+|\n\s*[-*]\s", text):
            if SAME_DAY_SIGN.search(sentence) and EMERGENCY_WORDS.search(sentence):
                assert EMERGENCY_SIGN.search(sentence), (where, sentence)


def test_the_disclaimer_lists_the_levels_with_their_labels_in_order():
    c = load_course()
    brief = c.documents["disclaimer"].split("## Red flags in brief", 1)[1]
    headings = re.findall(r"^\*\*(.+)\*\*$", brief, re.MULTILINE)
    assert headings == [lv.label for lv in c.urgency]


# ------------------------------------------------------------------ prevention verdicts (issue 12 §4)
SHEET_VERDICTS = {
    "prevention.stretch_before_sleep": "may help",  # moderate, Hallegraeff 2012
    "prevention.magnesium": "does not help",  # strong, Garrison 2020
    "prevention.quinine": "not for routine use",  # Katzberg 2010
    "prevention.calcium_adolescents": "not shown to help",  # no trial shows it helps (unproven)
    "prevention.vitamins_b1_e": "unclear",  # one small trial of B complex; vitamin E no good evidence
    "prevention.medicine_review": "safety step",  # a check, not a preventive with trial evidence
}


def test_every_prevention_measure_has_the_verdict_the_sheet_supports():
    c = load_course()
    verdicts = {v.id: v for v in c.verdicts}
    assert list(verdicts) == [
        "may help", "unclear", "not tested", "not shown to help", "does not help", "not for routine use",
        "safety step",
    ]  # fmt: skip
    for t in c.of_kind("prevention"):
        assert t.verdict in verdicts, t.id
        assert t.evidence in verdicts[t.verdict].evidence, t.id
        want = SHEET_VERDICTS.get(t.id, "not tested" if t.evidence == "unproven" else None)
        assert t.verdict == want, (t.id, t.verdict)


def _prevention_file(root, **fields):
    item = {"id": "prevention.test", "title": "A test measure", "summary": "For the test.", "lesson": "one",
            "evidence": "unproven", **fields}  # fmt: skip
    (root / "topics" / "prevention.yaml").write_text(
        yaml.safe_dump({"kind": "prevention", "items": [item]}, sort_keys=False)
    )


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({}, "every prevention measure needs a verdict: one of may help, not tested"),
        ({"verdict": "worth trying"}, "unknown verdict 'worth trying'"),
        (
            {"verdict": "may help"},
            "verdict 'may help' does not fit evidence 'unproven'; it goes with: strong, moderate",
        ),
    ],
)
def test_a_prevention_verdict_is_required_known_and_fits_its_evidence(content_copy, fields, problem):
    _prevention_file(content_copy, **fields)
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == ("topics/prevention.yaml", "prevention.test", "verdict")
    assert problem in e.problem


def test_an_untested_measure_with_the_verdict_not_tested_loads(content_copy):
    _prevention_file(content_copy, verdict="not tested")
    c = load_course(content_copy)
    assert c.verdict(c.topic("prevention.test").verdict).plan == "optional"


def test_fixture_has_every_question_type(fixture_course):
    from cramp_lessons.questions import TYPES

    assert {q.type for q in fixture_course.questions.values()} == set(TYPES)


def _edit(path, fn):
    data = yaml.safe_load(path.read_text())
    fn(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _only_error(root) -> ContentError:
    course, errors = collect_errors(root)
    assert course is None
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_two_correct_options_in_single_choice(content_copy):
    f = content_copy / "quizzes" / "causes.cold.yaml"
    _edit(f, lambda d: d["questions"][0]["options"][1].update(correct=True))
    e = _only_error(content_copy)
    assert (e.file, e.item) == ("quizzes/causes.cold.yaml", "causes.cold.q1")
    assert "exactly one" in e.problem


def test_missing_field_names_item_and_field(content_copy):
    f = content_copy / "quizzes" / "causes.cold.yaml"
    _edit(f, lambda d: d["questions"][1]["options"][0].pop("feedback"))
    e = _only_error(content_copy)
    assert e.item == "causes.cold.q2"  # the question, not "questions.1"
    assert e.field.endswith("feedback")
    assert "a" in e.field.split(".")  # the option's id


def test_unknown_reference(content_copy):
    f = content_copy / "topics" / "causes.yaml"
    _edit(f, lambda d: d["items"][0].update(references=["nowhere2020"]))
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == ("topics/causes.yaml", "causes.cold", "references")
    assert "nowhere2020" in str(e)


# ------------------------------------------------------------------ a card's parts, each with its own tag
GOOD_PARTS = [
    {"claim": "That cold triggers cramps is untested.", "evidence": "unproven"},
    {"claim": "Cold slows muscle.", "evidence": "strong", "references": ["ref_a"], "note": "Physiology."},
]


def _with_parts(root, parts, **card):
    _edit(root / "topics" / "causes.yaml", lambda d: d["items"][0].update(parts=parts, **card))


def test_a_card_with_parts_of_different_strength_loads(content_copy):
    _with_parts(content_copy, GOOD_PARTS)
    t = load_course(content_copy).topic("causes.cold")
    assert [p.evidence for p in t.parts] == ["unproven", "strong"]
    assert t.evidence == t.parts[0].evidence and t.parts[1].note == "Physiology."
    assert t.all_references == ["ref_a"]


def test_a_part_may_cite_a_source_the_card_does_not(content_copy):
    parts = [GOOD_PARTS[0], {**GOOD_PARTS[1], "references": ["ref_b"]}]
    _with_parts(content_copy, parts)
    assert load_course(content_copy).topic("causes.cold").all_references == ["ref_a", "ref_b"]


def test_a_part_citing_an_unknown_reference_is_refused(content_copy):
    _with_parts(content_copy, [GOOD_PARTS[0], {**GOOD_PARTS[1], "references": ["nowhere2020"]}])
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == ("topics/causes.yaml", "causes.cold", "parts.1.references")
    assert "'nowhere2020' is not defined in references.yaml" in e.problem


def test_a_card_whose_tag_is_not_its_first_parts_tag_is_refused(content_copy):
    _with_parts(content_copy, list(reversed(GOOD_PARTS)))  # the card says unproven, its first part strong
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == ("topics/causes.yaml", "causes.cold", "parts")
    assert "the card's evidence is 'unproven' but its first part is tagged 'strong'" in e.problem
    assert "the first part is the claim the card's badge rates" in e.problem


@pytest.mark.parametrize(
    "parts",
    [
        [GOOD_PARTS[0]],  # one part: the card's own tag says it all
        [GOOD_PARTS[0], {"claim": "Nor is warmth.", "evidence": "unproven"}],  # two parts, one tag
    ],
    ids=["one part", "one tag"],
)
def test_parts_need_two_parts_with_two_tags(content_copy, parts):
    _with_parts(content_copy, parts)
    e = _only_error(content_copy)
    assert (e.item, e.field) == ("causes.cold", "parts")
    assert "at least 2 parts with at least 2 different tags" in e.problem


def test_a_part_with_a_tag_above_unproven_needs_references(content_copy):
    _with_parts(content_copy, [GOOD_PARTS[0], {**GOOD_PARTS[1], "references": []}])
    e = _only_error(content_copy)
    assert (e.item, e.field) == ("causes.cold", "parts.1")
    assert "a part tagged 'strong' needs its references" in e.problem


@pytest.mark.parametrize("field, value", [("evidence", "very strong"), ("claim", ""), ("colour", "blue")])
def test_a_malformed_part_names_the_part_and_field(content_copy, field, value):
    _with_parts(content_copy, [GOOD_PARTS[0], {**GOOD_PARTS[1], field: value}])
    e = _only_error(content_copy)
    assert (e.item, e.field) == ("causes.cold", f"parts.1.{field}")


def test_bad_evidence_tag(content_copy):
    f = content_copy / "topics" / "flags.yaml"
    _edit(f, lambda d: d["items"][0].update(evidence="very strong"))
    e = _only_error(content_copy)
    assert (e.item, e.field) == ("redflags.chest", "evidence")


def test_duplicate_question_id(content_copy):
    f = content_copy / "quizzes" / "causes.cold.yaml"
    _edit(f, lambda d: d["questions"][1].update(id="causes.cold.q1"))
    e = _only_error(content_copy)
    assert e.item == "causes.cold.q1" and "duplicate" in e.problem


def test_question_id_must_start_with_bank(content_copy):
    f = content_copy / "quizzes" / "causes.cold.yaml"
    _edit(f, lambda d: d["questions"][0].update(id="cold.q1"))
    e = _only_error(content_copy)
    assert "must start with the bank id" in e.problem


def test_numeric_without_key(content_copy):
    f = content_copy / "quizzes" / "causes.cold.yaml"
    _edit(f, lambda d: d["questions"][3].pop("value"))
    e = _only_error(content_copy)
    assert e.item == "causes.cold.q4"


def test_matching_with_duplicate_rights(content_copy):
    f = content_copy / "quizzes" / "causes.cold.yaml"
    _edit(f, lambda d: d["questions"][6]["pairs"][1].update(right=d["questions"][6]["pairs"][0]["right"]))
    e = _only_error(content_copy)
    assert e.item == "causes.cold.q7" and "duplicate" in e.problem


def test_unknown_lesson(content_copy):
    f = content_copy / "topics" / "causes.yaml"
    _edit(f, lambda d: d["items"][0].update(lesson="nine"))
    e = _only_error(content_copy)
    assert (e.item, e.field) == ("causes.cold", "lesson")


def test_unknown_field_is_refused(content_copy):
    f = content_copy / "topics" / "causes.yaml"
    _edit(f, lambda d: d["items"][0].update(colour="blue"))
    e = _only_error(content_copy)
    assert (e.item, e.field) == ("causes.cold", "colour")


def test_invalid_yaml_names_line(content_copy):
    (content_copy / "references.yaml").write_text("references:\n  - id: [unclosed\n")
    errors = collect_errors(content_copy)[1]
    assert errors[0].file == "references.yaml" and errors[0].item.startswith("line ")


def test_missing_disclaimer(content_copy):
    (content_copy / "disclaimer.md").unlink()
    e = _only_error(content_copy)
    assert e.file == "disclaimer.md"


def test_every_error_is_collected(content_copy):
    _edit(content_copy / "topics" / "causes.yaml", lambda d: d["items"][0].update(evidence="?"))
    _edit(content_copy / "topics" / "flags.yaml", lambda d: d["items"][0].update(urgency="whenever"))
    assert len(collect_errors(content_copy)[1]) == 2
    with pytest.raises(ContentError):
        load_course(content_copy)


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "cramp_lessons.cli.main", *args], capture_output=True, text=True
    )


def test_cli_check_passes_on_shipped_content():
    r = _cli("check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok:")


def test_cli_check_fails_clearly_on_broken_copy(content_copy):
    _edit(
        content_copy / "quizzes" / "causes.cold.yaml",
        lambda d: d["questions"][0]["options"][1].update(correct=True),
    )
    r = _cli("check", str(content_copy))
    assert r.returncode == 1
    assert "quizzes/causes.cold.yaml: item 'causes.cold.q1'" in r.stderr


def test_cli_help_lists_commands():
    r = _cli("--help")
    assert r.returncode == 0 and "check" in r.stdout


def test_stepped_diagram_is_validated(content_copy):
    (content_copy / "physiology").mkdir()
    (content_copy / "physiology" / "chain.yaml").write_text("- id: chain.one\n  title: One\n")
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == ("physiology/chain.yaml", "chain.one", "text")


def test_shipped_coupling_chain_runs_from_action_potential_to_relaxation():
    steps = load_course().sequences["coupling"]
    assert steps[0].title == "Action potential" and steps[-1].title == "Relaxation"


def test_cli_check_validates_the_cause_finder_rules(tmp_path):
    import shutil

    from cramp_lessons.course.model import CONTENT_DIR

    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    rules = copy / "causefinder.yaml"
    rules.write_text(rules.read_text().replace("causes.arteries", "causes.nowhere", 1))
    r = _cli("check", str(copy))
    assert r.returncode == 1 and "causefinder.yaml: item 'causes.nowhere'" in r.stderr


def test_stepped_diagram_must_be_a_list(content_copy):
    (content_copy / "physiology").mkdir()
    (content_copy / "physiology" / "chain.yaml").write_text("id: chain.one\n")
    e = _only_error(content_copy)
    assert e.file == "physiology/chain.yaml" and "expected a list" in e.problem


# ------------------------------------------------------------------ hostile or broken files
COLD = "quizzes/causes.cold.yaml"


@pytest.mark.parametrize("rel", ["disclaimer.md", COLD, "causefinder.yaml"])
def test_bytes_that_are_not_utf8_name_the_file_and_line(content_copy, rel):
    f = content_copy / rel
    text = f.read_bytes() if f.exists() else b"version: 1\n"
    lines = text.split(b"\n")
    f.write_bytes(b"\n".join([*lines[:2], b"caf\xe9 \xff", *lines[2:]]))
    e = _only_error(content_copy)
    assert (e.file, e.item) == (rel, "line 3") and "not UTF-8" in e.problem


@pytest.mark.parametrize("rel", ["quizzes/x.yaml", "notes.md", "lessons.yaml"])
def test_a_folder_named_like_a_content_file(content_copy, rel):
    (content_copy / rel).unlink(missing_ok=True)
    (content_copy / rel).mkdir()
    e = collect_errors(content_copy)[1][0]  # then, for lessons.yaml, every lesson it held is unknown
    assert e.file == rel and "folder, not a file" in e.problem


def test_an_oversized_file_is_refused_before_it_is_parsed(content_copy):
    from cramp_lessons.course.model import MAX_FILE_BYTES

    f = content_copy / COLD
    # Past the cap the file is not even valid YAML: only the size check can report it.
    f.write_text(f.read_text() + "#" * MAX_FILE_BYTES + "\n[unclosed\n")
    e = _only_error(content_copy)
    assert e.file == COLD and f"larger than {MAX_FILE_BYTES:,} bytes" in e.problem


def _append_to_q1(root, text):
    """Add ``text`` (indented as a question's field) to the first question; return its line number."""
    f = root / COLD
    lines = f.read_text().split("\n")
    at = next(k for k, line in enumerate(lines) if line.strip().startswith("prompt:")) + 1
    f.write_text("\n".join([*lines[:at], *("    " + t for t in text.split("\n")), *lines[at:]]))
    return at + 1


@pytest.mark.parametrize(
    "value, problem",
    [
        ("!!timestamp 2001-02-30", "cannot read '2001-02-30' as timestamp: day is out of range"),
        ("9" * 5000, "as int: Exceeds the limit (4300 digits)"),
        ("[" * 5000 + "]" * 5000, "nested more than 50 levels deep"),
    ],
)
def test_yaml_that_python_cannot_build_names_the_line(content_copy, value, problem):
    line = _append_to_q1(content_copy, f"section: {value}")
    e = _only_error(content_copy)
    assert (e.file, e.item) == (COLD, f"line {line}")
    assert problem in e.problem and len(str(e)) < 300


def test_dates_are_read_as_text_not_resolved(content_copy):
    # An impossible date is just text where text is wanted...
    topics = content_copy / "topics" / "causes.yaml"
    topics.write_text(re.sub(r"summary: .*", "summary: 2001-02-30", topics.read_text(), count=1))
    assert load_course(content_copy).topic("causes.cold").summary == "2001-02-30"
    # ...and refused, naming the field, where a number is wanted.
    f = content_copy / "lessons.yaml"
    f.write_text(re.sub(r"minutes: \d+", "minutes: 2001-02-30", f.read_text(), count=1))
    e = collect_errors(content_copy)[1][0]
    assert (e.file, e.item, e.field) == ("lessons.yaml", "one", "minutes") and "integer" in e.problem


def test_a_duplicate_key_names_file_line_and_key(content_copy):
    line = _append_to_q1(content_copy, "prompt: The second prompt would silently win.")
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == (COLD, f"line {line}", "prompt")
    assert f"duplicate key 'prompt' (first given on line {line - 1})" in e.problem


def test_aliases_are_refused_so_a_billion_laughs_cannot_hang_check(content_copy):
    laughs = "\n".join(
        ["a0: &a0 [lol]"] + [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 10)]
    )
    (content_copy / COLD).write_text(laughs + "\n")
    e = _only_error(content_copy)
    assert (e.file, e.item) == (COLD, "line 2") and "aliases" in e.problem


def test_a_duplicate_key_in_the_cause_finder_rules(fixture_course):
    from cramp_lessons.practical.causefinder import load_rules

    with pytest.raises(ContentError) as e:
        load_rules("version: 1\nrules: []\nversion: 1\n", fixture_course)
    assert (e.value.file, e.value.item, e.value.field) == ("causefinder.yaml", "line 3", "version")


@pytest.mark.parametrize(
    "qid, field, value, problem",
    [
        ("causes.cold.q4", "value", ".nan", "not nan: no answer could ever equal it"),
        ("causes.cold.q4", "tolerance", ".inf", "not inf: every answer (or none) would be right"),
        ("causes.cold.q4", "tolerance", "-0.5", "greater than or equal to 0"),
        ("causes.cold.q5", "min", "-.inf", "must be a finite number"),
        ("causes.cold.q5", "max", "1e999", "must be a finite number"),
    ],
)
def test_a_numeric_key_no_answer_can_meet_fairly_is_refused(content_copy, qid, field, value, problem):
    f = content_copy / COLD
    text, n = re.subn(
        rf"(id: {re.escape(qid)}\n(?:    .*\n)*?    {field}: ).*", rf"\g<1>{value}", f.read_text(), count=1
    )
    assert n == 1
    f.write_text(text)
    e = _only_error(content_copy)
    assert (e.file, e.item, e.field) == (COLD, qid, field) and problem in e.problem


# YAML-ish tokens, so generated files reach the parser and constructor, not only the reader.
_YAML_BITS = st.sampled_from(
    [": ", "- ", "\n", "\n  ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "? ", "!!timestamp ", "!!int ",
     "!!binary ", "!!set ", "!!python/object ", "2001-02-30", "1e999", ".nan", "9" * 5000, "'", '"', "#",
     "prompt", "id", "bank: causes.cold", "\t", "%YAML 1.1\n", "---\n", "...\n", "|\n", ">-\n"]
)  # fmt: skip
_GARBAGE = st.binary(max_size=200) | st.lists(_YAML_BITS | st.text(max_size=4), max_size=40).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=_GARBAGE, at=st.floats(0, 1), replace=st.booleans())
@example(garbage=b"when: 2001-02-30\n", at=1, replace=False)  # the cases found so far, always tried
@example(garbage=b"n: !!int\n", at=1, replace=False)
@example(garbage=b"n: " + b"[" * 5000, at=1, replace=False)
def test_garbage_in_a_content_file_gives_only_content_errors(content_copy, garbage, at, replace):
    f = content_copy / COLD
    good = (FIXTURE / COLD).read_bytes()
    cut = int(len(good) * at)
    f.write_bytes(garbage if replace else good[:cut] + garbage + good[cut:])
    course, errors = collect_errors(content_copy)  # any other exception fails the test
    assert (course is None) == bool(errors)
    for e in errors:
        assert isinstance(e, ContentError) and e.file == COLD and len(str(e)) < 1000


@settings(max_examples=150, deadline=None)
@given(garbage=_GARBAGE)
@example(garbage=b"version: 2001-02-30")
@example(garbage=b"version: !!int")
@example(garbage=b"version: " + b"9" * 5000)
def test_garbage_cause_finder_rules_give_only_content_errors(fixture_course, garbage):
    from cramp_lessons.practical.causefinder import load_rules

    with pytest.raises(ContentError) as e:
        load_rules(garbage.decode("utf-8", "replace"), fixture_course)
    assert e.value.file == "causefinder.yaml"


@pytest.mark.parametrize(
    "rel, content, problem",
    [
        ("disclaimer.md", b"# Disclaimer\n\xff\n", "not UTF-8"),
        ("causefinder.yaml", b"version: 1\n\xff\n", "not UTF-8"),
        (COLD, None, "folder, not a file"),
        ("references.yaml", b"references: " + b"[" * 5000 + b"]" * 5000, "nested more than"),
        ("lessons.yaml", b"lessons: []\nlessons: []\n", "duplicate key 'lessons'"),
        ("lessons.yaml", b"lessons: " + b"9" * 5000, "Exceeds the limit"),
        ("lessons.yaml", b"lessons: !!timestamp 2001-02-30", "day is out of range"),
    ],
)
def test_cli_check_reports_broken_files_without_a_traceback(content_copy, rel, content, problem):
    f = content_copy / rel
    if content is None:
        f.unlink()
        f.mkdir()
    else:
        f.write_bytes(content)
    r = _cli("check", str(content_copy))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"error: {rel}: " in r.stderr and problem in r.stderr


def test_a_huge_item_id_is_echoed_cut_short(content_copy):
    # Found by hypothesis: a 5000-character question id used to be echoed whole in the message.
    f = content_copy / COLD
    f.write_text(f.read_text().replace("id: causes.cold.q4", "id: causes.col" + "9" * 5000 + "d.q4", 1))
    e = _only_error(content_copy)
    assert e.file == COLD and e.field == "id" and len(str(e)) < 400


def test_the_id_pattern_is_written_once():
    """Issue 13: progress, exports, cases, the cause finder and the classroom read ids with course.ID_PATTERN."""
    from pathlib import Path

    from cramp_lessons.schema import ID_PATTERN

    pkg = Path(__file__).resolve().parents[1] / "cramp_lessons"
    literal = r"[a-z0-9_]+(\.[a-z0-9_]+)*"
    places = [p.name for p in pkg.rglob("*.py") if literal in p.read_text(encoding="utf-8")]
    assert places == ["schema.py"] and literal in ID_PATTERN
