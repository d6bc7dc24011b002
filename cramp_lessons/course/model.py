"""The typed content model: the one place that reads ``content/``.

Every file is validated on load. Bad content raises :class:`ContentError` naming the file,
the item (its id where it has one) and the field, so an author can fix it without reading code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar, overload

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cramp_lessons.errors import ContentError, echo
from cramp_lessons.questions import TYPES as QUESTION_TYPE_NAMES
from cramp_lessons.questions import Question
from cramp_lessons.schema import EVIDENCE_TAGS, Cited, ContentModel, EvidenceTag, Id, Text, unique

CONTENT_DIR = Path(__file__).parent.parent / "content"
# Content files are hand-written and small (the largest is ~22 KB). The cap, checked before reading,
# keeps a stray big file (a data dump, a video saved as .md) from hanging `check` in the pure-Python
# YAML parser or filling memory, with room for 40 times the largest file.
MAX_FILE_BYTES = 1_000_000
# Content nests a handful of levels (bank > questions > options > fields). PyYAML composes nodes
# recursively, so a deeper file is refused here, with its line, before Python's recursion limit.
MAX_DEPTH = 50

# A verdict is named in plain words ("may help", "not tested"): that name is what learners read.
VerdictId = Annotated[str, Field(pattern=r"^[a-z]+( [a-z]+)*$", max_length=40)]


# --------------------------------------------------------------------------- references
class Reference(ContentModel):
    id: Id
    citation: Text
    evidence: EvidenceTag
    url: str | None = None
    note: str | None = None


# --------------------------------------------------------------------------- lessons
class Lesson(ContentModel):
    id: Id
    number: Annotated[str, Field(pattern=r"^\d\d$")]
    title: Text
    notebook: Annotated[str, Field(pattern=r"^[\w/]+\.ipynb$")]
    status: Literal["available", "planned"]
    minutes: Annotated[int, Field(gt=0, le=180)]
    summary: Text
    objectives: list[Text] = Field(min_length=1)


# --------------------------------------------------------------------------- topics
# Tags a claim may carry with no source: "not tested" and "done by tradition" need none.
UNCITED_TAGS = ("unproven", "traditional practice")


class Part(ContentModel):
    """One claim of a card whose parts differ in strength: the claim, its own tag and its sources."""

    claim: Text  # one plain sentence, as the card says it
    evidence: EvidenceTag
    references: list[Id] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _cited(self) -> Part:
        if not self.references and self.evidence not in UNCITED_TAGS:
            raise ValueError(
                f"a part tagged {self.evidence!r} needs its references; "
                f"only {' or '.join(map(repr, UNCITED_TAGS))} may have none"
            )
        return self


class Topic(Cited):
    """A teachable item: a definition, a cause, a technique, a measure, a red flag, a correction."""

    id: Id
    title: Text
    summary: Text
    body: str | None = None  # longer Markdown
    lesson: Id
    article_says: str | None = None
    correction: str | None = None  # what the evidence says where the article is wrong or outdated
    risk_groups: list[Text] = Field(default_factory=list)
    where: list[Text] = Field(default_factory=list)
    steps: list[Text] = Field(default_factory=list)
    hold_seconds: tuple[int, int] | None = None
    # A sign with a time limit (the long cramp): past it, the sign applies. Tools read it from here.
    limit_minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = None
    cautions: list[Text] = Field(default_factory=list)
    situations: list[Id] = Field(default_factory=list)  # prevention planner tags
    # One of the levels in urgency.yaml (checked on load); every red flag has one.
    urgency: Id | None = None
    evidence_note: str | None = None
    # One of the verdicts in verdicts.yaml (checked on load); every prevention measure has one.
    # The tag says how sure the evidence is; the verdict says which way it points, so a
    # well-tested remedy that does not work never reads as a green light.
    verdict: VerdictId | None = None
    # A card whose parts differ in strength lists each part with its own tag. The FIRST part is the
    # claim the card's badge rates: the card's `evidence` must be that part's tag.
    parts: list[Part] = Field(default_factory=list)

    @field_validator("parts")
    @classmethod
    def _parts(cls, v: list[Part], info: ValidationInfo) -> list[Part]:
        if not v:
            return v
        if len(v) < 2 or len({p.evidence for p in v}) < 2:
            raise ValueError(
                "parts are for a card whose parts differ in strength: give at least 2 parts with at "
                "least 2 different tags, or leave parts out and let the card's evidence tag rate it"
            )
        card = info.data.get("evidence")
        if card is not None and card != v[0].evidence:
            raise ValueError(
                f"the card's evidence is {card!r} but its first part is tagged {v[0].evidence!r}; "
                "the first part is the claim the card's badge rates, so the two must be the same"
            )
        return v

    @property
    def all_references(self) -> list[str]:
        """The card's references, then any its parts cite that the card does not, in order."""
        out = list(self.references)
        for p in self.parts:
            out += [r for r in p.references if r not in out]
        return out

    @field_validator("hold_seconds")
    @classmethod
    def _hold_range(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and not (0 < v[0] <= v[1]):
            raise ValueError("hold_seconds must be [low, high] with 0 < low <= high")
        return v


# --------------------------------------------------------------------------- scales
class UrgencyLevel(ContentModel):
    """One level of the course's urgency scale (``urgency.yaml``): how soon a sign needs a doctor."""

    id: Id
    order: Annotated[int, Field(ge=1)]  # 1 = most urgent
    label: Text  # the heading shown with every sign at this level
    action: Text  # what to do, in plain words
    icon: Text
    note: str | None = None
    references: list[Id] = Field(min_length=1)


class Verdict(ContentModel):
    """Which way the evidence points for a preventive measure (``verdicts.yaml``)."""

    id: VerdictId
    order: Annotated[int, Field(ge=1)]  # the ranked table's order: best shown to prevent cramps first
    meaning: Text
    plan: Literal["to_do", "safety", "optional", "not_advised"]  # how the planner lists it
    evidence: list[EvidenceTag] = Field(min_length=1)  # the evidence tags it may go with


class EvidenceLevel(ContentModel):
    """One evidence tag as learners read it (``evidence.yaml``): its words and its badge icon."""

    id: EvidenceTag
    words: Text  # how the tag reads in a sentence: "tagged strong evidence"
    icon: Annotated[str, Field(min_length=1, max_length=8)]  # before the words on a card's badge

    @field_validator("words")
    @classmethod
    def _phrase(cls, v: str) -> str:
        if "\n" in v or v.endswith("."):
            raise ValueError(
                "the words are a phrase read inside a sentence: one line, no full stop at the end"
            )
        if v[0] != v[0].lower():
            raise ValueError(
                f"start with a small letter ({v[0].lower()!r}): the words are read inside a sentence, "
                "and the course capitalises them where one begins"
            )
        return v

    @field_validator("icon")
    @classmethod
    def _symbol(cls, v: str) -> str:
        if any(ch.isalnum() or ch.isspace() for ch in v):
            raise ValueError(f"an icon is one symbol (such as an emoji), not {v!r}: the words say the rest")
        return v


def _evidence_problems(levels: list[EvidenceLevel]) -> list[tuple[str, str, str]]:
    """(item, field, problem) for a scale that is not the five tags, each once, strongest first,
    each with words and an icon of its own."""
    ids: list[str] = [e.id for e in levels]
    order = ", ".join(EVIDENCE_TAGS)
    out = []
    for tag in EVIDENCE_TAGS:
        if ids.count(tag) == 0:
            out.append((tag, "id", f"the tag {tag!r} is missing: list all five, strongest first: {order}"))
        elif ids.count(tag) > 1:
            out.append((tag, "id", f"the tag {tag!r} is listed {ids.count(tag)} times; list it once"))
    if not out and ids != list(EVIDENCE_TAGS):
        k = next(k for k, (a, b) in enumerate(zip(ids, EVIDENCE_TAGS, strict=True)) if a != b)
        out.append(
            (
                ids[k],
                "id",
                f"out of order: {EVIDENCE_TAGS[k]!r} goes here; list the tags strongest first: {order}",
            )
        )
    for fld in ("words", "icon"):
        first: dict[str, str] = {}
        for e in levels:
            v = getattr(e, fld)
            if v in first:
                why = "each tag needs its own, or readers cannot tell them apart"
                out.append((e.id, fld, f"{v!r} is also the {fld} of {first[v]!r}; {why}"))
            first.setdefault(v, e.id)
    return out


def _ordered(items: Sequence[UrgencyLevel | Verdict], what: str) -> None:
    unique([i.id for i in items], what)
    seen: dict[int, str] = {}
    for i in items:
        if i.order in seen:
            raise ValueError(f"{i.id!r} and {seen[i.order]!r} share order {i.order}; each needs its own")
        seen[i.order] = i.id


# --------------------------------------------------------------------------- figures
# The words of the body lessons' figures (``figures.yaml``): names, descriptions, captions and the
# sources they cite. The drawings (shapes, positions, colours) stay in cramp_lessons/figures/.
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")  # a tag; a lone "<" (ABI <= 0.90) is text
PLOT_MARKUP = ("<b>", "</b>", "<br>")  # what plotly draws in a figure's text; anything else shows as typed


def _plot_text(v: str) -> str:
    for tag in _MARKUP.findall(v):
        if tag not in PLOT_MARKUP:
            raise ValueError(
                f"{echo(tag, 40)} is not figure markup: a figure's text may use only <b>...</b> (bold) "
                "and <br> (a new line)"
            )
    if v.count("<b>") != v.count("</b>"):
        raise ValueError("every <b> needs its </b>")
    return v


def _plain_text(v: str) -> str:
    if _MARKUP.search(v):
        raise ValueError(
            "plain words only: this text is read out as it stands (the summary beside a figure, a "
            "name in a list), so no <b>, <br> or other markup"
        )
    return v


PlotText = Annotated[str, Field(min_length=1), AfterValidator(_plot_text)]
PlainText = Annotated[str, Field(min_length=1), AfterValidator(_plain_text)]


class FigurePoint(ContentModel):
    """A point drawn on a figure (an acupressure point): its standard code, name and place in words."""

    id: Annotated[str, Field(pattern=r"^[A-Z]{2,3}\d{1,3}$")]  # the standard code: BL40, LI4
    name: PlainText  # without the code: "Weizhong"; shown as "BL40 Weizhong"
    where: PlainText  # where it is, in words: the hover text and the summary
    note: PlotText | None = None  # drawn after the point's name on the figure, if given

    @property
    def full_name(self) -> str:
        """The code and the name, as the legend, the hover text and the summary show it."""
        return f"{self.id} {self.name}"

    @field_validator("name")
    @classmethod
    def _name_without_code(cls, v: str, info: ValidationInfo) -> str:
        code = info.data.get("id")
        if code and v.split()[0] == code:
            raise ValueError(f"write the name without the code ({code} is put before it): {v!r}")
        return v


class _FigureWords(ContentModel):
    title: PlainText
    caption: PlotText  # the line under the figure (or in a box on it)
    references: list[Id] = Field(min_length=1)  # the sources its words cite (ids in references.yaml)


class AcupressureFigure(_FigureWords):
    """The acupressure map (lesson 07): the points, where they are, and what the evidence says."""

    id: Literal["acupressure"]
    hover: PlotText  # after each point's "name: where. " in its hover text
    summary: PlainText  # the sentence in words before the list of points
    points: list[FigurePoint] = Field(min_length=1)

    @field_validator("points")
    @classmethod
    def _distinct(cls, v: list[FigurePoint]) -> list[FigurePoint]:
        unique([p.id for p in v], "points")
        return v


class SpineFigure(_FigureWords):
    """The lower spine and the nerve roots to the calf (lesson 05)."""

    id: Literal["spine"]
    stenosis: PlotText  # the hover text of the spinal canal stenosis marker
    summary: PlainText  # the figure in words


class AbiFigure(_FigureWords):
    """The ankle-brachial index bands and the ABI calculator that shows them (lesson 04)."""

    id: Literal["abi"]
    calculator_caption: PlainText  # the calculator's caption, above its inputs
    bands_source: PlainText  # how a reading's sentence names where the bands come from


Figure = Annotated[AcupressureFigure | SpineFigure | AbiFigure, Field(discriminator="id")]
FIGURE_IDS: tuple[str, ...] = ("acupressure", "spine", "abi")


class FiguresFile(ContentModel):
    figures: list[Figure] = Field(min_length=1)

    @field_validator("figures")
    @classmethod
    def _each_once(cls, v: list[Figure]) -> list[Figure]:
        ids = [f.id for f in v]
        unique(ids, "figures")
        for i in FIGURE_IDS:
            if i not in ids:
                raise ValueError(
                    f"the figure {i!r} is missing: the lessons draw all of {', '.join(FIGURE_IDS)}, "
                    "and each needs its words here"
                )
        return v


# --------------------------------------------------------------------------- question banks
class Bank(ContentModel):
    bank: Id
    title: Text
    lesson: Id
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids(self) -> Bank:
        for q in self.questions:
            if not q.id.startswith(self.bank + ".q"):
                raise ValueError(
                    f"question id {q.id!r} must start with the bank id: {self.bank}.q1, {self.bank}.q2, ..."
                )
        return self


class Step(ContentModel):
    """One step of a stepped diagram (``content/physiology/*.yaml``)."""

    id: Id
    title: Text
    text: Text


# --------------------------------------------------------------------------- glossary
GlossaryId = Annotated[str, Field(pattern=r"^[a-z0-9]+(_[a-z0-9]+)*$", max_length=80)]
# A term or alias: words, spaces, hyphens, apostrophes and dots ("Q10", "Ib fibre", "ankle-brachial
# index"). No markup: the checker and the hover text match it as plain words.
GlossaryWord = Annotated[str, Field(pattern=r"^\w[\w' .-]*$", max_length=80)]


def term_key(word: str) -> str:
    """How terms are compared: case, spaces and hyphens ignored ("Cross-bridge" == "crossbridge")."""
    return re.sub(r"[\s-]+", "", word.casefold())


class GlossaryTerm(ContentModel):
    """One entry of ``glossary.yaml``: a word a lay reader may not know, defined in plain words."""

    id: GlossaryId
    term: GlossaryWord
    aliases: list[GlossaryWord] = Field(default_factory=list)
    definition: Text

    @property
    def names(self) -> list[str]:
        """The term and its aliases."""
        return [self.term, *self.aliases]


class GlossaryFile(ContentModel):
    terms: list[GlossaryTerm] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> GlossaryFile:
        unique([t.id for t in self.terms], "terms")
        owner: dict[str, str] = {}
        for t in self.terms:
            for name in t.names:
                key = term_key(name)
                if key in owner and owner[key] != t.id:
                    raise ValueError(f"{name!r} of {t.id!r} is already a name of {owner[key]!r}; keep one")
                if key in owner:
                    raise ValueError(f"{name!r} is listed twice for {t.id!r}")
                owner[key] = t.id
        return self


# --------------------------------------------------------------------------- files
class LessonsFile(ContentModel):
    lessons: list[Lesson] = Field(min_length=1)


class ReferencesFile(ContentModel):
    references: list[Reference] = Field(min_length=1)


class UrgencyFile(ContentModel):
    levels: list[UrgencyLevel] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> UrgencyFile:
        _ordered(self.levels, "levels")
        return self


class EvidenceFile(ContentModel):
    tags: list[EvidenceLevel]  # the five tags, strongest first (checked on load)


class VerdictsFile(ContentModel):
    verdicts: list[Verdict] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> VerdictsFile:
        _ordered(self.verdicts, "verdicts")
        return self


class TopicsFile(ContentModel):
    kind: Literal[
        "definition",
        "physiology",
        "cause",
        "secondary_cause",  # conditions the sources name as causes of cramps (neuropathy, kidney...)
        "relief",
        "prevention",
        "red_flag",
        "correction",
        "situation",
    ]
    items: list[Topic] = Field(min_length=1)


# --------------------------------------------------------------------------- the course
@dataclass(frozen=True)
class Course:
    lessons: dict[str, Lesson]
    references: dict[str, Reference]
    topics: dict[str, Topic]
    kinds: dict[str, str]  # topic id -> kind
    banks: dict[str, Bank]
    questions: dict[str, Question]
    documents: dict[str, str]  # Markdown documents by stem, e.g. "disclaimer"
    sequences: dict[str, list[Step]]  # stepped diagrams by stem, e.g. "coupling"
    tables: dict[str, str]  # other top-level YAML (the cause finder's rules), checked by their own module
    urgency: tuple[UrgencyLevel, ...] = ()  # the urgency scale, most urgent first
    verdicts: tuple[Verdict, ...] = ()  # the prevention verdicts, in the ranked table's order
    glossary: tuple[GlossaryTerm, ...] = ()  # glossary.yaml, in file order (empty if the file is absent)
    # evidence.yaml: tag -> how it reads (words, icon), strongest first: course.evidence["weak"].words
    evidence: dict[str, EvidenceLevel] = field(default_factory=dict)
    # figures.yaml: figure id -> its words (empty if the file is absent): course.figure("acupressure")
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def urgency_rank(self) -> dict[str, int]:
        """Level id -> position on the scale (0 = most urgent), read from ``urgency.yaml``."""
        return {lv.id: k for k, lv in enumerate(self.urgency)}

    def level(self, level_id: str) -> UrgencyLevel:
        """The urgency level with this id."""
        for lv in self.urgency:
            if lv.id == level_id:
                return lv
        raise KeyError(
            f"no urgency level {level_id!r}; the levels are: {', '.join(lv.id for lv in self.urgency)}"
        )

    @overload
    def figure(self, figure_id: Literal["acupressure"]) -> AcupressureFigure: ...
    @overload
    def figure(self, figure_id: Literal["spine"]) -> SpineFigure: ...
    @overload
    def figure(self, figure_id: Literal["abi"]) -> AbiFigure: ...
    @overload
    def figure(self, figure_id: str) -> Figure: ...
    def figure(self, figure_id: str) -> Figure:
        """The words of a figure (``figures.yaml``): ``course.figure("acupressure").points``."""
        try:
            return self.figures[figure_id]
        except KeyError:
            known = ", ".join(self.figures) or "none: this content folder has no figures.yaml"
            raise KeyError(f"no words for the figure {figure_id!r}; figures: {known}") from None

    def verdict(self, verdict_id: str) -> Verdict:
        """The prevention verdict with this id ("may help", "not tested"...)."""
        for v in self.verdicts:
            if v.id == verdict_id:
                return v
        raise KeyError(
            f"no verdict {verdict_id!r}; the verdicts are: {', '.join(v.id for v in self.verdicts)}"
        )

    def question(self, qid: str) -> Question:
        try:
            return self.questions[qid]
        except KeyError:
            raise KeyError(f"no question {qid!r}; banks: {', '.join(sorted(self.banks))}") from None

    def bank(self, bank_id: str) -> Bank:
        try:
            return self.banks[bank_id]
        except KeyError:
            raise KeyError(
                f"no quiz bank {bank_id!r}; known banks: {', '.join(sorted(self.banks))}"
            ) from None

    def topic(self, tid: str) -> Topic:
        try:
            return self.topics[tid]
        except KeyError:
            raise KeyError(f"no topic {tid!r}") from None

    def of_kind(self, kind: str) -> list[Topic]:
        return [t for tid, t in self.topics.items() if self.kinds[tid] == kind]

    def banks_for(self, lesson_id: str) -> list[Bank]:
        return [b for b in self.banks.values() if b.lesson == lesson_id]

    def lesson_of_question(self, qid: str) -> str:
        return self.banks[qid.rsplit(".q", 1)[0]].lesson

    def cite(self, ref_ids: list[str]) -> list[str]:
        return [self.references[r].citation for r in ref_ids]

    def in_order(self) -> list[Lesson]:
        """The lessons in course order (by number, as in ``lessons.yaml``)."""
        return sorted(self.lessons.values(), key=lambda les: les.number)


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, first_line: int, mark: yaml.Mark | None):
        self.key = key
        super().__init__(
            None, None, f"duplicate key {echo(key)} (first given on line {first_line}); keep one", mark
        )


