"""`planner`'s commands are one table (planner.cli.commands.COMMANDS): a new command is one entry, and
with it come its line in `planner --help`, its own parser and --help, and its handler's exit code."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap

import pytest

from support import ROOT

# the entry names its module and functions: the module stands in for a new file beside judging.py, found
# under `planner.cli` when the command is parsed
ADD_ONE = textwrap.dedent("""
    import sys, types
    import planner.cli as cli
    from planner.cli.commands import COMMANDS, Command

    def arguments(parser):
        parser.add_argument("word", metavar="WORD")

    def handler(args):
        cli.out(f"echoed {args.word}\\n")
        return 1

    module = types.ModuleType("planner.cli.echoing")
    module.echo_arguments, module.echo = arguments, handler
    sys.modules["planner.cli.echoing"] = module
    COMMANDS["echo-word"] = Command("echo-word", "say a word back (a command added by one entry)", "cli.echoing",
                                    "echo_arguments", "echo")
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


def test_every_entry_names_a_module_and_two_functions_that_exist():
    # a typo in a module or function name would otherwise show only when someone runs that command
    from planner.cli import COMMANDS

    for name, command in COMMANDS.items():
        module = importlib.import_module(f"planner.{command.module}")
        assert command.load() is module, name
        for function in (command.arguments, command.handler):
            assert callable(getattr(module, function, None)), f"{name}: planner.{command.module}.{function}"
        assert callable(command.arguments_function()) and callable(command.handler_function()), name


def test_an_entry_with_a_misspelt_function_is_refused_by_name():
    from planner.cli.commands import COMMANDS, Command

    check = COMMANDS["check"]
    wrong = Command(check.name, check.about, check.module, check.arguments, "chek")
    with pytest.raises(TypeError, match="planner.cli.judging.chek"):
        wrong.handler_function()
    with pytest.raises(ModuleNotFoundError):
        Command(check.name, check.about, "cli.judgin", check.arguments, check.handler).load()
