"""A real JupyterLab, started on loopback for the test session, driven by Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS, jupyterlab

if TYPE_CHECKING:
    from playwright.sync_api import Browser

TOKEN = "cramp-browser-test"


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Yield (base_url, token, home); the server is stopped at the end."""
    tmp = tmp_path_factory.mktemp("lab")
    with contextlib.ExitStack() as stack:
        try:
            base = stack.enter_context(jupyterlab(tmp, TOKEN))
        except RuntimeError as e:
            pytest.fail(str(e))
        yield base, TOKEN, tmp / "home"


def chromium(who: str = "The browser test") -> Iterator[Browser]:
    """Debian's Chromium under Playwright: the body of the session's one `browser` fixture
    (tests/conftest.py), shared by the JupyterLab and the website tests, since Playwright's sync API
    cannot run twice in one process."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(
            f"{who} needs Chromium at {CHROMIUM}. Install it: sudo apt-get install -y chromium "
            f"(or set CRAMP_CHROMIUM to its path). `make test` installs it when run as root."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    ctx.close()
