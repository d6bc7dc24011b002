"""Static renderers: each call a lesson's code cells make, rendered for the website without a kernel.

Every name of the lessons' vocabulary has one renderer here (:data:`RENDERERS`). A renderer gets the
:class:`Page` being built and the call's own arguments, and returns MyST Markdown (raw HTML inside a
``{raw} html`` block). The words come from the notebook front ends and the content, never a second
copy: cards, header, footer, glossary, course map, urgency scale and rankings are the Markdown the
notebooks show (``widgets/content.py``); figures and explorers are the explorers' own first figure,
title, caption and text summary; quizzes and progress are mount points (``mounts.py``) for the
browser front ends. The practical tools, which need a kernel, show what they are, their static
content where they have some, and a note with a link to open the lesson in JupyterLab.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cramp_lessons.course.model import load_course
from cramp_lessons.web import mounts

Renderer = Callable[..., str]

DEFAULT_LAB_URL = "http://localhost:8888/lab/tree/notebooks/"


@dataclass
class Page:
    """The page being rendered: its lesson notebook (for "open in JupyterLab") and what it mounts."""

    docname: str
    notebook: str | None = None  # "01_what_is_a_cramp.ipynb"; None: a page that is no lesson
    lab_url: str = DEFAULT_LAB_URL  # where `make lab` serves notebooks/
    progress_page: str = "progress.html"  # relative to the page
    features: set[str] = field(default_factory=set)
    heading_level: int = 3  # a heading the current cell adds: one below the section it is in
    packs: dict[str, Any] = field(default_factory=dict)  # key -> packs.Pack of its live explorers

    def lab_link(self, text: str = "Open this lesson in JupyterLab") -> str:
        if not self.notebook:
            return ""
        return f'<a class="cramp-web-lab-link" href="{mounts.attr(self.lab_url + self.notebook)}">{html.escape(text)}</a>'

    def needs_lab(self, what: str) -> str:
        """The note under a part that is live only in JupyterLab."""
        link = self.lab_link()
        how = f" {link} (after <code>make lab</code> on your computer)." if link else ""
        return f'<p class="cramp-web-needs-lab" role="note">{html.escape(what)}{how}</p>'


def raw(markup: str) -> str:
    """HTML as a MyST block, kept as it is."""
    fence = "````"
    while fence in markup:
        fence += "`"
    return f"\n{fence}{{raw}} html\n{markup}\n{fence}\n"


def _esc(text: Any) -> str:
    return html.escape(str(text))


# -- course text: the Markdown the notebooks show ---------------------------------------------------


def _markdown(name: str) -> Renderer:
    def render(page: Page, *args: Any, **kwargs: Any) -> str:
        from cramp_lessons.widgets import content

        return "\n" + str(getattr(content, name)(*args, **kwargs)) + "\n"

    render.__name__ = render.__qualname__ = f"render_{name}"
    render.__doc__ = f"``{name}(...)``: the Markdown of ``widgets.content.{name}``."
    return render


# -- figures and explorers --------------------------------------------------------------------------


def figure_json(fig: Any) -> str:
    """A figure's JSON for plotly.js, sized by the page (no fixed width).

    ``fig`` is a ``go.Figure`` or ``FigureWidget`` (anything with ``to_plotly_json``), or the figure's
    dict.
    """
    import plotly.io as pio
    from plotly.utils import PlotlyJSONEncoder

    if hasattr(fig, "to_plotly_json"):
        d = json.loads(pio.to_json(fig, validate=False))
    elif isinstance(fig, dict):
        d = json.loads(json.dumps(fig, cls=PlotlyJSONEncoder))
    else:
        raise TypeError(f"not a plotly figure: {type(fig).__name__}")
    layout = d.setdefault("layout", {})
    layout.pop("width", None)
    layout["autosize"] = True
    layout.pop("template", None)  # plotly.js's default look; the template is 10 KB per figure
    return json.dumps(
        {k: d[k] for k in ("data", "layout", "frames") if k in d}, separators=(",", ":"), ensure_ascii=False
    )


def _figure_of(obj: Any) -> Any:
    """An explorer's figure, whatever holds it (a FigureWidget, or a front end wrapping a figure)."""
    for name in ("figure", "fig"):
        inner = getattr(obj, name, None)
        if inner is not None:
            return inner if hasattr(inner, "to_plotly_json") or isinstance(inner, dict) else _figure_of(inner)
    raise TypeError(f"{type(obj).__name__} has no figure")


def figure_block(page: Page, fig: Any, summary: str, caption: str = "", title: str = "") -> str:
    """A figure with its text summary (and caption) under it, as HTML."""
    page.features.add("plot")
    label = title or summary
    cap = f'<p class="cramp-web-summary">{_esc(summary)}</p>'
    if caption:
        cap += f'<p class="cramp-web-caption"><em>{_esc(caption)}</em></p>'
    return (
        f'<figure class="cramp-web-figure">{mounts.plot(figure_json(fig), label)}'
        f"<figcaption>{cap}</figcaption></figure>"
    )


