"""One home per question type (issue 14 §5): each type's module in questions/ holds its schema and
every behaviour; its input is one builder in widgets/inputs.py; nothing else in code knows the types."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from cramp_lessons.course.grading import grade, shuffled_choices
from cramp_lessons.course.model import load_course
from cramp_lessons.formats.exports import gift_escape
from cramp_lessons.questions import LABELS, TYPES
from cramp_lessons.widgets.inputs import BUILDERS, build

PACKAGE = Path(__file__).resolve().parents[1] / "cramp_lessons"
COURSE = load_course()
# One question of each type from the shipped banks (a variant's course draw where it is one).
SAMPLES = {q.type: q for q in reversed(list(COURSE.questions.values()))}


def test_every_type_is_found_with_a_label_and_an_input():
    assert set(TYPES) == set(BUILDERS) == set(LABELS)
    assert set(SAMPLES) == set(TYPES), "every type has a question in the shipped banks"
    orders = [model.ORDER for model in TYPES.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_each_type_answers_for_itself(kind):
    q = SAMPLES[kind]
    right = q.right_answer()
    assert grade(q, right, COURSE).correct and q.answer_text()
    assert all(not wrong for _key, wrong in q.picks(q.read(right)))
    wrong = q.wrong_answer(random.Random(1))
    assert grade(q, wrong, COURSE).score < 1
    keys = q.choice_keys()
    assert sorted(shuffled_choices(q, "s")) == sorted(keys)
    # A learner's input round-trips the right answer.
    inp = build(q, shuffled_choices(q, "s"))
    inp.fill(right)
    assert grade(q, inp.answer(), COURSE).correct
    assert inp.controls and all(c.description for c in inp.controls)


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_each_type_writes_its_forms_or_says_why_not(kind):
    q = SAMPLES[kind]
    for fmt, write in (
        ("gift", lambda: q.gift(gift_escape, "why")),
        ("jupyterquiz", lambda: q.jupyterquiz(str, " why")),
    ):
        if q.unsupported(fmt):
            continue
        out = write()
        assert out and ("why" in str(out))
    lines, key = q.worksheet(shuffled_choices(q, "s"), lambda k: "ABCDEFGHIJ"[k])
    assert lines and key


def _type_checks(path: Path, root: Path = PACKAGE) -> list[str]:
    names = {m.__name__ for m in TYPES.values()}
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "isinstance"
            and len(node.args) == 2
        ):
            used = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            if used & names:
                out.append(f"{path.relative_to(root)}:{node.lineno}")
    return out


def test_nothing_outside_a_types_home_branches_on_the_type():
    # The item-writing linter keeps its rules about options and statements (course/itemlint.py).
    homes = {PACKAGE / "widgets" / "inputs.py", PACKAGE / "course" / "itemlint.py"}
    found = [
        hit
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.parent != PACKAGE / "questions" and p not in homes
        for hit in _type_checks(p)
    ]
    assert found == []


def test_the_branch_check_finds_a_branch(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("if isinstance(q, (SingleChoice, str)):\n    pass\nisinstance(q, str)\n")
    assert _type_checks(sample, tmp_path) == ["x.py:1"]


# ------------------------------------------------------------------ type the word
def test_a_typed_answer_ignores_case_spaces_and_a_full_stop():
    q = COURSE.question("calcium.q16")
    for typed in ("tetany", "  Tetany. ", "HYPOCALCEMIC   tetany"):
        g = grade(q, typed, COURSE)
        assert g.correct and g.feedback == [q.feedback]
    wrong = grade(q, "Cramp", COURSE)
    cramp = next(w for w in q.wrong if w.text == "cramp")
    assert not wrong.correct and wrong.feedback == [cramp.feedback]  # why it tempts, why it is wrong
    other = grade(q, "a fit", COURSE)
    assert not other.correct and other.feedback == [q.feedback_other]
    assert grade(q, "cramp", COURSE).answer_text.startswith("tetany (also accepted:")


@pytest.mark.parametrize(
    "answer, problem", [(3, "expected the typed word"), ("  . ", "empty"), ("x" * 81, "longer than 80")]
)
def test_a_malformed_typed_answer_is_explained_not_counted(answer, problem):
    from cramp_lessons.errors import AnswerError

    with pytest.raises(AnswerError, match=problem):
        grade(COURSE.question("calcium.q16"), answer, COURSE)


def test_a_bank_that_accepts_the_same_answer_twice_is_refused(content_copy):
    from cramp_lessons.course.model import collect_errors

    bank = content_copy / "quizzes" / "causes.cold.yaml"
    bank.write_text(
        bank.read_text().replace("accept: [tetany, hypocalcaemic tetany]", "accept: [tetany, Tetany.]")
    )
    _, errors = collect_errors(content_copy)
    assert len(errors) == 1 and "causes.cold.q8" in str(errors[0])
    assert "'Tetany.' and 'tetany' are the same answer (case and spaces ignored)" in str(errors[0])
