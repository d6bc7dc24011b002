"""What every ``cramp-lessons`` command shares, so that all fail, print and lay out their help alike.

A handler takes the parsed arguments and returns an exit code; wrapped in :func:`_guarded`, a
failure prints ``error: ...`` on stderr and returns 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from cramp_lessons.errors import CrampLessonsError

if TYPE_CHECKING:  # imported where used, so that `cramp-lessons --help` starts fast
    from cramp_lessons.course.model import Course
    from cramp_lessons.learner.progress import ProgressStore

Handler = Callable[[argparse.Namespace], int]


class HelpFormatter(argparse.HelpFormatter):
    """Each command's help on the same line as its name.

    Python 3.11 measures the command names one indent short of where it prints them, so a name as
    long as ``readability`` pushed its help onto the next line; this measures them where they go.
    """

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction) and action.choices:
            deepest = self._current_indent + self._indent_increment + max(map(len, action.choices))
            self._action_max_length = max(self._action_max_length, deepest)


class Parser(argparse.ArgumentParser):
    """The command's parser; its subcommands' parsers are of this class too, so share the layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


# What ``add_subparsers`` returns: the command's (or a command's ACTION) subparsers.
Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"


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


def _help(parser: argparse.ArgumentParser) -> Handler:
    """A handler for a command given without its ACTION: the command's help, exit code 2."""

    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show


def _store(args: argparse.Namespace) -> ProgressStore:
    from cramp_lessons.learner.progress import ProgressStore, get_store

    return ProgressStore(args.store) if getattr(args, "store", None) else get_store()


def _course(args: argparse.Namespace) -> Course:
    from cramp_lessons.course.model import collect_errors, load_course

    if not getattr(args, "content_dir", None):
        return load_course()
    course, errors = collect_errors(args.content_dir)
    if errors:
        raise CrampLessonsError(
            f"the content in {args.content_dir} has {len(errors)} problem(s); first: {errors[0]}"
        )
    assert course is not None  # collect_errors gives a course whenever it found no problem
    return course


def _write(text: str, output: str | None) -> None:
    if output and output != "-":
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _subcommands(subparsers: Subparsers, name: str, **kwargs: Any) -> Subparsers:
    """The ACTION subparsers of command ``name``, creating the command if the parser lacks it."""
    parser = subparsers.choices.get(name) or subparsers.add_parser(name, **kwargs)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def _items(subparsers: Subparsers) -> Subparsers:
    """The ACTION subparsers of ``items``: :mod:`.content` adds ``lint``, :mod:`.learner` ``report``."""
    return _subcommands(subparsers, "items", help="the quiz items: lint them, report how they worked")
