"""A class a school can trust, and peer instruction.

- class_sessions: a roster cap (max_students), when the class ended (its code then admits no one),
  the projector's read-only key, and an explorer state shared with the class;
- students: name_key, what the name looks like (unique per class: look-alike names are one name);
- polls, answers, picks: the peer-instruction round; answers: the student's confidence. A student
  now has one answer per question *per round*;
- join_failures: refused joins, which the rate limits count (in the database, for every worker).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ONE_PER_STUDENT = ["session_id", "question_id", "student_id"]


def upgrade() -> None:
    from cramp_lessons.classroom.server.store import DEFAULT_MAX_STUDENTS, look_alike_key

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column(
        "class_sessions",
        sa.Column("max_students", sa.Integer(), server_default=str(DEFAULT_MAX_STUDENTS), nullable=False),
    )
    op.add_column("class_sessions", sa.Column("ended_at", sa.Float(), nullable=True))
    op.add_column("class_sessions", sa.Column("projector_hash", sa.String(length=64), nullable=True))
    op.add_column("class_sessions", sa.Column("shared_state", sa.Text(), nullable=True))
    for table in ("polls", "answers", "picks"):
        op.add_column(table, sa.Column("round", sa.Integer(), server_default="1", nullable=False))
    op.add_column("answers", sa.Column("confidence", sa.Integer(), nullable=True))

    # Names already stored get their key. Two look-alikes that joined before this check keep both
    # names; the later one's key is made unique by its id.
    op.add_column("students", sa.Column("name_key", sa.String(length=160), nullable=True))
    students = sa.table(
        "students",
        sa.column("id", sa.Integer),
        sa.column("session_id"),
        sa.column("name"),
        sa.column("name_key"),
    )
    seen: set[tuple[str, str]] = set()
    rows = bind.execute(
        sa.select(students.c.id, students.c.session_id, students.c.name).order_by(students.c.id)
    )
    for st_id, sid, name in rows.all():
        key = look_alike_key(name)
        if (sid, key) in seen:
            key = f"{key}#{st_id}"
        seen.add((sid, key))
        bind.execute(sa.update(students).where(students.c.id == st_id).values(name_key=key))

    # SQLite cannot alter a column or drop a constraint in place: batch mode copies the table. The
    # old one-answer-per-student constraint has no name there; the convention gives it one.
    with op.batch_alter_table("students", recreate="always" if sqlite else "auto") as b:
        b.alter_column("name_key", existing_type=sa.String(length=160), nullable=False)
    op.create_index("students_look_alike", "students", ["session_id", "name_key"], unique=True)

    if sqlite:
        with op.batch_alter_table(
            "answers", recreate="always", naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}
        ) as b:
            b.drop_constraint("uq_answers_session_id", type_="unique")
    else:
        name = next(
            u["name"]
            for u in sa.inspect(bind).get_unique_constraints("answers")
            if u["column_names"] == ONE_PER_STUDENT
        )
        assert name is not None  # PostgreSQL names every constraint
        op.drop_constraint(name, "answers", type_="unique")
    op.create_index("answers_one_per_round", "answers", [*ONE_PER_STUDENT, "round"], unique=True)
    op.drop_index("answers_tally", table_name="answers")
    op.create_index("answers_tally", "answers", ["session_id", "question_id", "round", "correct", "score"])
    op.drop_index("picks_tally", table_name="picks")
    op.create_index("picks_tally", "picks", ["session_id", "question_id", "round", "key", "wrong"])

    op.create_table(
        "join_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=16), nullable=True),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("join_failures_client", "join_failures", ["client", "at"])
    op.create_index("join_failures_at", "join_failures", ["at"])


def downgrade() -> None:  # pragma: no cover - the classroom only moves forward
    raise NotImplementedError("revision 0002 cannot be undone: restore the database from a backup")
