"""`planner`'s commands are one table (planner.cli.commands.COMMANDS): a new command is one entry, and
with it come its line in `planner --help`, its own parser and --help, and its handler's exit code."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from support import ROOT

ADD_ONE = textwrap.dedent("""
    import sys
    import planner.cli as cli
    from planner.cli.commands import COMMANDS, Command

    def arguments(parser):
        parser.add_argument("word", metavar="WORD")

    def handler(args):
        cli.out(f"echoed {args.word}\\n")
        return 1

    COMMANDS["echo-word"] = Command("echo-word", "say a word back (a command added by one entry)", arguments, handler)
    sys.exit(cli.main(sys.argv[1:]))
""")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", ADD_ONE, *args], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, cwd=ROOT, timeout=60, env={**os.environ, "COLUMNS": "100"})


def test_one_entry_makes_a_command_with_its_help_and_exit_code():
    ran = run("echo-word", "hello")
    assert (ran.returncode, ran.stdout, ran.stderr) == (1, "echoed hello\n", "")
    top = run("--help")
    assert top.returncode == 0
    assert "echo-word" in top.stdout and "say a word back (a command added by one entry)" in top.stdout
    own = run("echo-word", "--help")
    assert own.returncode == 0 and "usage: planner echo-word" in own.stdout and "WORD" in own.stdout
    missing = run("echo-word")  # its parser's error: exit 2 and one usage line, as every command's
    assert missing.returncode == 2 and "planner echo-word: error:" in missing.stderr


def test_every_command_of_the_table_is_in_the_top_help():
    from planner.cli import COMMANDS

    top = run("--help")
    for name, command in COMMANDS.items():
        assert f"  {name}" in top.stdout, name
        assert command.about.split()[0] in top.stdout, name
