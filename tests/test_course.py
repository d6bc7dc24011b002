"""The content model: shipped content loads; broken content fails naming file, item and field."""

import subprocess
import sys

import pytest
import yaml

from cramp_lessons.course import EVIDENCE_TAGS, collect_errors, load_course
from cramp_lessons.errors import ContentError


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


def test_fixture_has_every_question_type(fixture_course):
    assert {q.type for q in fixture_course.questions.values()} == {
        "single",
        "multiple",
        "truefalse",
        "numeric",
        "ordering",
        "matching",
    }


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
    return subprocess.run([sys.executable, "-m", "cramp_lessons.cli", *args], capture_output=True, text=True)


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

    from cramp_lessons.course import CONTENT_DIR

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
