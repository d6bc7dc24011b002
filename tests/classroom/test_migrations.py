"""The classroom database's schema migrations (Alembic, in cramp_lessons/classroom/server/migrations).

A database made before migrations (tests/fixtures/classroom_v1.sql) is recognised, stamped and
keeps every row; a new one is built by the migrations and matches the models exactly; one written
by a newer cramp-lessons is refused and left alone. SQLite here, PostgreSQL too (``postgres``).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from cramp_lessons.classroom import ClassroomError, Conflict
from cramp_lessons.classroom.server.store import (
    MIGRATIONS,
    SCHEMA_REVISION,
    Base,
    Store,
    alembic_config,
)
from tests.classroom.conftest import free_port

V1_SQL = Path(__file__).resolve().parents[1] / "fixtures" / "classroom_v1.sql"
# What the fixture holds (its header says how it was made).
SID, OTHER, KEY = "ffea5335", "96a21e59", "NSKkL_1L5eGGBCw4PUrXBJSa9GVhpZmv"
TOKENS = {
    "Ada": "1.QFDdCJNZdaRlmWS55xyZjAiukmK3xcAO",
    "Ben": "2.pOd8a3cXDdrAtCrZIQXHsMXtkf9r7q9s",
    "Chloé": "3.hAwhazxhNEj8ldAXpcPvokQZvJfJfJ5p",
}
V1_COUNTS = {"class_sessions": 2, "students": 3, "polls": 3, "answers": 5, "picks": 9, "receipts": 6}
Q1, Q2, Q3, Q7 = (f"causes.cold.q{k}" for k in (1, 2, 3, 7))


# --------------------------------------------------------------------------- helpers
def sqlite_v1(path: Path) -> str:
    """A SQLite database file made from the fixture; its URL."""
    con = sqlite3.connect(path)
    con.executescript(V1_SQL.read_text(encoding="utf-8"))
    con.close()
    return f"sqlite:///{path}"


def postgresql_v1(url: str, tmp_path: Path) -> str:
    """The fixture on PostgreSQL, made as cramp-lessons did before migrations: create_all of its
    tables (read back from the SQLite fixture, so whatever the models say now), then its rows."""
    v1 = create_engine(sqlite_v1(tmp_path / "v1.sqlite"))
    old = MetaData()
    old.reflect(v1)
    pg = create_engine(url)
    with v1.connect() as src, pg.begin() as dst:
        old.create_all(dst)
        for table in old.sorted_tables:
            dst.execute(table.insert(), [r._asdict() for r in src.execute(select(table))])
        for table in ("students", "answers"):  # as if the rows had come in one by one
            dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"))
    v1.dispose()
    pg.dispose()
    return url


def _on(url: str, fn):
    engine = create_engine(url)
    try:
        with engine.begin() as con:
            return fn(con)
    finally:
        engine.dispose()


def revisions(url: str) -> list[str]:
    def read(con):
        if not inspect(con).has_table("alembic_version"):
            return []
        return list(con.scalars(text("SELECT version_num FROM alembic_version")))

    return _on(url, read)


def counts(url: str) -> dict[str, int]:
    return _on(url, lambda con: {t: con.scalar(text(f"SELECT count(*) FROM {t}")) for t in V1_COUNTS})


def everything(url: str) -> dict[str, object]:
    """Every table's columns and rows, sorted: to show a refused database was not touched."""

    def read(con):
        insp, md = inspect(con), MetaData()
        md.reflect(con)
        return {
            name: (
                [c["name"] for c in insp.get_columns(name)],
                sorted(con.execute(select(table)).all(), key=repr),
            )
            for name, table in sorted(md.tables.items())
        }

    return _on(url, read)


def schema_diffs(url: str, metadata: MetaData = Base.metadata) -> list:
    """What Alembic's autogenerate would change to make the database match ``metadata``."""
    return _on(url, lambda con: compare_metadata(MigrationContext.configure(con), metadata))


def head() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"the migrations branch: heads {heads}"
    return heads[0]


