"""The `planner` command: check, compare, new, fmt, schema, and the TUI. Textual is imported only for the TUI."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from planner import __version__
from planner.bundled import sample_names, sample_path
from planner.errors import PlanError
from planner.model import Plan, new_plan
from planner.rules import CallRules, available_calls, load_call, load_rules_file
from planner.scoring import compare, evaluate
from planner.storage import dump_plan, load_call_for, load_plan, save_plan

COMMANDS = {
    "check": "judge a plan against its lot (or --lot/--duration); exit 0 eligible, 1 not, 2 unreadable",
    "compare": "the plan against every lot and duration of its call, side by side",
    "new": "create a new plan file (empty, or from a bundled sample)",
    "fmt": "rewrite plan files in canonical form (--check: only report)",
    "import-partners": "add partners from a CSV file (shows every row it would reject, and why)",
    "export": "partners as CSV, a report to mail (Markdown or plain text), or plan and verdict as JSON",
    "schema": "print the JSON Schema of the plan format",
    "samples": "list the bundled sample plans",
}

EXIT_ELIGIBLE, EXIT_NOT_ELIGIBLE, EXIT_UNREADABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}: error: {message}\n")


def _rules_options(parser: argparse.ArgumentParser) -> None:
    calls = ", ".join(available_calls())
    parser.add_argument("--call", metavar="ID", help=f"judge against this call's rules ({calls})")
    parser.add_argument("--rules", metavar="FILE", help="judge against your own rules file instead")


def _build_parsers() -> dict[str, argparse.ArgumentParser]:
    parsers: dict[str, argparse.ArgumentParser] = {}
    p = parsers["check"] = _Parser(prog="planner check", description=COMMANDS["check"])
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--lot", type=int, metavar="N", help="what-if: judge against this lot")
    p.add_argument("--duration", type=int, metavar="M", help="what-if: judge for this many months")
    _rules_options(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p = parsers["compare"] = _Parser(prog="planner compare", description=COMMANDS["compare"])
    p.add_argument("plan", metavar="PLAN")
    _rules_options(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p = parsers["new"] = _Parser(prog="planner new", description=COMMANDS["new"])
    p.add_argument("path", metavar="PATH")
    p.add_argument("--lot", type=int, metavar="N", help="the lot (default 1, or the sample's)")
    p.add_argument("--title", help="the project title")
    p.add_argument("--from-sample", metavar="NAME", help=f"start from a sample ({', '.join(sample_names())})")
    p = parsers["fmt"] = _Parser(prog="planner fmt", description=COMMANDS["fmt"])
    p.add_argument("plans", metavar="PLAN", nargs="+")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p = parsers["import-partners"] = _Parser(
        prog="planner import-partners", description=COMMANDS["import-partners"],
        epilog="Columns are found by header name (any case): name, short name, country (name or code), kind, "
        "role, PIC, grant, affiliated to, notes. Comma, semicolon or tab separated. Nothing is written when a "
        "row is rejected, unless --skip-rejected. Exit 0 added, 1 rows rejected (nothing written), 2 unreadable.")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("csv", metavar="FILE.csv")
    p.add_argument("--dry-run", action="store_true", help="only show what would be added and rejected")
    p.add_argument("--skip-rejected", action="store_true", help="add the good rows even if some are rejected")
    p = parsers["export"] = _Parser(prog="planner export", description=COMMANDS["export"])
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--format", choices=("csv", "markdown", "text", "json"), default="markdown",
                   help="markdown (default) or text: a report to mail (text: plain, lines of at most 72 "
                   "characters, for any mail client); csv: the partners; json: plan and verdict")
    p.add_argument("--for-partners", action="store_true",
                   help="a report for the partners: without the self-assessment and the notes")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    _rules_options(p)
    parsers["schema"] = _Parser(prog="planner schema", description=COMMANDS["schema"])
    parsers["samples"] = _Parser(prog="planner samples", description=COMMANDS["samples"])
    return parsers


def _top_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<16} {text}" for name, text in COMMANDS.items())
    p = _Parser(
        prog="planner",
        usage="planner [PLAN] [options]\n       planner COMMAND ...",
        description="Plan an Erasmus+ Alliances for Innovation consortium and check it against the call's rules.",
        epilog=f"commands:\n{commands}\n\n'planner COMMAND --help' tells more. Without a command, "
        "the planner opens PLAN (created on first save if it does not exist), or a new plan.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("plan", metavar="PLAN", nargs="?", help="the plan file to open in the planner")
    p.add_argument("--sample", metavar="NAME", help=f"open a bundled sample read-only ({', '.join(sample_names())})")
    _rules_options(p)
    p.add_argument("--version", action="version", version=f"planner {__version__}")
    return p


def _explicit_rules(args: argparse.Namespace) -> CallRules | None:
    if getattr(args, "rules", None):
        return load_rules_file(args.rules)
    if getattr(args, "call", None):
        return load_call(args.call)
    return None


def _load(args: argparse.Namespace) -> tuple[Plan, CallRules]:
    rules = _explicit_rules(args)
    plan = load_plan(args.plan, rules)
    return plan, rules or load_call_for(plan, args.plan)


def _check(args: argparse.Namespace) -> int:
    from planner import report

    plan, rules = _load(args)
    if args.lot is not None and not rules.has_lot(args.lot):
        raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}; "
                        f"allowed: {', '.join(str(lot.number) for lot in rules.lots)}")
    if args.duration is not None and args.duration <= 0:
        raise PlanError("--duration", f"{args.duration} is not a number of months")
    board = evaluate(plan, rules, lot=args.lot, duration=args.duration)
    if args.format == "json":
        out = report.check_json(board, args.plan)
    elif args.format == "markdown":
        out = report.check_markdown(board, plan, rules, args.plan)
    else:
        out = report.check_text(board, plan, rules, args.plan, shutil.get_terminal_size((100, 24)).columns)
    sys.stdout.write(out)
    return EXIT_ELIGIBLE if board.eligible else EXIT_NOT_ELIGIBLE


def _compare(args: argparse.Namespace) -> int:
    from planner import report

    plan, rules = _load(args)
    boards = compare(plan, rules)
    render = {"json": lambda: report.compare_json(boards, args.plan),
              "markdown": lambda: report.compare_markdown(boards, plan, args.plan, rules),
              "text": lambda: report.compare_text(boards, plan, args.plan, rules)}[args.format]
    sys.stdout.write(render())
    return 0


def _new(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.exists():
        raise PlanError(str(path), "already exists; choose another name (planner new never overwrites)")
    if args.from_sample:
        source = sample_path(args.from_sample)
        if source is None:
            raise PlanError(args.from_sample, f"no such sample; samples: {', '.join(sample_names())}")
        plan = load_plan(source)
    else:
        plan = new_plan()
    update: dict[str, object] = {}
    if args.title:
        update["title"] = args.title
    if args.lot is not None:
        rules = load_call_for(plan, str(path))
        if not rules.has_lot(args.lot):
            raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}")
        update["lot"] = args.lot
        if plan.duration_months is not None and rules.lot(args.lot).duration(plan.duration_months) is None:
            update["duration_months"] = None
    if update:
        plan = plan.model_copy(update=update)
    save_plan(plan, path)
    print(f"created {path}")
    return 0


def _fmt(args: argparse.Namespace) -> int:
    changed = unreadable = 0
    for name in args.plans:
        try:
            plan = load_plan(name)
            current = Path(name).read_bytes()
        except PlanError as exc:
            print(f"planner: {exc}", file=sys.stderr)
            unreadable += 1
            continue
        if dump_plan(plan).encode("utf-8") == current:
            continue
        changed += 1
        if args.check:
            print(f"would reformat {name}")
        else:
            save_plan(plan, name)
            print(f"reformatted {name}")
    if unreadable:
        return EXIT_UNREADABLE
    return 1 if (args.check and changed) else 0


def _import_partners(args: argparse.Namespace) -> int:
    from planner.importing import preview_import

    plan = load_plan(args.plan)
    rules = load_call_for(plan, args.plan)
    preview = preview_import(args.csv, plan, rules)
    print(preview.summary())
    if args.dry_run:
        return 0 if not preview.rejected else 1
    if preview.rejected and not preview.accepted:
        print("nothing written: no row can be added", file=sys.stderr)
        return 1
    if preview.rejected and not args.skip_rejected:
        print(f"nothing written: fix the rejected rows, or add --skip-rejected to add the other "
              f"{len(preview.accepted)}", file=sys.stderr)
        return 1
    if not preview.accepted:
        print("nothing to add")
        return 0
    save_plan(preview.apply(plan), args.plan)
    print(f"added {len(preview.accepted)} partner(s) to {args.plan}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from planner import export
    from planner.storage import write_text_atomically

    plan, rules = _load(args)
    # a report goes to partners in many time zones: Brussels time only, not the sender's
    board = evaluate(plan, rules, now=datetime.now(ZoneInfo(rules.timezone)))
    if args.format == "csv":
        out = export.partners_csv(plan, rules)
    elif args.format == "json":
        out = export.plan_json(plan, board, args.plan)
    elif args.format == "text":
        out = export.text_report(plan, rules, board, args.plan, for_partners=args.for_partners)
    else:
        out = export.markdown_report(plan, rules, board, args.plan, for_partners=args.for_partners)
    if args.output:
        write_text_atomically(Path(args.output), out)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(out)
    return 0


def _schema(_args: argparse.Namespace) -> int:
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "planner plan file, format 1"
    print(json.dumps(schema, indent=2))
    return 0


def _samples(_args: argparse.Namespace) -> int:
    for name in sample_names():
        path = sample_path(name)
        assert path is not None
        plan = load_plan(path)
        print(f"{name:<20} Lot {plan.lot}  {plan.title}")
    return 0


def _tui(args: argparse.Namespace) -> int:
    path = args.plan
    read_only = False
    if args.sample:
        found = sample_path(args.sample)
        if found is None:
            raise PlanError(args.sample, f"no such sample; samples: {', '.join(sample_names())}")
        path, read_only = str(found), True
    rules = _explicit_rules(args)
    from planner.tui.app import run  # Textual is loaded only here

    return run(path, rules=rules, read_only=read_only)


HANDLERS = {"check": _check, "compare": _compare, "new": _new, "fmt": _fmt, "import-partners": _import_partners,
            "export": _export, "schema": _schema, "samples": _samples}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in HANDLERS:
            args = _build_parsers()[argv[0]].parse_args(argv[1:])
            return HANDLERS[argv[0]](args)
        return _tui(_top_parser().parse_args(argv))
    except PlanError as exc:
        print(f"planner: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
