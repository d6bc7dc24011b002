"""The explorers on the website play what the Python explorers compute.

For every explorer a lesson shows that is live on the website (``widgets/packs.py`` ``LIVE``), the
browser's figure and summary sentence (``explorers.js`` over the explorer's pack, in Chromium) are
compared with the Python explorer's own, put into the same state with ``set_state``, on a sample of
states: every corner of the controls' ranges, each control alone at its ends, and random positions.
Every property of every trace and of the layout is compared: numbers within the explorer's stated
tolerance (``TOLERANCE``), everything else equal; the sentence must be the same text.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cramp_lessons.web.build import lessons
from cramp_lessons.web.cells import read_cells
from cramp_lessons.web.extension import EXPLORER_MODEL
from cramp_lessons.web.render import RENDERERS, figure_json
from cramp_lessons.widgets import packs as X
from cramp_lessons.widgets.base import StateError
from cramp_lessons.widgets.explorers import EXPLORERS, show_explorer
from tests.web.conftest import ORIGIN

STATIC = Path(__file__).resolve().parents[2] / "cramp_lessons" / "web" / "static"

# (relative, absolute) tolerance of numbers, per explorer. Precomputed states keep 7 significant digits.
TOLERANCE: dict[str, tuple[float, float]] = {
    "states": (6e-7, 1e-9),
    "twitch": (1e-9, 1e-12),  # the same sums in another order
    "reflex": (1e-9, 1e-12),  # the same steps; exp may differ in its last bit
    "leg": (1e-12, 1e-14),  # the same geometry
    "excitability": (0, 1e-4),
    "abi": (0, 0),  # the same arithmetic
    "sweat": (0, 0),  # mV: a silent axon's response is e^{Jt} here, eigenvalues in Python
}
RANDOM_STATES = 40
IGNORED = {("layout", "template"), ("layout", "autosize"), ("layout", "width"), ("layout", "datarevision")}


def lesson_calls() -> list[tuple[str, tuple, dict]]:
    """Each distinct ``show_explorer`` call of the lessons that shows an explorer (not a picture)."""
    seen: dict[str, tuple[str, tuple, dict]] = {}
    for les in lessons():
        for cell in read_cells(les.source.read_text(), RENDERERS, les.source.name):
            for c in cell.calls:
                if c.name == "show_explorer" and c.args[0] in EXPLORERS:
                    key = json.dumps([c.args, c.kwargs], sort_keys=True)
                    seen.setdefault(key, (c.args[0], tuple(c.args[1:]), dict(c.kwargs)))
    return list(seen.values())


CALLS = lesson_calls()
# Each explorer as the lessons show it, and with its defaults one no lesson shows (the ABI calculator).
LIVE_CALLS = [c for c in CALLS if c[0] in X.LIVE] + [
    (name, (), {}) for name in EXPLORERS if name in X.LIVE and name not in {c[0] for c in CALLS}
]


def call_id(call: tuple[str, tuple, dict]) -> str:
    name, args, kwargs = call
    return "-".join([name, *map(str, args), *(f"{k}={v}" for k, v in sorted(kwargs.items()))])


# -- the browser side ---------------------------------------------------------------------------------


class Js:
    """A blank page with explorers.js; packs are added as the site adds them (their scripts)."""

    def __init__(self, browser) -> None:
        self.ctx = browser.new_context()
        self.outside: list[str] = []
        self.ctx.route("**/*", self._serve)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(60_000)
        self.page.goto(ORIGIN + "/")
        self.loaded: set[str] = set()

    def _serve(self, route) -> None:
        url = route.request.url
        if url.rstrip("/") == ORIGIN:
            body = '<!doctype html><html lang="en"><head><title>explorers</title></head><body></body></html>'
            route.fulfill(status=200, body=body, headers={"content-type": "text/html"})
        else:
            self.outside.append(url)
            route.abort()

    def load(self, pack: X.Pack) -> None:
        if not self.loaded:
            for script in (EXPLORER_MODEL, STATIC / "explorers.js"):
                self.page.add_script_tag(content=script.read_text(encoding="utf-8"))
        if pack.key not in self.loaded:
            self.page.add_script_tag(content=pack.script())
            self.loaded.add(pack.key)

    def figures(self, pack: X.Pack, base: dict, states: list[dict]) -> list[dict]:
        """``CrampExplorers.figureAt`` in each state: {"figure", "summary"}."""
        self.load(pack)
        return self.page.evaluate(
            """([key, base, states]) => states.map((s) =>
                CrampExplorers.figureAt(window.CRAMP_EXPLORER_PACKS[key], base, s))""",
            [pack.key, base, states],
        )

    def summaries(self, pack: X.Pack) -> list[str]:
        self.load(pack)
        return self.page.evaluate(
            "(key) => CrampExplorers.summaries(window.CRAMP_EXPLORER_PACKS[key])", pack.key
        )


@pytest.fixture(scope="module")
def js(chromium):
    j = Js(chromium)
    yield j
    j.ctx.close()
    assert not j.outside, f"requests left the page: {j.outside}"


# -- comparing ----------------------------------------------------------------------------------------


def _numbers(v: Any) -> np.ndarray | None:
    """``v`` as a float array when it is a number or a list of numbers (None: a gap); else None."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return np.array([float(v)])
    if (
        isinstance(v, list)
        and v
        and all(x is None or (isinstance(x, (int, float)) and not isinstance(x, bool)) for x in v)
    ):
        if all(x is None for x in v):
            return None
        return np.array([np.nan if x is None else float(x) for x in v])
    return None