class _Loader(yaml.SafeLoader):
    """The safe loader, stricter: no duplicate keys, no deep nesting, no aliases, dates stay text.

    Plain YAML lets the second of two equal keys silently win; here it is an error with both lines.
    Dates are not resolved: no field is a date, and the resolver turns ``2001-02-30`` into a bare
    ValueError and ``2001-02-03`` in a text field into a date object that then fails as "not a string".
    """

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # An alias repeats a subtree by reference: nine lines of them expand to a billion nodes.
        # Course content never needs one, so none is read.
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not used in course content; write the value out",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception as e:
            # The constructors let Python's own errors out on odd scalars: a 5000-digit integer
            # (ValueError), `!!timestamp 2001-02-30` (ValueError), an empty `!!int` (IndexError).
            # Python's advice after ';' (set_int_max_str_digits) is for programmers, not authors.
            reason = str(e).split(";")[0]
            kind = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {echo(node.value, 60)} as {kind}: {reason}", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):  # not so for `!!map` on a scalar: SafeConstructor reports it
            seen: dict[Any, int] = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    if key in seen:
                        raise _DuplicateKey(key, seen[key], key_node.start_mark)
                    seen[key] = key_node.start_mark.line + 1
                except TypeError:
                    pass  # an unhashable key: SafeConstructor reports it
        return super().construct_mapping(node, deep)


