"""The glossary's terms: finding them in lesson text, checking where they are defined, annotating cards.

A lesson defines a term where its text has ``<dfn>term</dfn>`` (or an alias). The rule
(:func:`check_glossary`, run by ``cramp-lessons check``): the first use of a term in the course, in
the order learners read it (:mod:`cramp_lessons.course.rendered`), must be at its ``<dfn>``, and no term is
defined twice. After its definition lesson, cards wrap a term in ``<abbr title="definition">``
(:func:`glosser`) so that hovering shows what it means.

Terms match as whole words, case-insensitively, with an optional plural ``-s``/``-es``, and with a
space, hyphen or nothing between words ("cross-bridge", "cross bridges", "crossbridge").
Pure logic: text in, text or findings out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cramp_lessons.course.model import Course, GlossaryTerm, term_key
from cramp_lessons.course.rendered import (
    DFN_CLOSE,
    DFN_OPEN,
    Segment,
    card_markdown,
    default_notebooks_dir,
    lesson_notebooks,
    lesson_segments,
    plain_text,
)

_UNSET = object()


# ------------------------------------------------------------------ matching
class Matcher:
    """Finds glossary terms (and their aliases) in text: whole words, longest name first."""

    def __init__(self, terms: Iterable[GlossaryTerm]) -> None:
        self.terms = {t.id: t for t in terms}
        self._by_key = {term_key(n): t.id for t in self.terms.values() for n in t.names}
        names = sorted(
            ((n, t.id) for t in self.terms.values() for n in t.names), key=lambda x: -len(term_key(x[0]))
        )
        self._group = {f"g{k}": tid for k, (_n, tid) in enumerate(names)}
        alts = "|".join(f"(?P<g{k}>{_name_pattern(n)})" for k, (n, _tid) in enumerate(names))
        self.regex = re.compile(rf"(?<!\w)(?:{alts})(?:e?s)?(?!\w)", re.I) if names else None

    def finditer(self, text: str) -> Iterable[tuple[str, re.Match[str]]]:
        """(term id, match) for every use in ``text``, in order."""
        if self.regex is None:
            return
        for m in self.regex.finditer(text):
            yield self._group[m.lastgroup or ""], m

    def identify(self, words: str) -> str | None:
        """The term id that ``words`` name exactly (a <dfn>'s content), or None."""
        if self.regex is None:
            return None
        m = self.regex.fullmatch(words.strip())
        return self._group[m.lastgroup or ""] if m else None


def _name_pattern(name: str) -> str:
    """A term's regex: its words, with a space, hyphen, line break or nothing between them."""
    words = [w for w in re.split(r"[\s-]+", name) if w]
    return r"[\s-]*".join(re.escape(w) for w in words)


# ------------------------------------------------------------------ the check
@dataclass(frozen=True)
class Finding:
    """One result of the glossary check: an error makes ``check`` fail; a warning does not."""

    level: Literal["error", "warning"]
    term: str  # the term's id ("" for a <dfn> of an unknown word)
    message: str
    lesson: str | None = None
    where: str | None = None

    def __str__(self) -> str:
        at = (
            f"lesson {self.lesson!r} ({self.where}): "
            if self.lesson
            else f"{self.where}: "
            if self.where
            else ""
        )
        return f"glossary: {at}{self.message}"


@dataclass(frozen=True)
class _Place:
    lesson: str | None  # None for a card no notebook shows
    where: str
    source: tuple[str, ...]  # what an author edits: ("card", topic id) or ("cell", notebook, cell)


def _place(seg: Segment) -> _Place:
    source = ("card", seg.topic or "") if seg.kind == "card" else ("cell", seg.notebook, str(seg.cell))
    return _Place(seg.lesson, seg.where, source)


@dataclass
class Scan:
    """What the glossary scan found, in the course's reading order."""

    # id -> (place, at its <dfn>?, the words used); in reading order (dicts keep insertion order)
    first_use: dict[str, tuple[_Place, bool, str]] = field(default_factory=dict)
    definitions: dict[str, list[_Place]] = field(default_factory=dict)  # id -> every <dfn> of it
    used_in: dict[str, list[str]] = field(default_factory=dict)  # lesson id -> term ids, first use first
    defined_at: dict[str, _Place] = field(default_factory=dict)  # id -> where learners first read its <dfn>
    unknown_dfns: list[tuple[_Place, str]] = field(default_factory=list)

    @property
    def defined_in(self) -> dict[str, str]:
        """Term id -> the lesson where learners first read its <dfn>."""
        return {tid: p.lesson for tid, p in self.defined_at.items() if p.lesson}


def _dfn_spans(plain: str) -> list[tuple[int, int, str]]:
    pat = re.escape(DFN_OPEN) + "(.*?)" + re.escape(DFN_CLOSE)
    return [(m.start(), m.end(), m.group(1)) for m in re.finditer(pat, plain, re.S)]


def scan(course: Course, notebooks_dir: Path | None) -> Scan:
    """Read every lesson (notebook cells and the cards they show) and every card for glossary terms."""
    matcher = Matcher(course.glossary)
    out = Scan()
    if not course.glossary:
        return out
    segments = lesson_segments(course, notebooks_dir)

    def dfns(plain: str, place: _Place) -> list[tuple[int, int, str | None]]:
        spans = []
        for start, end, words in _dfn_spans(plain):
            tid = matcher.identify(words)
            if tid is None:
                out.unknown_dfns.append((place, words))
            spans.append((start, end, tid))
        return spans

    # Every <dfn> the course has: in notebook Markdown cells and in every card, shown or not.
    shown: set[str] = set()
    for segs in segments.values():
        for seg in segs:
            if seg.kind == "markdown":
                place = _place(seg)
                for *_span, tid in dfns(plain_text(seg.text, dfn_marks=True, headings=False), place):
                    if tid:
                        out.definitions.setdefault(tid, []).append(place)
            else:
                shown.add(seg.topic or "")
    for tid_topic, topic in course.topics.items():
        text = plain_text(card_markdown(topic), dfn_marks=True, headings=False)
        place = _Place(
            topic.lesson if tid_topic not in shown else None, f"card {tid_topic}", ("card", tid_topic)
        )
        for *_span, tid in dfns(text, place):
            if tid:
                out.definitions.setdefault(tid, []).append(place)

    # Uses, in reading order.
    for lesson_id, segs in segments.items():
        used = out.used_in.setdefault(lesson_id, [])
        for seg in segs:
            plain = plain_text(seg.text, dfn_marks=True, headings=False)
            spans = [(s, e, t) for s, e, _w in _dfn_spans(plain) for t in [matcher.identify(_w)]]
            for tid, m in matcher.finditer(plain):
                at_dfn = any(s <= m.start() and m.end() <= e and t == tid for s, e, t in spans)
                if tid not in used:
                    used.append(tid)
                if at_dfn and tid not in out.defined_at:
                    out.defined_at[tid] = _place(seg)
                if tid not in out.first_use:
                    out.first_use[tid] = (_place(seg), at_dfn, m.group(0))
    return out


def _lesson_label(course: Course, lesson_id: str | None) -> str:
    if lesson_id is None or lesson_id not in course.lessons:
        return "no lesson shows it"
    les = course.lessons[lesson_id]
    return f"lesson {les.number} {lesson_id!r}"


def check_glossary(course: Course, notebooks_dir: Path | None) -> list[Finding]:
    """The glossary rules, as findings: errors first, then warnings.

    With ``notebooks_dir=None`` only the cards are read: a term defined twice among cards is still an
    error, but first uses are not checked (the lessons' reading order lives in the notebooks).
    """
    if not course.glossary:
        return []
    s = scan(course, notebooks_dir)
    names = {t.id: t.term for t in course.glossary}
    errors: list[Finding] = []
    warnings: list[Finding] = []

    for tid, places in s.definitions.items():
        if len(places) > 1:
            listed = "; ".join(
                f"{p.where} ({_lesson_label(course, p.lesson) if p.lesson else 'card of a lesson'})"
                for p in places
            )
            errors.append(
                Finding(
                    "error",
                    tid,
                    f"{names[tid]!r} is defined {len(places)} times: {listed}. Keep one <dfn>, where the "
                    "term is first used.",
                    places[0].lesson,
                    places[0].where,
                )
            )

    for place, words in s.unknown_dfns:
        warnings.append(
            Finding(
                "warning",
                "",
                f"<dfn>{words}</dfn> is not a term of glossary.yaml: add it there, or drop the <dfn>",
                place.lesson,
                place.where,
            )
        )

    if notebooks_dir is not None:
        by_id = {t.id: t for t in course.glossary}
        for t in course.glossary:
            if t.id not in s.first_use and t.id not in s.definitions:
                warnings.append(Finding("warning", t.id, f"{t.term!r} is not used in any lesson"))
        for tid, (place, at_dfn, words) in s.first_use.items():  # reading order
            if at_dfn:
                continue
            t = by_id[tid]
            defs = s.definitions.get(t.id, [])
            if not defs:
                hint = f"no lesson defines it: write <dfn>{t.term}</dfn> where it is first used"
            elif t.id in s.defined_at:
                first_def = s.defined_at[t.id]
                hint = (
                    f"its <dfn> comes later, in {_lesson_label(course, first_def.lesson)} "
                    f"({first_def.where}): move the <dfn> here"
                )
            else:
                hint = f"its <dfn> is in {defs[0].where}, which no lesson shows: move the <dfn> here"
            errors.append(
                Finding(
                    "error",
                    t.id,
                    f"{t.term!r} is used (as {words!r}) before it is defined; {hint}",
                    place.lesson,
                    place.where,
                )
            )
    return errors + warnings


# ------------------------------------------------------------------ definition lessons (cached)
_CACHE: dict[tuple, tuple[Course, Scan]] = {}


def _stamp(course: Course, notebooks_dir: Path | None) -> tuple:
    files = lesson_notebooks(course, notebooks_dir)
    return (
        id(course),
        str(notebooks_dir),
        tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files.values()),
    )


