import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture(autouse=True)
def _own_home(tmp_path, monkeypatch):
    """No unit test touches the learner's store or the one nbval's kernels share."""
    monkeypatch.setenv("CRAMP_LESSONS_HOME", str(tmp_path / "home"))


@pytest.fixture
def content_copy(tmp_path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(FIXTURE, dst)
    return dst


@pytest.fixture(scope="session")
def fixture_course():
    from cramp_lessons.course.model import load_course

    return load_course(FIXTURE)


class FakeClassClient:
    """Stands in for a joined StudentClient: keeps what would be sent to the class."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []

    def record(self, qid: str, answer: object) -> None:
        self.sent.append((qid, answer))

    def stop(self) -> None:
        pass


@pytest.fixture
def joined_class():
    """A call that joins a fake class (``join()`` -> its client) and leaves it after the test."""
    from cramp_lessons import classroom

    def join() -> FakeClassClient:
        client = FakeClassClient()
        classroom.set_active(client)
        return client

    yield join
    classroom.set_active(None)


@pytest.fixture(scope="session")
def browser():
    """Chromium for the JupyterLab and the website tests: one for the whole run."""
    from tests.browser.conftest import chromium

    yield from chromium()
