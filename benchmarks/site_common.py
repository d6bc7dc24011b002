"""What the website benchmarks (``site_size.py``, ``site_explorers.py``) share: the site to measure, built
now or given, and a Chromium that may load nothing but that site."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cramp_lessons.web.build import build_site  # noqa: E402
from cramp_lessons.web.serve import serve  # noqa: E402
from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@contextmanager
def site_to_measure(given: Path | None) -> Iterator[tuple[Path, float | None]]:
    """(site folder, seconds it took to build): ``given`` as it is (None seconds), else the website
    built now into a temporary folder, removed at the end."""
    if given:
        yield given, None
        return
    tmp = Path(tempfile.mkdtemp(prefix="cramp-site-bench-"))
    try:
        t0 = time.perf_counter()
        build_site(tmp / "site")
        yield tmp / "site", time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def offline_chromium(site: Path) -> Iterator[tuple[str, Any, Any, list[str]]]:
    """(base URL, browser, route, outside): ``site`` served on loopback and a headless Chromium. Give
    each page ``page.route("**/*", route)``: requests to the site go through, every other one is
    refused and its URL appended to ``outside``."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

        def route(r: Any) -> None:
            if r.request.url.startswith(base) or r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        try:
            yield base, browser, route, outside
        finally:
            browser.close()
