"""A live class in a real browser: a teacher's dashboard, a projector view and two students'
notebooks against one classroom server on loopback. Students join through the join widget and
answer the posed question with a confidence rating; the teacher's chart counts their answers as
they arrive; a second peer-instruction round shows the shift; the projector shows no names and
nothing of the answer until the teacher reveals."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from axe_playwright_python.sync_playwright import Axe
from nbformat.v4 import new_code_cell, new_notebook

from cramp_lessons.course.model import load_course
from cramp_lessons.figures.classroom import shorten
from tests.browser.lab import free_port, open_notebook, page_problems, run_all, shutdown_sessions

pytestmark = pytest.mark.browser
QUESTION = "basics.q1"
EXPLORER_QUESTION = "calcium.q17"  # move the calcium slider to where the nerve starts firing by itself


@pytest.fixture
def classroom(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cramp_lessons.cli.main",
            "classroom",
            "serve",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{tmp_path}/class.sqlite",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline and not any("Press Ctrl+C" in x for x in lines):
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
    text = "".join(lines)
    found = {k: re.search(rf"{k}:\s+(\S+)", text) for k in ("Session", "Join code", "Teacher key")}
    if not all(found.values()):
        proc.kill()
        pytest.fail(f"classroom server did not start:\n{text}")
    url = f"http://127.0.0.1:{port}"
    while True:  # the banner prints just before uvicorn starts listening
        try:
            urllib.request.urlopen(f"{url}/api/health", timeout=2)
            break
        except OSError:
            if time.time() > deadline:
                proc.kill()
                pytest.fail(f"classroom server never answered on {url}")
            time.sleep(0.2)
    yield {"url": url, **{k: m.group(1) for k, m in found.items()}}
    proc.terminate()
    proc.wait(20)


def _notebook(root, name, *cells):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "notebooks" / name)


def serious_violations(page, where: str) -> list[str]:
    found = Axe().run(page, context=where, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in ("serious", "critical")]


def _bar_total(page) -> int:
    return page.evaluate("""() => {
        const p = document.querySelector('.cramp-classroom-dashboard .js-plotly-plot');
        return p && p.data && p.data[0] && p.data[0].y ? Array.from(p.data[0].y).reduce((a, b) => a + b, 0) : -1;
    }""")


def test_live_class_teacher_sees_answers_arrive(lab, browser, classroom):
    base, token, home = lab
    root = home.parent / "root"
    c = classroom
    _notebook(
        root,
        "teacher_live.ipynb",
        "from cramp_lessons.classroom import dashboard\n"
        f"board = dashboard({c['url']!r}, {c['Session']!r}, {c['Teacher key']!r}, interval=0.5)\nboard",
        f"board.pose({QUESTION!r})",
    )
    _notebook(root, "student_live.ipynb", "from cramp_lessons.classroom import join_widget\njoin_widget()")
    q = load_course().question(QUESTION)
    answers = {
        "Ana": next(o for o in q.options if o.correct),
        "Ben": next(o for o in q.options if not o.correct),
    }

    contexts, students = [], {}
    try:
        teacher_ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(teacher_ctx)
        teacher = teacher_ctx.new_page()
        teacher.set_default_timeout(60_000)
        open_notebook(teacher, base, token, "teacher_live.ipynb")
        run_all(teacher)
        teacher.locator(".cramp-classroom-dashboard .js-plotly-plot .main-svg").first.wait_for()
        teacher.wait_for_function(
            "() => document.querySelector('.cramp-classroom-dashboard .js-plotly-plot').data[0].x.length > 0"
        )
        assert _bar_total(teacher) == 0

        for n, (name, option) in enumerate(answers.items(), start=1):
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            contexts.append(ctx)
            student = ctx.new_page()
            student.set_default_timeout(60_000)
            # Each student runs the same notebook in their own kernel (a copy per student).
            copy = f"student_live_{n}.ipynb"
            (root / "notebooks" / copy).write_text((root / "notebooks" / "student_live.ipynb").read_text())
            open_notebook(student, base, token, copy)
            run_all(student)
            students[name] = student
            box = student.locator(".cramp-classroom").first
            box.get_by_label("Server address:").fill(c["url"])
            box.get_by_label("Join code:").fill(c["Join code"])
            box.get_by_label("Display name:").fill(name)
            box.get_by_role("button", name="Join").click()
            question = box.locator(".cramp-question").first
            question.wait_for(timeout=30_000)
            box.get_by_role("button", name="Sure" if name == "Ana" else "Guessing", exact=True).click()
            question.get_by_label(option.text, exact=True).check()
            question.get_by_role("button", name="Check").click()
            box.locator("[role=status]").filter(has_text=re.compile("sent|recorded", re.I)).first.wait_for()
            teacher.wait_for_function(
                f"""() => {{ const p = document.querySelector('.cramp-classroom-dashboard .js-plotly-plot');
                    return p && Array.from(p.data[0].y).reduce((a, b) => a + b, 0) === {n}; }}""",
                timeout=30_000,
            )
            assert page_problems(student) == []
        board = teacher.locator(".cramp-classroom-dashboard")
        board.get_by_text("Roster (class size limit, rename, remove)").click()  # folded away by default
        board.get_by_text("Ana").first.wait_for()
        board.get_by_text("Ben").first.wait_for()

        # The projector: opened from the dashboard's link, in a page of its own.
        board.get_by_role("button", name="Projector link").click()
        link = board.locator("a[href*='/projector/']").first
        link.wait_for()
        proj_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(proj_ctx)
        projector = proj_ctx.new_page()
        projector.goto(link.get_attribute("href"))
        projector.get_by_text("2 of 2 have answered").wait_for()
        projector.get_by_text(q.prompt[:40]).first.wait_for()
        shown = projector.locator("main").inner_text()
        assert "Ana" not in shown and "Ben" not in shown and "Answer:" not in shown

        # Round 2: the teacher closes round 1 and opens round 2; Ben changes his mind.
        board.get_by_role("button", name="Close answering").click()
        board.get_by_role("button", name="Round 2").click()
        projector.get_by_text("Round 2:").first.wait_for()
        ben = students["Ben"]
        ben.locator(".cramp-classroom").get_by_text(re.compile("round 2: answer again")).wait_for()
        question = ben.locator(".cramp-classroom .cramp-question").first
        question.get_by_label(answers["Ana"].text, exact=True).check()
        question.get_by_role("button", name="Check").click()
        projector.get_by_text("1 of 2 have answered").wait_for()
        board.get_by_role("button", name="Reveal answer").click()
        board.get_by_text("1 moved from wrong to right").wait_for()
        projector.get_by_text(f"Answer: {answers['Ana'].text}").wait_for()
        projector.get_by_text("1 moved from a wrong answer to the right one after talking.").wait_for()
        assert "Ana" not in projector.locator("main").inner_text()

        # An explorer question: Ana answers by moving the calcium slider; the chart shows her value.
        xq = load_course().question(EXPLORER_QUESTION)
        board.get_by_label("Lesson:").select_option(label="02 Is it calcium?")
        board.get_by_label("Question:").select_option(label=f"{xq.id}: {shorten(xq.prompt, 50)}")
        board.get_by_role("button", name="Pose and open").click()
        ana = students["Ana"].locator(".cramp-classroom .cramp-question").filter(has_text=xq.prompt[:40])
        ana.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        slider = ana.get_by_role("slider", name="Blood ionised calcium (mmol/L)")
        slider.focus()
        for _ in range(round((xq.start_value - xq.right_answer()[xq.control]) / xq.slider.step)):
            students["Ana"].keyboard.press("ArrowLeft")
        ana.locator("[role=status]").filter(has_text="At 1.04 mmol/L calcium").first.wait_for()
        ana.get_by_role("button", name="Check").click()
        teacher.wait_for_function(
            """() => { const p = document.querySelector('.cramp-classroom-dashboard .js-plotly-plot');
                return p && Array.from(p.data[0].x).join('|') === '1.04 mmol/L'; }""",
            timeout=30_000,
        )

        # A shared explorer state opens in Ben's join widget.
        board.get_by_text("Share an explorer state with the class").click()
        board.get_by_label("Explorer:").select_option(label="Excitability")
        board.locator(".cramp-explorer .js-plotly-plot .main-svg").first.wait_for()
        board.get_by_role("button", name="Share this state").click()
        shared = ben.locator(".cramp-classroom").filter(has_text="Your teacher shared this explorer state")
        shared.locator(".cramp-explorer .js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        for page in (teacher, projector):
            assert page_problems(page) == []
        found = Axe().run(projector, options={"resultTypes": ["violations"]}).response["violations"]
        assert [v["id"] for v in found if v["impact"] in ("serious", "critical")] == []
        for page, where in (
            (teacher, ".cramp-classroom-dashboard"),
            (ben, ".cramp-classroom"),
            (students["Ana"], ".cramp-classroom"),
        ):
            assert serious_violations(page, where) == []
    finally:
        for ctx in contexts:
            for pg in ctx.pages:
                pg.screenshot(path=str(root.parent / "last_classroom.png"))
            ctx.close()
        shutdown_sessions(base, token)