def check_v1_data(store: Store) -> None:
    """The fixture's rows, read and extended through the Store API as the server uses it."""
    assert {s.id for s in store.sessions()} == {SID, OTHER}
    assert store.teacher_session(SID, KEY) is not None  # the hashed teacher key still matches
    assert store.teacher_session(SID, "wrong") is None
    assert store.roster(SID) == [
        {"id": 1, "name": "Ada", "joined_at": 1735725604.0, "answers": 2},
        {"id": 2, "name": "Ben", "joined_at": 1735725605.0, "answers": 1},
        {"id": 3, "name": "Chloé", "joined_at": 1735725606.0, "answers": 2},
    ]
    # Revision 0002: every old answer is a first-round answer, and the old names have their keys,
    # so a look-alike of an old name is refused.
    assert {a["round"] for a in store.answers(SID)} == {1}
    got = [(a["name"], a["question_id"], a["answer"], a["correct"]) for a in store.answers(SID)]
    assert got == [
        ("Ada", Q1, "a", True),
        ("Ben", Q1, "c", False),
        ("Ada", Q2, ["a", "b"], True),
        ("Chloé", Q2, ["a", "c"], False),
        (
            "Chloé",
            Q7,
            {
                "cramp": "Sudden, painful, eased by stretch",
                "contracture": "Low calcium nerve excitability",
                "tetany": "Electrically silent",
            },
            False,
        ),
    ]
    tallies = store.tallies(SID)  # the class report and the charts read these
    assert (tallies[Q1].answers, tallies[Q1].correct, tallies[Q1].picks) == (
        2,
        1,
        {"a": (1, False), "c": (1, True)},
    )
    assert tallies[Q2].picks == {"a": (2, False), "b": (1, False), "c": (1, True)}
    assert tallies[Q7].answers == 1 and tallies[Q7].score_sum == pytest.approx(0.3333)
    assert [(p.question_id, p.open, p.revealed) for p in store.polls(SID)] == [
        (Q1, False, True),
        (Q2, False, False),
        (Q7, False, False),
    ]
    # Student tokens still work; a re-sent answer is still recognised by its receipt.
    ada, ben = store.student(SID, TOKENS["Ada"]), store.student(SID, TOKENS["Ben"])
    assert (ada.name, ben.name) == ("Ada", "Ben")
    view = store.student_view(ada)
    assert (view.question_id, view.open, view.answer) == (Q7, False, None)
    store.pose(SID, Q1)  # revealed: posing it again does not reopen it
    assert store.submit(ben, Q1, "c" * 32, "c", 0.0, False, [("c", True)]) == "duplicate"
    # New rows go in beside the old ones (ids carry on after the stored ones).
    store.pose(SID, Q3)
    assert store.submit(ada, Q3, uuid.uuid4().hex, True, 1.0, True, [("fact", False)]) == "stored"
    _, dan, _ = store.join("GTNVJB", "Dan")
    assert dan.id == 4
    with pytest.raises(Conflict, match="looks the same"):
        store.join("GTNVJB", "CHLOÉ")
    assert store.count_answers(SID) == 6
    assert store.purge(OTHER)["class_sessions"] == 1


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def pg_schema_url(postgres_url):
    """The test PostgreSQL server, in a schema of its own (the live server's tables are elsewhere)."""
    schema = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url)
    with admin.begin() as con:
        con.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as con:
            con.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request, tmp_path):
    """An empty database, SQLite or PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classroom.sqlite'}"
    return request.getfixturevalue("pg_schema_url")


# --------------------------------------------------------------------------- the migrations
def test_schema_revision_is_the_newest_migration():
    assert SCHEMA_REVISION == head()  # Store's quick check at open compares with this
    assert (MIGRATIONS / "env.py").is_file() and (MIGRATIONS / "script.py.mako").is_file()
    assert not (MIGRATIONS / "__init__.py").exists()  # data Alembic loads by path, not a package


def test_revision_0001_is_the_schema_made_before_migrations(tmp_path):
    """Revision 0001 makes, statement for statement, what create_all made (the fixture's schema)."""
    url = f"sqlite:///{tmp_path / 'by_0001.sqlite'}"
    engine = create_engine(url)
    cfg = alembic_config()
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "0001")
    engine.dispose()

    def ddl(path: Path) -> dict[str, str]:
        con = sqlite3.connect(path)
        rows = con.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '%alembic%'")
        out = {f"{kind} {name}": sql for kind, name, sql in rows}
        con.close()
        return out

    made = ddl(tmp_path / "by_0001.sqlite")
    sqlite_v1(tmp_path / "v1.sqlite")
    assert made == ddl(tmp_path / "v1.sqlite")
    assert sum(k.startswith("table ") for k in made) == 6
    assert sum(k.startswith("index ") and made[k] is not None for k in made) == 5  # not SQLite's own