def render_show_explorer(page: Page, name: str, *args: Any, **kwargs: Any) -> str:
    """``show_explorer(name, ...)``: a picture as a figure; an explorer as its first figure and summary
    in its mount point, with its controls drawn by ``explorers.js`` from its pack when it is live on
    the website (``widgets/packs.py`` ``LIVE``), else with a note that it is live in JupyterLab."""
    from cramp_lessons.widgets.base import StaticFigure
    from cramp_lessons.widgets.explorers import show_explorer
    from cramp_lessons.widgets.packs import explorer_pack

    shown = show_explorer(name, *args, **kwargs)
    if isinstance(shown, StaticFigure):  # a picture: the same in JupyterLab
        return raw(figure_block(page, _figure_of(shown), shown.text))
    title = getattr(shown, "title", "") or name
    figure = figure_block(page, _figure_of(shown), shown.summary(), getattr(shown, "caption", ""), title)
    state = dict(shown.state)  # before the pack drives the explorer (it puts this state back)
    pack = explorer_pack(name, shown)
    if pack is not None:
        page.features.add("explorer")
        page.packs[pack.key] = pack
        note = (
            '<noscript><p class="cramp-web-needs-lab" role="note">With JavaScript on, this explorer is '
            f"live: its controls move the plot and the sentence under it. {page.lab_link()}</p></noscript>"
        )
        inner = (
            f'<p class="cramp-web-explorer-title"><strong>{_esc(title)}</strong></p>'
            + mounts.explorer_controls(pack.key, state)
            + figure
            + note
        )
        return raw(mounts.explorer_mount(name, args, kwargs, inner))
    controls = getattr(shown, "controls", {}) or {}
    names = [getattr(w, "description", "") or n for n, w in controls.items()]
    names = [n.rstrip(":") for n in names if n]
    what = (
        f"In JupyterLab this explorer is live: move {'its controls' if not names else 'the ' + _join(names)} "
        "and the plot and the sentence under it follow."
    )
    inner = (
        f'<p class="cramp-web-explorer-title"><strong>{_esc(title)}</strong></p>'
        + figure
        + page.needs_lab(what)
    )
    return raw(mounts.explorer_mount(name, args, kwargs, inner))


