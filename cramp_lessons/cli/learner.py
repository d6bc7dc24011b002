"""The ``progress``, ``export``, ``import``, ``readability`` and ``items report`` subcommands of
``cramp-lessons``.

``register(subparsers)`` adds them to the parser built in :mod:`cramp_lessons.cli.main`. Each
handler returns an exit code; a failure prints ``error: ...`` on stderr and returns 1, never
a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cramp_lessons.errors import CrampLessonsError

Handler = Callable[[argparse.Namespace], int]


def _guarded(fn: Handler) -> Handler:
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except (CrampLessonsError, OSError, ValueError) as e:
            msg = (
                str(e)
                if not isinstance(e, OSError)
                else f"{e.filename or ''}: {e.strerror or e}".lstrip(": ")
            )
            print(f"error: {msg}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted; nothing more was done", file=sys.stderr)
            return 1

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


def _store(args: argparse.Namespace) -> Any:
    from cramp_lessons.learner.progress import ProgressStore, get_store

    return ProgressStore(args.store) if getattr(args, "store", None) else get_store()


def _course(args: argparse.Namespace) -> Any:
    from cramp_lessons.course.model import collect_errors, load_course

    if not getattr(args, "content_dir", None):
        return load_course()
    course, errors = collect_errors(args.content_dir)
    if errors:
        raise CrampLessonsError(
            f"the content in {args.content_dir} has {len(errors)} problem(s); first: {errors[0]}"
        )
    return course


def _write(text: str, output: str | None) -> None:
    if output and output != "-":
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


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


def _help(parser: argparse.ArgumentParser) -> Handler:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show


# ------------------------------------------------------------------ export / import
@_guarded
def _export(args: argparse.Namespace) -> int:
    from cramp_lessons.formats.exports import export_gift, export_jupyterquiz, export_markdown, skipped

    course = _course(args)
    if args.format == "gift":
        text = export_gift(course, args.lesson)
    elif args.format == "jupyterquiz":
        text = json.dumps(export_jupyterquiz(course, args.lesson), indent=2, ensure_ascii=False) + "\n"
    else:
        text = export_markdown(course, args.lesson)
    left_out = skipped(course, args.format, args.lesson)
    _write(text, args.output)
    for qid, why in left_out:
        print(f"skipped {qid}: {why}", file=sys.stderr)
    return 0


@_guarded
def _import(args: argparse.Namespace) -> int:
    from cramp_lessons.formats.exports import convert_jupyterquiz, read_jupyterquiz

    course = None
    try:
        course = _course(args)
    except CrampLessonsError as e:
        print(f"warning: the lesson and bank ids were not checked against the course ({e})", file=sys.stderr)
    title = args.title or args.bank.replace(".", " ").replace("_", " ").capitalize()
    text, skips = convert_jupyterquiz(
        read_jupyterquiz(args.file), args.bank, args.lesson, title, Path(args.file).name, course
    )
    _write(text, args.output)
    for n, why in skips:
        print(f"skipped jupyterquiz question {n}: {why}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------ readability
@_guarded
def _readability(args: argparse.Namespace) -> int:
    from cramp_lessons.course.readability import CARD_LIMIT, TARGET_GRADE, card_grades, lesson_grades
    from cramp_lessons.course.rendered import resolve_notebooks_dir

    course = _course(args)
    nb_dir = resolve_notebooks_dir(args.notebooks)
    print(
        f"Flesch-Kincaid grade (school grade a reader needs; the course aims at about {TARGET_GRADE:g}, "
        f"`check` warns about cards above {CARD_LIMIT:g})"
    )
    if nb_dir is None:
        print("\nLessons: no notebooks folder next to the package (pass --notebooks DIR)")
    else:
        grades = lesson_grades(course, nb_dir)
        print(f"\nLessons, hardest first ({nb_dir}):")
        for lid, g in sorted(grades.items(), key=lambda x: -x[1]):
            les = course.lessons[lid]
            print(f"  {g:5.1f}  {les.number} {lid}: {les.title}")
        if not grades:
            print("  (no lesson notebook found)")
    print("\nCards (summary and body), hardest first:")
    for tid, g in sorted(card_grades(course).items(), key=lambda x: -x[1]):
        flag = "  <- above " + f"{CARD_LIMIT:g}" if g > CARD_LIMIT else ""
        print(f"  {g:5.1f}  {tid} ({course.topics[tid].lesson}){flag}")
    return 0


# ------------------------------------------------------------------ items report
def _db_shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say so without echoing it whole
        from cramp_lessons.errors import echo

        return echo(url, 80)


def _class_responses(session_id: str, db: str | None) -> tuple[list[Any], str]:
    """A class session's answers as item-analysis responses, and where they came from."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from cramp_lessons.classroom import ClassroomError, NotFound
    from cramp_lessons.classroom.server.store import Store, default_url
    from cramp_lessons.errors import echo
    from cramp_lessons.questions.itemstats import from_class

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
    from cramp_lessons.questions.itemstats import analyse, as_table, from_progress, write_csv

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


