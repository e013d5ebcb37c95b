"""The commands of `planner`, one table: each entry its name, its one line for --help, the function that
adds its arguments to its parser, and its handler. A new command is one entry here (and its handler
beside its arguments in the module of its job)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from planner.cli import exchange, judging, plans
from planner.cli.output import EXIT_UNREADABLE
from planner.rules import cli as rulescli
from planner.safetext import visible

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


@dataclass(frozen=True)
class Command:
    name: str
    about: str
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {command.name: command for command in (
    Command("check", "judge a plan against its lot (or --lot/--duration); exit 0 eligible, 1 not, 2 unreadable",
            judging.check_arguments, judging.check),
    Command("compare", "the plan against every lot and duration of its call, side by side",
            judging.compare_arguments, judging.compare_lots),
    Command("budget", "the estimated budget: costs per partner and work package, the EU contribution against the "
            "cap (text, Markdown, CSV, JSON); exit as check",
            judging.budget_arguments, judging.budget),
    Command("new", "create a new plan file (empty, or from a bundled sample)", plans.new_arguments, plans.new),
    Command("fmt", "rewrite plan files in canonical form (--check: only report)", plans.fmt_arguments, plans.fmt),
    Command("import-partners",
            "add partners from a CSV file or a spreadsheet (shows every row it would reject, and why)",
            exchange.import_partners_arguments, exchange.import_partners),
    Command("export", "partners as CSV, a report to mail (Markdown or plain text), or plan and verdict as JSON",
            exchange.export_arguments, exchange.export_plan),
    Command("ls", "list the plans of a folder: verdict, partners, last change, who has each open (text or JSON)",
            plans.ls_arguments, plans.ls),
    Command("diff", "what differs between two plans, in words (exit 0 none, 1 they differ, 2 unreadable); "
            "--textconv FILE: a plan as words, for git diff",
            plans.diff_arguments, plans.diff),
    Command("merge", "merge two colleagues' changes to a plan by meaning (git's merge driver): planner merge BASE "
            "OURS THEIRS writes OURS; exit 0 merged, 1 conflicts marked in OURS, 2 unreadable",
            plans.merge_arguments, plans.merge_plans),
    Command("git-setup",
            "set a git repository up for plans: the diff and merge drivers, and the recovery files ignored",
            exchange.git_setup_arguments, exchange.git_setup),
    Command("schema", "print the JSON Schema of the plan format", plans.no_arguments, plans.schema),
    Command("samples", "list the bundled sample plans", plans.no_arguments, plans.samples),
    Command("rules", "the call rule sets: list them, show one resolved (show ID), or what changed (diff A B)",
            rulescli.add_arguments, rulescli.command),
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
    command.arguments(parser)
    return parser
