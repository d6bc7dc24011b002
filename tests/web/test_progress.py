"""Progress on the website: answers are kept in the browser, survive a reload, show per lesson, and
"Download my progress" writes the file `cramp-lessons progress import` takes, so every answer
arrives in JupyterLab's store as it was given. Bad stored data is set aside with a message in words,
never a broken page or a console error."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from cramp_lessons.course.grading import check
from cramp_lessons.learner.portable import canonical_json
from cramp_lessons.learner.progress import ProgressStore
from tests.web.conftest import ORIGIN

KEY = "cramp-lessons.attempts"
CLI = [sys.executable, "-m", "cramp_lessons.cli.main"]


def stored(page) -> list[dict]:
    return json.loads(page.evaluate(f"localStorage.getItem({KEY!r}) || '[]'"))


def answer(page, qid: str, value) -> None:
    """Enter ``value`` into a question's input as a learner would, and press Check."""
    box = page.locator(f'[data-question="{qid}"]')
    kind = box.get_attribute("data-type")
    if kind in ("single", "multiple"):
        for v in [value] if kind == "single" else value:
            box.locator(f'input[value="{v}"]').check()
    elif kind == "truefalse":
        box.locator(f'input[value="{"fact" if value else "myth"}"]').check()
    elif kind in ("numeric", "short"):
        box.locator("input[type=text]").fill(str(value))
    elif kind == "ordering":
        for k, item in enumerate(value):
            box.locator("select").nth(k).select_option(item)
    elif kind == "matching":
        for pid, right in value.items():
            selects = box.locator("select")
            labels = box.locator("label")
            k = [labels.nth(i).inner_text() for i in range(labels.count())].index(_left(page, qid, pid))
            selects.nth(k).select_option(right)
    elif kind == "explorer":
        slider = box.locator("input[type=range]")
        slider.focus()
        start, step = float(slider.input_value()), float(slider.get_attribute("step"))
        key = "ArrowLeft" if value < start else "ArrowRight"
        for _ in range(round(abs(value - start) / step)):
            page.keyboard.press(key)
        assert abs(float(slider.input_value()) - value) < 1e-9
    box.locator("button.cramp-check").click()
    box.locator(".cramp-feedback").locator("p").first.wait_for()


def _left(page, qid: str, pid: str) -> str:
    pairs = page.evaluate(f"window.CrampQuiz.data().questions[{qid!r}].pairs")
    return next(p["left"] for p in pairs if p["id"] == pid) + ":"