def differences(js_fig: dict, py_fig: dict, rel: float, abs_: float) -> list[str]:
    """Where two figures differ: paths only one has, numbers beyond the tolerance, other values unequal."""
    a = {p: v for p, v in X.flatten(X.plain(js_fig)) if p[:2] not in IGNORED}
    b = {p: v for p, v in X.flatten(X.plain(py_fig)) if p[:2] not in IGNORED}
    out = [f"{p}: only in the browser's figure" for p in a.keys() - b.keys()]
    out += [f"{p}: only in Python's figure" for p in b.keys() - a.keys()]
    for p in a.keys() & b.keys():
        x, y = _numbers(a[p]), _numbers(b[p])
        if x is not None and y is not None and x.shape == y.shape:
            if not np.allclose(x, y, rtol=rel, atol=abs_, equal_nan=True):
                worst = int(np.nanargmax(np.abs(x - y)))
                out.append(f"{p}: [{worst}] browser {x[worst]!r}, Python {y[worst]!r}")
        elif a[p] != b[p]:
            out.append(f"{p}: browser {str(a[p])[:120]}, Python {str(b[p])[:120]}")
    return sorted(out)


def typed_numbers(name: str) -> dict[str, tuple[list[float], tuple[float, float]]]:
    """For each typed number of a calculator: values to try (its limits, just inside and outside them,
    values whose ABI is exactly half way between two hundredths) and the range random values come from."""
    if name == "abi":
        ankle = [
            0,
            0.5,
            39.9,
            40,
            40.5,
            75,
            90.5,
            99.5,
            105,
            126,
            126.5,
            135,
            165,
            168.1,
            195,
            300,
            300.01,
            1000,
        ]
        arm = [0, 39.99, 40, 100, 120, 121.3, 150, 300, 301, 1000]
        return {"ankle_systolic": (ankle, (30, 320)), "arm_systolic": (arm, (30, 320))}
    if name == "sweat":
        from cramp_lessons.physiology import sweat as sw

        out = {}
        for k, (_lo, hi) in sw.LIMITS.items():
            d = sw.DEFAULTS[k]
            out[k] = (
                [0, 0.01, d, d * 2.5, 1 / 3, hi, hi + 0.01, hi * 10, 12345.678 % (hi * 10)],
                (0, hi * 1.02),
            )
        return out
    return {}


