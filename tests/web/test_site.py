"""The website's static renderers (cramp_lessons/web): every call of every lesson has one, and a call
without one stops the build with a clear message; the mount points and scripts follow mounts.py.

The whole site is built and checked in Chromium by tests/browser/test_site.py.
"""

from __future__ import annotations

import json
import re

import pytest

import cramp_lessons
from cramp_lessons.web import mounts
from cramp_lessons.web.build import lessons, sphinx_config
from cramp_lessons.web.cells import SiteError, read_cells
from cramp_lessons.web.extension import render_page
from cramp_lessons.web.render import NOT_LIVE, RENDERERS, Page

LESSONS = lessons()
DOCS = {les.notebook: les.docname for les in LESSONS}


def cell(code: str) -> str:
    return f"# A lesson\n\nSome text.\n\n```{{code-cell}} ipython3\n{code}\n```\n\nMore text.\n"


def test_every_available_lesson_is_a_page_and_the_first_is_the_home_page():
    from cramp_lessons.course.model import load_course

    course = load_course()
    available = [
        x for x in sorted(course.lessons.values(), key=lambda x: x.number) if x.status == "available"
    ]
    assert [les.notebook for les in LESSONS] == [x.notebook for x in available]
    assert LESSONS[0].docname == "index"
    config = sphinx_config("http://localhost:8888/lab/tree/notebooks/", LESSONS)
    assert config["cramp_lessons_toctree"][-2:] == ["progress", "disclaimer"]


@pytest.mark.parametrize("les", LESSONS, ids=lambda les: les.docname)
def test_every_call_of_every_lesson_has_a_static_renderer(les):
    text = les.source.read_text(encoding="utf-8")
    cells = read_cells(text, RENDERERS, les.source.name)
    assert len(cells) == text.count("```{code-cell}")
    assert all(c.name in RENDERERS for cell in cells for c in cell.calls)


@pytest.mark.parametrize("les", LESSONS, ids=lambda les: les.docname)
def test_every_lesson_renders_without_a_code_cell_left(les):
    page = Page(les.docname, les.notebook)
    out = render_page(les.source.read_text(encoding="utf-8"), page, les.source.name, DOCS)
    assert "{code-cell}" not in out
    assert not re.search(r"\]\([^)]*\.ipynb[)#]", out), "a link to a notebook is left"
    assert "../cramp_lessons/content/disclaimer.md" not in out


def test_every_notebook_function_of_the_package_has_a_static_renderer():
    """A new front end in ``cramp_lessons.__all__`` needs its website form before a lesson can use it."""
    front_ends = {name for name, module in cramp_lessons._API.items() if module.startswith("widgets.")}
    assert front_ends - set(RENDERERS) == set()
    assert set(NOT_LIVE) <= set(RENDERERS)


def test_a_call_without_a_renderer_stops_the_build_naming_file_line_and_call():
    with pytest.raises(
        SiteError, match=r"x\.md line 6: `shiny_new_widget\('a'\)`: the website has no static renderer"
    ):
        render_page(cell("shiny_new_widget('a')"), Page("x"), "x.md", {})
    with pytest.raises(SiteError, match=r"x\.md line 6: `from cramp_lessons import shiny`"):
        render_page(cell("from cramp_lessons import shiny"), Page("x"), "x.md", {})


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("x = 1", "renders only calls of the course's vocabulary"),
        ("show(topic)", "is not a literal"),
        ("show(*ids)", "no \\* or \\*\\*"),
        ("import os", "renders only calls"),
        ("show(", "not valid Python"),
        ('show("no.such_topic")', "cannot be rendered"),
    ],
)
def test_anything_else_in_a_code_cell_is_refused_with_its_line(code, message):
    with pytest.raises(SiteError, match=rf"x\.md line 6: .*{message}"):
        render_page(cell(code), Page("x"), "x.md", {})


