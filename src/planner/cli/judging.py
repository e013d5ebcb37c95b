"""The commands that judge a plan: check, compare and budget (its verdict, its lots side by side, its money)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from planner.cli.loading import load, load_for_check
from planner.cli.output import EXIT_ELIGIBLE, EXIT_NOT_ELIGIBLE, check_output, emit, out
from planner.errors import PlanError
from planner.files import write_bytes_atomically
from planner.rules.cli import add_rules_options
from planner.safetext import json_path, json_safe, shown_path
from planner.scoring import compare, evaluate


def check_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = "Exit 0 eligible, 1 not eligible, 2 unreadable (the message on standard error)."
    p.add_argument("plan", metavar="PLAN", help="the plan file (TOML) to judge")
    p.add_argument("--lot", type=int, metavar="N", help="what-if: judge against this lot")
    p.add_argument("--duration", type=int, metavar="M", help="what-if: judge for this many months")
    add_rules_options(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="text (default: every rule and what it takes, for a terminal), json (the verdict for "
                   "scripts and CI, as the plan format's spec gives it) or markdown (a table to paste)")


def check(args: argparse.Namespace) -> int:
    from planner import report

    plan, rules = load_for_check(args)
    if args.duration is not None and args.duration <= 0:
        raise PlanError("--duration", f"{args.duration} is not a number of months")
    board = evaluate(plan, rules, lot=args.lot, duration=args.duration)
    if args.format == "json":  # the path as given: JSON escapes what a terminal must not see itself
        out = report.check_json(board, json_path(args.plan))
    elif args.format == "markdown":
        out = report.check_markdown(board, plan, rules, shown_path(args.plan))
    else:
        out = report.check_text(board, plan, rules, shown_path(args.plan),
                                shutil.get_terminal_size((100, 24)).columns)
    emit(out, args.format == "json")
    return EXIT_ELIGIBLE if board.eligible else EXIT_NOT_ELIGIBLE


def compare_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = "Exit 0 when the plan was judged (whatever the verdicts), 2 unreadable."
    p.add_argument("plan", metavar="PLAN", help="the plan file (TOML) to judge for every lot and duration")
    add_rules_options(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="text (default: a column per lot and duration, fitted to the terminal), json "
                   "(every verdict with what it takes) or markdown")


def compare_lots(args: argparse.Namespace) -> int:
    from planner import report

    plan, rules = load(args)
    boards = compare(plan, rules)
    shown = shown_path(args.plan)
    render = {"json": lambda: report.compare_json(boards, json_path(args.plan)),
              "markdown": lambda: report.compare_markdown(boards, plan, shown, rules),
              # the terminal's width, as check's; 80 columns when standard output is no terminal
              "text": lambda: report.compare_text(boards, plan, shown, rules,
                                                  shutil.get_terminal_size((80, 24)).columns)}[args.format]
    emit(render(), args.format == "json")
    return 0


def budget_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = "Exit 0 eligible, 1 not eligible, 2 unreadable (as planner check)."
    p.add_argument("plan", metavar="PLAN", help="the plan file (TOML) whose budget to show")
    p.add_argument("--lot", type=int, metavar="N", help="what-if: the cap of this lot")
    p.add_argument("--duration", type=int, metavar="M", help="what-if: the cap and months for this many months")
    add_rules_options(p)
    p.add_argument("--format", choices=("text", "markdown", "csv", "json", "xlsx"), default="text",
                   help="text (default), markdown, csv (a row per line, partner, work package and the total; "
                   "an associated partner's lines in a 'not counted' row; the header only without a budget), "
                   "json (plan, call, lot, duration_months, eligible, requested_grant_eur, the grant and budget "
                   "criteria and the verdict's budget object as 'budget', null without a budget), xlsx (a "
                   "workbook: summary, a sheet per beneficiary, the work plan; a summary alone without a budget)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output; "
                   "never over the plan itself, and over an existing file only with --force")
    p.add_argument("--force", action="store_true", help="with -o: replace FILE if it exists")
    p.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte order mark")


def budget(args: argparse.Namespace) -> int:
    from planner import budget_report, export

    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        raise PlanError("--format xlsx", "a workbook is not text: give -o FILE.xlsx (or redirect the output)")
    if args.output:
        check_output(Path(args.plan), Path(args.output), args.force)
    plan, rules = load_for_check(args)
    if args.duration is not None and args.duration <= 0:
        raise PlanError("--duration", f"{args.duration} is not a number of months")
    board = evaluate(plan, rules, lot=args.lot, duration=args.duration)
    shown = shown_path(args.plan)
    if args.format == "xlsx":
        from planner.workbook import budget_workbook
        data = budget_workbook(plan, rules, board.lot, board.duration_months)
        if args.output:
            write_bytes_atomically(Path(args.output), data, into_special=True)
            out(f"wrote {shown_path(args.output)}\n")
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        return EXIT_ELIGIBLE if board.eligible else EXIT_NOT_ELIGIBLE
    if args.format == "csv":
        text = export.budget_csv(budget_report.board_estimate(board, plan, rules), plan, bom=not args.no_bom)
    elif args.format == "json":
        text = json_safe(budget_report.budget_json(board, plan, rules, json_path(args.plan)))
    elif args.format == "markdown":
        text = budget_report.budget_markdown(board, plan, rules, shown)
    else:
        text = budget_report.budget_text(board, plan, rules, shown)
    if args.output:
        write_bytes_atomically(Path(args.output), text.encode("utf-8"), into_special=True)
        out(f"wrote {shown_path(args.output)}\n")
    else:
        emit(text, args.format == "json")
    return EXIT_ELIGIBLE if board.eligible else EXIT_NOT_ELIGIBLE
