"""The commands about answers, a learner's or a class's: ``progress`` moves a learner's answers and
reviews between computers (or starts afresh), ``items report`` shows how each question worked."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cramp_lessons.cli.base import Subparsers, _course, _guarded, _help, _items, _store
from cramp_lessons.errors import CrampLessonsError

if TYPE_CHECKING:
    from cramp_lessons.learner.itemstats import Response


# ------------------------------------------------------------------ progress
@_guarded
def _progress_export(args: argparse.Namespace) -> int:
    from cramp_lessons.learner.portable import export_progress

    store = _store(args)
    n = export_progress(store, args.file)
    print(
        f"exported {n['attempts']} attempts and {n['reviews']} review cards from {store.path} to {args.file}"
    )
    return 0


@_guarded
def _progress_import(args: argparse.Namespace) -> int:
    from cramp_lessons.learner.portable import import_progress

    store = _store(args)
    result = import_progress(store, args.file)
    print(f"imported {args.file} into {store.path}: {result.summary()}")
    return 0


@_guarded
def _progress_reset(args: argparse.Namespace) -> int:
    from cramp_lessons.learner.portable import reset_progress

    store = _store(args)
    backup_dir = Path(args.backup_dir) if args.backup_dir else store.path.parent / "backups"
    if not args.yes:
        print(
            f"This deletes every answer and review in {store.path}.\n"
            f"A backup is kept first in {backup_dir}. Type 'yes' to go on: ",
            end="",
            flush=True,
        )
        try:
            # sys.stdin is None when the command starts with standard input closed.
            reply = sys.stdin.readline() if sys.stdin is not None else ""
        except (OSError, ValueError):
            reply = ""
        if not reply:  # end of input: nobody there to answer
            print()  # end the prompt's line
            print(
                "error: no answer to the confirmation; pass --yes to reset without asking.", file=sys.stderr
            )
        if reply.strip().lower() not in ("y", "yes"):
            print("Nothing was reset.", file=sys.stderr)
            return 1
    result = reset_progress(store, backup_dir)
    print(result.summary())
    return 0


# ------------------------------------------------------------------ items report
def _db_shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say so without echoing it whole
        from cramp_lessons.errors import echo

        return echo(url, 80)


def _class_responses(session_id: str, db: str | None) -> tuple[list[Response], str]:
    """A class session's answers as item-analysis responses, and where they came from."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from cramp_lessons.classroom import ClassroomError, NotFound
    from cramp_lessons.classroom.server.store import Store, default_url
    from cramp_lessons.errors import echo
    from cramp_lessons.learner.itemstats import from_class

    url = db or default_url()
    shown = _db_shown(url)
    try:
        u = make_url(url)
    except ArgumentError:
        raise ClassroomError(f"not a database URL: {shown}") from None
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        path = Path(u.database).expanduser()
        if not path.is_file():  # a report creates nothing: no empty database, no folder
            raise ClassroomError(f"no classroom database at {path}; pass --db URL")
    store = None
    try:
        store = Store(url)
        if store.session(session_id) is None:
            raise NotFound(
                f"no class session {echo(session_id, 80)}; `cramp-lessons classroom list` shows the sessions stored"
            )
        return from_class(store, session_id), f"class session {session_id} ({shown})"
    except (SQLAlchemyError, ImportError) as e:
        text = str(getattr(e, "orig", None) or e).strip()
        why = text.splitlines()[0] if text else type(e).__name__
        raise ClassroomError(f"cannot read the classroom database {shown}: {why}") from None
    finally:
        if store is not None:
            store.close()


@_guarded
def _items_report(args: argparse.Namespace) -> int:
    from cramp_lessons.learner.itemstats import analyse, as_table, from_progress, write_csv

    course = _course(args)
    if args.class_session is not None:
        responses, source = _class_responses(args.class_session, args.db)
    else:
        if args.db:
            raise CrampLessonsError("--db names a classroom database: use it with --class SESSION")
        store = _store(args)
        responses, source = from_progress(store), f"your progress store ({store.path})"
    stats = analyse(responses, course)
    if stats.skipped:
        print(
            f"skipped {sum(stats.skipped.values())} answer(s) to {len(stats.skipped)} question(s) "
            "not in the course",
            file=sys.stderr,
        )
    if args.csv:
        path = write_csv(stats, args.csv)
        print(f"wrote {len(stats)} question(s) from {source} to {path}", file=sys.stderr)
    elif not stats:
        print(f"Nothing to analyse yet: no answers in {source}.")
    else:
        print(f"Item analysis of {source}: {len(stats)} question(s)\n")
        sys.stdout.write(as_table(stats))
    return 0


def register(subparsers: Subparsers) -> None:
    """Add ``progress`` and ``items report`` to the subcommands."""
    p = subparsers.add_parser("progress", help="export, import or reset your progress (answers and reviews)")
    p.add_argument("--store", help=argparse.SUPPRESS)  # a store other than the learner's (tests, teachers)
    psub = p.add_subparsers(dest="progress_command", metavar="ACTION")
    p.set_defaults(func=_help(p))

    e = psub.add_parser("export", help="write your progress to a JSON file")
    e.add_argument("file", help="the file to write, e.g. my-progress.json")
    e.set_defaults(func=_progress_export)

    i = psub.add_parser(
        "import",
        help="merge a progress file into yours (nothing is added twice)",
        description="Merge a progress file into your progress; nothing is added twice, and a refused file "
        "changes nothing. The file's checksum catches accidental damage; it does not stop someone from "
        "editing answers on purpose. A teacher who must trust results uses the classroom.",
    )
    i.add_argument("file", help="a file written by `cramp-lessons progress export`")
    i.set_defaults(func=_progress_import)

    r = psub.add_parser("reset", help="start afresh; a backup is kept first")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    r.add_argument(
        "--backup-dir", help="where to keep the backup (default: a 'backups' folder beside the store)"
    )
    r.set_defaults(func=_progress_reset)

    ir = _items(subparsers).add_parser(
        "report",
        help="item analysis: difficulty, discrimination, choices, hints, time",
        description="How each question worked, from your own answers (the default) or a class session's: "
        "difficulty (share right at the first try), discrimination (upper-lower index D and the "
        "point-biserial correlation with the rest score; a class only), how often each option was "
        "chosen, hint use and the median time, with flags for items to revise.",
    )
    ir.add_argument("--class", dest="class_session", metavar="SESSION", help="a class session's answers")
    ir.add_argument(
        "--db", metavar="URL", help="the classroom database (default: SQLite in the data directory)"
    )
    ir.add_argument("--csv", metavar="FILE", help="write CSV to this file instead of printing a table")
    ir.add_argument("--content-dir", help="a content folder other than the installed course")
    ir.set_defaults(func=_items_report)
