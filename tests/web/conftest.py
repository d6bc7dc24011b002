"""The website's quizzes and progress in Debian's Chromium, with no JupyterLab and no server.

Pages are served by Playwright's request routing at http://cramp.test/ (a real origin, so
localStorage works); any other request is refused and fails the test. Chromium is launched as in
tests/browser/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cramp_lessons.course.model import load_course
from cramp_lessons.formats.web import questions_script, web_questions

STATIC = Path(__file__).resolve().parents[2] / "cramp_lessons" / "web" / "static"
ORIGIN = "http://cramp.test"
# The contract a site page follows (quiz.js's header): the questions, then progress.js, then quiz.js.
SCRIPTS = (
    '<script src="/cramp-questions.js"></script>\n<script src="/progress.js"></script>\n'
    '<script src="/quiz.js"></script>'
)


def html_page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="icon" href="data:,"></head><body><main><h1>{title}</h1>\n{body}\n{SCRIPTS}'
        "</main></body></html>"
    )


def quiz_page(*banks: str) -> str:
    quizzes = "\n".join(
        f'<h2>Check yourself</h2><div class="cramp-web-quiz" data-bank="{b}"></div>' for b in banks
    )
    return html_page("Lesson", quizzes)


PROGRESS_PAGE = html_page("Your progress", '<div class="cramp-web-progress"></div>')


@pytest.fixture(scope="session")
def course():
    return load_course()


@pytest.fixture(scope="session")
def web_data(course):
    return web_questions(course)


@pytest.fixture(scope="session")
def chromium(browser):
    return browser


class Site:
    """A browser context serving the site's pages; records what the pages say on the console."""

    def __init__(self, browser, web_data) -> None:
        self.ctx = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
        self.outside: list[str] = []  # requests that left the site
        self.console: list[str] = []
        self.files = {
            "/quiz.js": (STATIC / "quiz.js").read_text(encoding="utf-8"),
            "/progress.js": (STATIC / "progress.js").read_text(encoding="utf-8"),
            "/cramp-questions.js": questions_script(web_data),
            "/progress.html": PROGRESS_PAGE,
        }
        self.ctx.route("**/*", self._serve)

    def _serve(self, route) -> None:
        url = route.request.url
        if not url.startswith(ORIGIN + "/"):
            self.outside.append(url)
            route.abort()
            return
        path = url[len(ORIGIN) :].split("?")[0]
        if path.startswith("/quiz-") and path.endswith(".html"):
            body = quiz_page(*path[len("/quiz-") : -len(".html")].split("+"))
        elif path in self.files:
            body = self.files[path]
        else:
            route.fulfill(status=404, body="not found")
            return
        kind = "text/html" if path.endswith(".html") else "text/javascript"
        route.fulfill(status=200, body=body, headers={"content-type": f"{kind}; charset=utf-8"})

    def page(self):
        pg = self.ctx.new_page()
        pg.set_default_timeout(15_000)
        pg.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        pg.on("pageerror", lambda e: self.console.append(f"page error: {e}"))
        return pg

    def close(self) -> None:
        self.ctx.close()


@pytest.fixture
def site(chromium, web_data):
    s = Site(chromium, web_data)
    yield s
    s.close()
    assert not s.outside, f"requests left the site: {s.outside}"
