"""The classroom's database: sessions, students, posed questions, answers (SQLAlchemy 2).

SQLite by default (``<CRAMP_LESSONS_HOME or data dir>/classroom.sqlite``), PostgreSQL by URL
(``postgresql+psycopg://user@127.0.0.1/db``). Secrets are stored only as SHA-256 hashes, so
a copied database file does not let anyone act as the teacher or a student.

Each answer also stores its *picks* (the choice keys it counts for in the distribution, and
whether each is wrong), so the dashboard's counts are one indexed GROUP BY, not a re-grading
of every stored answer.

The schema is versioned with Alembic: the revisions live in ``migrations/versions`` next to this
file (package data, not a Python package) and opening a :class:`Store` brings the database to
the newest one. Changing a model below needs a new revision there (a test compares them).
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    InstrumentedAttribute,
    Mapped,
    Session,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.pool import StaticPool

from cramp_lessons.classroom import ClassroomError, Conflict, NotFound, TooManyRequests

if TYPE_CHECKING:
    from typing import TypeAlias

    from alembic.config import Config
    from sqlalchemy.engine import Row
    from sqlalchemy.engine.interfaces import DBAPIConnection
    from sqlalchemy.pool import ConnectionPoolEntry
    from sqlalchemy.sql.elements import Case

    # A row read with SQLAlchemy Core: it reads like the ORM object (row.id, row.session_id, ...).
    AnyRow: TypeAlias = Row[*tuple[Any, ...]]

FILENAME = "classroom.sqlite"
# No 0/O or 1/I/L: join codes are read off a projector and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
# Six letters from 31: 887 million codes. With at most JoinLimits.wrong_codes (400) wrong guesses a
# minute for the whole server, finding one live class's code takes about a million minutes (two
# years) on average, and an ended class's code admits no one. See the README's classroom section.
DEFAULT_MAX_STUDENTS = 200
MAX_STUDENTS_LIMIT = 5000
RATE_WINDOW = 60.0  # seconds; refused joins are counted over the last minute
FAILURE_KEPT = 3600.0  # seconds a refused join is remembered
CONFIDENCE = {1: "guessing", 2: "unsure", 3: "sure"}
ROUNDS = (1, 2)  # peer instruction: alone, then again after talking with a neighbour

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions (a test checks they agree). A database already at it
# opens without importing Alembic; any other (new, made before migrations, older) goes through it.
SCHEMA_REVISION = "0002"
# Revision 0001 as databases made before migrations have it (Base.metadata.create_all, no
# alembic_version table): frozen here, as the models will move on. Such a database is stamped 0001.
_V1_TABLES = {
    "class_sessions": set("id join_code key_hash created_at current_question".split()),
    "students": set("id session_id name token_hash joined_at".split()),
    "polls": set("session_id question_id open revealed posed_at".split()),
    "answers": set("id session_id question_id student_id uid answer score correct submitted_at".split()),
    "picks": set("answer_id key session_id question_id wrong".split()),
    "receipts": set("uid session_id student_id received_at".split()),
}
_MIGRATION_LOCK = 0x6372616D70636C61  # PostgreSQL advisory lock key ("crampcla"): one migrator at a time
_ALEMBIC = threading.Lock()  # Alembic's `context` and `op` are module globals: one migration per process


def default_url() -> str:
    from cramp_lessons.learner.progress import default_home

    return f"sqlite:///{default_home() / FILENAME}"


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration, built in code (no alembic.ini): works from a source tree or a wheel.

    ``url`` is only for running Alembic by hand (``command.revision(..., autogenerate=True)``);
    :class:`Store` passes its own connection instead.
    """
    from alembic.config import Config

    cfg = Config()
    # ConfigParser interpolates "%": escape it (percent-encoded passwords, odd paths).
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def matches(secret: str | None, stored_hash: str) -> bool:
    """Constant-time check of a presented secret against its stored hash."""
    return secret is not None and secrets.compare_digest(digest(secret), stored_hash)


# --------------------------------------------------------------------------- tables
class Base(DeclarativeBase):
    pass


class ClassSession(Base):
    __tablename__ = "class_sessions"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    join_code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    current_question: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # A roster cap the teacher sets: one client cannot flood the class with made-up names.
    max_students: Mapped[int] = mapped_column(Integer, server_default=str(DEFAULT_MAX_STUDENTS))
    # Set when the teacher ends the class: the join code admits no one after it.
    ended_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The projector's own read-only key (hashed): the projector view shows no names and no answer.
    projector_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # An explorer state the teacher shares with the class (JSON: {"explorer": ..., "state": {...}}).
    shared_state: Mapped[str | None] = mapped_column(Text, nullable=True)


