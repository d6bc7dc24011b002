"""The building blocks every content model uses: ids, text, evidence tags and citations.

The question types (``questions/``) and the rest of the content model (``course/``) both build on
these, so they live below both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# The evidence tags, strongest first: the rule every `evidence:` field is checked against. How each
# tag reads (its words, its badge icon) is content: evidence.yaml, read into Course.evidence.
EvidenceTag = Literal["strong", "moderate", "weak", "traditional practice", "unproven"]
EVIDENCE_TAGS: tuple[str, ...] = EvidenceTag.__args__  # type: ignore[attr-defined]

# The one id pattern (topics, questions, banks, lessons, cases): lower case, digits, _, dot-separated.
# Progress, exports and the classroom key on ids, so every reader of an id uses this.
ID_PATTERN = r"^[a-z0-9_]+(\.[a-z0-9_]+)*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1)]


class ContentModel(BaseModel):
    """A piece of hand-written content: unknown fields are refused, values are frozen and trimmed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Cited(ContentModel):
    """Anything that makes a claim: it carries an evidence tag and the references behind it."""

    evidence: EvidenceTag
    references: list[Id] = Field(default_factory=list)


def unique(ids: Sequence[str], what: str) -> None:
    """Refuse a list that names the same id twice (a validator's ValueError, so pydantic reports it)."""
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate id {i!r} in {what}")
        seen.add(i)
