"""Take your progress with you: export, import (merge) and reset.

The file is JSON::

    {"format": "cramp-lessons-progress", "version": 1, "exported_at": "2025-...Z",
     "attempts": [{uid, question_id, answer, score, correct, seconds, at}, ...],
     "reviews": [{question_id, card, reps, lapses, last_rating, updated}, ...],
     "checksum": "<sha256 of the canonical JSON of everything above>"}

Canonical JSON: keys sorted, no spaces (``separators=(",", ":")``), UTF-8, no ASCII escaping.

The checksum catches accidental damage (a cut-off copy, an editor that changed a character): such
a file is refused. It is not a signature and does not stop anyone from editing answers on purpose:
whoever edits the file can recompute the checksum, and the edited answers then import like any
others. A teacher who must trust results uses the classroom (answers go straight to the teacher's
server), not progress files.

Import checks everything first and then writes in one transaction: a refused file changes
nothing, not one byte of the store. Attempts merge by their ``uid``, so importing the same file
twice adds nothing the second time; a review card replaces the local one only if it was reviewed
later.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cramp_lessons.errors import ProgressError
from cramp_lessons.learner import review
from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.schema import ID_PATTERN

FORMAT = "cramp-lessons-progress"
VERSION = 1
# A whole course's answers export to well under 1 MB; a bigger file is not a progress file, and
# reading it whole would only use up memory.
MAX_FILE_BYTES = 20 * 1024 * 1024


def canonical_json(payload: Any) -> bytes:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def checksum(payload: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of the payload (the file without its ``checksum``).

    Unkeyed on purpose: it detects damage, not deliberate edits (see the module docstring).
    """
    return hashlib.sha256(canonical_json(payload)).hexdigest()


# ------------------------------------------------------------------ the file's model
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Finite = Annotated[float, Field(allow_inf_nan=False)]


class AttemptRow(_Strict):
    uid: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    question_id: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
    answer: Any
    score: Annotated[float, Field(ge=0, le=1)]
    correct: bool
    seconds: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None
    at: Finite


class CardRow(_Strict):
    card_id: int
    state: Annotated[int, Field(ge=1, le=3)]
    step: Annotated[int, Field(ge=0)] | None
    stability: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None
    difficulty: Annotated[float, Field(ge=1, le=10, allow_inf_nan=False)] | None
    due: str
    last_review: str | None

    @field_validator("due", "last_review")
    @classmethod
    def _iso(cls, v: str | None) -> str | None:
        if v is not None:
            t = datetime.fromisoformat(v)
            if t.tzinfo is None:
                raise ValueError("a time must carry its time zone")
        return v


class ReviewRow(_Strict):
    question_id: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
    card: CardRow
    reps: Annotated[int, Field(ge=0)]
    lapses: Annotated[int, Field(ge=0)]
    last_rating: Annotated[int, Field(ge=1, le=4)]
    updated: Finite


class ProgressFile(_Strict):
    format: Literal["cramp-lessons-progress"]
    version: Literal[1]
    exported_at: str
    attempts: list[AttemptRow]
    reviews: list[ReviewRow]
    checksum: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]

    @field_validator("exported_at")
    @classmethod
    def _when(cls, v: str) -> str:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
        return v


# ------------------------------------------------------------------ export
def export_data(store: ProgressStore, now: datetime | float | None = None) -> dict[str, Any]:
    """The export as a dict (with its checksum)."""
    when = review.as_utc(now) if now is not None else datetime.now(UTC)
    attempts = [
        {
            "uid": a.uid,
            "question_id": a.question_id,
            "answer": a.answer,
            "score": a.score,
            "correct": a.correct,
            "seconds": a.seconds,
            "at": a.at,
        }
        for a in store.attempts()
    ]
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": when.isoformat().replace("+00:00", "Z"),
        "attempts": attempts,
        "reviews": [c.as_dict() for c in review.cards(store)],
    }
    return {**payload, "checksum": checksum(payload)}


