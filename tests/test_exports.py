"""Exports (GIFT, jupyterquiz, Markdown), the jupyterquiz import, and the export/import commands."""

import argparse
import json
import re
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_lessons.cli.content import register
from cramp_lessons.course.grading import grade, right_answer
from cramp_lessons.course.model import collect_errors, load_course
from cramp_lessons.formats.exports import (
    PAGE_BREAK,
    ExportError,
    convert_jupyterquiz,
    export_gift,
    export_jupyterquiz,
    export_markdown,
    gift_escape,
    gift_unescape,
    import_jupyterquiz,
    skipped,
)

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json.loads((FIXTURES / "jupyterquiz_schema.json").read_text())

# Every GIFT special character, in prompts, answers, feedback and explanations.
TRICKY = textwrap.dedent(r"""
    bank: causes.tricky
    title: "Tricky {characters}"
    lesson: one
    questions:
      - id: causes.tricky.q1
        type: single
        prompt: 'Ratio ~ 2:1 = "a#b" {set}, path C:\temp?'
        options:
          - {id: a, text: 'x = y', correct: true, feedback: 'Yes: x = y ~ always #1 {ok}'}
          - {id: b, text: 'x ~ y', feedback: 'No: \n is not a newline here'}
        explanation: 'Because {a} = b: see #3 ~ end.'
        evidence: strong
        section: ratio-section
      - id: causes.tricky.q2
        type: multiple
        prompt: "Pick A=1 and B:2"
        options:
          - {id: a, text: "A=1", correct: true, feedback: "#right"}
          - {id: b, text: "B:2", correct: true, feedback: "{right}"}
          - {id: c, text: "C~3", correct: true, feedback: "~right"}
          - {id: d, text: "D", feedback: "wrong: 4"}
        explanation: "Three of four."
        evidence: weak
      - id: causes.tricky.q3
        type: truefalse
        prompt: "1 + 1 = 2 {in base 10}"
        answer: true
        feedback_true: "Right: 1 + 1 = 2."
        feedback_false: "Wrong: it is 2 #math"
        explanation: "Arithmetic."
        evidence: strong
      - id: causes.tricky.q4
        type: numeric
        prompt: "Temperature drop: 37 -> ? (C)"
        value: -3.5
        tolerance: 0.25
        explanation: "Cooler by 3.5."
        evidence: moderate
      - id: causes.tricky.q5
        type: matching
        prompt: "Match a = b"
        pairs:
          - {id: p1, left: "x{1}", right: "one = 1"}
          - {id: p2, left: "y#2", right: "two: 2"}
          - {id: p3, left: "z~3", right: "three -> 3"}
        explanation: "Pairs."
        evidence: moderate
      - id: causes.tricky.q6
        type: matching
        prompt: "An arrow on the left"
        pairs:
          - {id: p1, left: "a -> b", right: "1"}
          - {id: p2, left: "c", right: "2"}
        explanation: "Cannot be GIFT."
        evidence: moderate
    """)


@pytest.fixture
def tricky(content_copy):
    (content_copy / "quizzes" / "causes.tricky.yaml").write_text(TRICKY)
    return load_course(content_copy)


# ------------------------------------------------------------------ a small GIFT reader, as Moodle reads GIFT
# Placeholders from Unicode's private use area (Moodle uses "&&058;" and the like).
_PLACE = {
    ":": "\ue001",
    "#": "\ue002",
    "=": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    "~": "\ue006",
    "n": "\ue007",
}


def _pre(text):
    """Moodle's escapedchar_pre: escaped specials -> placeholders (so the structure can be split)."""
    text = text.replace("\\\\", "\ue000")
    for c, p in _PLACE.items():
        text = text.replace("\\" + c, p)
    return text.replace("\ue000", "\\")


def _post(text):
    for c, p in _PLACE.items():
        text = text.replace(p, "\n" if c == "n" else c)
    return text.strip()


