"""The one ``cramp-lessons`` command: a parser to which each module of this folder adds its commands,
so authors, learners and teachers find everything under one ``--help``."""

from __future__ import annotations

import argparse
import sys

from cramp_lessons.cli import classroom, content, learner
from cramp_lessons.cli.base import Parser


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="cramp-lessons", description="Cramp Lessons: tools for the course.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in (content, learner, classroom):  # the order of --help
        module.register(sub)
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