def export_progress(
    store: ProgressStore, path: Path | str, now: datetime | float | None = None
) -> dict[str, int]:
    """Write the learner's progress to ``path`` (JSON). Returns the counts written."""
    data = export_data(store, now)
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(
            json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
        )
        tmp.replace(target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ProgressError(f"cannot write the progress file {target}: {e.strerror or e}") from None
    return {"attempts": len(data["attempts"]), "reviews": len(data["reviews"])}


# ------------------------------------------------------------------ import
@dataclass(frozen=True)
class ImportResult:
    attempts_added: int
    attempts_skipped: int
    reviews_added: int
    reviews_updated: int
    reviews_skipped: int

    @property
    def added(self) -> int:
        return self.attempts_added + self.reviews_added

    @property
    def skipped(self) -> int:
        return self.attempts_skipped + self.reviews_skipped

    def summary(self) -> str:
        return (
            f"{self.attempts_added} attempts added, {self.attempts_skipped} already there; "
            f"{self.reviews_added} review cards added, {self.reviews_updated} updated, "
            f"{self.reviews_skipped} kept as they were."
        )


def _refuse(path: Path, why: str) -> ProgressError:
    return ProgressError(f"{path}: {why}. Nothing was imported.")


def read_progress_file(path: Path | str) -> ProgressFile:
    """Read and check a progress file; raise :class:`ProgressError` saying what is wrong."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise _refuse(p, f"cannot read the file ({e.strerror or e})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _refuse(
            p,
            f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; a progress file is far smaller, "
            f"so this is not one",
        )
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as e:
        raise _refuse(p, f"not a JSON file ({e})") from None
    except RecursionError:
        raise _refuse(p, "not a progress file: its JSON is nested far too deeply to read") from None
    if not isinstance(data, dict):
        raise _refuse(p, "not a Cramp Lessons progress file (expected a JSON object at the top)")
    if data.get("format") != FORMAT:
        got = data.get("format")
        raise _refuse(p, f"not a Cramp Lessons progress file (format is {got!r}, expected {FORMAT!r})")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        raise _refuse(
            p,
            f"progress file version {version!r} is not supported; this version of cramp-lessons "
            f"reads version {VERSION}",
        )
    if "checksum" not in data:
        raise _refuse(p, "the file has no checksum, so it cannot be checked for damage")
    payload = {k: v for k, v in data.items() if k != "checksum"}
    try:
        expected = checksum(payload)
    except (TypeError, ValueError, RecursionError) as e:
        raise _refuse(p, f"the file cannot be checked: {e}") from None
    if data["checksum"] != expected:
        raise _refuse(
            p, "the checksum does not match: the file was changed after it was exported (edited or damaged)"
        )
    try:
        return ProgressFile.model_validate(data)
    except RecursionError:
        raise _refuse(p, "the file's contents are nested far too deeply to be a progress file") from None
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in err['loc']) or 'file'}: {err['msg']}" for err in e.errors()[:5]
        )
        more = f" (and {e.error_count() - 5} more)" if e.error_count() > 5 else ""
        raise _refuse(p, f"the file's contents are not valid: {problems}{more}") from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in a progress file")


def import_progress(store: ProgressStore, path: Path | str) -> ImportResult:
    """Merge a progress file into ``store``: all of it in one transaction, or none of it."""
    f = read_progress_file(path)
    for r in f.reviews:
        review.check_card_dict(r.card.model_dump())
    added = skipped = 0
    seen: set[str] = set()
    try:
        with store.transaction() as con:
            for a in f.attempts:
                if a.uid in seen:
                    skipped += 1
                    continue
                seen.add(a.uid)
                cur = con.execute(
                    "INSERT OR IGNORE INTO attempts(uid, question_id, answer, score, correct, seconds, at) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (a.uid, a.question_id, json.dumps(a.answer), a.score, int(a.correct), a.seconds, a.at),
                )
                added += cur.rowcount
                skipped += 1 - cur.rowcount
            r_added, r_updated, r_skipped = review.merge_cards(con, [r.model_dump() for r in f.reviews])
    except sqlite3.Error as e:
        raise ProgressError(
            f"{path}: the progress store could not be written ({e}). Nothing was imported."
        ) from None
    return ImportResult(added, skipped, r_added, r_updated, r_skipped)


# ------------------------------------------------------------------ reset
@dataclass(frozen=True)
class ResetResult:
    backup_sqlite: Path  # a full copy of the store, every table
    backup_json: Path  # the same progress as a file `progress import` reads
    attempts_deleted: int
    reviews_deleted: int

    def summary(self) -> str:
        return (
            f"Deleted {self.attempts_deleted} attempts and {self.reviews_deleted} review cards. "
            f"Backup: {self.backup_json} (restore with `cramp-lessons progress import`) "
            f"and a full copy of the store: {self.backup_sqlite}"
        )


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    target = folder / f"{stem}{suffix}"
    n = 1
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def reset_progress(
    store: ProgressStore, backup_dir: Path | str, now: datetime | float | None = None
) -> ResetResult:
    """Back the progress up into ``backup_dir``, then delete every attempt and review card.

    Two backups: a JSON export (importable) and a consistent SQLite copy of the whole store
    (SQLite's backup API, so a write in progress elsewhere cannot tear it). If either backup
    fails, nothing is deleted.
    """
    when = review.as_utc(now) if now is not None else datetime.now(UTC)
    folder = Path(backup_dir)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ProgressError(
            f"cannot create the backup folder {folder}: {e.strerror or e}. Nothing was reset."
        ) from None
    json_path = _free_name(folder, f"progress-{stamp}", ".json")
    sqlite_path = _free_name(folder, f"progress-{stamp}", ".sqlite")
    export_progress(store, json_path, when)
    try:
        src = sqlite3.connect(store.path)
        dst = sqlite3.connect(sqlite_path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except (sqlite3.Error, OSError) as e:
        raise ProgressError(f"cannot back up the store to {sqlite_path}: {e}. Nothing was reset.") from None
    with store.transaction() as con:
        n_attempts = con.execute("DELETE FROM attempts").rowcount
        n_reviews = con.execute("DELETE FROM reviews").rowcount
    return ResetResult(sqlite_path, json_path, n_attempts, n_reviews)


__all__ = [
    "export_progress",
    "export_data",
    "import_progress",
    "read_progress_file",
    "reset_progress",
    "ImportResult",
    "ResetResult",
    "checksum",
    "canonical_json",
    "FORMAT",
    "VERSION",
]