def parse_gift(text):
    """{name: {"text", "answers": raw answer block (placeholders kept), "general"}} for each question."""
    out = {}
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.split("\n") if ln.strip() and not ln.strip().startswith("//")]
        body = _pre("\n".join(lines).strip())
        if not body or body.startswith("$CATEGORY:"):
            continue
        assert body.startswith("::")
        name, rest = body[2:].split("::", 1)
        start, end = rest.index("{"), rest.index("}")
        assert rest.count("{") == 1 and rest.count("}") == 1, "an unescaped brace would break Moodle's parser"
        answers = rest[start + 1 : end].strip()
        general = ""
        if "####" in answers:
            answers, general = answers.rsplit("####", 1)
        text_ = rest[:start]
        assert text_.startswith("[markdown]")
        out[_post(name)] = {
            "text": _post(text_[len("[markdown]") :]),
            "answers": answers.strip(),
            "general": _post(general),
        }
    return out


def split_choices(answers):
    """Multiple-choice answers -> [(marker, weight, text, feedback)]."""
    parts = re.split(r"(?=[=~])", answers.strip())
    out = []
    for p in filter(None, (x.strip() for x in parts)):
        marker, p = p[0], p[1:]
        weight = None
        m = re.match(r"^%(-?[0-9.]+)%", p)
        if m:
            weight, p = float(m.group(1)), p[m.end() :]
        text, _, fb = p.partition("#")
        out.append((marker, weight, _post(text), _post(fb)))
    return out


# ------------------------------------------------------------------ GIFT
def test_gift_escapes_every_special_character_exactly(tricky):
    gift = export_gift(tricky, "one")
    assert r"::causes.tricky.q1::[markdown]Ratio \~ 2\:1 \= " in gift
    assert r'"a\#b" \{set\}, path C\:\\temp?{' in gift
    assert r"=x \= y#Yes\: x \= y \~ always \#1 \{ok\}" in gift
    assert r"~x \~ y#No\: \\n is not a newline here" in gift
    assert r"####Because \{a\} \= b\: see \#3 \~ end. (Evidence\: strong.)" in gift
    assert r"{T#Wrong\: it is 2 \#math#Right\: 1 + 1 \= 2.####Arithmetic. (Evidence\: strong.)}" in gift


