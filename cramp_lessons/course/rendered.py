"""What a learner reads, in the order they read it, and the one Markdown-to-plain-text stripper.

A lesson's rendered text is its notebook's cells in order: a Markdown cell gives its source; a code
cell gives the text of each card it shows, found by the string literals in its ``show(...)`` and
``show_topic(...)`` calls that are topic ids of the course. Quizzes, explorers and other outputs
give nothing. The glossary check and the readability grades both read lessons through this module.

Pure logic: it reads notebooks as JSON and never imports a widget.
"""

from __future__ import annotations

import ast
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cramp_lessons.course.model import Course, Topic
from cramp_lessons.errors import ContentError, CrampLessonsError

# The calls whose string arguments name the cards a code cell shows.
SHOW_CALLS = frozenset({"show", "show_topic"})
# <dfn>...</dfn> survives plain_text(dfn_marks=True) as DFN_OPEN + words + DFN_CLOSE (private-use
# characters: never in course text, and not word characters, so whole-word matching still works).
DFN_OPEN, DFN_CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class Segment:
    """One piece of a lesson as the learner reads it: a Markdown cell, or one card a code cell shows."""

    lesson: str  # lesson id
    notebook: str  # the notebook's file name
    cell: int  # 1-based cell number in the notebook
    kind: Literal["markdown", "card"]
    text: str  # Markdown source
    topic: str | None = None  # the card's topic id

    @property
    def where(self) -> str:
        """Where an author finds it: ``01_what_is_a_cramp.ipynb cell 7, card phys.motor_unit``."""
        what = f"card {self.topic}" if self.topic else "Markdown"
        return f"{self.notebook} cell {self.cell}, {what}"


# ------------------------------------------------------------------ notebooks
def default_notebooks_dir() -> Path | None:
    """The repository's ``notebooks/`` next to the package, or None when it is not there (an installed wheel)."""
    path = Path(__file__).resolve().parents[2] / "notebooks"
    return path if path.is_dir() else None


def resolve_notebooks_dir(arg: str | Path | None) -> Path | None:
    """A ``--notebooks`` argument as a folder (it must exist), or the default folder, or None."""
    if arg is None:
        return default_notebooks_dir()
    path = Path(arg)
    if not path.is_dir():
        raise CrampLessonsError(f"{path}: no such notebooks folder")
    return path


def lesson_notebooks(course: Course, notebooks_dir: Path | None) -> dict[str, Path]:
    """Lesson id -> its notebook file, in course order, for the lessons whose notebook exists."""
    if notebooks_dir is None:
        return {}
    out = {}
    for les in course.in_order():
        path = Path(notebooks_dir) / les.notebook
        if path.is_file():
            out[les.id] = path
    return out


