"""A real JupyterLab, started on loopback for the test session, driven by Debian's Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS, free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "cramp-browser-test"


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Yield (base_url, token, home); the server is stopped at the end."""
    tmp = tmp_path_factory.mktemp("lab")
    settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No news or update pop-ups over the notebook.
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # Serve a copy of the notebooks: running them in the browser must never rewrite the repo's files.
    root = tmp / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(
        ROOT / "cramp_lessons" / "content", root / "cramp_lessons" / "content"
    )  # the disclaimer link
    shutil.copy(ROOT / "jupytext.toml", root)  # with jupytext installed, serve as `make lab` does here
    docs = tmp / "settings" / "@jupyterlab" / "docmanager-extension"
    docs.mkdir(parents=True)
    (docs / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    env = dict(
        os.environ,
        CRAMP_LESSONS_HOME=str(tmp / "home"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
    )
    port = free_port()
    log = open(tmp / "lab.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--expose-app-in-browser",
            "--ServerApp.disable_check_xsrf=False",
            "--LabApp.news_url=None",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"JupyterLab did not start; log:\n{(tmp / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield base, TOKEN, tmp / "home"
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


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