def test_a_database_made_before_migrations_keeps_all_its_data(tmp_path):
    url = sqlite_v1(tmp_path / "classroom.sqlite")
    assert revisions(url) == [] and counts(url) == V1_COUNTS
    store = Store(url)
    try:
        assert revisions(url) == [SCHEMA_REVISION]  # stamped 0001, then upgraded
        assert counts(url) == V1_COUNTS  # not a row lost
        assert schema_diffs(url) == []  # and now exactly what the models say
        assert foreign_keys_enforced(store)
        check_v1_data(store)
    finally:
        store.close()
    again = Store(url)  # opened again: nothing more to do
    try:
        assert revisions(url) == [SCHEMA_REVISION] and again.count_answers(SID) == 6
    finally:
        again.close()


def test_a_new_database_is_built_by_the_migrations(fresh_url):
    store = Store(fresh_url)
    try:
        new = store.create_session()
        _, st, _ = store.join(new.join_code, "Ada")
        assert store.roster(new.id)[0]["name"] == "Ada" and st.id == 1
    finally:
        store.close()
    assert revisions(fresh_url) == [SCHEMA_REVISION]
    tables = _on(fresh_url, lambda con: set(inspect(con).get_table_names()))
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    # The models and the migrations agree: a model changed without a migration fails here.
    assert schema_diffs(fresh_url) == []


def test_the_model_check_sees_a_change_without_a_migration(tmp_path):
    url = f"sqlite:///{tmp_path / 'classroom.sqlite'}"
    Store(url).close()
    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["students"].append_column(Column("email", String(80), nullable=True))
    diffs = schema_diffs(url, changed)
    assert [(d[0], d[2], d[3].name) for d in diffs] == [("add_column", "students", "email")]


def test_a_database_from_a_newer_version_is_refused_untouched(fresh_url):
    store = Store(fresh_url)
    sid = store.create_session().id
    store.close()
    _on(fresh_url, lambda con: con.execute(text("UPDATE alembic_version SET version_num = '9999'")))
    before = everything(fresh_url)
    with pytest.raises(ClassroomError) as refused:
        Store(fresh_url)
    assert refused.value.status == 409
    message = str(refused.value)
    assert "schema revision 9999" in message and "Upgrade cramp-lessons" in message
    assert "Nothing in the database was changed" in message
    assert everything(fresh_url) == before and revisions(fresh_url) == ["9999"]
    assert sid in str(before["class_sessions"])


