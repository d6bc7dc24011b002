"""The classroom schema as ``Base.metadata.create_all`` made it before migrations existed.

A database made by a cramp-lessons without migrations (no ``alembic_version`` table) has exactly
these tables; ``Store`` checks that and stamps it with this revision instead of running it.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_sessions",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("join_code", sa.String(length=6), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("current_question", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("join_code"),
    )
    op.create_table(
        "polls",
        sa.Column("session_id", sa.String(length=16), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("posed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "question_id"),
        sa.ForeignKeyConstraint(["session_id"], ["class_sessions.id"], ondelete="CASCADE"),
    )
    op.create_table(
        "students",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("joined_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "name"),
        sa.ForeignKeyConstraint(["session_id"], ["class_sessions.id"], ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_students_session_id"), "students", ["session_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=16), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "question_id", "student_id"),
        sa.ForeignKeyConstraint(["session_id"], ["class_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], ondelete="CASCADE"),
    )
    op.create_index("answers_tally", "answers", ["session_id", "question_id", "correct", "score"])
    op.create_index(op.f("ix_answers_student_id"), "answers", ["student_id"])
    op.create_table(
        "picks",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("session_id", sa.String(length=16), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("wrong", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("answer_id", "key"),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], ondelete="CASCADE"),
    )
    op.create_index("picks_tally", "picks", ["session_id", "question_id", "key", "wrong"])
    op.create_table(
        "receipts",
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=16), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("uid"),
        sa.ForeignKeyConstraint(["session_id"], ["class_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_receipts_session_id"), "receipts", ["session_id"])


def downgrade() -> None:
    for table in ("receipts", "picks", "answers", "students", "polls", "class_sessions"):
        op.drop_table(table)  # its indexes go with it
