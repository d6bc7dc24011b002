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
    from cramp_lessons.course import load_course

    return load_course(FIXTURE)
