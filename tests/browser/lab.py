"""Helpers that drive a JupyterLab page the way a person would, and read what it shows."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request

from playwright.sync_api import Page

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