def _join(words: list[str]) -> str:
    quoted = [f"“{w}”" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


# -- quizzes and progress: mount points for the browser front ends ---------------------------------


def render_quiz(page: Page, bank_id: str, *, seed: int | str | None = None) -> str:
    """``quiz(bank)``: the bank's mount point for ``quiz.js``."""
    bank = load_course().bank(bank_id)
    page.features.add("quiz")
    n = len(bank.questions)
    fallback = (
        f'<p class="cramp-web-fallback">A quiz of {n} question{"s" if n != 1 else ""}. It runs in your '
        f"browser with JavaScript on. {page.lab_link('Or open this lesson in JupyterLab.')}</p>"
    )
    return raw(mounts.quiz_mount(bank_id, fallback, page.heading_level) + _quiz_figures(page, bank))


def _quiz_figures(page: Page, bank: Any) -> str:
    """The figure of each explorer question's explorer where the question starts, with its pack: the
    question's slider moves it on the website as in JupyterLab."""
    from cramp_lessons.widgets.base import Explorer
    from cramp_lessons.widgets.explorers import show_explorer
    from cramp_lessons.widgets.packs import explorer_pack

    out = []
    for q in bank.questions:
        if getattr(q, "type", "") != "explorer":
            continue
        explorer = show_explorer(q.explorer, **q.start_state())
        if not isinstance(explorer, Explorer):
            continue
        state = dict(explorer.state)
        pack = explorer_pack(q.explorer, explorer)
        if pack is None:
            continue
        page.features.update({"plot", "explorer"})
        page.packs[pack.key] = pack
        out.append(mounts.quiz_figure(q.id, pack.key, state, figure_json(_figure_of(explorer))))
    return "".join(out)


def render_progress_dashboard(page: Page) -> str:
    """``progress_dashboard()``: the browser's progress (``progress.js``) and a link to the progress page."""
    page.features.add("progress")
    fallback = (
        '<p class="cramp-web-fallback">Your progress on this website is kept in this browser. '
        f'<a href="{mounts.attr(page.progress_page)}">See your progress</a>.</p>'
    )
    return raw(
        mounts.progress_mount(fallback)
        + page.needs_lab(
            "JupyterLab keeps your progress on your computer instead, with charts of what you have mastered."
        )
    )


# -- the practical tools: static content and a note ------------------------------------------------


def _tool(page: Page, title: str, what: str, body: str = "") -> str:
    return raw(
        f'<div class="cramp-web-tool"><p class="cramp-web-tool-title"><strong>{_esc(title)}</strong></p>'
        f"<p>{_esc(what)}</p>{body}"
        + page.needs_lab(
            f"The {title[0].lower() + title[1:]} needs JupyterLab: it is not live on this website."
        )
        + "</div>"
    )


def render_relief_routine(page: Page, topic_ids: str | Iterable[str] = "relief.toe_pull") -> str:
    """``relief_routine(...)``: the routine's steps, in order, with how long each lasts."""
    from cramp_lessons.practical.routine import build_routine

    r = build_routine(topic_ids)
    groups: dict[str, list[str]] = {}
    for s in r.steps:
        groups.setdefault(s.topic_title, []).append(
            f"<li>{_esc(s.text)} <small>({_esc(s.duration_text)})</small></li>"
        )
    body = "".join(f"<p><em>{_esc(t)}</em></p><ol>{''.join(items)}</ol>" for t, items in groups.items())
    if r.cautions:
        body += "<details><summary>Take care</summary><ul>"
        body += "".join(f"<li>{_esc(c)}</li>" for c in r.cautions) + "</ul></details>"
    return _tool(
        page,
        "Guided relief routine",
        f"{r.title}: the steps one at a time, with a timer for each hold. Here are the steps:",
        body,
    )


def render_prevention_planner(page: Page) -> str:
    """``prevention_planner()``: what the planner does and the plan it gives with nothing ticked."""
    from cramp_lessons.practical.planner import make_plan, plan_summary

    return _tool(
        page,
        "Prevention planner",
        "Tick your situations and the planner builds your own plan, the measures best shown to help first.",
        f"<p>With nothing ticked: {_esc(plan_summary(make_plan()))}</p>",
    )


def render_cramp_diary(page: Page) -> str:
    return _tool(
        page,
        "Cramp diary",
        "Note each cramp (when, which muscle, how long, what you were doing, what helped); "
        "its charts show your patterns, and it saves to a file you can take to your doctor.",
    )


def render_red_flag_checker(page: Page) -> str:
    """``red_flag_checker()``: the signs it asks about, with their level of urgency."""
    from cramp_lessons.practical.redflags import signs

    items = "".join(f"<li>{_esc(s.title)}: <em>{_esc(s.level.label)}</em></li>" for s in signs())
    return _tool(
        page,
        "Red-flag checker",
        "Tick the signs that apply, and it says how soon to see a doctor.",
        f"<details><summary>The signs it asks about</summary><ul>{items}</ul></details>",
    )


def render_cause_finder(page: Page) -> str:
    return _tool(
        page,
        "Cause finder",
        "Tick what describes a cramp, and it lists the causes that fit, with red flags first.",
    )


def render_worked_cases(page: Page, tool: str = "cause_finder") -> str:
    """``worked_cases(tool)``: each made-up case's story, with the reasoning folded away."""
    from cramp_lessons.practical.cases import cases_for, load_cases

    cf = load_cases()
    cases = cases_for(tool, cf)
    body = f'<p role="note"><strong>Made-up cases, not a diagnosis.</strong> {_esc(cf.own_symptoms)}</p>'
    for c in cases:
        body += (
            f"<p><strong>{_esc(c.name)}</strong></p><p>{_esc(c.story)}</p>"
            f"<details><summary>The reasoning (decide first)</summary><p>{_esc(c.reasoning)}</p></details>"
        )
    name = "cause finder" if tool == "cause_finder" else "ankle-brachial index calculator"
    return _tool(
        page,
        "Worked cases",
        f"Decide for each person what is most likely and how soon they should see a doctor; "
        f"then the {name} shows its reasoning.",
        body,
    )


def render_check_yourself(page: Page, mode: str = "practice", **_: Any) -> str:
    return _tool(
        page,
        "Check yourself",
        "Questions drawn from every lesson, as practice or as an exam, with a report at the end. "
        "On this website, each lesson's own quiz works in your browser.",
    )


def render_review_due(page: Page, **_: Any) -> str:
    return _tool(
        page,
        "Spaced review",
        "Questions you missed, or got right only slowly, come back here on a schedule.",
    )


RENDERERS: dict[str, Renderer] = {
    **{
        name: _markdown(name)
        for name in (
            "show",
            "glossary",
            "lesson_header",
            "lesson_footer",
            "disclaimer",
            "course_map",
            "ranked",
            "urgency_scale",
        )
    },
    "show_explorer": render_show_explorer,
    "quiz": render_quiz,
    "progress_dashboard": render_progress_dashboard,
    "relief_routine": render_relief_routine,
    "prevention_planner": render_prevention_planner,
    "cramp_diary": render_cramp_diary,
    "red_flag_checker": render_red_flag_checker,
    "cause_finder": render_cause_finder,
    "worked_cases": render_worked_cases,
    "check_yourself": render_check_yourself,
    "review_due": render_review_due,
}
"""Every name a lesson may call, and its static renderer."""

NOT_LIVE = (
    "relief_routine",
    "prevention_planner",
    "cramp_diary",
    "red_flag_checker",
    "cause_finder",
    "worked_cases",
    "check_yourself",
    "review_due",
)
"""Tools shown as static content with a "needs JupyterLab" note (an explorer not live on the website, too:
packs.LIVE)."""