def test_gift_reads_back_as_the_course_says(tricky):
    parsed = parse_gift(export_gift(tricky))
    by_id = {q.id: q for q in tricky.questions.values()}
    assert set(parsed) == {
        qid for qid in by_id if qid not in ("causes.cold.q6", "causes.cold.q9", "causes.tricky.q6")
    }
    for qid, got in parsed.items():
        q = by_id[qid]
        assert got["text"].startswith(q.prompt)
        assert got["general"].startswith(f"{q.explanation} (Evidence: {q.evidence}.)")
        if q.type == "single":
            choices = split_choices(got["answers"])
            assert [(m, t, f) for m, _w, t, f in choices] == [
                ("=" if o.correct else "~", o.text, o.feedback) for o in q.options
            ]
        elif q.type == "multiple":
            choices = split_choices(got["answers"])
            assert [(t, f) for _m, _w, t, f in choices] == [(o.text, o.feedback) for o in q.options]
            weights = [w for _m, w, _t, _f in choices]
            assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=1e-3)
            n = sum(o.correct for o in q.options)
            assert all(
                w == pytest.approx(100 / n if o.correct else -100 / n, abs=1e-4)
                for w, o in zip(weights, q.options, strict=True)
            )
        elif q.type == "truefalse":
            value, wrong, right = got["answers"].split("#")
            assert value == ("T" if q.answer else "F")
            assert (_post(right), _post(wrong)) == (
                (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
            )
        elif q.type == "numeric":
            first = got["answers"].split("\n")[0]
            assert first.startswith("#")
            key = re.match(r"#\s*=(\S+?)#", got["answers"].replace("\n", " ")).group(1)
            lo, hi = q.bounds
            if ".." in key:
                a, b = key.split("..")
                assert (float(a), float(b)) == (lo, hi)
            else:
                v, tol = key.split(":")
                assert (float(v) - float(tol), float(v) + float(tol)) == pytest.approx((lo, hi))
            assert "~#Not within the accepted range." in got["answers"]
        elif q.type == "short":
            # =accepted#feedback for each spelling, then =%0%wrong#feedback for each known wrong answer
            said = [c.split("#") for c in got["answers"].split("=") if c.strip()]
            assert [(_post(a), _post(f)) for a, f in said] == [(a, q.feedback) for a in q.accept] + [
                (f"%0%{w.text}", w.feedback) for w in q.wrong
            ]
        elif q.type == "matching":
            pairs = [p.strip() for p in got["answers"].split("=") if p.strip()]
            assert [tuple(_post(x) for x in p.split("->", 1)) for p in pairs] == [
                (p.left, p.right) for p in q.pairs
            ]
        else:
            raise AssertionError(q.type)


def test_gift_skips_what_it_cannot_say(tricky):
    assert skipped(tricky, "gift") == [
        ("causes.cold.q6", "GIFT has no ordering question type"),
        ("causes.cold.q9", "GIFT has no question answered by setting an interactive model"),
        ("causes.tricky.q6", "a left-hand item contains '->', which GIFT matching cannot escape"),
    ]
    assert "causes.cold.q6" not in export_gift(tricky)
    with pytest.raises(ExportError, match="unknown lesson 'nine'"):
        export_gift(tricky, "nine")
    with pytest.raises(ExportError, match="lesson 'two' has no quiz questions"):
        export_gift(tricky, "two")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Co"))))
def test_gift_escaping_round_trips(text):
    escaped = gift_escape(text)
    assert gift_unescape(escaped) == text.replace("\r", "")
    assert _post(_pre(escaped)) == text.replace("\r", "").strip()  # as Moodle reads it
    assert "\n" not in escaped
    # No special character is left bare: each one follows an escaping backslash.
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert i + 1 < len(escaped) and escaped[i + 1] in "\\~=#{}:n"
            i += 2
            continue
        assert escaped[i] not in "~=#{}:"
        i += 1


# ------------------------------------------------------------------ jupyterquiz
def test_jupyterquiz_export_validates_against_the_schema(tricky, fixture_course):
    for course in (fixture_course, tricky):
        data = export_jupyterquiz(course)
        jsonschema.Draft202012Validator(SCHEMA).validate(data)
    data = export_jupyterquiz(fixture_course)
    assert [q["type"] for q in data] == [
        "multiple_choice",
        "many_choice",
        "multiple_choice",
        "numeric",
        "numeric",
        "string",
    ]
    tf = data[2]
    assert [(a["answer"], a["correct"]) for a in tf["answers"]] == [("Fact", False), ("Myth", True)]
    assert tf["answers"][1]["feedback"].startswith("Right: it is a myth.")
    num = data[3]
    assert num["question"].endswith("(in %)")
    assert num["answers"][0] == {
        "type": "range",
        "range": [5.75, 6.75],
        "correct": True,
        "feedback": "Correct. r to the fourth.",
    }
    assert num["answers"][1]["value"] == 6.75  # jupyterquiz ranges exclude their upper end
    assert num["answers"][-1]["type"] == "default"
    assert skipped(fixture_course, "jupyterquiz") == [
        ("causes.cold.q6", "jupyterquiz has no put in order question type"),
        ("causes.cold.q7", "jupyterquiz has no matching question type"),
        ("causes.cold.q9", "jupyterquiz has no question answered by setting an interactive model"),
    ]


def test_schema_is_not_vacuous():
    v = jsonschema.Draft202012Validator(SCHEMA)
    good = {
        "question": "q",
        "type": "multiple_choice",
        "answers": [{"answer": "a", "correct": True}, {"answer": "b", "correct": False}],
    }
    assert v.is_valid([good])
    assert not v.is_valid([{**good, "type": "multiple_choices"}])
    assert not v.is_valid([{k: w for k, w in good.items() if k != "answers"}])
    assert not v.is_valid(
        [{**good, "answers": [{"answer": "a", "correct": "yes"}, {"answer": "b", "correct": False}]}]
    )
    assert not v.is_valid(
        [{"question": "n", "type": "numeric", "answers": [{"range": [1], "correct": True}]}]
    )
    assert not v.is_valid([{**good, "id": "x"}])


def test_jupyterquiz_export_escapes_html(tricky):
    data = export_jupyterquiz(tricky, "one")
    q4 = next(q for q in data if q["question"].startswith("Temperature"))
    assert q4["question"] == "Temperature drop: 37 -&gt; ? (C)"


def test_jupyterquiz_round_trip_gives_a_bank_that_check_accepts(fixture_course, content_copy, tmp_path):
    src = tmp_path / "quiz.json"
    src.write_text(json.dumps(export_jupyterquiz(fixture_course)))
    text = import_jupyterquiz(src, "causes.again", "one", "Cold, again", course=fixture_course)
    (content_copy / "quizzes" / "causes.again.yaml").write_text(text)
    course, errors = collect_errors(content_copy)
    assert errors == []
    new, old = course.bank("causes.again").questions, fixture_course.bank("causes.cold").questions
    assert [q.type for q in new] == ["single", "multiple", "truefalse", "numeric", "numeric", "short"]
    assert [q.id for q in new] == [f"causes.again.q{k}" for k in range(1, 7)]
    assert all(q.evidence == "unproven" for q in new)
    exported = [q for q in old if not q.unsupported("jupyterquiz")]  # not ordering, not matching
    for n, o in zip(new, exported, strict=True):  # the same right answers
        assert (
            grade(n, right_answer(n), course).answer_text
            == grade(o, right_answer(o), fixture_course).answer_text
            or n.type == "numeric"
        )
    assert new[2].answer is False and new[2].feedback_false.startswith("Right: it is a myth.")
    assert new[3].min == 5.75 and new[3].max == 6.75 and new[4].min == 1.1 and new[4].max == 1.2
    assert new[0].explanation.startswith("Yes: kinetics slow.")
    assert "# - evidence: 'unproven' on every question" in text


THIRD_PARTY = [
    {
        "question": "Which of these are <b>muscles</b>?",
        "type": "many_choice",
        "answers": [
            {"answer": "Soleus", "correct": True, "feedback": "Yes, a calf muscle."},
            {"answer": "Femur", "correct": False},
        ],
    },
    {
        "question": "Enter pi",
        "type": "numeric",
        "precision": 3,
        "answers": [
            {"type": "value", "value": 3.14, "correct": True},
            {"type": "range", "range": [-100, 0], "correct": False, "feedback": "Positive!"},
            {"type": "default", "feedback": "Try again."},
        ],
    },
    {
        "question": "Who?",
        "type": "string",
        "answers": [
            {"answer": "JFK", "correct": True, "feedback": "Kennedy, yes."},
            {"answer": "jfk ", "correct": True},
            {"answer": "John F. Kennedy", "correct": True, "match_case": True},
            {"answer": "Nixon", "correct": False, "feedback": "Later."},
            {"type": "default", "feedback": "Think of 1961."},
        ],
    },
    {"question": "Pick one", "type": "multiple_choice", "answers": [{"answer": "a", "correct": False}]},
    {
        "question": "Which is the calf?",
        "type": "multiple_choice",
        "code": "leg = 'calf'",
        "answers": [
            {"answer": "calf", "correct": True, "feedback": "Correct."},
            {"answer": "shin", "correct": False, "feedback": "The shin is in front."},
        ],
    },
]


def test_import_of_a_third_party_file(content_copy, tmp_path):
    text, skips = convert_jupyterquiz(THIRD_PARTY, "causes.imported", "one", "Imported")
    assert skips == [(4, "no answer is marked correct")]
    assert "# Skipped: jupyterquiz question 4: no answer is marked correct" in text
    (content_copy / "quizzes" / "causes.imported.yaml").write_text(text)
    course, errors = collect_errors(content_copy)
    assert errors == []
    q1, q2, typed, q3 = course.bank("causes.imported").questions
    assert q1.type == "multiple" and q1.prompt == "Which of these are muscles?"
    assert [o.feedback for o in q1.options] == ["Yes, a calf muscle.", "Not correct."]
    assert q1.explanation == "Yes, a calf muscle."
    assert q2.type == "numeric" and q2.value == 3.14 and q2.tolerance == pytest.approx(0.005)
    assert q2.explanation.startswith("No explanation came with the imported question")
    # A string question becomes "type the word": spellings once each, wrong answers with their feedback.
    assert typed.type == "short" and typed.accept == ["JFK", "John F. Kennedy"]
    assert [(w.text, w.feedback) for w in typed.wrong] == [("Nixon", "Later.")]
    assert typed.feedback == "Kennedy, yes." and typed.feedback_other == "Think of 1961."
    assert "# match_case dropped: typed answers here ignore case" in text
    assert q3.type == "single" and "leg = 'calf'" in q3.prompt
    assert q3.explanation.startswith("No explanation")  # a bare "Correct." explains nothing
    data = yaml.safe_load(text)
    assert data["bank"] == "causes.imported" and data["lesson"] == "one"
    assert "# HTML tags removed from the question" in text
    assert "# placeholder explanation: write one" in text


@pytest.mark.parametrize(
    "data, kwargs, message",
    [
        (THIRD_PARTY, {"bank_id": "Bad Id"}, "bank id 'Bad Id' is not valid"),
        (THIRD_PARTY, {"lesson": "nine"}, "unknown lesson 'nine'"),
        (THIRD_PARTY, {"bank_id": "causes.cold"}, "already exists"),
        ({"questions": 1}, {}, "JSON list of questions"),
        ([THIRD_PARTY[3]], {}, "no question in the file could be imported: question 1: no answer is marked"),
        (THIRD_PARTY, {"title": "  "}, "needs a title"),
    ],
)
def test_import_refuses_what_it_cannot_use(fixture_course, data, kwargs, message):
    args = {"bank_id": "causes.new", "lesson": "one", "title": "New", "course": fixture_course, **kwargs}
    with pytest.raises(ExportError, match=message):
        convert_jupyterquiz(data, **args)


def test_import_reads_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    with pytest.raises(ExportError, match="not a JSON file"):
        import_jupyterquiz(bad, "causes.x", "one", "X")
    with pytest.raises(ExportError, match="cannot read"):
        import_jupyterquiz(tmp_path / "missing.json", "causes.x", "one", "X")


# ------------------------------------------------------------------ Markdown worksheet
def test_markdown_worksheet_has_the_key_on_its_own_page(tricky):
    md = export_markdown(tricky, "one")
    assert md.count(PAGE_BREAK) == 1
    sheet, key = md.split(PAGE_BREAK)
    n = len([q for b in tricky.banks_for("one") for q in b.questions])
    assert [int(x) for x in re.findall(r"^\*\*(\d+)\.\*\*", sheet, re.M)] == list(range(1, n + 1))
    assert [int(x) for x in re.findall(r"^\*\*(\d+)\.\*\*", key, re.M)] == list(range(1, n + 1))
    assert "Answer key" not in sheet and "Why:" not in sheet
    assert "**1.** A (slower)" in key  # causes.cold.q1
    assert "*Read again:* [notebooks/01_one.ipynb#ratio-section](notebooks/01_one.ipynb#ratio-section)" in key
    # Ordering: the key's letters undo the sheet's shuffle.
    q6 = sheet.split("**6.**")[1].split("**7.**")[0]
    letters = dict(re.findall(r"- ____ ([A-Z])\. (.+)", q6))
    key6 = key.split("**6.**")[1].split("\n")[0]
    order = re.findall(r"([A-Z]) \(", key6)
    assert [letters[x] for x in order] == [
        "Action potential",
        "SR releases calcium",
        "Calcium binds troponin",
        "Cross-bridges cycle",
    ]
    assert export_markdown(tricky, "one") == md  # the same worksheet every time
    assert skipped(tricky, "markdown") == []


# ------------------------------------------------------------------ commands
def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="cramp-lessons")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_export_command(tmp_path, capsys):
    content = str(FIXTURES / "content")
    code, out, err = run(
        ["export", "--format", "gift", "--content-dir", content, "-o", str(tmp_path / "q.gift")], capsys
    )
    assert code == 0 and out == ""
    assert "skipped causes.cold.q6: GIFT has no ordering question type" in err
    assert (tmp_path / "q.gift").read_text().count("::causes.cold.q") == 7
    code, out, err = run(["export", "--format", "jupyterquiz", "--content-dir", content], capsys)
    assert code == 0
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(out))
    assert err.count("skipped") == 3
    code, out, err = run(
        ["export", "--format", "markdown", "--lesson", "one", "--content-dir", content], capsys
    )
    assert code == 0 and PAGE_BREAK in out and err == ""
    code, out, err = run(["export", "--format", "gift", "--lesson", "nine", "--content-dir", content], capsys)
    assert (
        code == 1 and out == "" and err.startswith("error: unknown lesson 'nine'") and "Traceback" not in err
    )
    code, _, err = run(["export", "--format", "gift", "--content-dir", str(tmp_path / "none")], capsys)
    assert code == 1 and "content folder not found" in err


