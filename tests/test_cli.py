"""The one ``cramp-lessons`` command: every command on one line of ``--help``, and a mistyped command
answered with a message, not a traceback."""

import re
import sqlite3

import pytest

from cramp_lessons.cli import main as cli

COMMANDS = {
    "check": "validate course content (the installed content by default)",
    "items": "the quiz items: lint them, report how they worked",
    "export": "export quiz banks: Moodle GIFT, jupyterquiz JSON or Markdown",
    "import": "turn a jupyterquiz JSON file into a quiz bank (YAML)",
    "readability": "Flesch-Kincaid grade of each lesson and card, hardest first",
    "progress": "export, import or reset your progress (answers and reviews)",
    "classroom": "run a live classroom session (serve, purge, list)",
}


def help_text(argv, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps at the terminal's width: a common one
    with pytest.raises(SystemExit) as exit_:
        cli.main([*argv, "--help"])
    assert exit_.value.code == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def action_lines(text, metavar):
    """The lines listing the subcommands: from the line with just ``metavar`` to the blank line."""
    lines = text.splitlines()
    start = lines.index(f"  {metavar}") + 1
    return lines[start : lines.index("", start)]


def test_help_gives_each_command_one_line(capsys, monkeypatch):
    lines = action_lines(help_text([], capsys, monkeypatch), "COMMAND")
    assert len(lines) == len(COMMANDS)  # nothing wrapped onto a second line
    for name, help_ in COMMANDS.items():
        mine = [line for line in lines if re.match(rf"\s+{name}\s", line)]
        assert len(mine) == 1, (name, lines)
        assert mine[0].split(None, 1) == [name, help_]
        assert len(mine[0]) <= 80


@pytest.mark.parametrize(
    "command, actions",
    [
        ("items", ["lint", "report"]),
        ("classroom", ["serve", "purge", "list"]),
        ("progress", ["export", "import", "reset"]),
    ],
)
def test_help_of_a_command_lists_its_actions(command, actions, capsys, monkeypatch):
    lines = action_lines(help_text([command], capsys, monkeypatch), "ACTION")
    names = [line.split()[0] for line in lines]
    assert names == actions
    assert all(len(line.split(None, 1)) == 2 and len(line) <= 80 for line in lines)  # each on one line


def test_unknown_command_exits_2_with_a_message(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["nosuchcommand"])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert "invalid choice: 'nosuchcommand'" in err and "usage: cramp-lessons" in err
    assert "Traceback" not in out + err


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


@pytest.mark.parametrize("action", [["list"], ["purge", "s1"]])
def test_a_classroom_database_from_a_newer_version_is_refused_without_a_traceback(action, tmp_path, capsys):
    db = tmp_path / "classroom.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        con.execute("INSERT INTO alembic_version VALUES ('9999')")
    before = list(sqlite3.connect(db).iterdump())
    assert cli.main(["classroom", *action, "--db", f"sqlite:///{db}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the classroom database") and "revision 9999" in err
    # The data stay as they were (opening may switch the journal to WAL, a header flag, not data).
    assert "Traceback" not in err and list(sqlite3.connect(db).iterdump()) == before