def read_content(path: Path, rel: str) -> str:
    """The text of one content file; a folder, an oversized file or bytes that are not UTF-8 raise ContentError."""
    if path.is_dir():
        raise ContentError(rel, "-", "-", "this is a folder, not a file: rename or remove it")
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ContentError(rel, "-", "-", f"cannot read file: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(
            rel, "-", "-", f"the file is larger than {MAX_FILE_BYTES:,} bytes; a content file is a few KB"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ContentError(
            rel,
            f"line {line}",
            "-",
            f"not UTF-8 text (byte {raw[e.start]:#04x} at offset {e.start}); save it as UTF-8",
        ) from None


def parse_yaml(text: str, rel: str) -> Any:
    """Parse one content file's YAML with the strict safe loader; any problem is a ContentError with its line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        field = str(e.key)[:80] if isinstance(e, _DuplicateKey) else "-"
        raise ContentError(rel, where, field, f"not valid YAML: {getattr(e, 'problem', e)}") from None


M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class _Cites(Protocol):
    """An item whose references are checked against ``references.yaml``."""

    @property
    def id(self) -> str: ...
    @property
    def references(self) -> list[str]: ...


def parse_table(
    text: str, rel: str, model: type[M], where: Callable[[Any, tuple[int | str, ...]], tuple[str, str]]
) -> M:
    """A content table that its own module checks (the cause finder's rules, the worked cases):
    strict YAML, a mapping at the top, validated as ``model``. The first problem is a ContentError;
    ``where(data, loc)`` names the item and field of a validation error's location.
    """
    data = parse_yaml(text, rel)
    if not isinstance(data, dict):
        raise ContentError(rel, "-", "-", "expected a mapping at the top of the file")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        item, fld = where(data, first["loc"])
        raise ContentError(rel, item, fld, first["msg"].removeprefix("Value error, ")) from None


def _load_yaml(path: Path, rel: str, top: type = dict) -> Any:
    data = parse_yaml(read_content(path, rel), rel)
    if not isinstance(data, top):
        raise ContentError(
            rel, "-", "-", f"expected a {'mapping' if top is dict else 'list'} at the top of the file"
        )
    return data


def _errors_from(rel: str, data: Any, err: ValidationError) -> list[ContentError]:
    """Turn pydantic's locations into (item id, field) that an author can find."""
    out: list[ContentError] = []
    for e in err.errors():
        loc = list(e["loc"])
        node, item = data, "-"
        path: list[str] = []
        for _i, part in enumerate(loc):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
                if isinstance(node, dict) and "id" in node:
                    # The outermost element with an id is the item; deeper ids stay in the field path.
                    if item == "-":
                        item, path = str(node["id"]), []
                    else:
                        path.append(str(node["id"]))
                    continue
            elif isinstance(part, str) and part in QUESTION_TYPE_NAMES:
                continue  # discriminator step in the location, not a real key
            elif isinstance(node, dict) and part == node.get("id"):
                continue  # the same for a kind told apart by its id (the figures)
            path.append(str(part))
        if item == "-" and isinstance(data, dict) and "bank" in data:
            item = str(data["bank"])
        msg = e["msg"].removeprefix("Value error, ")
        out.append(ContentError(rel, item, ".".join(path) or "-", msg))
    return out


def collect_errors(content_dir: Path | str | None = None) -> tuple[Course | None, list[ContentError]]:
    """Load and validate everything, collecting every error rather than stopping at the first."""
    root = Path(content_dir) if content_dir else CONTENT_DIR
    errors: list[ContentError] = []
    if not root.is_dir():
        return None, [ContentError(str(root), "-", "-", "content folder not found")]

    def parse(model: type[T], rel: str, top: type = dict) -> T | None:
        try:
            data = _load_yaml(root / rel, rel, top)
        except ContentError as e:
            errors.append(e)
            return None
        try:
            return TypeAdapter(model).validate_python(data)
        except ValidationError as e:
            errors.extend(_errors_from(rel, data, e))
            return None

    # Ids are unique within their kind; a topic and its quiz bank share one id (causes.cold).
    namespaces: dict[str, dict[str, str]] = {}

    def register(ident: str, rel: str, what: str) -> bool:
        seen = namespaces.setdefault(what, {})
        if ident in seen:
            errors.append(
                ContentError(rel, ident, "id", f"duplicate {what} id, first defined in {seen[ident]}")
            )
            return False
        seen[ident] = rel
        return True

    lessons: dict[str, Lesson] = {}
    lf = parse(LessonsFile, "lessons.yaml") if (root / "lessons.yaml").exists() else None
    if lf is None and not (root / "lessons.yaml").exists():
        errors.append(ContentError("lessons.yaml", "-", "-", "missing file"))
    for les in lf.lessons if lf else []:
        if register(les.id, "lessons.yaml", "lesson"):
            lessons[les.id] = les

    references: dict[str, Reference] = {}
    rf = parse(ReferencesFile, "references.yaml") if (root / "references.yaml").exists() else None
    if rf is None and not (root / "references.yaml").exists():
        errors.append(ContentError("references.yaml", "-", "-", "missing file"))
    for ref in rf.references if rf else []:
        if register(ref.id, "references.yaml", "reference"):
            references[ref.id] = ref

    def required(model: type[T], rel: str, why: str) -> T | None:
        if not (root / rel).exists():
            errors.append(ContentError(rel, "-", "-", f"missing file: {why}"))
            return None
        return parse(model, rel)

    uf = required(UrgencyFile, "urgency.yaml", "the course's levels of urgency are defined there")
    urgency = tuple(sorted(uf.levels, key=lambda lv: lv.order)) if uf else ()
    vf = required(VerdictsFile, "verdicts.yaml", "the prevention verdicts are defined there")
    verdicts = tuple(sorted(vf.verdicts, key=lambda v: v.order)) if vf else ()

    ef = required(EvidenceFile, "evidence.yaml", "the evidence tags' words and icons are defined there")
    if ef is not None and (problems := _evidence_problems(ef.tags)):
        errors.extend(ContentError("evidence.yaml", *p) for p in problems)
        ef = None
    evidence: dict[str, EvidenceLevel] = {e.id: e for e in ef.tags} if ef else {}

    # The figures' words are optional: a content folder without figures.yaml has none (the body
    # lessons' figures then cannot be drawn from it).
    ff = parse(FiguresFile, "figures.yaml") if (root / "figures.yaml").exists() else None
    figures: dict[str, Figure] = {f.id: f for f in ff.figures} if ff else {}

    topics: dict[str, Topic] = {}
    kinds: dict[str, str] = {}
    for path in sorted((root / "topics").glob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        tf = parse(TopicsFile, rel)
        if tf is None:
            continue
        for t in tf.items:
            if register(t.id, rel, "topic"):
                topics[t.id], kinds[t.id] = t, tf.kind

    banks: dict[str, Bank] = {}
    questions: dict[str, Question] = {}
    for path in sorted((root / "quizzes").glob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        b = parse(Bank, rel)
        if b is None or not register(b.bank, rel, "quiz bank"):
            continue
        if any(q.generator for q in b.questions):
            from cramp_lessons.course.variants import VariantError, settle

            try:  # the course keeps one draw of each variant (exports, classroom, guide)
                b = b.model_copy(update={"questions": [settle(q) if q.generator else q for q in b.questions]})
            except VariantError as e:
                errors.append(ContentError(rel, e.question_id, "generator", e.problem))
                continue
        banks[b.bank] = b
        for q in b.questions:
            if register(q.id, rel, "question"):  # ids are global: progress keys on them
                questions[q.id] = q

    sequences: dict[str, list[Step]] = {}
    for path in sorted((root / "physiology").glob("*.yaml")):
        steps = parse(list[Step], path.relative_to(root).as_posix(), top=list)
        if steps is not None:
            sequences[path.stem] = steps

    def read(path: Path) -> str | None:
        try:
            return read_content(path, path.relative_to(root).as_posix())
        except ContentError as e:
            errors.append(e)
            return None

    # The glossary is optional: a content folder without one simply has no glossary terms.
    gf = parse(GlossaryFile, "glossary.yaml") if (root / "glossary.yaml").exists() else None
    glossary = tuple(gf.terms) if gf else ()

    modelled = {
        "lessons.yaml",
        "references.yaml",
        "urgency.yaml",
        "verdicts.yaml",
        "glossary.yaml",
        "evidence.yaml",
        "figures.yaml",
    }
    documents = {p.stem: text for p in sorted(root.glob("*.md")) if (text := read(p)) is not None}
    tables = {
        p.stem: text
        for p in sorted(root.glob("*.yaml"))
        if p.name not in modelled and (text := read(p)) is not None
    }
    if not (root / "disclaimer.md").exists():
        errors.append(
            ContentError("disclaimer.md", "-", "-", "missing file: every lesson links the disclaimer")
        )

    # Cross-references: every cited reference defined, every lesson named exists.
    def check_refs(obj: _Cites, rel: str) -> None:
        for r in obj.references:
            if r not in references:
                errors.append(
                    ContentError(
                        rel, obj.id, "references", f"reference {r!r} is not defined in references.yaml"
                    )
                )

    for lv in urgency:
        check_refs(lv, "urgency.yaml")
    for fig in figures.values():
        check_refs(fig, "figures.yaml")
    level_ids = [lv.id for lv in urgency]
    by_verdict = {v.id: v for v in verdicts}

    topic_src, bank_src = namespaces.get("topic", {}), namespaces.get("quiz bank", {})
    for tid, t in topics.items():
        rel = topic_src[tid]
        check_refs(t, rel)
        for k, part in enumerate(t.parts):
            for r in part.references:
                if r not in references:
                    errors.append(
                        ContentError(
                            rel,
                            tid,
                            f"parts.{k}.references",
                            f"reference {r!r} is not defined in references.yaml",
                        )
                    )
        if t.lesson not in lessons:
            errors.append(ContentError(rel, tid, "lesson", f"unknown lesson {t.lesson!r}"))
        if uf is not None:  # a broken urgency.yaml is reported once, not again for every red flag
            if t.urgency is not None and t.urgency not in level_ids:
                errors.append(
                    ContentError(
                        rel,
                        tid,
                        "urgency",
                        f"unknown urgency level {t.urgency!r}; urgency.yaml has: {', '.join(level_ids)}",
                    )
                )
            elif t.urgency is None and kinds[tid] == "red_flag":
                errors.append(
                    ContentError(
                        rel,
                        tid,
                        "urgency",
                        f"a red flag needs an urgency level: one of {', '.join(level_ids)}",
                    )
                )
        if vf is not None:
            known = ", ".join(by_verdict)
            if t.verdict is not None and t.verdict not in by_verdict:
                errors.append(
                    ContentError(
                        rel, tid, "verdict", f"unknown verdict {t.verdict!r}; verdicts.yaml has: {known}"
                    )
                )
            elif t.verdict is None and kinds[tid] == "prevention":
                errors.append(
                    ContentError(
                        rel, tid, "verdict", f"every prevention measure needs a verdict: one of {known}"
                    )
                )
            elif t.verdict is not None and t.evidence not in by_verdict[t.verdict].evidence:
                fits = ", ".join(by_verdict[t.verdict].evidence)
                errors.append(
                    ContentError(
                        rel,
                        tid,
                        "verdict",
                        f"verdict {t.verdict!r} does not fit evidence {t.evidence!r}; it goes with: {fits}",
                    )
                )
    for bid, b in banks.items():
        if b.lesson not in lessons:
            errors.append(ContentError(bank_src[bid], bid, "lesson", f"unknown lesson {b.lesson!r}"))
        for q in b.questions:
            check_refs(q, bank_src[bid])

    if errors:
        return None, errors
    course = Course(
        lessons,
        references,
        topics,
        kinds,
        banks,
        questions,
        documents,
        sequences,
        tables,
        urgency,
        verdicts,
        glossary,
        evidence,
        figures,
    )
    return course, []


def load_course(content_dir: Path | str | None = None) -> Course:
    """Load and validate the course content; raise the first :class:`ContentError` on bad content."""
    if content_dir is None:
        return _default_course()
    course, errors = collect_errors(content_dir)
    if errors:
        raise errors[0]
    assert course is not None
    return course


@functools.lru_cache(maxsize=1)
def _default_course() -> Course:
    course, errors = collect_errors(None)
    if errors:
        raise errors[0]
    assert course is not None
    return course


def slug(text: str) -> str:
    """Anchor-style slug of a heading, for links back into a lesson."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