def cached_scan(course: Course, notebooks_dir: Path | None) -> Scan:
    """:func:`scan`, remembered until a notebook changes (cards call it on every ``show``)."""
    key = _stamp(course, notebooks_dir)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is course:
        return hit[1]
    result = scan(course, notebooks_dir)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = (course, result)
    return result


def definition_lessons(course: Course, notebooks_dir: Path | None | object = _UNSET) -> dict[str, str]:
    """Term id -> the lesson that defines it: where learners first read its <dfn>.

    A <dfn> in a card that no notebook shows (or when there are no notebooks at all) counts for the
    card's own lesson. ``notebooks_dir`` defaults to the repository's ``notebooks/``.
    """
    nb_dir = default_notebooks_dir() if notebooks_dir is _UNSET else notebooks_dir
    s = cached_scan(course, nb_dir)  # type: ignore[arg-type]
    out = dict(s.defined_in)
    for tid, places in s.definitions.items():
        if tid not in out:
            for p in places:
                if p.source[0] == "card" and p.source[1] in course.topics:
                    out[tid] = course.topics[p.source[1]].lesson
                    break
    return out


def terms_used(
    course: Course, lesson_id: str, notebooks_dir: Path | None | object = _UNSET
) -> list[GlossaryTerm]:
    """The glossary terms a lesson uses, in the order it first uses them.

    Read from the lesson's notebook (its Markdown and the cards it shows); without the notebook,
    from the cards of the lesson.
    """
    if lesson_id not in course.lessons:
        raise KeyError(f"no lesson {lesson_id!r}; lessons: {', '.join(course.lessons)}")
    nb_dir = default_notebooks_dir() if notebooks_dir is _UNSET else notebooks_dir
    by_id = {t.id: t for t in course.glossary}
    s = cached_scan(course, nb_dir)  # type: ignore[arg-type]
    if lesson_id in s.used_in:
        return [by_id[t] for t in s.used_in[lesson_id]]
    matcher = Matcher(course.glossary)
    ids: list[str] = []
    for t in course.topics.values():
        if t.lesson == lesson_id:
            for tid, _m in matcher.finditer(plain_text(card_markdown(t), headings=False)):
                if tid not in ids:
                    ids.append(tid)
    return [by_id[t] for t in ids]