def test_serve_refuses_a_newer_database_with_a_message_not_a_traceback(tmp_path):
    url = sqlite_v1(tmp_path / "classroom.sqlite")
    Store(url).close()
    _on(url, lambda con: con.execute(text("UPDATE alembic_version SET version_num = '0042_future'")))
    serve = [sys.executable, "-m", "cramp_lessons.cli.main", "classroom", "serve", "--db", url]
    r = subprocess.run([*serve, "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "0042_future" in r.stderr and "Upgrade cramp-lessons" in r.stderr
    assert "Traceback" not in r.stderr and "Join code" not in r.stdout


def test_other_tables_with_our_names_are_refused_untouched(tmp_path):
    url = f"sqlite:///{tmp_path / 'classroom.sqlite'}"
    _on(url, lambda con: con.execute(text("CREATE TABLE students (id INTEGER PRIMARY KEY, nickname TEXT)")))
    before = everything(url)
    with pytest.raises(ClassroomError, match="has classroom tables but not"):
        Store(url)
    assert everything(url) == before  # no alembic_version, no tables added


def test_other_programs_tables_are_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    _on(url, lambda con: con.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")))
    Store(url).close()
    assert revisions(url) == [SCHEMA_REVISION]
    assert "notes" in _on(url, lambda con: inspect(con).get_table_names())


def test_processes_opening_a_new_database_at_once_build_it_once(fresh_url):
    code = "import sys; from cramp_lessons.classroom.server.store import Store; Store(sys.argv[1]).close()"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, fresh_url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outputs
    assert revisions(fresh_url) == [SCHEMA_REVISION] and schema_diffs(fresh_url) == []


# --------------------------------------------------------------------------- a later revision
LATER = "9001"
LATER_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
{body}
"""

# A later revision that rebuilds a parent table, as autogenerate writes it for SQLite (batch mode:
# copy the table, drop the old one, rename). Dropping class_sessions with foreign keys enforced
# would cascade to every student and answer.
REBUILD_SESSIONS = """
    sqlite = op.get_bind().dialect.name == "sqlite"  # PostgreSQL alters in place
    with op.batch_alter_table("class_sessions", recreate="always" if sqlite else "auto") as batch:
        batch.add_column(sa.Column("title", sa.String(80), nullable=True))
"""


def with_later_revision(body: str, tmp_path: Path, monkeypatch) -> None:
    """Store sees the real migrations plus a later revision doing ``body``."""
    import cramp_lessons.classroom.server.store as store_module

    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / f"{LATER}_later.py").write_text(
        LATER_REVISION.format(head=SCHEMA_REVISION, body=body)
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations)
    monkeypatch.setattr(store_module, "SCHEMA_REVISION", LATER)


def foreign_keys_enforced(store: Store) -> bool:
    with store.engine.connect() as con:
        return con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_later_revision_upgrades_an_old_database_without_loss(kind, tmp_path, monkeypatch, request):
    with_later_revision(REBUILD_SESSIONS, tmp_path, monkeypatch)
    if (
        kind == "sqlite"
    ):  # made before migrations: stamped 0001, then upgraded to the newest and the later one
        url = sqlite_v1(tmp_path / "classroom.sqlite")
    else:
        url = postgresql_v1(request.getfixturevalue("pg_schema_url"), tmp_path)
    store = Store(url)
    try:
        assert revisions(url) == [LATER] and counts(url) == V1_COUNTS
        columns = _on(url, lambda con: inspect(con).get_columns("class_sessions"))
        assert "title" in {c["name"] for c in columns}
        if kind == "sqlite":  # off while migrating, on again for serving
            assert foreign_keys_enforced(store)
        check_v1_data(store)
    finally:
        store.close()


def test_a_revision_that_breaks_references_is_rolled_back(tmp_path, monkeypatch):
    orphan = "    op.execute(\"INSERT INTO students VALUES (99, 'gone', 'Zed', 'x', 0, 'zed')\")"
    with_later_revision(orphan, tmp_path, monkeypatch)
    url = sqlite_v1(tmp_path / "classroom.sqlite")
    before = everything(url)
    with pytest.raises(ClassroomError, match="rows of students pointing at missing rows") as failed:
        Store(url)
    assert failed.value.status == 500
    assert everything(url) == before  # not even stamped


@pytest.mark.postgres
def test_a_postgresql_database_made_before_migrations_keeps_all_its_data(pg_schema_url, tmp_path):
    postgresql_v1(pg_schema_url, tmp_path)
    assert revisions(pg_schema_url) == [] and counts(pg_schema_url) == V1_COUNTS
    store = Store(pg_schema_url)
    try:
        assert revisions(pg_schema_url) == [SCHEMA_REVISION] and counts(pg_schema_url) == V1_COUNTS
        assert schema_diffs(pg_schema_url) == []
        check_v1_data(store)
    finally:
        store.close()
