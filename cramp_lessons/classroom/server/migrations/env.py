"""Alembic's entry point for the classroom database: ``Store`` runs it, nobody needs to by hand.

``Store`` builds the configuration in code (:func:`cramp_lessons.classroom.server.store.alembic_config`,
no alembic.ini) and passes its open connection in ``config.attributes["connection"]``, inside the
transaction that checks the stored revision, so the check and the upgrade are one transaction.

A new revision, after changing the models in store.py: autogenerate compares them with a
database at the newest revision (``Store(url)`` brings one there), then review what it wrote,
``ruff check --fix`` and ``ruff format`` it, and set ``SCHEMA_REVISION`` in store.py to it
(a test checks they agree)::

    from alembic import command
    from cramp_lessons.classroom.server.store import Store, alembic_config
    url = "sqlite:////tmp/head.sqlite"
    Store(url).close()
    command.revision(alembic_config(url), "what changed", autogenerate=True, rev_id="0002")

This folder is not a Python package: Alembic loads these files by path, from the source tree or
an installed wheel (they ship as package data).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from cramp_lessons.classroom.server.store import Base

config = context.config


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; autogenerate then writes batch operations
    # (copy the table, move the rows) that work on SQLite and PostgreSQL alike.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - Store never asks for SQL scripts
    raise SystemExit("the classroom migrations run online only (Store opens the database)")

connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # alembic_config(url) for a developer's `command.revision(..., autogenerate=True)`
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database: pass a connection, or a URL to alembic_config(url)")
    engine = create_engine(url)
    try:
        with engine.begin() as con:
            _run(con)
    finally:
        engine.dispose()
