"""The website's live explorers: from a slider step to the repainted plot and the updated sentence.

    python benchmarks/site_explorers.py [--steps 40] [--site FOLDER] [--json FILE]

1. builds the site into a temporary folder (or measures ``--site``, already built);
2. prints the bytes each explorer's pack adds (``_static/explorers/``), how it is made (precomputed
   states or a port of the model) and the size of the whole site;
3. serves it on loopback, opens every page with a live explorer in Chromium (every request that
   leaves loopback is blocked and counted) and moves each control of each explorer ``--steps``
   times, one step at a time (a range, menu or checkbox to its next position, back at the end; a
   typed number by its step). One sample: from setting the control's value and firing its ``input``
   event, to the plot redrawn by plotly.js with the sentence under it updated
   (``cramp-explorer-drawn``) and the next frame painted. explorers.js redraws at most once a frame,
   so a sample includes the wait for that frame.

Target (issue 16, printed, never asserted): median <= 33 ms, p95 <= 50 ms per explorer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from site_common import folder_size, offline_chromium, site_to_measure

TARGET_MEDIAN_MS, TARGET_P95_MS = 33, 50

# In the page: step one control `steps` times; each sample ends after the redraw and the next paint.
STEP = """
async ([index, control, steps]) => {
  const mount = document.querySelectorAll('.cramp-web-explorer')[index];
  const input = mount.querySelectorAll('.cramp-web-controls input, .cramp-web-controls select')[control];
  const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const next = () => {
    if (input.tagName === 'SELECT') {
      input.selectedIndex = (input.selectedIndex + 1) % input.options.length;
      return 'change';
    }
    if (input.type === 'checkbox') { input.checked = !input.checked; return 'change'; }
    const step = Number(input.step), lo = Number(input.min), hi = Number(input.max);
    let v = Number(input.value) + (input.dataset.down ? -step : step);
    if (v > hi || v < lo) { input.dataset.down = input.dataset.down ? '' : '1'; v = Number(input.value) + (input.dataset.down ? -step : step); }
    input.value = String(v);
    return 'input';
  };
  const times = [];
  await painted();
  for (let k = 0; k < steps; k++) {
    const drawn = new Promise((r) => mount.addEventListener('cramp-explorer-drawn', r, { once: true }));
    const t0 = performance.now();
    input.dispatchEvent(new Event(next(), { bubbles: true }));
    await Promise.race([drawn, new Promise((r) => setTimeout(r, 2000))]);
    await painted();
    times.push(performance.now() - t0);
  }
  return { label: input.labels[0].textContent, times };
}
"""


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def packs(site: Path) -> list[tuple[str, int, str]]:
    out = []
    for f in sorted((site / "_static" / "explorers").glob("*.js")):
        text = f.read_text(encoding="utf-8")
        how = "states" if '"how":"states"' in text else "port"
        out.append((f.stem, f.stat().st_size, how))
    return out


def measure(site: Path, steps: int) -> tuple[list[dict], list[str]]:
    rows: list[dict] = []
    pages = sorted(
        p.name for p in site.glob("*.html") if "cramp-web-controls" in p.read_text(encoding="utf-8")
    )
    with offline_chromium(site) as (base, browser, route, outside):
        for name in pages:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.route("**/*", route)
            page.goto(base + name, wait_until="load")
            page.wait_for_load_state("networkidle")
            mounts = page.locator(".cramp-web-explorer")
            for i in range(mounts.count()):
                m = mounts.nth(i)
                if not m.get_attribute("data-live"):
                    continue
                m.scroll_into_view_if_needed()
                page.wait_for_function("m => m.querySelector('.js-plotly-plot')", arg=m.element_handle())
                explorer = m.get_attribute("data-explorer")
                n = m.locator(".cramp-web-controls input, .cramp-web-controls select").count()
                for c in range(n):
                    got = page.evaluate(STEP, [i, c, steps])
                    rows.append(
                        {"page": name, "explorer": explorer, "control": got["label"], "times": got["times"]}
                    )
            ctx.close()
    return rows, outside


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=40, help="steps per control (default 40)")
    ap.add_argument("--site", type=Path, help="an already built site to measure (default: build one now)")
    ap.add_argument("--json", type=Path, help="also write every number here")
    a = ap.parse_args(argv)
    with site_to_measure(a.site) as (site, build_s):
        if build_s is not None:
            print(f"Built the website in {build_s:.1f} s")
        total = folder_size(site)
        pk = packs(site)
        rows, outside = measure(site, max(1, a.steps))

    print(
        f"Size of the whole site: {total / 1e6:.1f} MB, of which explorer packs {sum(s for _, s, _ in pk) / 1e3:.0f} KB"
    )
    print(f"{'pack':34} {'how':>7} {'KB':>7}")
    for key, size, how in pk:
        print(f"{key:34} {how:>7} {size / 1e3:7.1f}")
    print(f"Requests that tried to leave loopback: {len(outside)}")
    print(
        f"\nSlider step -> repainted plot and sentence, ms ({a.steps} steps per control, Chromium on loopback)"
    )
    print(f"{'page':36} {'explorer':13} {'control':44} {'median':>7} {'p95':>7} {'max':>7}")
    per: dict[str, list[float]] = {}
    for r in rows:
        t = r["times"]
        per.setdefault(r["explorer"], []).extend(t)
        print(
            f"{r['page'][:36]:36} {r['explorer']:13} {r['control'][:44]:44} "
            f"{statistics.median(t):7.1f} {pct(t, 0.95):7.1f} {max(t):7.1f}"
        )
    print(f"\nPer explorer (target: median <= {TARGET_MEDIAN_MS} ms, p95 <= {TARGET_P95_MS} ms)")
    for name, t in sorted(per.items()):
        med, p95 = statistics.median(t), pct(t, 0.95)
        ok = "within" if med <= TARGET_MEDIAN_MS and p95 <= TARGET_P95_MS else "OVER"
        print(f"  {name:13} median {med:6.1f}  p95 {p95:6.1f}  n={len(t):4}  {ok}")
    every = [x for t in per.values() for x in t]
    if every:
        print(
            f"  {'all':13} median {statistics.median(every):6.1f}  p95 {pct(every, 0.95):6.1f}  n={len(every):4}"
        )
    if a.json:
        a.json.write_text(
            json.dumps({"total_bytes": total, "packs": pk, "rows": rows, "outside": outside}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