def test_a_code_cell_with_options_is_read():
    text = "```{code-cell} ipython3\n:tags: [hide-input]\n\nquiz('basics')\n```\n"
    (c,) = read_cells(text, RENDERERS, "x.md")
    assert [(k.name, k.args, k.line) for k in c.calls] == [("quiz", ("basics",), 4)]


def test_cards_are_the_notebook_markdown_and_links_become_pages():
    from cramp_lessons.widgets.content import show

    page = Page("01_what_is_a_cramp", "01_what_is_a_cramp.ipynb")
    out = render_page(cell('show("defs.cramp")') + "[next](02_is_it_calcium.ipynb)\n", page, "x.md", DOCS)
    assert str(show("defs.cramp")) in out  # the same text, not a copy of it
    assert "[next](02_is_it_calcium.md)" in out
    assert "http://localhost:8888/lab/tree/notebooks/01_what_is_a_cramp.ipynb" in out


def test_a_quiz_is_a_mount_point_with_its_bank_and_heading_level():
    page = Page("x", "x.ipynb")
    out = render_page(
        "# T\n\n## Check yourself\n\n" + cell("quiz('basics')").split("\n", 1)[1], page, "x.md", {}
    )
    assert '<div class="cramp-web-quiz" data-bank="basics" data-heading-level="3">' in out
    assert page.features == {"quiz"}
    with pytest.raises(SiteError, match="no quiz bank 'nope'"):
        render_page(cell("quiz('nope')"), Page("x"), "x.md", {})


def test_an_explorer_is_a_mount_point_with_its_arguments_its_first_figure_and_summary():
    page = Page("x", "x.ipynb")
    out = render_page(cell('show_explorer("reflex", fatigue=0.2, show=("fatigue",))'), page, "x.md", {})
    m = re.search(r'<div class="cramp-web-explorer" data-explorer="reflex" data-args="([^"]+)">', out)
    assert m
    args = json.loads(m.group(1).replace("&quot;", '"'))
    assert args == {"args": [], "kwargs": {"fatigue": 0.2, "show": ["fatigue"]}}
    assert out.count(f'class="{mounts.PLOT_DATA}"') == 1 and 'class="cramp-web-summary"' in out
    assert f'<div class="{mounts.CONTROLS}" data-pack="reflex-' in out  # live on the website (explorers.js)
    assert page.features == {"plot", "explorer"} and list(page.packs) == [p.key for p in page.packs.values()]


def test_a_figure_fits_its_page_and_cannot_close_its_script_element():
    from cramp_lessons.web.render import figure_json

    fig = {
        "data": [{"type": "scatter", "x": [1], "y": [2], "name": "</script><b>"}],
        "layout": {"width": 700},
    }
    d = json.loads(figure_json(fig))
    assert "width" not in d["layout"] and d["layout"]["autosize"] is True
    assert mounts.plot(figure_json(fig), "a figure").count("</script") == 1  # its own end tag only


def test_a_page_loads_only_the_scripts_its_mount_points_need_in_order():
    assert mounts.scripts([]) == []
    assert mounts.scripts(["plot"]) == ["plotly.min.js", "site.js"]
    assert mounts.scripts(["quiz", "plot"]) == [  # quizzes first: plotly.js takes long to parse
        "cramp-questions.js",
        "progress.js",
        "quiz.js",
        "plotly.min.js",
        "site.js",
    ]
    assert mounts.scripts(["quiz"], available={"site.js"}) == ["site.js"]  # a front end not written yet


def test_the_tools_say_they_need_jupyterlab_and_link_to_the_lesson():
    for name in NOT_LIVE:
        page = Page("08_prevention", "08_prevention.ipynb")
        args = ("abi",) if name == "worked_cases" else ()
        out = RENDERERS[name](page, *args)
        assert "needs JupyterLab" in out, name
        assert 'href="http://localhost:8888/lab/tree/notebooks/08_prevention.ipynb"' in out, name