def sample_states(explorer: Any, n_random: int = RANDOM_STATES, seed: int = 16, name: str = "") -> list[dict]:
    """Corners of the controls' ranges, each control alone at its ends, the first state, random ones."""
    specs = X.controls_spec(explorer)
    numbers = typed_numbers(name)
    grids = {s["name"]: numbers[s["name"]][0] if s["kind"] == "number" else X.grid_values(s) for s in specs}
    first = explorer.state
    states = [dict(first)]
    states += [
        dict(zip(grids, c, strict=True)) for c in itertools.product(*([g[0], g[-1]] for g in grids.values()))
    ]
    for key, g in grids.items():
        states += [{**first, key: v} for v in (g if key in numbers else [g[0], g[-1]])]
    for sp in specs:  # each choice of a menu, the other controls as it leaves them (a posture moves them)
        if sp["kind"] in ("select", "checkbox"):
            states += [{sp["name"]: v} for v in grids[sp["name"]]]
    rng = random.Random(seed)

    def pick(key: str) -> Any:
        if key in numbers and rng.random() < 0.8:  # a typed number: anything, with 0 to 3 decimals
            lo, hi = numbers[key][1]
            return round(rng.uniform(lo, hi), rng.randint(0, 3))
        return rng.choice(grids[key])

    states += [{k: pick(k) for k in grids} for _ in range(n_random * (4 if numbers else 1))]
    valid: dict[str, dict] = {}
    for st in states:  # only states the explorer can take (a posture with other angles cannot be)
        try:
            explorer.set_state(st)
        except StateError:
            continue
        valid.setdefault(json.dumps(explorer.state, sort_keys=True), explorer.state)
    explorer.set_state(first)
    return list(valid.values())


def check_explorer(js: Js, name: str, args: tuple, kwargs: dict, states: list[dict] | None = None) -> int:
    """The browser's figure and sentence against the Python explorer's in each state; returns how many."""
    e = show_explorer(name, *args, **kwargs)
    base = json.loads(figure_json(e.figure))  # what the page holds
    pack = X.explorer_pack(name, e)
    assert pack is not None
    states = sample_states(e, name=name) if states is None else states
    got = js.figures(pack, base, states)
    rel, abs_ = TOLERANCE.get(name, TOLERANCE["states"] if pack.data["how"] == "states" else (0, 0))
    problems = []
    for st, g in zip(states, got, strict=True):
        e.set_state(st)
        diff = differences(g["figure"], X.figure_dict(e.figure), rel, abs_)
        if g["summary"] != e.summary():
            diff.append(f"summary: browser {g['summary']!r}, Python {e.summary()!r}")
        if diff:
            problems.append(f"{st}: " + "; ".join(diff[:6]))
    assert not problems, f"{len(problems)} of {len(states)} states differ:\n" + "\n".join(problems[:8])
    return len(states)


# -- tests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", LIVE_CALLS, ids=call_id)
def test_each_live_explorer_shows_in_the_browser_what_the_python_explorer_shows(js, call):
    assert check_explorer(js, *call) >= min(9, RANDOM_STATES)


@pytest.mark.parametrize("name", ["flow", "coupling"])
def test_a_small_explorer_is_right_in_every_state(js, name):
    e = show_explorer(name)
    specs = X.controls_spec(e)
    states = list(X._grid_states(specs, [s["name"] for s in specs]))
    assert check_explorer(js, name, (), {}, states) == len(states)


def test_the_comparison_finds_a_wrong_number_a_wrong_word_and_a_missing_trace():
    fig = {"data": [{"y": [1.0, 2.0], "text": ["a"]}], "layout": {"title": {"text": "T"}}}
    same = json.loads(json.dumps(fig))
    assert differences(same, fig, 1e-9, 0) == []
    wrong = json.loads(json.dumps(fig))
    wrong["data"][0]["y"][1] = 2.001
    wrong["data"][0]["text"] = ["b"]
    assert len(differences(wrong, fig, 1e-6, 0)) == 2
    assert differences({"data": [], "layout": fig["layout"]}, fig, 1e-9, 0)


def test_a_wrong_pack_fails_the_check(js):
    """The check is real: a pack whose stored figures are shifted by one state fails it."""
    e = show_explorer("flow")
    pack = X.explorer_pack("flow", e)
    assert pack is not None
    broken = json.loads(json.dumps(pack.data))
    for c in broken["changes"]:
        c["index"] = c["index"][1:] + c["index"][:1]
    bad = X.Pack("flow-broken", broken)
    base = json.loads(figure_json(e.figure))
    got = js.figures(bad, base, [{"radius": 30}])
    e.set_state({"radius": 30})
    assert differences(got[0]["figure"], X.figure_dict(e.figure), 6e-7, 1e-9)