def test_import_command(tmp_path, capsys, content_copy, fixture_course):
    src = tmp_path / "quiz.json"
    src.write_text(json.dumps(THIRD_PARTY))
    out_file = content_copy / "quizzes" / "causes.heat.yaml"
    code, out, err = run(
        [
            "import",
            "--format",
            "jupyterquiz",
            str(src),
            "--bank",
            "causes.heat",
            "--lesson",
            "one",
            "--content-dir",
            str(content_copy),
            "-o",
            str(out_file),
        ],
        capsys,
    )
    assert code == 0 and "skipped jupyterquiz question 4" in err and "wrote" in err
    course, errors = collect_errors(content_copy)
    assert errors == [] and course.bank("causes.heat").title == "Causes heat"
    # Now the bank exists: a second import under the same id is refused.
    code, out, err = run(
        [
            "import",
            "--format",
            "jupyterquiz",
            str(src),
            "--bank",
            "causes.heat",
            "--lesson",
            "one",
            "--content-dir",
            str(content_copy),
        ],
        capsys,
    )
    assert code == 1 and "already exists" in err
    bad = tmp_path / "bad.json"
    bad.write_text("nope")
    code, out, err = run(
        [
            "import",
            "--format",
            "jupyterquiz",
            str(bad),
            "--bank",
            "causes.x",
            "--lesson",
            "one",
            "--content-dir",
            str(content_copy),
        ],
        capsys,
    )
    assert code == 1 and "is not a JSON file" in err and "Traceback" not in err
    # To standard output when there is no -o.
    code, out, err = run(
        [
            "import",
            "--format",
            "jupyterquiz",
            str(src),
            "--bank",
            "causes.y",
            "--lesson",
            "one",
            "--title",
            "Why",
            "--content-dir",
            str(content_copy),
        ],
        capsys,
    )
    assert code == 0 and yaml.safe_load(out)["title"] == "Why"


