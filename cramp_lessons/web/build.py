"""Build the course as a static website: ``python -m cramp_lessons.web.build [OUT]`` (``make site``).

The pages come from the lessons' own MyST sources (``notebooks/NN_*.md``) and the content, through
Sphinx, myst-parser and the book theme (``extension.py`` renders the code cells). Nothing is
downloaded, at build time or when the site is viewed: every script, style and font is in ``OUT``.
``OUT`` (default ``build/site``) is plain files for any static host.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from warnings import catch_warnings, simplefilter

from cramp_lessons.course.model import load_course
from cramp_lessons.web.cells import SiteError
from cramp_lessons.web.extension import STATIC
from cramp_lessons.web.render import DEFAULT_LAB_URL

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "build" / "site"
MARKER = ".cramp-site"  # in every folder this builder wrote: only such a folder is replaced

PROGRESS_PAGE = """\
# Your progress

Your answers to the quizzes on this website are kept in this browser, on this computer only.

```{code-cell} ipython3
progress_dashboard()
```

**Download my progress** saves them as a file. In JupyterLab, `cramp-lessons progress import FILE`
adds them to your progress there, so you can carry on where you left off.

"""

DISCLAIMER_PAGE = """\
```{code-cell} ipython3
disclaimer()
```
"""


@dataclass(frozen=True)
class Lesson:
    docname: str  # "index" for the first lesson, else the notebook's stem
    notebook: str  # "01_what_is_a_cramp.ipynb"
    source: Path  # notebooks/01_what_is_a_cramp.md


def lessons(notebooks: Path | None = None) -> list[Lesson]:
    """The available lessons, in order, with their MyST sources; the first is the site's home page."""
    notebooks = notebooks or ROOT / "notebooks"
    out: list[Lesson] = []
    for les in sorted(load_course().lessons.values(), key=lambda x: x.number):
        if les.status != "available":
            continue
        src = notebooks / les.notebook.replace(".ipynb", ".md")
        if not src.is_file():
            raise SiteError(f"lesson {les.id}: its source {src} is missing (run `make notebooks`)")
        out.append(Lesson("index" if not out else src.stem, les.notebook, src))
    return out


def sphinx_config(lab_url: str, all_lessons: list[Lesson]) -> dict[str, Any]:
    """Everything Sphinx is told (there is no conf.py: this is it)."""
    return {
        "project": "Cramp Lessons",
        "extensions": ["myst_parser", "cramp_lessons.web.extension"],
        "root_doc": "index",
        "source_suffix": {".md": "markdown"},
        "language": "en",
        "html_theme": "sphinx_book_theme",
        "html_title": "Cramp Lessons",
        "html_static_path": [str(STATIC)],
        "html_css_files": ["site.css"],
        "html_favicon": str(STATIC / "favicon.svg"),  # served with the site: no 404 for /favicon.ico
        "html_copy_source": False,  # no second copy of the sources in the site
        "html_show_sourcelink": False,
        "html_show_sphinx": False,
        "html_last_updated_fmt": None,
        "html_context": {"default_mode": "auto"},  # the theme's light/dark switch starts from the system's
        "html_theme_options": {
            "home_page_in_toc": True,
            "use_download_button": False,
            "use_fullscreen_button": False,
            "use_repository_button": False,
            "use_source_button": False,
            "use_edit_page_button": False,
            "use_issues_button": False,
            "show_toc_level": 2,
            "show_navbar_depth": 1,
            "navigation_with_keys": False,
            "icon_links": [],
        },
        "myst_heading_anchors": 3,
        "suppress_warnings": ["myst.header"],
        "cramp_lessons_lab_url": lab_url,
        "cramp_lessons_notebooks": {les.docname: les.notebook for les in all_lessons},
        "cramp_lessons_toctree": [les.docname for les in all_lessons[1:]] + ["progress", "disclaimer"],
    }


def _stage(src: Path, all_lessons: list[Lesson]) -> None:
    for les in all_lessons:
        shutil.copyfile(les.source, src / f"{les.docname}.md")
    (src / "progress.md").write_text(PROGRESS_PAGE, encoding="utf-8")
    (src / "disclaimer.md").write_text(DISCLAIMER_PAGE, encoding="utf-8")


def _clear(out: Path) -> None:
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise SiteError(f"{out} exists and was not written by `make site`: choose an empty or new folder")
        shutil.rmtree(out)


def build_site(out: Path = DEFAULT_OUT, *, lab_url: str = DEFAULT_LAB_URL, quiet: bool = True) -> float:
    """Build the website into ``out`` (replacing an earlier build there); return the seconds it took.

    Any Sphinx warning (a broken link, a page that cannot be read) fails the build.
    """
    from sphinx.application import Sphinx
    from sphinx.errors import ExtensionError

    t0 = time.perf_counter()
    out = Path(out).resolve()
    all_lessons = lessons()
    _clear(out)
    with tempfile.TemporaryDirectory(prefix="cramp-site-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        _stage(src, all_lessons)
        warnings = io.StringIO()
        with catch_warnings():
            simplefilter("ignore", DeprecationWarning)  # the theme's and myst-parser's, about Sphinx 11
            simplefilter("ignore", PendingDeprecationWarning)
            app = Sphinx(
                srcdir=src,
                confdir=None,
                outdir=out,
                doctreedir=Path(tmp) / "doctrees",
                buildername="html",
                confoverrides=sphinx_config(lab_url, all_lessons),
                status=None if quiet else sys.stdout,
                warning=warnings,
                freshenv=True,
            )
            try:
                app.build()
            except ExtensionError as e:  # a renderer's SiteError, raised inside Sphinx's event
                orig = getattr(e, "orig_exc", None)
                raise SiteError(str(orig) if isinstance(orig, SiteError) else str(e)) from e
        problems = warnings.getvalue().replace(str(src) + "/", "")
        if app.statuscode or problems.strip():
            raise SiteError(f"the website's build reported problems:\n{problems}")
    (out / MARKER).write_text("Written by `make site` (cramp_lessons/web/build.py); rebuilt as a whole.\n")
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m cramp_lessons.web.build", description=__doc__.split("\n\n")[0]
    )
    p.add_argument(
        "out", nargs="?", type=Path, default=DEFAULT_OUT, help="the folder to write (default build/site)"
    )
    p.add_argument(
        "--lab-url",
        default=DEFAULT_LAB_URL,
        help=f"where each lesson's 'Open in JupyterLab' link points, + the notebook's name (default {DEFAULT_LAB_URL})",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="show Sphinx's progress")
    a = p.parse_args(argv)
    try:
        seconds = build_site(a.out, lab_url=a.lab_url, quiet=not a.verbose)
    except SiteError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    files = [f for f in Path(a.out).rglob("*") if f.is_file()]
    size = sum(f.stat().st_size for f in files)
    print(
        f"Built the website in {seconds:.1f} s: {a.out} ({len(files)} files, {size / 1e6:.1f} MB).\n"
        f"Try it: python -m http.server -d {a.out}  (then open http://127.0.0.1:8000/)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
