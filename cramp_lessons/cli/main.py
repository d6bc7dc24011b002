"""The ``cramp-lessons`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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


def _check_words(course: object, args: argparse.Namespace) -> int:
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
        found = lesson_notebooks(course, nb_dir)  # type: ignore[arg-type]
        for les in course.in_order():  # type: ignore[attr-defined]
            if les.status == "available" and les.id not in found:
                print(
                    f"WARNING: lesson {les.id!r}: notebook {les.notebook} is not in {nb_dir}", file=sys.stderr
                )
    findings = check_glossary(course, nb_dir)  # type: ignore[arg-type]
    errors = [f for f in findings if f.level == "error"]
    for f in errors:
        print(f"error: {f}", file=sys.stderr)
    for f in findings:
        if f.level == "warning":
            print(f"WARNING: {f}", file=sys.stderr)
    for tid, grade in hard_cards(course):  # type: ignore[arg-type]
        print(
            f"WARNING: readability: card {tid} reads at grade {grade:.1f}, above {CARD_LIMIT:g} "
            "(shorter sentences and everyday words bring it down)",
            file=sys.stderr,
        )
    if errors:
        print(f"{len(errors)} glossary problem(s)", file=sys.stderr)
    return len(errors)


def _check_items(course: object, *, strict: bool, lessons: list[str] | None = None) -> int:
    """The item-writing rules (warnings; errors with ``strict``); returns the number of errors."""
    from cramp_lessons.questions.itemlint import cue_scores, lint

    findings = lint(course)  # type: ignore[arg-type]
    if lessons:
        qs = {q.id: b.lesson for b in course.banks.values() for q in b.questions}  # type: ignore[attr-defined]
        banks = {b.bank: b.lesson for b in course.banks.values()}  # type: ignore[attr-defined]
        findings = [f for f in findings if qs.get(f.where, banks.get(f.where, f.where)) in lessons]
    label = "error" if strict else "WARNING"
    for f in findings:
        print(f"{label}: items: {f}", file=sys.stderr)
    qs_in = [
        q
        for b in course.banks.values()  # type: ignore[attr-defined]
        for q in b.questions
        if not lessons or b.lesson in lessons
    ]
    for s in cue_scores(course, qs_in).values():  # type: ignore[arg-type]
        print(f"items: {s}", file=sys.stderr)
    return len(findings) if strict else 0


def _items_lint(args: argparse.Namespace) -> int:
    from cramp_lessons.course.model import load_course

    return 1 if _check_items(load_course(), strict=True, lessons=args.lesson or None) else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cramp-lessons", description="Cramp Lessons: tools for the course.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("check", help="validate course content (the installed content by default)")
    c.add_argument("content_dir", nargs="?", help="a content folder to check")
    c.add_argument(
        "--notebooks",
        metavar="DIR",
        help="the lesson notebooks, for the glossary check (default: the repository's notebooks/)",
    )
    c.add_argument(
        "--strict", action="store_true", help="fail on item-writing problems (answer cues, levels, hints)"
    )
    items = sub.add_parser("items", help="the quiz items: lint them for answer cues, or analyse the answers")
    items_sub = items.add_subparsers(dest="items_command", metavar="ACTION", required=True)
    il = items_sub.add_parser("lint", help="item-writing problems and the cue-only learner's score")
    il.add_argument("--lesson", action="append", metavar="ID", help="only this lesson (repeatable)")
    from cramp_lessons.cli.classroom import register as register_classroom
    from cramp_lessons.cli.learner import _guarded, register

    c.set_defaults(func=_guarded(_check))
    il.set_defaults(func=_guarded(_items_lint))

    register(sub)
    register_classroom(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
