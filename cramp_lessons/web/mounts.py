"""The contract between the website's static pages and its browser front ends, in one place.

A page holds *mount points*, plain HTML elements that a script in ``static/`` finds by class and
brings to life; each carries its data in ``data-`` attributes and holds a static fallback that
the script may replace:

- ``<div class="cramp-web-quiz" data-bank="BANK" data-heading-level="N">``: a quiz bank
  (``quiz("BANK")`` in the lesson), drawn by ``quiz.js`` (whose header is the rest of its contract)
  with a heading of level N, one below the lesson's section it is in;
- ``<div class="cramp-web-explorer" data-explorer="NAME" data-args="JSON">``: an explorer
  (``show_explorer("NAME", *args, **kwargs)``); ``data-args`` is ``{"args": [...], "kwargs": {...}}``
  exactly as the lesson calls it. It holds the explorer's first figure and text summary; an explorer
  live on the website (``widgets/packs.py`` ``LIVE``) also holds
  ``<div class="cramp-web-controls" data-pack="KEY" data-state="JSON">``, where ``explorers.js``
  draws its controls: KEY names its pack, ``_static/explorers/KEY.js`` (``widgets/packs.py``), and
  ``data-state`` is the state the figure shows. Any other explorer has a note that it is live in
  JupyterLab;
- ``<script type="application/json" class="cramp-web-quiz-figure" data-for="ID" data-pack="KEY"
  data-state="JSON">``, after a quiz mount point, for each explorer question of its bank: the figure
  of the question's explorer where the question starts (``data-state``), which ``explorers.js`` draws
  inside the question's ``.cramp-quiz-explorer`` (quiz.js) and redraws as its slider moves;
- ``<div class="cramp-web-progress">``: the learner's progress, kept in the browser, drawn by
  ``progress.js`` with its "Download my progress" button (the file ``cramp-lessons progress import``
  reads);
- ``<script type="application/json" class="cramp-web-plot-data">`` followed by
  ``<div class="cramp-web-plot">``: a plotly figure (``{"data", "layout", "frames"}``) drawn by
  ``site.js`` with the one ``plotly.min.js`` of the page.

:func:`scripts` says which scripts a page loads for the mount points it has; the Sphinx extension
adds exactly those, and nothing else decides it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

QUIZ = "cramp-web-quiz"
EXPLORER = "cramp-web-explorer"
PROGRESS = "cramp-web-progress"
PLOT = "cramp-web-plot"
PLOT_DATA = "cramp-web-plot-data"
QUIZ_FIGURE = "cramp-web-quiz-figure"

PLOTLY_JS = "plotly.min.js"  # copied from the installed plotly package, once for the whole site
QUESTIONS_JS = "cramp-questions.js"  # the question data quiz.js reads (formats/web.py), when it exists
PROGRESS_JS = "progress.js"
QUIZ_JS = "quiz.js"
SITE_JS = "site.js"
EXPLORERS_JS = "explorers.js"
EXPLORER_MODEL_JS = "explorer-model.js"  # widgets/explorer_model.js, the models JupyterLab runs too
CONTROLS = "cramp-web-controls"

# What each kind of mount point needs, in load order (all from the site's _static/).
FEATURE_SCRIPTS: dict[str, tuple[str, ...]] = {  # what each feature needs; ORDER is the load order
    "plot": (PLOTLY_JS, SITE_JS),
    "quiz": (QUESTIONS_JS, PROGRESS_JS, QUIZ_JS, SITE_JS),
    "progress": (QUESTIONS_JS, PROGRESS_JS, SITE_JS),
    "explorer": (PLOTLY_JS, SITE_JS, EXPLORER_MODEL_JS, EXPLORERS_JS),
}
# Deferred scripts run in this order: the quizzes before plotly.js (4.8 MB to parse), so a quiz
# answers while the figures are still being drawn; the explorers' packs just before explorers.js.
ORDER = (QUESTIONS_JS, PROGRESS_JS, QUIZ_JS, PLOTLY_JS, SITE_JS, EXPLORER_MODEL_JS, EXPLORERS_JS)


def scripts(
    features: Iterable[str], available: Iterable[str] | None = None, packs: Iterable[str] = ()
) -> list[str]:
    """The scripts a page with these mount points loads, in order; those not in ``available`` (a
    front end not written yet) are left out. ``packs`` (the explorers' data files) go just before
    ``explorers.js``, in the order given."""
    wanted = {s for f in features for s in FEATURE_SCRIPTS[f]}
    have = None if available is None else set(available)
    out = [s for s in ORDER if s in wanted and (have is None or s in have)]
    if EXPLORERS_JS in out:
        i = out.index(EXPLORERS_JS)
        out[i:i] = list(dict.fromkeys(packs))
    return out


def attr(value: str) -> str:
    return html.escape(value, quote=True)


def quiz_mount(bank: str, fallback: str, heading_level: int = 3) -> str:
    level = min(6, max(2, heading_level))  # quiz.js draws h2 to h6
    return f'<div class="{QUIZ}" data-bank="{attr(bank)}" data-heading-level="{level}">{fallback}</div>'


def explorer_args(args: Iterable[Any], kwargs: dict[str, Any]) -> str:
    return json.dumps({"args": list(args), "kwargs": kwargs}, sort_keys=True, ensure_ascii=False)


def explorer_mount(name: str, args: Iterable[Any], kwargs: dict[str, Any], inner: str) -> str:
    return (
        f'<div class="{EXPLORER}" data-explorer="{attr(name)}" '
        f'data-args="{attr(explorer_args(args, kwargs))}">{inner}</div>'
    )


def explorer_controls(pack: str, state: dict[str, Any]) -> str:
    """Where ``explorers.js`` draws a live explorer's controls: its pack's key and its first state."""
    return (
        f'<div class="{CONTROLS}" data-pack="{attr(pack)}" '
        f'data-state="{attr(json.dumps(state, sort_keys=True, ensure_ascii=False))}"></div>'
    )


def quiz_figure(question_id: str, pack: str, state: dict[str, Any], figure_json: str) -> str:
    """An explorer question's figure where it starts, for ``explorers.js`` to draw in the question."""
    safe = figure_json.replace("</", "<\\/")
    return (
        f'<script type="application/json" class="{QUIZ_FIGURE}" data-for="{attr(question_id)}" '
        f'data-pack="{attr(pack)}" data-state="{attr(json.dumps(state, sort_keys=True))}">{safe}</script>'
    )


def progress_mount(fallback: str) -> str:
    return f'<div class="{PROGRESS}">{fallback}</div>'


def plot(figure_json: str, label: str) -> str:
    """A plotly figure's JSON (``{"data", "layout", "frames"}``) and the element it is drawn in."""
    safe = figure_json.replace("</", "<\\/")  # nothing in the data can close the script element
    return (
        f'<script type="application/json" class="{PLOT_DATA}">{safe}</script>'
        f'<div class="{PLOT}" role="img" aria-label="{attr(label)}"></div>'
    )