class Student(Base):
    __tablename__ = "students"
    # name_key: what the name looks like (look_alike_key); unique, so two look-alike names
    # arriving together at two worker processes cannot both join.
    __table_args__ = (
        UniqueConstraint("session_id", "name"),
        Index("students_look_alike", "session_id", "name_key", unique=True),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[float] = mapped_column(Float)
    name_key: Mapped[str] = mapped_column(String(160))


class Poll(Base):
    """A question the teacher posed in a session, whether answering is open / revealed, and which
    peer-instruction round it is in (1: alone; 2: again, after talking with a neighbour)."""

    __tablename__ = "polls"
    session_id: Mapped[str] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    open: Mapped[bool] = mapped_column(Boolean)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    posed_at: Mapped[float] = mapped_column(Float)
    round: Mapped[int] = mapped_column(Integer, server_default="1")


class Answer(Base):
    """A student's current answer to a question in a round: one row per (session, question, student, round)."""

    __tablename__ = "answers"
    # The tally index covers the report's GROUP BY, so it never reads the table itself.
    __table_args__ = (
        Index("answers_one_per_round", "session_id", "question_id", "student_id", "round", unique=True),
        Index("answers_tally", "session_id", "question_id", "round", "correct", "score"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str] = mapped_column(Text)  # JSON, as the student sent it
    score: Mapped[float] = mapped_column(Float)
    correct: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[float] = mapped_column(Float)
    round: Mapped[int] = mapped_column(Integer, server_default="1")
    confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1 guessing .. 3 sure


class Pick(Base):
    __tablename__ = "picks"
    __table_args__ = (Index("picks_tally", "session_id", "question_id", "round", "key", "wrong"),)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(16))
    question_id: Mapped[str] = mapped_column(String(80))
    wrong: Mapped[bool] = mapped_column(Boolean)
    round: Mapped[int] = mapped_column(Integer, server_default="1")


class Receipt(Base):
    """Every answer uid ever accepted: a re-sent answer (lost response, offline queue) counts once."""

    __tablename__ = "receipts"
    uid: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    received_at: Mapped[float] = mapped_column(Float)


class JoinFailure(Base):
    """A refused join (wrong code, name taken, class full or ended), kept an hour: the rate limits
    count these in the database, so every worker process sees the same counts."""

    __tablename__ = "join_failures"
    __table_args__ = (Index("join_failures_client", "client", "at"), Index("join_failures_at", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client: Mapped[str] = mapped_column(String(64))  # a hash of the client's address, not the address
    session_id: Mapped[str | None] = mapped_column(String(16), nullable=True)  # None: no such code
    at: Mapped[float] = mapped_column(Float)


# --------------------------------------------------------------------------- hot statements
# Built once with bind parameters: every answer and every state poll runs them, and building a
# statement (and its cache key) per call costs more than executing it.
# From the metadata, which holds them as Tables (a model's __table__ is typed as any FromClause).
_S, _P, _A, _R, _K, _ST = (
    Base.metadata.tables[t.__tablename__] for t in (ClassSession, Poll, Answer, Receipt, Pick, Student)
)
_STUDENT = select(_ST).where(_ST.c.id == bindparam("id"))
# On PostgreSQL a submit first locks the student's row, so two submits by one student (two
# kernels) run one after the other; then everything it checks is one query, on a fresh snapshot.
_LOCK_STUDENT = select(_ST.c.id).where(_ST.c.id == bindparam("st")).with_for_update()
_POLL_ROUND = (
    select(_P.c.round)
    .where(_P.c.session_id == bindparam("sid"), _P.c.question_id == bindparam("qid"))
    .scalar_subquery()
)
_CHECK = select(
    select(_R.c.student_id).where(_R.c.uid == bindparam("uid")).scalar_subquery().label("seen"),
    select(_P.c.open)
    .where(_P.c.session_id == bindparam("sid"), _P.c.question_id == bindparam("qid"))
    .scalar_subquery()
    .label("open"),
    _POLL_ROUND.label("round"),
    select(_A.c.id)  # this student's answer in the poll's current round
    .where(
        _A.c.session_id == bindparam("sid"),
        _A.c.question_id == bindparam("qid"),
        _A.c.student_id == bindparam("st"),
        _A.c.round == _POLL_ROUND,
    )
    .scalar_subquery()
    .label("aid"),
)
_INSERT_ANSWER = insert(_A)
_UPDATE_ANSWER = update(_A).where(_A.c.id == bindparam("aid"))
_DELETE_PICKS = delete(_K).where(_K.c.answer_id == bindparam("aid"))
_INSERT_PICK, _INSERT_RECEIPT = insert(_K), insert(_R)
_VIEW = (
    select(
        _S.c.current_question.label("question_id"),
        _S.c.ended_at,
        _S.c.shared_state,
        _P.c.open,
        _P.c.revealed,
        _P.c.round,
        _A.c.answer,
    )
    .select_from(
        _S.outerjoin(
            _P, (_P.c.session_id == _S.c.id) & (_P.c.question_id == _S.c.current_question)
        ).outerjoin(
            _A,
            (_A.c.session_id == _S.c.id)
            & (_A.c.question_id == _S.c.current_question)
            & (_A.c.student_id == bindparam("st"))
            & (_A.c.round == _P.c.round),
        )
    )
    .where(_S.c.id == bindparam("sid"))
)


# --------------------------------------------------------------------------- names
@functools.lru_cache(maxsize=8192)  # a join compares with every name in its class: each is read once
def look_alike_key(name: str) -> str:
    """What a name looks like: letters that look like Latin ones (a Cyrillic "а", a Greek "Ο") read as
    those, and case ignored. Two names with the same key look the same on a roster, so the second is
    refused as taken (names arrive already in NFKC form, without invisible characters)."""
    from confusable_homoglyphs import confusables

    out = []
    for ch in name:
        found = confusables.is_confusable(ch, preferred_aliases=["latin"]) or []
        latin = [g["c"] for f in found for g in f["homoglyphs"] if g["n"].startswith("LATIN")]
        out.append(latin[0] if latin else ch)
    return "".join(out).casefold()


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class NewSession:
    id: str
    join_code: str
    teacher_key: str  # shown once; only its hash is stored


@dataclass(frozen=True)
class JoinLimits:
    """Refused joins allowed in a minute, past which joining answers 429 (``serve --failed-joins``)."""

    per_client: int = 20  # one address (a school behind one router is one address: typos must pass)
    per_session: int = 60  # naming one class (names taken, class full)
    wrong_codes: int = 400  # codes that match no class, from all clients together

    @classmethod
    def parse(cls, text: str) -> JoinLimits:
        """``"20,60,400"``: per client, per class, wrong codes for the whole server."""
        try:
            values = [int(x) for x in text.split(",")]
        except ValueError:
            values = []
        if len(values) != 3 or min(values) < 1:
            raise ClassroomError(
                f"--failed-joins takes three whole numbers of at least 1, per client, per class and for "
                f"the whole server, like 20,60,400; not {text!r}"
            )
        return cls(*values)


@dataclass(frozen=True)
class AnswerTally:
    """Raw counts for one question in one session."""

    question_id: str
    answers: int = 0
    correct: int = 0
    score_sum: float = 0.0
    picks: dict[str, tuple[int, bool]] = field(default_factory=dict)  # key -> (count, wrong)


# --------------------------------------------------------------------------- the store
class Store:
    def __init__(self, url: str | None = None, limits: JoinLimits | None = None) -> None:
        self.url = url or default_url()
        self.limits = limits or JoinLimits()
        u = make_url(self.url)
        self.is_sqlite = u.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            if u.database and u.database != ":memory:":
                from pathlib import Path

                Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            else:  # one shared in-memory database for every thread
                kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        # No pool_pre_ping (a round trip per request): after a database restart the first request
        # fails with a 5xx, the pool drops its dead connections, and clients simply send again.
        self.engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._migrate()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite allows one writer; queueing writers here is far faster than its busy-wait
        # back-off (sleeps of up to 100 ms), which would dominate submit latency.
        self._write_lock = threading.Lock() if self.is_sqlite else nullcontext()

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ---------------------------------------------------------------
    def _migrate(self) -> None:
        """Bring the database to the newest schema revision. At it already: two cheap reads, no Alembic."""
        with self.engine.connect() as con:
            if _stored_revisions(con) == [SCHEMA_REVISION]:
                return
        from alembic.script import ScriptDirectory

        cfg = alembic_config()
        known = {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}
        try:
            with _ALEMBIC, self.engine.connect() as con:
                if self.is_sqlite:
                    # Revisions rebuild SQLite tables (copy, drop, rename): with foreign keys enforced,
                    # dropping class_sessions would cascade to every student and answer. The pragma
                    # only takes effect outside a transaction; foreign_key_check runs before commit.
                    con.exec_driver_sql("PRAGMA foreign_keys = OFF")
                    con.commit()
                try:
                    with con.begin():
                        self._upgrade(con, cfg, known)
                finally:
                    if self.is_sqlite:
                        con.exec_driver_sql("PRAGMA foreign_keys = ON")
                        con.commit()
        except Exception:  # refused or failed: let go of the database
            self.engine.dispose()
            raise

    def _upgrade(self, con: Connection, cfg: Config, known: set[str]) -> None:
        from alembic import command

        # One migrator at a time: another process opening the same new database waits here,
        # then finds it at the newest revision and has nothing to do.
        if self.is_sqlite:
            con.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, before anything is read
        else:
            con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        stored = _stored_revisions(con)
        unknown = [r for r in stored if r not in known]
        if unknown:
            raise ClassroomError(
                f"the classroom database {_shown(self.engine.url)} is at schema revision "
                f"{', '.join(unknown)}, which this cramp-lessons does not know (its newest is "
                f"{SCHEMA_REVISION}): a newer cramp-lessons wrote it. Upgrade cramp-lessons, or "
                "use another database (--db). Nothing in the database was changed.",
                409,
            )
        cfg.attributes["connection"] = con  # env.py runs on it, inside this transaction
        if not stored and self._made_before_migrations(con):
            command.stamp(cfg, "0001")
        command.upgrade(cfg, "head")
        if self.is_sqlite and (broken := con.exec_driver_sql("PRAGMA foreign_key_check").all()):
            raise ClassroomError(  # rolled back: a faulty revision, not the teacher's doing
                f"upgrading the classroom database {_shown(self.engine.url)} would leave {len(broken)} "
                f"rows of {broken[0][0]} pointing at missing rows; nothing was changed. Please report this.",
                500,
            )

    @staticmethod
    def _made_before_migrations(con: Connection) -> bool:
        """True for a database the classroom made before migrations existed (its 0001 tables, no
        alembic_version); False for a new one. Refuses one holding some other set of our tables."""
        insp = inspect(con)
        ours = set(insp.get_table_names()) & set(_V1_TABLES)
        if not ours:  # new (other programs' tables, if any, are left alone)
            return False
        found = {t: {c["name"] for c in insp.get_columns(t)} for t in ours}
        if found != _V1_TABLES:
            odd = sorted(set(_V1_TABLES) - ours) or sorted(t for t in ours if found[t] != _V1_TABLES[t])
            raise ClassroomError(
                f"the database {_shown(con.engine.url)} has classroom tables but not the ones a classroom "
                f"database has (check: {', '.join(odd)}) and no schema revision: refusing to change it. "
                "Use another database (--db).",
                409,
            )
        return True

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as s:
            yield s

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._write_lock, self._sessions() as s, s.begin():
            yield s

    # -- sessions -----------------------------------------------------------
    def create_session(self, max_students: int = DEFAULT_MAX_STUDENTS) -> NewSession:
        _check_cap(max_students)
        key = secrets.token_urlsafe(24)
        for _ in range(20):  # a join-code collision is rare; just draw again
            sid = secrets.token_hex(4)
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self._write() as s:
                    s.add(
                        ClassSession(
                            id=sid,
                            join_code=code,
                            key_hash=digest(key),
                            created_at=time.time(),
                            max_students=max_students,
                        )
                    )
                return NewSession(sid, code, key)
            except IntegrityError:
                continue
        raise Conflict("could not draw a free join code; purge old sessions")  # pragma: no cover

    def end_session(self, sid: str) -> ClassSession:
        """End the class: its join code admits no one from now on, and answering closes."""
        with self._write() as s:
            sess = s.get(ClassSession, sid)
            if sess is None:
                raise NotFound(f"no session {sid!r}")
            if sess.ended_at is None:
                sess.ended_at = time.time()
                s.execute(update(Poll).where(Poll.session_id == sid).values(open=False))
            return sess

    def set_max_students(self, sid: str, max_students: int) -> ClassSession:
        """Change the roster cap; students already in stay (a lower cap only stops new joins)."""
        _check_cap(max_students)
        with self._write() as s:
            sess = s.get(ClassSession, sid)
            if sess is None:
                raise NotFound(f"no session {sid!r}")
            sess.max_students = max_students
            return sess

    def new_projector_key(self, sid: str) -> str:
        """A fresh read-only key for the projector view (the previous one stops working)."""
        key = secrets.token_urlsafe(18)
        with self._write() as s:
            sess = s.get(ClassSession, sid)
            if sess is None:
                raise NotFound(f"no session {sid!r}")
            sess.projector_hash = digest(key)
        return key

    def projector_session(self, sid: str, key: str | None) -> AnyRow | None:
        """The session if ``key`` is its projector key, else None (the teacher key is not one:
        the projector's link is on a shared screen, the teacher's key never is)."""
        row = self.session(sid)
        stored = row.projector_hash if row is not None and row.projector_hash else None
        ok = matches(key, stored or digest(""))  # same work either way
        return row if stored is not None and ok else None

    def share_state(self, sid: str, state: dict[str, Any] | None) -> None:
        """Share an explorer state with the class (None: stop sharing)."""
        with self._write() as s:
            sess = s.get(ClassSession, sid)
            if sess is None:
                raise NotFound(f"no session {sid!r}")
            sess.shared_state = None if state is None else json.dumps(state)

    # The per-request reads and the submit below use SQLAlchemy Core, not the ORM: they run on
    # every answer and every state poll, and Core is several times cheaper per statement.
    # They return Rows, which read like the ORM objects (row.id, row.session_id, ...).
    def session(self, sid: str) -> AnyRow | None:
        with self.engine.connect() as con:
            return con.execute(select(ClassSession.__table__).where(ClassSession.id == sid)).first()

    def teacher_session(self, sid: str, key: str | None) -> AnyRow | None:
        """The session if ``key`` is its teacher key, else None (unknown session and wrong key look alike)."""
        row = self.session(sid)
        ok = matches(key, row.key_hash if row else digest(""))  # same work either way
        return row if row is not None and ok else None

    def sessions(self) -> list[ClassSession]:
        with self._read() as s:
            return list(s.scalars(select(ClassSession).order_by(ClassSession.created_at)))

    def purge(self, sid: str) -> dict[str, int]:
        """Delete everything a session stored. Returns the number of rows deleted per table."""
        with self._write() as s:
            if s.get(ClassSession, sid) is None:
                raise NotFound(f"no session {sid!r}")
            counts = {}
            of_session: tuple[tuple[type[Base], InstrumentedAttribute[Any]], ...] = (
                (Pick, Pick.session_id),
                (Receipt, Receipt.session_id),
                (JoinFailure, JoinFailure.session_id),
                (Answer, Answer.session_id),
                (Poll, Poll.session_id),
                (Student, Student.session_id),
                (ClassSession, ClassSession.id),
            )
            for table, col in of_session:
                # Session.execute is typed as returning a Result; a DELETE's is a CursorResult (rowcount).
                done = s.execute(delete(table).where(col == sid))
                counts[table.__tablename__] = done.rowcount  # type: ignore[attr-defined]
        if self.is_sqlite:  # and nothing of it in the file's free pages or its write-ahead log
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
                con.exec_driver_sql("VACUUM")
                con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return counts

    # -- students -----------------------------------------------------------
    def join(self, code: str, name: str, client: str = "") -> tuple[ClassSession, Student, str]:
        """Add a student by join code; returns (session, student, token). The token is shown once.

        ``client`` names who is asking (an address); refused joins are counted per client, per class
        and, for codes that match no class, for the whole server, and past a limit refused (429)."""
        now, who = time.time(), digest(f"client:{client}")
        since = now - RATE_WINDOW
        with self.engine.connect() as con:
            mine = con.scalar(select(func.count()).where(JoinFailure.client == who, JoinFailure.at > since))
            lim = self.limits
            if (mine or 0) >= lim.per_client:
                raise self._too_many(con, JoinFailure.client == who, lim.per_client, now)
            sess = con.execute(select(_S).where(_S.c.join_code == code)).first()
            if sess is None:
                wrong = con.scalar(
                    select(func.count()).where(JoinFailure.session_id.is_(None), JoinFailure.at > since)
                )
                if (wrong or 0) >= lim.wrong_codes:
                    raise self._too_many(con, JoinFailure.session_id.is_(None), lim.wrong_codes, now)
            else:
                theirs = con.scalar(
                    select(func.count()).where(JoinFailure.session_id == sess.id, JoinFailure.at > since)
                )
                if (theirs or 0) >= lim.per_session:
                    raise self._too_many(con, JoinFailure.session_id == sess.id, lim.per_session, now)
        try:
            if sess is None:
                raise NotFound("no class with that join code: check the code on the board")
            if sess.ended_at is not None:
                raise ClassroomError("this class has ended: its join code no longer works", 410)
            return self._add_student(sess, name, now)
        except ClassroomError:
            self._refused_join(who, sess.id if sess is not None else None, now)
            raise

    def _add_student(self, sess: AnyRow, name: str, now: float) -> tuple[ClassSession, Student, str]:
        secret = secrets.token_urlsafe(24)
        try:
            with self._write() as s:
                # Counted inside the write: on PostgreSQL the class row is locked first, so joins to
                # one class from several workers take turns and the cap holds.
                if not self.is_sqlite:
                    s.execute(select(ClassSession.id).where(ClassSession.id == sess.id).with_for_update())
                n = s.scalar(select(func.count()).where(Student.session_id == sess.id)) or 0
                if n >= sess.max_students:
                    raise Conflict(
                        f"this class is full ({sess.max_students} students); ask your teacher to raise the limit"
                    )
                st = Student(
                    session_id=sess.id,
                    name=name,
                    name_key=look_alike_key(name),
                    token_hash=digest(secret),
                    joined_at=now,
                )
                s.add(st)
                s.flush()
                cs = s.get(ClassSession, sess.id)
                assert cs is not None
        except IntegrityError:
            raise _name_taken(name) from None
        # The token names its student, so checking it is one primary-key read and a constant-time compare.
        return cs, st, f"{st.id}.{secret}"

    def _refused_join(self, who: str, sid: str | None, now: float) -> None:
        with self._write() as s:
            s.add(JoinFailure(client=who, session_id=sid, at=now))
            s.execute(delete(JoinFailure).where(JoinFailure.at < now - FAILURE_KEPT))

    @staticmethod
    def _too_many(con: Connection, which: Any, limit: int, now: float) -> TooManyRequests:
        """The refusal, with how long until the oldest counted failure leaves the window."""
        oldest = con.scalar(
            select(JoinFailure.at)
            .where(which, JoinFailure.at > now - RATE_WINDOW)
            .order_by(JoinFailure.at.desc())
            .offset(limit - 1)
            .limit(1)
        )
        wait = max(1, int((oldest or now) + RATE_WINDOW - now) + 1)
        return TooManyRequests(f"too many refused joins in the last minute; try again in {wait} s", wait)

    def rename_student(self, sid: str, student_id: int, name: str) -> Student:
        try:
            with self._write() as s:
                st = s.get(Student, student_id)
                if st is None or st.session_id != sid:
                    raise NotFound(f"no student {student_id} in this session")
                st.name, st.name_key = name, look_alike_key(name)
                s.flush()
                return st
        except IntegrityError:
            raise _name_taken(name) from None

    def remove_student(self, sid: str, student_id: int) -> int:
        """Remove a student and their answers (their token stops working). Returns answers removed."""
        with self._write() as s:
            st = s.get(Student, student_id)
            if st is None or st.session_id != sid:
                raise NotFound(f"no student {student_id} in this session")
            n = s.scalar(select(func.count()).where(Answer.student_id == student_id)) or 0
            # Picks and receipts by hand: SQLite cascades, but the picks table has no student column.
            aids = select(Answer.id).where(Answer.student_id == student_id)
            s.execute(delete(Pick).where(Pick.answer_id.in_(aids)))
            s.execute(delete(Receipt).where(Receipt.student_id == student_id))
            s.execute(delete(Answer).where(Answer.student_id == student_id))
            s.delete(st)
            return n

    def student(self, sid: str, token: str | None) -> AnyRow | None:
        """The student row for a token ``"<id>.<secret>"`` in session ``sid``, else None."""
        if not token:
            return None
        id_part, _, secret = token.partition(".")
        # ASCII digits only: "²".isdigit() is true but int("²") raises (a header byte 0xb2 was a 500).
        if not (id_part.isascii() and id_part.isdigit() and len(id_part) <= 9 and secret):
            return None
        with self.engine.connect() as con:
            st = con.execute(_STUDENT, {"id": int(id_part)}).first()
        ok = matches(secret, st.token_hash if st else digest(""))
        return st if st is not None and ok and st.session_id == sid else None

    def roster(self, sid: str) -> list[dict[str, Any]]:
        with self._read() as s:
            n = (
                select(Answer.student_id, func.count().label("n"))
                .where(Answer.session_id == sid)
                .group_by(Answer.student_id)
                .subquery()
            )
            rows = s.execute(
                select(Student.id, Student.name, Student.joined_at, func.coalesce(n.c.n, 0))
                .outerjoin(n, n.c.student_id == Student.id)
                .where(Student.session_id == sid)
                .order_by(Student.joined_at, Student.id)
            )
            return [{"id": i, "name": name, "joined_at": at, "answers": int(k)} for i, name, at, k in rows]

    # -- polls --------------------------------------------------------------
    def poll(self, sid: str, qid: str) -> AnyRow | None:
        with self.engine.connect() as con:
            return con.execute(
                select(Poll.__table__).where(Poll.session_id == sid, Poll.question_id == qid)
            ).first()

    def polls(self, sid: str) -> list[Poll]:
        with self._read() as s:
            return list(s.scalars(select(Poll).where(Poll.session_id == sid).order_by(Poll.posed_at)))

    def pose(self, sid: str, qid: str, open_: bool = True) -> Poll:
        """Make ``qid`` the current question; answering on the previous one closes."""
        with self._write() as s:
            sess = _running(s, sid)
            if sess.current_question and sess.current_question != qid:
                prev = s.get(Poll, (sid, sess.current_question))
                if prev is not None:
                    prev.open = False
            poll = s.get(Poll, (sid, qid))
            if poll is None:
                poll = Poll(
                    session_id=sid, question_id=qid, open=open_, revealed=False, posed_at=time.time(), round=1
                )
                s.add(poll)
            elif not poll.revealed:
                poll.open = open_
            sess.current_question = qid
            s.flush()
            return poll

    def set_open(self, sid: str, open_: bool) -> Poll:
        with self._write() as s:
            if open_:
                _running(s, sid)
            poll = self._current(s, sid)
            if open_ and poll.revealed:
                raise Conflict(f"{poll.question_id}: the answer was revealed; answering cannot reopen")
            poll.open = open_
            return poll

    def start_round_two(self, sid: str) -> Poll:
        """Peer instruction: after talking with a neighbour, everyone answers the question again.
        Round 1's answers stay as they were; answering opens for round 2."""
        with self._write() as s:
            _running(s, sid)
            poll = self._current(s, sid)
            if poll.revealed:
                raise Conflict(
                    f"{poll.question_id}: the answer was revealed; a second round would be no test"
                )
            if poll.round != 1:
                raise Conflict(f"{poll.question_id}: round 2 has already started")
            poll.round, poll.open = 2, True
            return poll

    def reveal(self, sid: str) -> Poll:
        with self._write() as s:
            poll = self._current(s, sid)
            poll.open, poll.revealed = False, True
            return poll

    @staticmethod
    def _current(s: Session, sid: str) -> Poll:
        sess = s.get(ClassSession, sid)
        poll = s.get(Poll, (sid, sess.current_question)) if sess and sess.current_question else None
        if poll is None:
            raise Conflict("no question posed yet: pose one first")
        return poll

    # -- answers ------------------------------------------------------------
    def submit(
        self,
        student: AnyRow,
        qid: str,
        uid: str,
        answer: Any,
        score: float,
        correct: bool,
        counted: list[tuple[str, bool]],
        confidence: int | None = None,
    ) -> str:
        """Store a graded answer in the poll's current round. Returns "stored", "replaced", "duplicate" (uid seen before) or
        "not_posed" (the teacher has not posed it: self-paced practice, nothing stored)."""
        try:
            return self._submit(student, qid, uid, answer, score, correct, counted, confidence)
        except IntegrityError:  # a simultaneous submit won a race (same uid, say): the client sends again
            raise ClassroomError(
                "the answer clashed with another arriving at the same moment; send it again", 503
            ) from None

    def _submit(
        self,
        student: AnyRow,
        qid: str,
        uid: str,
        answer: Any,
        score: float,
        correct: bool,
        counted: list[tuple[str, bool]],
        confidence: int | None,
    ) -> str:
        sid, now = student.session_id, time.time()
        with self._write_lock, self.engine.begin() as con:
            if not self.is_sqlite:  # SQLite writers are serialised by the lock already
                con.execute(_LOCK_STUDENT, {"st": student.id})
            check = con.execute(_CHECK, {"uid": uid, "sid": sid, "qid": qid, "st": student.id}).one()
            if check.seen is not None:
                if check.seen != student.id:
                    raise Conflict("this answer id was already used; send a fresh uid")
                return "duplicate"
            if check.open is None:
                return "not_posed"
            if not check.open:
                raise Conflict(f"{qid}: answering is closed")
            values = {
                "uid": uid,
                "answer": json.dumps(answer),
                "score": float(score),
                "correct": bool(correct),
                "submitted_at": now,
                "confidence": confidence,
            }
            if check.aid is None:
                key = con.execute(
                    _INSERT_ANSWER,
                    {
                        "session_id": sid,
                        "question_id": qid,
                        "student_id": student.id,
                        "round": check.round,
                        **values,
                    },
                ).inserted_primary_key
                assert key is not None  # a single-row INSERT reports the key it made
                aid = key[0]
            else:
                aid = check.aid
                con.execute(_UPDATE_ANSWER.values(**values), {"aid": aid})  # a resubmission: rare
                con.execute(_DELETE_PICKS, {"aid": aid})
            if counted:
                con.execute(
                    _INSERT_PICK,
                    [
                        {
                            "answer_id": aid,
                            "key": k,
                            "session_id": sid,
                            "question_id": qid,
                            "wrong": w,
                            "round": check.round,
                        }
                        for k, w in counted
                    ],
                )
            con.execute(
                _INSERT_RECEIPT, {"uid": uid, "session_id": sid, "student_id": student.id, "received_at": now}
            )
            return "stored" if check.aid is None else "replaced"

    def student_view(self, student: AnyRow) -> AnyRow | None:
        """What a student's state poll needs: the current question, its poll flags, their answer."""
        with self.engine.connect() as con:
            return con.execute(_VIEW, {"sid": student.session_id, "st": student.id}).first()

    def answers(self, sid: str) -> list[dict[str, Any]]:
        with self._read() as s:
            rows = s.execute(
                select(
                    Student.name,
                    Answer.question_id,
                    Answer.answer,
                    Answer.score,
                    Answer.correct,
                    Answer.submitted_at,
                    Answer.uid,
                    Answer.round,
                    Answer.confidence,
                )
                .join(Student, Student.id == Answer.student_id)
                .where(Answer.session_id == sid)
                .order_by(Answer.submitted_at, Answer.id)
            )
            return [
                {
                    "name": n,
                    "question_id": q,
                    "answer": json.loads(a),
                    "score": sc,
                    "correct": bool(c),
                    "submitted_at": at,
                    "uid": u,
                    "round": r,
                    "confidence": conf,
                }
                for n, q, a, sc, c, at, u, r, conf in rows
            ]

    def count_answers(self, sid: str) -> int:
        with self._read() as s:
            return s.scalar(select(func.count()).select_from(Answer).where(Answer.session_id == sid)) or 0

    def receipts(self, sid: str) -> list[str]:
        with self._read() as s:
            return list(s.scalars(select(Receipt.uid).where(Receipt.session_id == sid)))

    # -- aggregation ----------------------------------------------------------
    def tallies(self, sid: str, qid: str | None = None, round_: int | None = None) -> dict[str, AnswerTally]:
        """Counts per question (all of a session's questions, or one): two GROUP BY queries.

        ``round_`` None counts each question's current round (its final one once the class moved on)."""
        a_where = [Answer.session_id == sid] + ([Answer.question_id == qid] if qid else [])
        p_where = [Pick.session_id == sid] + ([Pick.question_id == qid] if qid else [])
        if round_ is None:
            a_where.append(Answer.round == _round_of(Answer.session_id, Answer.question_id))
            p_where.append(Pick.round == _round_of(Pick.session_id, Pick.question_id))
        else:
            a_where.append(Answer.round == round_)
            p_where.append(Pick.round == round_)
        with self._read() as s:
            totals = s.execute(
                select(
                    Answer.question_id,
                    func.count(),
                    func.sum(_as_int(Answer.correct)),
                    func.sum(Answer.score),
                )
                .where(*a_where)
                .group_by(Answer.question_id)
            ).all()
            counts = s.execute(
                select(Pick.question_id, Pick.key, Pick.wrong, func.count())
                .where(*p_where)
                .group_by(Pick.question_id, Pick.key, Pick.wrong)
            ).all()
        out: dict[str, AnswerTally] = {
            q: AnswerTally(q, int(n), int(c or 0), float(sc or 0)) for q, n, c, sc in totals
        }
        for q, key, wrong, n in counts:
            out.setdefault(q, AnswerTally(q)).picks[key] = (int(n), bool(wrong))
        return out

    def rounds(self, sid: str, qid: str) -> list[tuple[int, int, bool, int | None]]:
        """Every answer to one question: (student id, round, correct, confidence), for the shift
        between rounds and the confidence breakdown."""
        with self._read() as s:
            rows = s.execute(
                select(Answer.student_id, Answer.round, Answer.correct, Answer.confidence).where(
                    Answer.session_id == sid, Answer.question_id == qid
                )
            )
            return [(int(st), int(r), bool(c), conf) for st, r, c, conf in rows]

    def answered_now(self, sid: str, qid: str) -> int:
        """How many students have answered the question's current round (the projector's only count)."""
        with self._read() as s:
            return (
                s.scalar(
                    select(func.count()).where(
                        Answer.session_id == sid,
                        Answer.question_id == qid,
                        Answer.round == _round_of(Answer.session_id, Answer.question_id),
                    )
                )
                or 0
            )


def _round_of(session_col: Any, question_col: Any) -> Any:
    """The current round of the poll a row belongs to (a correlated subquery)."""
    return (
        select(Poll.round)
        .where(Poll.session_id == session_col, Poll.question_id == question_col)
        .scalar_subquery()
    )


def _stored_revisions(con: Connection) -> list[str]:
    """The schema revision(s) recorded in the database; [] when there is no alembic_version table."""
    if not inspect(con).has_table("alembic_version"):
        return []
    return list(con.scalars(text("SELECT version_num FROM alembic_version")))


def _check_cap(max_students: int) -> None:
    if not 1 <= max_students <= MAX_STUDENTS_LIMIT:
        raise ClassroomError(
            f"the class size limit must be between 1 and {MAX_STUDENTS_LIMIT}, not {max_students}", 422
        )


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"the name {name!r} (or one that looks the same) is already taken in this class; choose another"
    )


def _running(s: Session, sid: str) -> ClassSession:
    """The session, if it has not ended."""
    sess = s.get(ClassSession, sid)
    if sess is None:
        raise NotFound(f"no session {sid!r}")
    if sess.ended_at is not None:
        raise Conflict("this class has ended; start a new session")
    return sess


def _shown(url: str | URL) -> str:
    """A database URL fit to print: no password."""
    return make_url(url).render_as_string(hide_password=True)


def _as_int(col: InstrumentedAttribute[bool]) -> Case[int]:
    from sqlalchemy import case

    return case((col, 1), else_=0)


def _sqlite_pragmas(dbapi_con: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cur = dbapi_con.cursor()
    # The wait first: switching a new file to WAL needs the lock that another process creating the
    # same database (or purging) may hold.
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
    cur.execute("PRAGMA foreign_keys = ON")
    # A purge must not leave names readable in free pages (SQLite's default build keeps them).
    cur.execute("PRAGMA secure_delete = ON")
    cur.close()