# ------------------------------------------------------------------ hostile import files
def _import_argv(src, content_copy):
    return ["import", "--format", "jupyterquiz", str(src), "--bank", "causes.x", "--lesson", "one",
            "--content-dir", str(content_copy)]  # fmt: skip


def test_import_of_deeply_nested_json_is_refused_without_a_traceback(tmp_path, capsys, content_copy):
    src = tmp_path / "deep.json"
    src.write_text("[" * 100_000)
    with pytest.raises(ExportError, match="deep.json is nested too deeply"):
        import_jupyterquiz(src, "causes.x", "one", "X")
    code, out, err = run(_import_argv(src, content_copy), capsys)
    assert code == 1 and out == "" and "nested too deeply" in err and "Traceback" not in err


def test_import_of_an_oversized_file_is_refused_before_it_is_parsed(tmp_path, capsys, content_copy):
    from cramp_lessons.course.model import MAX_FILE_BYTES

    src = tmp_path / "big.json"
    src.write_text(json.dumps(THIRD_PARTY) + " " * MAX_FILE_BYTES + "[")  # invalid JSON past the cap
    with pytest.raises(ExportError, match=f"big.json is larger than {MAX_FILE_BYTES:,} bytes"):
        import_jupyterquiz(src, "causes.x", "one", "X")
    code, _, err = run(_import_argv(src, content_copy), capsys)
    assert code == 1 and "larger than" in err and "Traceback" not in err


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "question",
                    "answers",
                    "answer",
                    "correct",
                    "feedback",
                    "value",
                    "range",
                    "precision",
                    "code",
                    "questions",
                ]
            )
            | st.text(max_size=4),
            inner | st.sampled_from(["multiple_choice", "many_choice", "numeric", "string", "Fact", "Myth"]),
            max_size=6,
        )
    ),  # fmt: skip
    max_leaves=40,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300) | _JSON.map(lambda v: json.dumps(v).encode()))