def import_file(path: Path, home: Path) -> str:
    env = dict(os.environ, CRAMP_LESSONS_HOME=str(home))
    done = subprocess.run(
        [*CLI, "progress", "import", str(path)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_answers_kept_shown_downloaded_and_imported(site, course, tmp_path):
    page = site.page()
    page.goto(f"{ORIGIN}/quiz-calcium+causes.arteries+basics.html")
    seed = page.evaluate("localStorage.getItem('cramp-lessons.seed')")
    variant = page.evaluate(
        "([id, s]) => window.CrampQuiz.variantFor(window.CrampQuiz.data().questions[id], s)",
        ["causes.arteries.q10", seed],
    )
    plan = [
        ("calcium.q1", course.questions["calcium.q1"].right_answer()),  # myth or fact
        ("calcium.q7", course.questions["calcium.q7"].right_answer()),  # multiple
        ("calcium.q3", course.questions["calcium.q3"].right_answer()),  # ordering
        ("calcium.q16", "  " + course.questions["calcium.q16"].accept[0].upper() + ". "),  # short
        ("calcium.q17", 1.04),  # explorer, with the keyboard
        ("calcium.q6", next(o.id for o in course.questions["calcium.q6"].options if not o.correct)),
        ("causes.arteries.q10", str(variant["value"]).replace(".", ",")),  # a variant, typed the French way
        ("basics.q2", course.questions["basics.q2"].right_answer()),  # matching
    ]
    for qid, value in plan:
        answer(page, qid, value)
    kept = stored(page)
    assert [a["question_id"] for a in kept] == [qid for qid, _ in plan]
    assert kept[6]["answer"] == {"seed": variant["seed"], "answer": plan[6][1]}  # a variant keeps its draw
    assert kept[4]["answer"] == {"ca_mmol": 1.04, "temp_c": 10, "drive": 10}
    assert [a["correct"] for a in kept] == [True, True, True, True, True, False, True, True]

    page.reload()  # answers survive a reload
    assert stored(page) == kept

    page.goto(f"{ORIGIN}/progress.html")
    table = page.locator(".cramp-progress-table")
    row = table.locator("tr", has=page.locator("th", has_text="Is it calcium"))
    assert row.locator("td").all_inner_texts() == ["6", "5", str(len(course.bank("calcium").questions))]
    assert not page.locator(".cramp-progress-messages p").count()

    button = page.get_by_role("button", name="Download my progress")
    button.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.startswith("cramp-lessons-progress-") and path.suffix == ".json"

    home = tmp_path / "home"
    out = import_file(path, home)
    assert "8 attempts added" in out
    imported = [
        {
            "uid": a.uid,
            "question_id": a.question_id,
            "answer": a.answer,
            "score": a.score,
            "correct": a.correct,
            "seconds": a.seconds,
            "at": a.at,
        }
        for a in ProgressStore(home / "progress.sqlite").attempts()
    ]
    assert imported == kept
    # And Python grades each imported answer as the website did (a variant by its own draw).
    for a in imported:
        g = check(a["question_id"], a["answer"], course)
        assert (g.score, g.correct) == (a["score"], a["correct"]), a
    assert "0 attempts added, 8 already there" in import_file(path, home)  # merging twice adds nothing
    assert not site.console, site.console


def test_the_checksum_is_pythons(site):
    """The file's canonical JSON and sha256 are Python's, for awkward numbers and text too."""
    page = site.page()
    page.goto(f"{ORIGIN}/progress.html")
    payloads = [
        {
            "b": [1, 0.5, 1e-05, 1.5e-07, 0.0001, 123456789.125, 1e21, -0.25, 3],
            "a": 'ünï 😀 "q" \\ \n\t\u0001',
        },
        {"z": {"y": None, "x": True, "w": False}, "emoji": "🟢", "long": "x" * 5000},
        {},
    ]
    got = page.evaluate(
        "(ps) => ps.map((p) => [window.CrampProgress.canonicalJson(p), window.CrampProgress.sha256(window.CrampProgress.canonicalJson(p))])",
        payloads,
    )
    for p, (text, digest) in zip(payloads, got, strict=True):
        assert text.encode() == canonical_json(p)
        assert digest == hashlib.sha256(canonical_json(p)).hexdigest()


def _attempt(uid: str, qid: str, **kw) -> dict:
    return {
        "uid": uid,
        "question_id": qid,
        "answer": "b",
        "score": 1,
        "correct": True,
        "seconds": 2.5,
        "at": 1.7e9,
        **kw,
    }


def test_bad_stored_data_is_set_aside_in_words(site, course, tmp_path):
    page = site.page()
    page.goto(f"{ORIGIN}/progress.html")

    # A damaged copy: set aside, a fresh start, the page works.
    page.evaluate(f"localStorage.setItem({KEY!r}, '{{not json')")
    page.reload()
    messages = page.locator(".cramp-progress-messages")
    assert "could not be read" in messages.inner_text()
    assert page.evaluate("localStorage.getItem('cramp-lessons.attempts.set-aside')") == '["{not json"]'
    assert page.evaluate(f"localStorage.getItem({KEY!r})") is None

    # One good entry, two the import would refuse, one to a question the course no longer has.
    right = course.questions["basics.q1"].right_answer()
    entries = [
        _attempt("good1", "basics.q1", answer=right),
        {"uid": "half"},
        _attempt("bad2", "Not An Id!"),
        _attempt("gone1", "gone.q99"),
    ]
    page.evaluate(f"(e) => localStorage.setItem({KEY!r}, JSON.stringify(e))", entries)
    page.reload()
    text = messages.inner_text()
    assert "2 stored answers could not be read and were set aside" in text
    assert "1 question you answered is not in this course any more (gone.q99)" in text
    row = page.locator("tr", has=page.locator("th", has_text="What is a cramp"))
    assert row.locator("td").nth(0).inner_text() == "1"

    # The quiz still works beside bad data, and the download imports.
    quiz = site.page()
    quiz.goto(f"{ORIGIN}/quiz-basics.html")
    answer(quiz, "basics.q4", course.questions["basics.q4"].right_answer())
    assert "Correct" in quiz.locator('[data-question="basics.q4"] .cramp-feedback').inner_text()
    page.reload()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my progress").click()
    path = tmp_path / "progress.json"
    info.value.save_as(path)
    assert [a["question_id"] for a in json.loads(path.read_text())["attempts"]] == [
        "basics.q1",
        "gone.q99",
        "basics.q4",
    ]
    assert "3 attempts added" in import_file(path, tmp_path / "home")

    # A page asking for a quiz that is not there says so.
    missing = site.page()
    missing.goto(f"{ORIGIN}/quiz-nope.html")
    assert 'This page has no quiz "nope"' in missing.locator(".cramp-web-quiz").inner_text()
    assert not site.console, site.console