def _subcommands(subparsers: Any, name: str, **kwargs: Any) -> Any:
    """The ACTION subparsers of command ``name``, creating the command if the parser lacks it
    (``items`` and its ``lint`` action are built in :mod:`cramp_lessons.cli.main`)."""
    parser = subparsers.choices.get(name) or subparsers.add_parser(name, **kwargs)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def register(subparsers: Any) -> None:
    """Add ``progress``, ``export``, ``import``, ``readability`` and ``items report`` to the subcommands."""
    p = subparsers.add_parser("progress", help="export, import or reset your progress (answers and reviews)")
    p.add_argument(
        "--store", help=argparse.SUPPRESS
    )  # a store file other than the learner's (tests, teachers)
    psub = p.add_subparsers(dest="progress_command", metavar="ACTION")
    p.set_defaults(func=_help(p))

    e = psub.add_parser("export", help="write your progress to a JSON file")
    e.add_argument("file", help="the file to write, e.g. my-progress.json")
    e.set_defaults(func=_progress_export)

    i = psub.add_parser(
        "import",
        help="merge a progress file into your progress (nothing is added twice)",
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

    x = subparsers.add_parser(
        "export", help="export quiz banks as Moodle GIFT, jupyterquiz JSON or a Markdown worksheet"
    )
    x.add_argument("--format", required=True, choices=["gift", "jupyterquiz", "markdown"])
    x.add_argument("--lesson", help="only this lesson's banks (a lesson id)")
    x.add_argument("-o", "--output", help="write to this file (default: standard output)")
    x.add_argument("--content-dir", help="a content folder other than the installed course")
    x.set_defaults(func=_export)

    rd = subparsers.add_parser(
        "readability", help="Flesch-Kincaid grade of each lesson and card, hardest first"
    )
    rd.add_argument(
        "--notebooks", metavar="DIR", help="the lesson notebooks (default: the repository's notebooks/)"
    )
    rd.add_argument("--content-dir", help="a content folder other than the installed course")
    rd.set_defaults(func=_readability)

    m = subparsers.add_parser("import", help="turn a jupyterquiz JSON file into a quiz bank (YAML)")
    m.add_argument("--format", required=True, choices=["jupyterquiz"])
    m.add_argument("file", help="the jupyterquiz JSON file")
    m.add_argument("--bank", required=True, help="the new bank's id, e.g. causes.heat")
    m.add_argument("--lesson", required=True, help="the lesson the bank belongs to (a lesson id)")
    m.add_argument("--title", help="the bank's title (default: from the bank id)")
    m.add_argument(
        "-o", "--output", help="write the YAML here, e.g. cramp_lessons/content/quizzes/causes.heat.yaml"
    )
    m.add_argument(
        "--content-dir", help="check the lesson against this content folder instead of the installed one"
    )
    m.set_defaults(func=_import)

    items = _subcommands(subparsers, "items", help="the quiz items: lint them, report how they worked")
    ir = items.add_parser(
        "report",
        help="item analysis: difficulty, discrimination, choices, hint use and time per question",
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
