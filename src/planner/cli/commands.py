"""The commands of `planner`, one table: each entry its name, its one line for --help, the module of its job,
and in it the names of the function that adds its arguments to its parser and of its handler. A new command
is one entry here (and its handler beside its arguments in the module of its job). An entry names its
module and functions rather than holding them: the module is imported only when its command is parsed, so
`planner` (the TUI) and `planner --help` load no handler."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn, cast

from planner.cli.output import EXIT_UNREADABLE
from planner.safetext import visible

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


@dataclass(frozen=True)
class Command:
    name: str
    about: str
    module: str  # under `planner`: "cli.judging", "rules.cli"
    arguments: str  # in the module: (parser) -> None, adds the command's arguments
    handler: str  # in the module: (args) -> int, the command's work and exit code

    def load(self) -> ModuleType:
        """The command's module, imported now (on first use; Python keeps it after)."""
        return importlib.import_module(f"planner.{self.module}")

    def _function(self, name: str) -> Callable[..., object]:
        found: object = getattr(self.load(), name, None)
        if not callable(found):
            raise TypeError(f"command {self.name}: planner.{self.module}.{name} is not a function")
        return found

    def arguments_function(self) -> Callable[[argparse.ArgumentParser], None]:
        return cast("Callable[[argparse.ArgumentParser], None]", self._function(self.arguments))

    def handler_function(self) -> Callable[[argparse.Namespace], int]:
        return cast("Callable[[argparse.Namespace], int]", self._function(self.handler))

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        self.arguments_function()(parser)

    def run(self, args: argparse.Namespace) -> int:
        return self.handler_function()(args)


COMMANDS: dict[str, Command] = {command.name: command for command in (
    Command("check", "judge a plan against its lot (or --lot/--duration); exit 0 eligible, 1 not, 2 unreadable",
            "cli.judging", "check_arguments", "check"),
    Command("compare", "the plan against every lot and duration of its call, side by side",
            "cli.judging", "compare_arguments", "compare_lots"),
    Command("budget", "the estimated budget: costs per partner and work package, the EU contribution against the "
            "cap (text, Markdown, CSV, JSON, Excel); exit as check",
            "cli.judging", "budget_arguments", "budget"),
    Command("new", "create a new plan file (empty, or from a bundled sample)", "cli.plans", "new_arguments", "new"),
    Command("fmt", "rewrite plan files in canonical form (--check: only report)", "cli.plans", "fmt_arguments", "fmt"),
    Command("import-partners",
            "add partners from a CSV file or a spreadsheet (shows every row it would reject, and why)",
            "cli.exchange", "import_partners_arguments", "import_partners"),
    Command("export", "partners as CSV, a report to mail (Markdown or plain text), or plan and verdict as JSON",
            "cli.exchange", "export_arguments", "export_plan"),
    Command("ls", "list the plans of a folder: verdict, partners, last change, who has each open (text or JSON)",
            "cli.plans", "ls_arguments", "ls"),
    Command("diff", "what differs between two plans, in words (exit 0 none, 1 they differ, 2 unreadable); "
            "--textconv FILE: a plan as words, for git diff",
            "cli.plans", "diff_arguments", "diff"),
    Command("merge", "merge two colleagues' changes to a plan by meaning (git's merge driver): planner merge BASE "
            "OURS THEIRS writes OURS; exit 0 merged, 1 conflicts marked in OURS, 2 unreadable",
            "cli.plans", "merge_arguments", "merge_plans"),
    Command("git-setup",
            "set a git repository up for plans: the diff and merge drivers, and the recovery files ignored",
            "cli.exchange", "git_setup_arguments", "git_setup"),
    Command("schema", "print the JSON Schema of the plan format", "cli.plans", "no_arguments", "schema"),
    Command("samples", "list the bundled sample plans", "cli.plans", "no_arguments", "samples"),
    Command("rules", "the call rule sets: list them, show one resolved (show ID), or what changed (diff A B)",
            "rules.cli", "add_arguments", "command"),
)}


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}: error: {message}\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse repeats the user's arguments in its errors: escape them like everything else
        if message:
            (file or sys.stderr).write(visible(message, keep_newlines=True))


def parser_for(command: Command) -> argparse.ArgumentParser:
    """The parser of one command: `planner NAME`, its line as description, its arguments."""
    parser = Parser(prog=f"planner {command.name}", description=command.about)
    command.add_arguments(parser)
    return parser
