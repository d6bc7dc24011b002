"""The Sphinx extension that turns the lessons' MyST notebooks into website pages.

On ``source-read`` each ``{code-cell}`` of a page is replaced by what its calls render to
(``render.py``), without a kernel; a call without a renderer stops the build naming file and line.
Links between notebooks become links between pages, each lesson gets its "Open in JupyterLab" link,
and each page loads only the scripts its mount points need (``mounts.scripts``), with the packs of its
live explorers (``widgets/packs.py``). At the end the one ``plotly.min.js`` of the installed plotly
package is copied into ``_static/``, with the question data for the quiz front end when
``formats/web.py`` provides it and each explorer pack once, in ``_static/explorers/``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from cramp_lessons.web import mounts
from cramp_lessons.web.cells import SiteError, read_cells
from cramp_lessons.web.render import DEFAULT_LAB_URL, RENDERERS, Page, raw

STATIC = Path(__file__).parent / "static"
# The explorers' models, the same file JupyterLab's plot widget runs (copied as explorer-model.js).
EXPLORER_MODEL = Path(__file__).parents[1] / "widgets" / "explorer_model.js"
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def plotly_js() -> Path:
    """plotly.js as the installed plotly package ships it (the version its figures are made for)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / mounts.PLOTLY_JS
    if not path.is_file():
        raise SiteError(f"the installed plotly package has no {path}: reinstall plotly")
    return path


def question_data() -> str | None:
    """The question data script for quiz.js, from ``formats.web.web_questions``; None until it exists."""
    try:
        from cramp_lessons.formats import web as web_format  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    import json

    from cramp_lessons.course.model import load_course

    course = load_course()
    data = web_format.web_questions(course)
    if hasattr(web_format, "questions_script"):  # the quiz engine's own form of its data
        return str(web_format.questions_script(data))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.CRAMP_QUESTIONS = {text};\n"


def available_scripts() -> set[str]:
    have = {p.name for p in STATIC.iterdir() if p.suffix == ".js"} | {
        mounts.PLOTLY_JS,
        mounts.EXPLORER_MODEL_JS,
    }
    if question_data() is not None:
        have.add(mounts.QUESTIONS_JS)
    return have


def _rewrite_links(text: str, docs: dict[str, str]) -> str:
    """Notebook links as page links: ``02_is_it_calcium.ipynb`` -> ``02_is_it_calcium.md``."""

    def fix(m: re.Match[str]) -> str:
        target = m.group(1)
        path, _, frag = target.partition("#")
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".ipynb") and name in docs:
            new = docs[name] + ".md"
        elif path.endswith("cramp_lessons/content/disclaimer.md"):
            new = "disclaimer.md"
        else:
            return m.group(0)
        return f"]({new}{'#' + frag if frag else ''})"

    return _LINK.sub(fix, text)


def _headings(lines: list[str]) -> list[tuple[int, int]]:
    """(line index, level) of each Markdown heading in ``lines`` outside fenced blocks."""
    found, fence = [], ""
    for i, line in enumerate(lines):
        m = re.match(r"^(`{3,}|~{3,})", line)
        if m and (not fence or m.group(1).startswith(fence)):
            fence = "" if fence else m.group(1)
        elif not fence and (h := re.match(r"^(#{1,6}) ", line)):
            found.append((i, len(h.group(1))))
    return found


def _section_level(lines: list[str]) -> int:
    """The level of the last Markdown heading in ``lines`` (0 if none)."""
    found = _headings(lines)
    return found[-1][1] if found else 0


def _under(markdown: str, level: int) -> str:
    """``markdown`` with its headings moved down, if need be, to sit inside a section of ``level``.

    A notebook output's ``# Disclaimer`` shown under a lesson's ``## Red flags`` becomes ``###``, so
    the page's outline stays the lesson's; cards (``###`` under ``##``) stay as they are.
    """
    lines = markdown.split("\n")
    found = _headings(lines)
    shift = level + 1 - min((lv for _, lv in found), default=level + 1)
    if shift <= 0:
        return markdown
    for i, lv in found:
        lines[i] = "#" * min(6, lv + shift) + lines[i][lv:]
    return "\n".join(lines)


