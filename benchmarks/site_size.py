"""The website (``make site``): build time, size, and the time to an interactive quiz on every page.

    python benchmarks/site_size.py [--runs 5] [--site FOLDER] [--json FILE]

1. builds the site into a temporary folder (or measures ``--site``, already built) and times it;
2. prints the size of the whole folder and, per page, its HTML and everything the page loads
   (its weight on the wire with an empty cache: the page, scripts, styles and fonts);
3. serves it on loopback and opens every page ``--runs`` times in Chromium, each time in a fresh
   context (nothing cached); every request that leaves loopback is blocked and counted. Per page,
   the median time from navigation to: the quizzes mounted and answerable (quiz.js has drawn every
   ``.cramp-web-quiz``: its Check buttons work), every figure drawn, and the load event.

Budgets (printed, never asserted): under 30 MB in all; a quiz interactive within 1 s on loopback.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from site_common import folder_size, offline_chromium, site_to_measure

SIZE_BUDGET_MB = 30
QUIZ_BUDGET_MS = 1000

# Run in the page before its own scripts: the moment every quiz is mounted and every figure drawn.
WATCH = """
(() => {
  const marks = (window.__cramp = {quiz: null, plots: null});
  const check = () => {
    const now = performance.now();
    const q = document.querySelectorAll('.cramp-web-quiz');
    if (marks.quiz === null && q.length && [...q].every(e => e.querySelector('.cramp-question')))
      marks.quiz = now;
    const p = document.querySelectorAll('.cramp-web-plot');
    if (marks.plots === null && p.length && [...p].every(e => e.classList.contains('js-plotly-plot')))
      marks.plots = now;
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
})();
"""
WEIGHT = """
() => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
  .reduce((s, e) => s + (e.encodedBodySize || 0), 0)
"""


def pages(site: Path) -> list[str]:
    return sorted(p.name for p in site.glob("*.html"))


def measure(site: Path, runs: int) -> tuple[list[dict], list[str]]:
    rows: list[dict] = []
    with offline_chromium(site) as (base, browser, route, outside):
        for name in pages(site):
            quiz, plots, load, weight = [], [], [], 0
            for _ in range(runs):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                page.route("**/*", route)
                page.add_init_script(WATCH)
                page.goto(base + name, wait_until="load")
                page.wait_for_load_state("networkidle")
                marks = page.evaluate("window.__cramp")
                load.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                weight = page.evaluate(WEIGHT)
                if marks["quiz"] is not None:
                    quiz.append(marks["quiz"])
                if marks["plots"] is not None:
                    plots.append(marks["plots"])
                ctx.close()
            rows.append(
                {
                    "page": name,
                    "html_bytes": (site / name).stat().st_size,
                    "weight_bytes": weight,
                    "quiz_ms": statistics.median(quiz) if quiz else None,
                    "plots_ms": statistics.median(plots) if plots else None,
                    "load_ms": statistics.median(load),
                }
            )
    return rows, outside


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="page loads per page (fresh context each; median)")
    ap.add_argument("--site", type=Path, help="an already built site to measure (default: build one now)")
    ap.add_argument("--json", type=Path, help="also write every number here")
    a = ap.parse_args(argv)
    with site_to_measure(a.site) as (site, build_s):
        total = folder_size(site)
        rows, outside = measure(site, max(1, min(a.runs, 50)))

    def ms(x):
        return "-" if x is None else f"{x:.0f}"

    print(f"Website: {len(rows)} pages" + (f", built in {build_s:.1f} s" if build_s else ""))
    print(
        f"Size of the whole site: {total / 1e6:.1f} MB "
        f"(budget {SIZE_BUDGET_MB} MB: {'within' if total < SIZE_BUDGET_MB * 1e6 else 'OVER'})"
    )
    print(f"Requests that tried to leave loopback: {len(outside)}{' ' + str(outside[:5]) if outside else ''}")
    print(f"\nPer page (median of {a.runs} cold loads in Chromium on loopback):")
    print(f"{'page':42} {'HTML KB':>8} {'loads KB':>9} {'quiz ms':>8} {'plots ms':>9} {'load ms':>8}")
    for r in rows:
        print(
            f"{r['page']:42} {r['html_bytes'] / 1e3:8.0f} {r['weight_bytes'] / 1e3:9.0f} "
            f"{ms(r['quiz_ms']):>8} {ms(r['plots_ms']):>9} {ms(r['load_ms']):>8}"
        )
    quiz = [r["quiz_ms"] for r in rows if r["quiz_ms"] is not None]
    if quiz:
        worst = max(quiz)
        print(
            f"\nTime to an interactive quiz: median {statistics.median(quiz):.0f} ms, worst {worst:.0f} ms "
            f"(budget {QUIZ_BUDGET_MS} ms: {'within' if worst <= QUIZ_BUDGET_MS else 'OVER'})"
        )
    if a.json:
        a.json.write_text(
            json.dumps(
                {"build_s": build_s, "total_bytes": total, "outside": outside, "pages": rows}, indent=1
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