def test_summaries_are_stored_as_templates_and_come_back_the_same(js):
    rows = [
        "At 10 Hz and 35.0 °C, twitches fuse 76%: an unfused tetanus.",
        "At 11 Hz and -2.5 °C, twitches fuse 80%: an unfused tetanus.",
        "Sodium lost 1,800 mg, taken in 500 mg (1.16-1.32).",
        "No number at all.",
        "",
        "Ünïcode: µA/cm² 1/16",
    ]
    table = X.summary_table(rows)
    assert X.decode_summaries(table) == rows
    assert len(table["templates"]) == 5  # the first two share one
    assert js.summaries(X.Pack("table", {"summaries": table})) == rows
    many = [f"value {i} and {i % 7}" for i in range(300)]  # more than 256 texts of a hole: two bytes
    big = X.summary_table(many)
    assert big["bytes"] == 2 and js.summaries(X.Pack("big", {"summaries": big})) == many


def test_every_lesson_explorer_is_either_live_or_says_it_needs_jupyterlab():
    from cramp_lessons.web.render import Page, render_show_explorer

    for name, args, kwargs in CALLS:
        out = render_show_explorer(Page("x", "x.ipynb"), name, *args, **kwargs)
        if name in X.LIVE:
            assert (
                'class="cramp-web-controls" data-pack="' in out and "In JupyterLab this explorer" not in out
            )
        else:
            assert "In JupyterLab this explorer is live" in out and "cramp-web-controls" not in out


def test_the_state_a_page_starts_in_is_the_lessons():
    from cramp_lessons.web.render import Page, render_show_explorer

    for name, args, kwargs in LIVE_CALLS:
        page = Page("x", "x.ipynb")
        out = render_show_explorer(page, name, *args, **kwargs)
        state = json.loads(
            out.split('data-state="', 1)[1].split('"', 1)[0].replace("&quot;", '"').replace("&amp;", "&")
        )
        assert state == show_explorer(name, *args, **kwargs).state
        assert page.features >= {"plot", "explorer"} and len(page.packs) == 1
        assert all(not math.isnan(v) for v in state.values() if isinstance(v, float))


def test_every_explorer_is_live_on_the_website():
    assert set(X.LIVE) == set(EXPLORERS)


def test_a_page_with_explorers_loads_their_packs_just_before_explorers_js():
    from cramp_lessons.web import mounts

    got = mounts.scripts(
        ["quiz", "explorer", "plot"], packs=["explorers/a.js", "explorers/b.js", "explorers/a.js"]
    )
    assert got == [
        "cramp-questions.js",
        "progress.js",
        "quiz.js",
        "plotly.min.js",
        "site.js",
        "explorer-model.js",
        "explorers/a.js",
        "explorers/b.js",
        "explorers.js",
    ]
    assert mounts.scripts(["plot"], packs=["explorers/a.js"]) == ["plotly.min.js", "site.js"]


@pytest.mark.parametrize("name", ["twitch", "leg", "reflex", "excitability"])
def test_a_ported_sentence_is_the_python_explorers_in_every_state(js, name):
    """Every port's sentences are written in the browser (JupyterLab and the website) by a port:
    in every position of their sliders (and every posture) it says what the Python explorer says."""
    e = show_explorer(name)
    pack = X.explorer_pack(name, e)
    assert pack is not None and "summaries" not in pack.data  # no table: the port speaks
    specs = X.controls_spec(e)
    sliders = [s["name"] for s in specs if s["kind"] in ("range", "checkbox")]
    states = [{**e.state, **st} for st in X._grid_states(specs, sliders)]
    if name == "leg":
        states = [{**st, "posture": e.CUSTOM} for st in states]
        states += [
            {"posture": p, "knee": round(k), "ankle": round(a)}
            for p, (k, a) in pack.data["params"]["POSTURES"].items()
        ]
    js.load(pack)
    got = js.page.evaluate(
        "([key, states]) => states.map((s) => CrampExplorers.view(window.CRAMP_EXPLORER_PACKS[key], s).summary)",
        [pack.key, states],
    )
    want = []
    with X._driven(e, figure=False):
        for st in states:
            e.set_state(st)
            want.append(e.summary())
    bad = [(st, g, w) for st, g, w in zip(states, got, want, strict=True) if g != w]
    assert not bad, f"{len(bad)} of {len(states)} differ, e.g. {bad[:3]}"
    assert len(states) >= 21 * 2 * 15