def render_page(text: str, page: Page, source: str, docs: dict[str, str]) -> str:
    """A page's MyST text with every code cell replaced by its static rendering."""
    lines = text.split("\n")
    for cell in reversed(read_cells(text, RENDERERS, source)):
        section = _section_level(lines[: cell.start])
        page.heading_level = section + 1
        out: list[str] = []
        for call in cell.calls:
            try:
                out.append(_under(RENDERERS[call.name](page, *call.args, **call.kwargs), section))
            except SiteError:
                raise
            except Exception as e:  # a bad argument, an unknown topic...: name the call
                raise SiteError(f"{source} line {call.line}: `{call}` cannot be rendered: {e}") from e
        lines[cell.start : cell.end + 1] = "\n".join(out).split("\n")
    text = _rewrite_links("\n".join(lines), docs)
    if page.notebook:  # under the title: where the lesson runs live
        text = re.sub(
            r"^(# .*)$",
            lambda m: (
                m.group(1)
                + "\n"
                + raw(
                    f'<p class="cramp-web-open">{page.lab_link()} '
                    "<small>(its explorers and tools are live there; run <code>make lab</code> first)</small></p>"
                )
            ),
            text,
            count=1,
            flags=re.M,
        )
    return text


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    cfg = app.config
    notebooks: dict[str, str] = cfg.cramp_lessons_notebooks  # docname -> notebook file
    docs = {nb: doc for doc, nb in notebooks.items()}
    page = Page(
        docname, notebooks.get(docname), cfg.cramp_lessons_lab_url, _relative("progress.html", docname)
    )
    name = notebooks.get(docname, docname + ".ipynb").removesuffix(".ipynb") + ".md"
    text = render_page(source[0], page, name, docs)
    if docname == cfg.root_doc and cfg.cramp_lessons_toctree:
        toc = "\n".join(cfg.cramp_lessons_toctree)
        text += f"\n\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{toc}\n```\n"
    source[0] = text
    features: dict[str, set[str]] = getattr(app.env, "cramp_features", {})
    features[docname] = page.features
    app.env.cramp_features = features
    packs: dict[str, dict[str, Any]] = getattr(app.env, "cramp_packs", {})
    packs[docname] = dict(page.packs)
    app.env.cramp_packs = packs


def _relative(target: str, docname: str) -> str:
    return "../" * docname.count("/") + target


def _purge(app: Any, env: Any, docname: str) -> None:
    getattr(env, "cramp_features", {}).pop(docname, None)
    getattr(env, "cramp_packs", {}).pop(docname, None)


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    features = getattr(app.env, "cramp_features", {}).get(pagename, set())
    packs = getattr(app.env, "cramp_packs", {}).get(pagename, {})
    for script in mounts.scripts(features, app.cramp_scripts, [p.filename for p in packs.values()]):
        app.add_js_file(script, loading_method="defer")


def _builder_inited(app: Any) -> None:
    app.cramp_scripts = available_scripts()


def _build_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plotly_js(), static / mounts.PLOTLY_JS)
    shutil.copyfile(EXPLORER_MODEL, static / mounts.EXPLORER_MODEL_JS)
    data = question_data()
    if data is not None:
        (static / mounts.QUESTIONS_JS).write_text(data, encoding="utf-8")
    # The live explorers' packs, each once however many pages show it.
    for page_packs in getattr(app.env, "cramp_packs", {}).values():
        for pack in page_packs.values():
            path = static / pack.filename
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(pack.script(), encoding="utf-8")
    # The theme's source maps (3.5 MB) serve only a developer's debugger; no page loads them.
    for m in static.rglob("*.map"):
        m.unlink()
    sources = Path(app.outdir) / "_sources"  # left empty: the sources are not copied (html_copy_source)
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("cramp_lessons_lab_url", DEFAULT_LAB_URL, "html")
    app.add_config_value("cramp_lessons_notebooks", {}, "env")
    app.add_config_value("cramp_lessons_toctree", [], "env")
    app.connect("builder-inited", _builder_inited)
    app.connect("source-read", _source_read)
    app.connect("env-purge-doc", _purge)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
