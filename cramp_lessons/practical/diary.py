"""The cramp diary: validated entries in the progress store, CSV export and import, pattern counts.

Pure logic, no IPython. Every entry is checked by a pydantic model; a bad entry raises
:class:`DiaryError`, whose message names each field in words ("How long (seconds): ...")
and whose ``fields`` lists the field names, so a form can point at them. Nothing here
crashes on bad input: it explains.

Entries live in the ``diary`` table of the learner's progress store (made by
:mod:`cramp_lessons.learner.schema` when the store is opened), so they survive kernel restarts.
The cramp's date and time are stored as the learner's local wall-clock time.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sqlite3
import statistics
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.practical.redflags import long_cramp

if TYPE_CHECKING:
    from cramp_lessons.learner.progress import ProgressStore

__all__ = [
    "MUSCLES",
    "ACTIVITIES",
    "MAX_SECONDS",
    "CSV_COLUMNS",
    "DiaryEntry",
    "DiaryError",
    "Diary",
    "ImportReport",
    "helped_choices",
    "validate_entry",
    "entries_to_csv",
    "entries_from_csv",
    "hour_counts",
    "activity_counts",
    "duration_by_helped",
]

MUSCLES: dict[str, str] = {
    "calf": "Calf",
    "foot": "Foot or toes",
    "thigh_front": "Front of the thigh",
    "thigh_back": "Back of the thigh (hamstrings)",
    "hand": "Hand or fingers",
    "other": "Other (say which)",
}
ACTIVITIES: dict[str, str] = {
    "sleep": "Asleep or lying in bed",
    "exercise": "During or soon after exercise",
    "swimming": "Swimming",
    "rest": "Resting (awake)",
    "other": "Something else",
}
NOTHING, OTHER = "nothing", "other"
MAX_SECONDS = 24 * 3600  # longer than a day is not a cramp entry but a typing slip
EARLIEST = datetime(1900, 1, 1)
FUTURE_SLACK = timedelta(minutes=5)  # a clock a little ahead is not "the future"

LABELS = {
    "when": "Date and time",
    "muscle": "Muscle",
    "muscle_other": "Which other muscle",
    "duration_seconds": "How long (seconds)",
    "activity": "What you were doing",
    "helped": "What helped",
    "helped_other": "What else helped",
    "notes": "Notes",
    "uid": "Entry id",
}
CSV_COLUMNS = [
    "uid",
    "when",
    "muscle",
    "muscle_other",
    "duration_seconds",
    "activity",
    "helped",
    "helped_other",
    "notes",
]


class DiaryError(CrampLessonsError, ValueError):
    """An entry (or a CSV file) cannot be accepted. ``problems`` is a list of (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        self.fields = [f for f, _ in problems]
        super().__init__("; ".join(f"{LABELS.get(f, f)}: {m}" if f else m for f, m in problems))


def helped_choices(course: Course | None = None) -> dict[str, str]:
    """What can be ticked under "what helped": the relief techniques, then nothing and other."""
    course = course or load_course()
    out = {t.id: t.title for t in course.of_kind("relief") if t.steps}
    out[NOTHING] = "Nothing: it passed by itself"
    out[OTHER] = "Something else (say what)"
    return out


def _choices_text(d: dict[str, str]) -> str:
    return ", ".join(d)


class DiaryEntry(BaseModel):
    """One cramp. Validate with :func:`validate_entry` (which knows "now" and the course)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    when: datetime
    muscle: str
    muscle_other: str = Field(default="", max_length=80)
    duration_seconds: float
    activity: str
    helped: tuple[str, ...] = ()
    helped_other: str = Field(default="", max_length=120)
    notes: str = Field(default="", max_length=2000)
    uid: str = Field(default_factory=lambda: uuid.uuid4().hex, pattern=r"^[A-Za-z0-9_-]{1,64}$")

    @field_validator("when", mode="after")
    @classmethod
    def _when(cls, v: datetime, info: ValidationInfo) -> datetime:
        if v.tzinfo is not None:
            v = v.astimezone().replace(tzinfo=None)  # the learner's local wall-clock time
        v = v.replace(microsecond=0)
        if v < EARLIEST:
            raise ValueError(f"the year {v.year} looks wrong; enter when the cramp happened")
        now = (info.context or {}).get("now")
        if now is not None and v > now + FUTURE_SLACK:
            raise ValueError(
                f"{v:%Y-%m-%d %H:%M} is in the future (now it is {now:%Y-%m-%d %H:%M}); "
                f"enter when the cramp happened"
            )
        return v

    @field_validator("muscle", "activity", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("muscle")
    @classmethod
    def _muscle(cls, v: str) -> str:
        if v not in MUSCLES:
            raise ValueError(
                f"{v!r} is not in the list; choose one of {_choices_text(MUSCLES)} (or 'other' and say which)"
            )
        return v

    @field_validator("activity")
    @classmethod
    def _activity(cls, v: str) -> str:
        if v not in ACTIVITIES:
            raise ValueError(f"{v!r} is not in the list; choose one of {_choices_text(ACTIVITIES)}")
        return v

    @field_validator("duration_seconds")
    @classmethod
    def _duration(cls, v: float) -> float:
        if math.isnan(v) or math.isinf(v):
            raise ValueError("enter a number of seconds, such as 45")
        if v <= 0:
            raise ValueError(f"must be more than 0 seconds, not {v:g}")
        if v > MAX_SECONDS:
            raise ValueError(
                f"{v:g} s is more than 24 hours; check the number (it is in seconds: 2 minutes is 120)"
            )
        return float(v)

    @field_validator("helped", mode="before")
    @classmethod
    def _helped_list(cls, v: Any) -> Any:
        if v is None or v == "":
            return ()
        if isinstance(v, str):
            v = [p for p in v.replace(",", ";").split(";")]
        return tuple(dict.fromkeys(str(p).strip() for p in v if str(p).strip()))

    @field_validator("helped")
    @classmethod
    def _helped(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        known = (info.context or {}).get("helped")
        if known is not None:
            bad = [h for h in v if h not in known]
            if bad:
                raise ValueError(
                    f"{', '.join(map(repr, bad))} not in the list; choose from {_choices_text(known)}"
                )
        if NOTHING in v and len(v) > 1:
            raise ValueError("'nothing' cannot be ticked together with something that helped")
        return v

    @model_validator(mode="after")
    def _others(self) -> DiaryEntry:
        if self.muscle == OTHER and not self.muscle_other:
            raise ValueError("muscle_other|you chose 'other': say which muscle")
        if OTHER in self.helped and not self.helped_other:
            raise ValueError("helped_other|you ticked 'something else': say what helped")
        return self

    # -- reading ------------------------------------------------------------
    @property
    def muscle_text(self) -> str:
        return self.muscle_other if self.muscle == OTHER else MUSCLES[self.muscle]

    @property
    def long(self) -> bool:
        """Past the content's long-cramp limit: the red flag, if it lasted despite stretching."""
        return self.duration_seconds > long_cramp().seconds


_FRIENDLY = {
    "float_parsing": "enter a number of seconds, such as 45",
    "float_type": "enter a number of seconds, such as 45",
    "datetime_parsing": "enter a date and time such as 2024-03-01 02:30",
    "datetime_from_date_parsing": "enter a date and time such as 2024-03-01 02:30",
    "datetime_type": "enter a date and time such as 2024-03-01 02:30",
    "missing": "please fill this in",
    "string_type": "enter text",
    "string_too_long": "is too long",
    "string_pattern_mismatch": "may only hold letters, digits, '-' and '_'",
    "extra_forbidden": "is not a diary field",
}


def _problems(err: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in err.errors():
        loc = [str(p) for p in e["loc"]]
        fld = loc[0] if loc else ""
        msg = e["msg"].removeprefix("Value error, ")
        if not fld and "|" in msg:  # a model-level check naming its own field
            fld, msg = msg.split("|", 1)
        elif e["type"] in _FRIENDLY and e["type"] != "string_too_long":
            msg = _FRIENDLY[e["type"]]
        elif e["type"] == "string_too_long":
            msg = f"is too long (at most {e.get('ctx', {}).get('max_length', '?')} characters)"
        out.append((fld, msg))
    return out


def validate_entry(
    data: dict[str, Any] | DiaryEntry, *, now: datetime | None = None, course: Course | None = None
) -> DiaryEntry:
    """Check one entry; raise :class:`DiaryError` naming every bad field."""
    if isinstance(data, DiaryEntry):
        data = data.model_dump()
    if not isinstance(data, dict):
        raise DiaryError([("", "an entry must be a set of fields (a dict)")])
    data = {
        k: v for k, v in data.items() if not (k in ("muscle_other", "helped_other", "notes") and v is None)
    }
    ctx = {"now": now or datetime.now(), "helped": helped_choices(course)}
    try:
        return DiaryEntry.model_validate(data, context=ctx)
    except ValidationError as e:
        raise DiaryError(_problems(e)) from None


# --------------------------------------------------------------------------- CSV
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = ("muscle_other", "helped_other", "notes")


def _csv_safe(text: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: quote it with '."""
    return "'" + text if text.startswith(_FORMULA) or text.startswith("'") else text


def _csv_unsafe(text: str) -> str:
    return (
        text[1:]
        if text.startswith("'") and (text[1:].startswith(_FORMULA) or text[1:].startswith("'"))
        else text
    )


def entries_to_csv(entries: Iterable[DiaryEntry]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180; a lone \r in a note is then quoted too
    w.writerow(CSV_COLUMNS)
    for e in entries:
        w.writerow(
            [
                e.uid,
                e.when.isoformat(sep=" ", timespec="minutes" if e.when.second == 0 else "seconds"),
                e.muscle,
                _csv_safe(e.muscle_other),
                f"{e.duration_seconds:g}",
                e.activity,
                ";".join(e.helped),
                _csv_safe(e.helped_other),
                _csv_safe(e.notes),
            ]
        )
    return buf.getvalue()


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)  # "row 3: How long (seconds): ..."
    entries: list[DiaryEntry] = field(default_factory=list)

    @property
    def text(self) -> str:
        t = f"Imported {self.added} entries"
        if self.duplicates:
            t += f", skipped {self.duplicates} already in the diary"
        if self.errors:
            t += f"; {len(self.errors)} rows not imported: " + " | ".join(self.errors[:5])
            if len(self.errors) > 5:
                t += f" | and {len(self.errors) - 5} more"
        return t + "."


def entries_from_csv(
    text: str | bytes, *, now: datetime | None = None, course: Course | None = None, max_rows: int = 100_000
) -> ImportReport:
    """Parse and validate a diary CSV (as written by :func:`entries_to_csv`). Bad rows are reported, not raised.

    Raises :class:`DiaryError` only when the file as a whole cannot be used (not text, no header).
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DiaryError([("", "the file is not a UTF-8 text (CSV) file")]) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise DiaryError([("", "the CSV file is empty")])
    course = course or load_course()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    required = [c for c in CSV_COLUMNS if c not in ("uid", "muscle_other", "helped", "helped_other", "notes")]
    missing = [c for c in required if c not in header]
    if missing:
        raise DiaryError(
            [
                (
                    "",
                    f"the CSV has no column {', '.join(map(repr, missing))}; "
                    f"expected the columns {', '.join(CSV_COLUMNS)}",
                )
            ]
        )
    report = ImportReport()
    seen: set[str] = set()
    for n, row in enumerate(reader, start=2):  # row 1 is the header
        if n - 1 > max_rows:
            report.errors.append(f"row {n}: stopped, more than {max_rows} rows")
            break
        if None in row:  # more cells than columns
            report.errors.append(f"row {n}: more cells than the header has columns")
            continue
        # Text columns are left as written (the model trims them its own way); the rest are trimmed.
        data = {
            k: (v or "") if k in _TEXT_COLUMNS else (v or "").strip()
            for k, v in row.items()
            if k in CSV_COLUMNS
        }
        if not any(v.strip() for v in data.values()):
            continue  # blank line
        for c in _TEXT_COLUMNS:
            if c in data:
                data[c] = _csv_unsafe(data[c])
        if not data.get("uid"):
            data.pop("uid", None)
        try:
            e = validate_entry(data, now=now, course=course)
        except DiaryError as err:
            report.errors.append(f"row {n}: {err}")
            continue
        if e.uid in seen:
            report.duplicates += 1
            continue
        seen.add(e.uid)
        report.entries.append(e)
    return report


# --------------------------------------------------------------------------- the store
class Diary:
    """The learner's diary in a :class:`~cramp_lessons.learner.progress.ProgressStore`."""

    def __init__(
        self,
        store: ProgressStore | None = None,
        *,
        course: Course | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if store is None:
            from cramp_lessons.learner.progress import get_store

            store = get_store()
        self.store: ProgressStore = store
        self.course = course or load_course()
        # "now" for the future-date check: injected, else the store's clock (itself injectable).
        self._now = now or (lambda: datetime.fromtimestamp(self.store.clock()))

    def now(self) -> datetime:
        return self._now()

    def validate(self, data: dict[str, Any] | DiaryEntry) -> DiaryEntry:
        return validate_entry(data, now=self.now(), course=self.course)

    def add(self, data: dict[str, Any] | DiaryEntry) -> DiaryEntry:
        """Validate and store one entry; raise :class:`DiaryError` if it is not valid or already stored."""
        e = self.validate(data)
        with self.store.transaction() as con:
            if con.execute("SELECT 1 FROM diary WHERE uid = ?", (e.uid,)).fetchone():
                raise DiaryError([("uid", "this entry is already in the diary")])
            self._insert(con, e)
        return e

    def _insert(self, con: sqlite3.Connection, e: DiaryEntry) -> None:
        con.execute(
            "INSERT INTO diary(uid, at, muscle, muscle_other, duration, activity, helped, helped_other, notes, created) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                e.uid,
                e.when.isoformat(),
                e.muscle,
                e.muscle_other,
                e.duration_seconds,
                e.activity,
                json.dumps(list(e.helped)),
                e.helped_other,
                e.notes,
                float(self.store.clock()),
            ),
        )

    def entries(self) -> list[DiaryEntry]:
        """Every entry, oldest cramp first."""
        rows = self.store.query(
            "SELECT uid, at, muscle, muscle_other, duration, activity, helped, helped_other, notes "
            "FROM diary ORDER BY at, id"
        )
        out = []
        for uid, at, muscle, mo, dur, act, helped, ho, notes in rows:
            # Stored rows were valid when saved; read them without today's checks (the content's
            # list of techniques may have changed since).
            out.append(
                DiaryEntry.model_validate(
                    {
                        "uid": uid,
                        "when": at,
                        "muscle": muscle,
                        "muscle_other": mo,
                        "duration_seconds": dur,
                        "activity": act,
                        "helped": json.loads(helped),
                        "helped_other": ho,
                        "notes": notes,
                    }
                )
            )
        return out

    def __len__(self) -> int:
        return int(self.store.query("SELECT COUNT(*) FROM diary")[0][0])

    def delete(self, uid: str) -> bool:
        with self.store.transaction() as con:
            return con.execute("DELETE FROM diary WHERE uid = ?", (uid,)).rowcount > 0

    def to_csv(self) -> str:
        return entries_to_csv(self.entries())

    def export_csv(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_csv(), encoding="utf-8")
        return path

    def import_csv(self, text: str | bytes) -> ImportReport:
        """Add the valid rows of a diary CSV; rows already in the diary (same uid) are skipped."""
        report = entries_from_csv(text, now=self.now(), course=self.course)
        with self.store.transaction() as con:
            for e in report.entries:
                if con.execute("SELECT 1 FROM diary WHERE uid = ?", (e.uid,)).fetchone():
                    report.duplicates += 1
                else:
                    self._insert(con, e)
                    report.added += 1
        return report


# --------------------------------------------------------------------------- patterns
def hour_counts(entries: Iterable[DiaryEntry]) -> list[int]:
    """Cramps in each hour of the day, 0 (midnight to 1 am) to 23."""
    counts = [0] * 24
    for e in entries:
        counts[e.when.hour] += 1
    return counts


def activity_counts(entries: Iterable[DiaryEntry]) -> dict[str, int]:
    """Cramps per activity, in the order of :data:`ACTIVITIES`."""
    counts = dict.fromkeys(ACTIVITIES, 0)
    for e in entries:
        counts[e.activity] += 1
    return counts


def duration_by_helped(entries: Iterable[DiaryEntry]) -> dict[str, tuple[float, int]]:
    """Median duration (s) and count of the cramps where each thing helped, shortest median first.

    An entry with two things ticked counts for both; an entry with nothing ticked counts for none.
    """
    groups: dict[str, list[float]] = {}
    for e in entries:
        for h in e.helped:
            groups.setdefault(h, []).append(e.duration_seconds)
    stats = {h: (float(statistics.median(v)), len(v)) for h, v in groups.items()}
    return dict(sorted(stats.items(), key=lambda kv: (kv[1][0], -kv[1][1], kv[0])))