# ------------------------------------------------------------------ hover text on cards
# Text that keeps its words as written: code, links (text and address), elements whose content is
# already marked up or is not prose (<a>, <abbr>, <dfn>, <code>, <summary>...), any other tag,
# bare URLs and heading lines.
_PROTECTED = re.compile(
    r"^[ \t]*(?P<f>```|~~~).*?^[ \t]*(?P=f)[^\n]*$"
    r"|(?P<bt>`+).+?(?P=bt)"
    r"|!?\[[^\]]*\]\([^)]*\)"
    r"|\[[^\]]*\]\[[^\]]*\]"
    r"|<(?P<el>a|abbr|dfn|code|pre|kbd|samp|script|style|summary|h[1-6])\b[^>]*>.*?</(?P=el)\s*>"
    r"|<!--.*?-->"
    r"|<[^>\n]*>"
    r"|(?:\bhttps?://|\bwww\.)[^\s)>\]]*[^\s)>\].,;:!?'\"]"
    r"|^[ \t]{0,3}#{1,6}(?:[ \t][^\n]*)?$",
    re.M | re.S | re.I,
)


def annotate(markdown: str, terms: Iterable[GlossaryTerm], seen: set[str] | None = None) -> str:
    """Wrap the first use of each term in ``<abbr title="definition">``; ``seen`` carries over between calls.

    Code, links, HTML tags and elements such as ``<dfn>`` and ``<abbr>``, URLs and headings are left as
    they are. Terms already in ``seen`` are not wrapped again (one card = one ``seen`` set).
    """
    terms = list(terms)
    if not terms:
        return markdown
    matcher = Matcher(terms)
    seen = set() if seen is None else seen

    def wrap(free: str) -> str:
        def one(m: re.Match[str]) -> str:
            tid = matcher._group[m.lastgroup or ""]
            if tid in seen:
                return m.group(0)
            seen.add(tid)
            title = html.escape(" ".join(matcher.terms[tid].definition.split()), quote=True)
            return f'<abbr title="{title}">{m.group(0)}</abbr>'

        return matcher.regex.sub(one, free) if matcher.regex else free

    out, pos = [], 0
    for m in _PROTECTED.finditer(markdown):
        out.append(wrap(markdown[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(wrap(markdown[pos:]))
    return "".join(out)


def known_terms(
    course: Course, lesson_id: str, notebooks_dir: Path | None | object = _UNSET
) -> list[GlossaryTerm]:
    """The terms defined in lessons before ``lesson_id``: the ones its cards may explain on hover."""
    order = {les.id: k for k, les in enumerate(course.in_order())}
    if lesson_id not in order or not course.glossary:
        return []
    defined = definition_lessons(course, notebooks_dir)
    here = order[lesson_id]
    return [t for t in course.glossary if t.id in defined and order.get(defined[t.id], here) < here]


def glosser(
    course: Course, lesson_id: str, notebooks_dir: Path | None | object = _UNSET
) -> Callable[[str], str]:
    """A function that annotates one card's texts for a card shown in ``lesson_id``.

    Call it on each part of one card in order: each term is wrapped once per card, at its first use.
    """
    terms = known_terms(course, lesson_id, notebooks_dir)
    if not terms:
        return lambda text: text
    seen: set[str] = set()
    return lambda text: annotate(text, terms, seen)