def read_cells(path: Path) -> list[tuple[str, str]]:
    """A notebook's cells as (cell_type, source); a file that is not a notebook raises ContentError."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
        return [(c["cell_type"], _source(c.get("source", ""))) for c in cells]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        raise ContentError(path.name, "-", "-", f"cannot read it as a notebook: {e}") from None


def _source(src: str | list[str]) -> str:
    return src if isinstance(src, str) else "".join(src)


def shown_topics(code: str, course: Course) -> list[str]:
    """The topic ids a code cell shows, in order: string literals of its ``show(...)`` calls."""
    # IPython lines (%magic, !shell) are not Python; blank them out so the rest still parses.
    clean = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in code.splitlines())
    try:
        tree = ast.parse(clean)
    except SyntaxError:
        ids = []
        for m in re.finditer(r"\b(?:" + "|".join(SHOW_CALLS) + r")\s*\(([^)]*)\)", clean):
            ids += re.findall(r"""["']([^"'\n]+)["']""", m.group(1))
        return [i for i in ids if i in course.topics]
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name in SHOW_CALLS:
                calls.append(node)
    calls.sort(key=lambda n: (n.lineno, n.col_offset))
    ids = []
    for call in calls:
        for arg in call.args:
            for sub in ast.walk(arg):
                if (
                    isinstance(sub, ast.Constant)
                    and isinstance(sub.value, str)
                    and sub.value in course.topics
                ):
                    ids.append(sub.value)
    return ids


def card_markdown(t: Topic) -> str:
    """A card's own words as Markdown: its title as a heading, then the text its author wrote.

    The same fields, in the same order, as the card in ``widgets/content.py``; the badge, verdict,
    urgency label and sources come from shared files and are left out.
    """
    parts = [f"### {t.title}"]
    if t.parts:  # each part's claim and note, where the card lists them under its title
        parts.append("\n".join(f"- {p.claim}" + (f" {p.note}" if p.note else "") for p in t.parts))
    parts += [p for p in (t.evidence_note, t.summary, t.body, t.article_says, t.correction) if p]
    for values in (t.risk_groups, t.where, t.steps, t.cautions):
        if values:
            parts.append("\n".join(f"- {v}" for v in values))
    return "\n\n".join(p.strip() for p in parts)


def lesson_segments(course: Course, notebooks_dir: Path | None) -> dict[str, list[Segment]]:
    """Lesson id -> its rendered segments in reading order, for every lesson whose notebook exists."""
    out: dict[str, list[Segment]] = {}
    for lesson_id, path in lesson_notebooks(course, notebooks_dir).items():
        segs: list[Segment] = []
        for n, (kind, src) in enumerate(read_cells(path), 1):
            if kind == "markdown":
                segs.append(Segment(lesson_id, path.name, n, "markdown", src))
            elif kind == "code":
                for tid in shown_topics(src, course):
                    segs.append(
                        Segment(lesson_id, path.name, n, "card", card_markdown(course.topics[tid]), tid)
                    )
        out[lesson_id] = segs
    return out


# ------------------------------------------------------------------ Markdown -> plain sentences
_FENCE = re.compile(r"^[ \t]*(?P<f>```|~~~).*?^[ \t]*(?P=f)[^\n]*$", re.M | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DROPPED = re.compile(r"<(?P<el>script|style|code|pre|kbd|samp)\b[^>]*>.*?</(?P=el)\s*>", re.S | re.I)
_INLINE_CODE = re.compile(r"(?P<t>`+).+?(?P=t)", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEF = re.compile(r"^[ \t]*\[[^\]]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>", re.I)
# A bare URL, without the punctuation that ends the sentence around it.
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s)>\]]*[^\s)>\].,;:!?'\"]", re.I)
_DFN = re.compile(r"<dfn\b[^>]*>(.*?)</dfn\s*>", re.S | re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+(.*?))?[ \t#]*$")
_RULE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$")
_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_QUOTE = re.compile(r"^[ \t]*(>[ \t]?)+")
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)|~~")
_END = ".!?"


def _sentence(text: str) -> str:
    """A line that stands alone (heading, list item, table row) ends as a sentence."""
    text = text.strip()
    if not text or text[-1] in _END:
        return text
    return text[:-1] + "." if text[-1] in ":;," else text + "."


def plain_text(markdown: str, *, dfn_marks: bool = False, headings: bool = True) -> str:
    """Markdown (with inline HTML) as plain sentences: what a reader reads, and only that.

    Code (fenced, inline, ``<code>``) is dropped; links keep their words and lose their URLs; bare
    URLs, images and HTML tags go; heading markers, list markers, quote markers and table pipes go,
    and a heading, a list item or a table row becomes a sentence of its own. Paragraphs end with a
    full stop. ``dfn_marks`` keeps each ``<dfn>`` as DFN_OPEN words DFN_CLOSE; ``headings=False``
    drops headings' words except their ``<dfn>`` (a heading names a subject; it does not use a term).
    """
    text = markdown.replace("\r\n", "\n")
    text = _FENCE.sub("\n", text)
    text = _COMMENT.sub(" ", text)
    text = _DROPPED.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _LINK_DEF.sub("", text)
    text = _AUTOLINK.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _DFN.sub(
        (lambda m: DFN_OPEN + m.group(1) + DFN_CLOSE) if dfn_marks else (lambda m: m.group(1)), text
    )
    text = _TAG.sub(" ", text)
    text = html.unescape(text)

    blocks: list[str] = []
    para: list[str] = []
    in_quote = False

    def end_paragraph() -> None:
        if para:
            blocks.append(_sentence(" ".join(para)))
            para.clear()

    for line in text.split("\n"):
        if not line.strip() or _RULE.match(line) or _TABLE_SEP.match(line):
            end_paragraph()
            continue
        if h := _HEADING.match(line):
            end_paragraph()
            words = h.group(1) or ""
            if not headings:
                words = " ".join(re.findall(re.escape(DFN_OPEN) + ".*?" + re.escape(DFN_CLOSE), words))
            blocks.append(_sentence(_EMPHASIS.sub("", words)))
            continue
        quoted = bool(_QUOTE.match(line))
        if quoted != in_quote:  # a block quote starts or ends a paragraph
            end_paragraph()
            in_quote = quoted
        line = _QUOTE.sub("", line)
        if line.lstrip().startswith("|"):
            end_paragraph()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            blocks.append(_sentence(", ".join(_EMPHASIS.sub("", c) for c in cells if c)))
            continue
        if _ITEM.match(line):  # a list item starts a sentence; its indented continuation lines join it
            end_paragraph()
            para.append(_EMPHASIS.sub("", _ITEM.sub("", line)).strip())
            continue
        para.append(_EMPHASIS.sub("", line).strip())
    end_paragraph()
    # Dropped code and URLs leave gaps: close them up before punctuation.
    tidy = (re.sub(r"[ \t]+([,.;:!?])", r"\1", re.sub(r"[ \t]+", " ", b)).strip() for b in blocks)
    return "\n\n".join(b for b in tidy if b.strip(" ."))