def test_any_import_file_gives_a_bank_or_an_export_error(tmp_path, fixture_course, content):
    src = tmp_path / "any.json"
    src.write_bytes(content)
    try:
        text = import_jupyterquiz(src, "causes.x", "one", "X", fixture_course)
    except ExportError as e:
        assert len(str(e)) < 2000
    else:
        assert yaml.safe_load(text)["bank"] == "causes.x"


def test_an_import_error_message_is_not_a_dump_of_the_file(tmp_path):
    src = tmp_path / "odd.json"
    src.write_text(json.dumps([{"type": "x" * 1000, "question": "Q?", "answers": [{}]}] * 500))
    with pytest.raises(ExportError, match=r"question 1: unknown question type 'xxx.*; and 495 more$") as e:
        import_jupyterquiz(src, "causes.x", "one", "X")
    assert len(str(e.value)) < 1000


# ------------------------------------------------------------------ type the word (short answers)
def test_typed_answers_go_to_gift_jupyterquiz_and_the_worksheet_and_come_back():
    from cramp_lessons.course.model import load_course

    course = load_course()
    q = course.question("calcium.q16")
    gift = export_gift(course, "is_it_calcium")
    block = gift[gift.index("::calcium.q16::") :].split("\n}\n", 1)[0]
    # GIFT short answer: every accepted spelling an "=" answer, a known wrong one worth 0%.
    assert "\t=tetany#" in block and "\t=hypocalcemic tetany#" in block and "\t=%0%cramp#" in block
    data = export_jupyterquiz(course, "is_it_calcium")
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    (jq,) = [d for d in data if d["type"] == "string"]
    assert [a["answer"] for a in jq["answers"] if a.get("correct")] == q.accept
    assert jq["answers"][-1] == {"type": "default", "feedback": q.feedback_other}
    sheet = export_markdown(course, "is_it_calcium")
    assert "tetany (also accepted: hypocalcaemic tetany, hypocalcemic tetany)" in sheet
    text, skips = convert_jupyterquiz([jq], "causes.back", "one", "Back")
    (back,) = yaml.safe_load(text)["questions"]
    assert skips == [] and back["type"] == "short" and back["accept"] == q.accept
    assert [w["text"] for w in back["wrong"]] == [w.text for w in q.wrong]


def test_the_schema_checks_string_questions():
    v = jsonschema.Draft202012Validator(SCHEMA)
    good = {"question": "q", "type": "string", "answers": [{"answer": "a", "correct": True}]}
    assert v.is_valid([good])
    assert not v.is_valid([{**good, "answers": [{"answer": "a"}]}])  # correct is required
    assert not v.is_valid([{**good, "answers": [{"answer": "a", "correct": True, "fuzzy": 0.8}]}])
