"""The commands for course authors: check the content and its quiz items, measure readability, and
move quiz banks to and from other formats (Moodle GIFT, jupyterquiz, Markdown worksheets)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cramp_lessons.cli.base import Subparsers, _course, _guarded, _items, _write
from cramp_lessons.errors import CrampLessonsError

if TYPE_CHECKING:
    from cramp_lessons.course.model import Course


# ------------------------------------------------------------------ check / items lint
@_guarded
def _check(args: argparse.Namespace) -> int:
    from cramp_lessons.course.model import CONTENT_DIR, collect_errors

    root = Path(args.content_dir) if args.content_dir else CONTENT_DIR
    course, errors = collect_errors(root)
    if errors:
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"{len(errors)} problem(s) in {root}", file=sys.stderr)
        return 1
    assert course is not None
    if (
        "causefinder" in course.tables
    ):  # the cause finder's rules refer to topics: check them against this content
        from cramp_lessons.errors import ContentError
        from cramp_lessons.practical.causefinder import load_rules

        try:
            load_rules(course.tables["causefinder"], course)
            if "cases" in course.tables:  # the worked cases run on the cause finder's rules
                from cramp_lessons.practical.cases import load_cases

                load_cases(course)
        except ContentError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    if _check_words(course, args) > 0:
        return 1
    if _check_items(course, strict=args.strict) > 0:
        return 1
    print(
        f"ok: {root}: {len(course.lessons)} lessons, {len(course.topics)} topics, "
        f"{len(course.banks)} quiz banks, {len(course.questions)} questions, {len(course.references)} references"
    )
    return 0


def _check_words(course: Course, args: argparse.Namespace) -> int:
    """The glossary rules (errors) and the cards' readability (warnings); returns the number of errors."""
    from cramp_lessons.course.readability import CARD_LIMIT, hard_cards
    from cramp_lessons.course.rendered import lesson_notebooks, resolve_notebooks_dir
    from cramp_lessons.course.terms import check_glossary

    nb_dir = resolve_notebooks_dir(args.notebooks)
    if nb_dir is None:
        print(
            "note: no notebooks folder next to the package; the glossary's first-use check was skipped "
            "(pass --notebooks DIR)",
            file=sys.stderr,
        )
    else:
        found = lesson_notebooks(course, nb_dir)
        for les in course.in_order():
            if les.status == "available" and les.id not in found:
                print(
                    f"WARNING: lesson {les.id!r}: notebook {les.notebook} is not in {nb_dir}", file=sys.stderr
                )
    findings = check_glossary(course, nb_dir)
    errors = [f for f in findings if f.level == "error"]
    for f in errors:
        print(f"error: {f}", file=sys.stderr)
    for f in findings:
        if f.level == "warning":
            print(f"WARNING: {f}", file=sys.stderr)
    for tid, grade in hard_cards(course):
        print(
            f"WARNING: readability: card {tid} reads at grade {grade:.1f}, above {CARD_LIMIT:g} "
            "(shorter sentences and everyday words bring it down)",
            file=sys.stderr,
        )
    if errors:
        print(f"{len(errors)} glossary problem(s)", file=sys.stderr)
    return len(errors)


def _check_items(course: Course, *, strict: bool, lessons: list[str] | None = None) -> int:
    """The item-writing rules (warnings; errors with ``strict``); returns the number of errors."""
    from cramp_lessons.course.itemlint import cue_scores, lint

    findings = lint(course)
    if lessons:
        qs = {q.id: b.lesson for b in course.banks.values() for q in b.questions}
        banks = {b.bank: b.lesson for b in course.banks.values()}
        findings = [f for f in findings if qs.get(f.where, banks.get(f.where, f.where)) in lessons]
    label = "error" if strict else "WARNING"
    for f in findings:
        print(f"{label}: items: {f}", file=sys.stderr)
    qs_in = [q for b in course.banks.values() for q in b.questions if not lessons or b.lesson in lessons]
    for s in cue_scores(course, qs_in).values():
        print(f"items: {s}", file=sys.stderr)
    return len(findings) if strict else 0


@_guarded
def _items_lint(args: argparse.Namespace) -> int:
    from cramp_lessons.course.model import load_course

    return 1 if _check_items(load_course(), strict=True, lessons=args.lesson or None) else 0


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


def register(subparsers: Subparsers) -> None:
    """Add ``check``, ``items lint``, ``export``, ``import`` and ``readability`` to the subcommands."""
    c = subparsers.add_parser("check", help="validate course content (the installed content by default)")
    c.add_argument("content_dir", nargs="?", help="a content folder to check")
    c.add_argument(
        "--notebooks",
        metavar="DIR",
        help="the lesson notebooks, for the glossary check (default: the repository's notebooks/)",
    )
    c.add_argument(
        "--strict", action="store_true", help="fail on item-writing problems (answer cues, levels, hints)"
    )
    c.set_defaults(func=_check)

    il = _items(subparsers).add_parser("lint", help="item-writing problems and the cue-only learner's score")
    il.add_argument("--lesson", action="append", metavar="ID", help="only this lesson (repeatable)")
    il.set_defaults(func=_items_lint)

    x = subparsers.add_parser(
        "export",
        help="export quiz banks: Moodle GIFT, jupyterquiz JSON or Markdown",
        description="Export quiz banks as Moodle GIFT, jupyterquiz JSON or a Markdown worksheet.",
    )
    x.add_argument("--format", required=True, choices=["gift", "jupyterquiz", "markdown"])
    x.add_argument("--lesson", help="only this lesson's banks (a lesson id)")
    x.add_argument("-o", "--output", help="write to this file (default: standard output)")
    x.add_argument("--content-dir", help="a content folder other than the installed course")
    x.set_defaults(func=_export)

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

    rd = subparsers.add_parser(
        "readability", help="Flesch-Kincaid grade of each lesson and card, hardest first"
    )
    rd.add_argument(
        "--notebooks", metavar="DIR", help="the lesson notebooks (default: the repository's notebooks/)"
    )
    rd.add_argument("--content-dir", help="a content folder other than the installed course")
    rd.set_defaults(func=_readability)
