"""Helpers that drive a JupyterLab page the way a person would, and read what it shows."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]

# Debian's Chromium, for the browser tests, the website tests and the browser benchmarks.
CHROMIUM = os.environ.get("CRAMP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(tmp: Path, token: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A JupyterLab on loopback serving a copy of the notebooks from ``tmp``; yields its base URL and is
    stopped at the end. ``env`` is its environment (default: this process's); its settings, workspaces,
    runtime files and the course's home are kept under ``tmp``. RuntimeError, with the end of its log,
    if it does not start within 90 s."""
    settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No news or update pop-ups over the notebook.
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    docs = tmp / "settings" / "@jupyterlab" / "docmanager-extension"
    docs.mkdir(parents=True)
    (docs / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    # Serve a copy of the notebooks: running them in the browser must never rewrite the repo's files.
    root = tmp / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(
        ROOT / "cramp_lessons" / "content", root / "cramp_lessons" / "content"
    )  # the disclaimer link
    shutil.copy(ROOT / "jupytext.toml", root)  # with jupytext installed, serve as `make lab` does here
    env = dict(
        os.environ if env is None else env,
        CRAMP_LESSONS_HOME=str(tmp / "home"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
    )
    port = free_port()
    with open(tmp / "lab.log", "w") as log:
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
                f"--IdentityProvider.token={token}",
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
        try:
            deadline = time.time() + 90
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError as e:
                    if proc.poll() is not None or time.time() > deadline:
                        log.flush()
                        raise RuntimeError(
                            f"JupyterLab did not start; log:\n{(tmp / 'lab.log').read_text()[-3000:]}"
                        ) from e
                    time.sleep(0.5)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body else None


def open_notebook(page: Page, base: str, token: str, notebook: str) -> None:
    page.goto(f"{base}/lab/tree/notebooks/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    # Wait until the kernel reports idle with a connection before running cells.
    deadline = time.time() + 90
    while time.time() < deadline:
        sessions = [s for s in api(base, token, "/api/sessions") if s["path"].endswith(notebook)]
        k = sessions[0]["kernel"] if sessions else None
        if k and k["execution_state"] == "idle" and k["connections"] > 0:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"kernel for {notebook} never became idle")


def run_all(page: Page, timeout: float = 180) -> None:
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.time() + timeout
    time.sleep(1)
    while time.time() < deadline:
        state = page.evaluate(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
                return {busy: prompts.some(p => p.includes('*')), empty: prompts.some(p => p.trim() === '[ ]:' || p.trim() === ''), n: prompts.length};
            }"""
        )
        if state["n"] and not state["busy"] and not state["empty"]:
            return
        time.sleep(0.5)
    raise AssertionError("cells did not finish running")


def shutdown_sessions(base: str, token: str) -> None:
    for s in api(base, token, "/api/sessions"):
        api(base, token, f"/api/sessions/{s['id']}", method="DELETE")


# Kernel outputs that answer a widget's comm message: JupyterLab's widget manager logs each one to the
# log console (error and stderr as errors, the rest as warnings), which is what its status-bar counter
# counts. Cell outputs (answers to execute_request) go to their cells instead.
_WATCH_KERNEL_LOG = """() => {
    window.crampKernelLog = [];
    window.jupyterapp.shell.currentWidget.context.sessionContext.iopubMessage.connect((_, m) => {
        const type = m.header.msg_type, c = m.content;
        window.crampKernelActive = performance.now();
        if (m.parent_header.msg_type === 'comm_msg'
                && ['stream', 'error', 'display_data', 'execute_result'].includes(type))
            window.crampKernelLog.push(`${type}: ${c.text || (c.ename && c.ename + ': ' + c.evalue) || ''}`.slice(0, 300));
    });
}"""


def watch_kernel_log(page: Page) -> None:
    """From now on, record what JupyterLab's log console would get from the current notebook's kernel."""
    page.evaluate(_WATCH_KERNEL_LOG)


def kernel_log(page: Page) -> list[str]:
    return page.evaluate("window.crampKernelLog")


def settle(page: Page, quiet_ms: int = 500) -> None:
    """Wait (after :func:`watch_kernel_log`) until the kernel has sent nothing for ``quiet_ms``: the
    browser answers each redraw a moment after the kernel's update, and the kernel answers that."""
    page.wait_for_function(
        """q => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus === 'idle'
            && performance.now() - (window.crampKernelActive || 0) >= q""",
        arg=quiet_ms,
        polling=100,
    )


def page_problems(page: Page) -> list[str]:
    """Visible signs that something failed to render or raised."""
    return page.evaluate(
        """() => {
            const out = [];
            for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
                const t = el.innerText || '';
                if (t.includes('Error displaying widget')) out.push('Error displaying widget');
                if (t.includes('Traceback') || t.includes('Error:') && el.dataset.mimeType === 'application/vnd.jupyter.stderr') out.push(t.slice(0, 300));
                if (t.includes('Loading widget...')) out.push('widget never loaded');
            }
            return out;
        }"""
    )


def plot_data(page: Page, selector: str) -> list:
    return page.evaluate(
        f"""() => [...document.querySelectorAll({json.dumps(selector)})].map(el => (el.data || []).map(t => [t.x && Array.from(t.x).slice(0, 400), t.y && Array.from(t.y).slice(0, 400)]))"""
    )
