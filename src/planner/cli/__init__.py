"""The `planner` command: check, compare, new, fmt, schema, and the TUI. Textual is imported only for the TUI."""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from planner import __version__, editing
from planner.bundled import sample_names, sample_path
from planner.errors import PlanError
from planner.files import decode_plan_bytes, read_user_file, special_kind, write_bytes_atomically
from planner.heap import resume_collector
from planner.model import Plan, new_plan
from planner.rules import DEFAULT_CALL, CallRules, latest_call, replaced_notice
from planner.rules import cli as rulescli
from planner.rules.cli import add_rules_options, explicit_rules
from planner.safetext import json_safe, shown_path, visible
from planner.scoring import compare, evaluate, now
from planner.storage import (
    check_against_rules,
    dump_plan,
    load_call_for,
    load_plan,
    parse_plan,
    read_plan_file,
    save_plan,
    size_problem,
)

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

COMMANDS = {
    "check": "judge a plan against its lot (or --lot/--duration); exit 0 eligible, 1 not, 2 unreadable",
    "compare": "the plan against every lot and duration of its call, side by side",
    "budget": "the estimated budget: costs per partner and work package, the EU contribution against the cap "
              "(text, Markdown, CSV, JSON); exit as check",
    "new": "create a new plan file (empty, or from a bundled sample)",
    "fmt": "rewrite plan files in canonical form (--check: only report)",
    "import-partners": "add partners from a CSV file or a spreadsheet (shows every row it would reject, and why)",
    "export": "partners as CSV, a report to mail (Markdown or plain text), or plan and verdict as JSON",
    "ls": "list the plans of a folder: verdict, partners, last change, who has each open (text or JSON)",
    "diff": "what differs between two plans, in words (exit 0 none, 1 they differ, 2 unreadable); "
            "--textconv FILE: a plan as words, for git diff",
    "merge": "merge two colleagues' changes to a plan by meaning (git's merge driver): planner merge BASE OURS "
             "THEIRS writes OURS; exit 0 merged, 1 conflicts marked in OURS, 2 unreadable",
    "git-setup": "set a git repository up for plans: the diff and merge drivers, and the recovery files ignored",
    "schema": "print the JSON Schema of the plan format",
    "samples": "list the bundled sample plans",
    "rules": "the call rule sets: list them, show one resolved (show ID), or what changed (diff A B)",
}

EXIT_ELIGIBLE, EXIT_NOT_ELIGIBLE, EXIT_UNREADABLE = 0, 1, 2
BOM = "\ufeff"


def out(text: str) -> None:
    """Text for people on standard output: whatever a file held, no control character reaches the terminal."""
    sys.stdout.write(visible(text, keep_newlines=True))


def err(text: str) -> None:
    """A message on standard error, escaped like `out`, ending in a newline."""
    sys.stderr.write(visible(text, keep_newlines=True) + "\n")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}: error: {message}\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse repeats the user's arguments in its errors: escape them like everything else
        if message:
            (file or sys.stderr).write(visible(message, keep_newlines=True))


def _build_parsers() -> dict[str, argparse.ArgumentParser]:
    parsers: dict[str, argparse.ArgumentParser] = {}
    p = parsers["check"] = _Parser(prog="planner check", description=COMMANDS["check"])
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--lot", type=int, metavar="N", help="what-if: judge against this lot")
    p.add_argument("--duration", type=int, metavar="M", help="what-if: judge for this many months")
    add_rules_options(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p = parsers["compare"] = _Parser(prog="planner compare", description=COMMANDS["compare"])
    p.add_argument("plan", metavar="PLAN")
    add_rules_options(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p = parsers["budget"] = _Parser(prog="planner budget", description=COMMANDS["budget"],
                                    epilog="Exit 0 eligible, 1 not eligible, 2 unreadable (as planner check).")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--lot", type=int, metavar="N", help="what-if: the cap of this lot")
    p.add_argument("--duration", type=int, metavar="M", help="what-if: the cap and months for this many months")
    add_rules_options(p)
    p.add_argument("--format", choices=("text", "markdown", "csv", "json", "xlsx"), default="text",
                   help="text (default), markdown, csv (a row per line, partner, work package and the total), "
                   "json (the verdict's budget object), xlsx (a workbook: summary, "
                   "a sheet per beneficiary, the work plan)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output; "
                   "never over the plan itself, and over an existing file only with --force")
    p.add_argument("--force", action="store_true", help="with -o: replace FILE if it exists")
    p.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte order mark")
    p = parsers["new"] = _Parser(prog="planner new", description=COMMANDS["new"])
    p.add_argument("path", metavar="PATH")
    p.add_argument("--lot", type=int, metavar="N", help="the lot (default 1, or the sample's)")
    p.add_argument("--call", metavar="ID",
                   help="the call (default the one open or expected now: see `planner rules`; a sample keeps its own)")
    p.add_argument("--title", help="the project title")
    p.add_argument("--from-sample", metavar="NAME", help=f"start from a sample ({', '.join(sample_names())})")
    p = parsers["fmt"] = _Parser(prog="planner fmt", description=COMMANDS["fmt"])
    p.add_argument("plans", metavar="PLAN", nargs="+")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p = parsers["import-partners"] = _Parser(
        prog="planner import-partners", description=COMMANDS["import-partners"],
        epilog="Columns are found by header name as people write them (any case, English and the programme "
        "countries' languages: 'Organisation name', 'Acronym', 'Country', 'Organisation type', 'PIC'...), whole or "
        "by their words ('Full name of the organisation', \"Pays d'établissement\"; a header whose words could be "
        "two columns is asked: --map says which): name, "
        "short name, country, kind, role, PIC, grant, affiliated to, ECHE (yes/no/true/false/1/0, blank: not "
        "known), notes. A PIC not known yet ('tbc', 'pending', 'n/a') is left out, with a warning. Countries, "
        "kinds and roles may be written in partners' own words (Deutschland, Czech Republic, Hochschule, UAS, "
        "employers' organisation, lead partner). CSV (comma, semicolon or tab "
        "separated), .xlsx, .xls or .ods. Nothing is written when a row is rejected, unless --skip-rejected. "
        "Exit 0 added, 1 rows rejected (nothing written), 2 unreadable.")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("csv", metavar="FILE", help="a .csv, .xlsx, .xls or .ods file")
    p.add_argument("--dry-run", action="store_true", help="only show what would be added and rejected")
    p.add_argument("--skip-rejected", action="store_true", help="add the good rows even if some are rejected")
    p.add_argument("--sheet", metavar="NAME", help="the sheet of a spreadsheet to read (default: the first one "
                   "that is not empty)")
    p.add_argument("--map", metavar="'HEADER=KEY'", action="append", default=[], dest="mapping",
                   help="read the column HEADER as KEY (name, short_name, country, kind, role, pic, grant_eur, "
                   "affiliated_to, eche, notes; or 'ignore'), e.g. --map 'Type of organisation=kind'; repeatable")
    p.add_argument("--fill", metavar="'KEY=WORD'", action="append", default=[],
                   help="give every row without one this kind, role or country, e.g. --fill kind=Hochschule; "
                   "'LINE:KEY=WORD' gives it to one row (over its cell), e.g. --fill '7:kind=vet-provider'; repeatable")
    p = parsers["export"] = _Parser(prog="planner export", description=COMMANDS["export"])
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--format", choices=("csv", "markdown", "text", "json"), default="markdown",
                   help="markdown (default) or text: a report to mail (text: plain, lines of at most 72 "
                   "characters, for any mail client); csv: the partners; json: plan and verdict")
    p.add_argument("--for-partners", action="store_true",
                   help="a report for the partners: without the self-assessment and the notes")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output; "
                   "never over the plan itself, and over an existing file only with --force")
    p.add_argument("--force", action="store_true", help="with -o: replace FILE if it exists")
    p.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte order mark (by default it has "
                   "one, so that Excel shows accents right)")
    p.add_argument("--delimiter", choices=(",", ";"), help="CSV: the separator, ',' (the default) or ';', which "
                   "Excel expects in Dutch, German, French or Spanish settings (the comma is their decimal mark)")
    add_rules_options(p)
    p = parsers["ls"] = _Parser(prog="planner ls", description=COMMANDS["ls"],
                                epilog="Every *.toml file in the folder is listed, an unreadable one with the reason "
                                "(partners.toml, the folder's directory of partners, is not a plan). Exit 0 when "
                                "the folder was listed, whatever the verdicts; 2 when it cannot be read.")
    p.add_argument("folder", metavar="DIR", nargs="?", default=".", help="the folder (default: the current one)")
    p.add_argument("--recursive", "-r", action="store_true", help="the plans in subfolders too")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = parsers["diff"] = _Parser(
        prog="planner diff", description=COMMANDS["diff"],
        epilog="As a git diff driver: git config diff.planner.textconv 'planner diff --textconv' and a line "
        "'*.toml diff=planner' in .gitattributes; git diff then shows what changed in words.")
    p.add_argument("plans", metavar="PLAN", nargs="+", help="two plans (A B), or one with --textconv")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--textconv", action="store_true", help="print one plan as lines of words (for git's textconv)")
    p = parsers["merge"] = _Parser(
        prog="planner merge", description=COMMANDS["merge"],
        epilog="Partners are matched by short name, else PIC, else name; work packages by id; every other value "
        "by its key. A change on one side is taken, both sides' new partners are kept (ours first), and where "
        "both sides changed a value differently OURS gets git's conflict markers around both versions. As git's "
        "merge driver: 'planner git-setup' sets it up.")
    p.add_argument("base", metavar="BASE", help="the common ancestor (git's %%O)")
    p.add_argument("ours", metavar="OURS", help="our version, which the merge replaces (git's %%A)")
    p.add_argument("theirs", metavar="THEIRS", help="their version (git's %%B)")
    p = parsers["git-setup"] = _Parser(
        prog="planner git-setup", description=COMMANDS["git-setup"],
        epilog="Shows what it would write first: the .gitattributes line, the git config of the diff and merge "
        "drivers, and the .gitignore line for the planner's recovery files; writes them after you confirm (or "
        "with --yes). Running it again changes nothing. Exit 0 set up (or nothing written), 2 not a git "
        "repository.")
    p.add_argument("folder", metavar="DIR", nargs="?", default=".", help="a folder of the repository (default: "
                   "the current one)")
    p.add_argument("--yes", "-y", action="store_true", help="write without asking")
    parsers["schema"] = _Parser(prog="planner schema", description=COMMANDS["schema"])
    parsers["samples"] = _Parser(prog="planner samples", description=COMMANDS["samples"])
    p = parsers["rules"] = _Parser(prog="planner rules", description=COMMANDS["rules"])
    rulescli.add_arguments(p)
    return parsers


def _top_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<16} {text}" for name, text in COMMANDS.items())
    p = _Parser(
        prog="planner",
        usage="planner [PLAN] [options]\n       planner COMMAND ...",
        description="Plan an Erasmus+ Alliances for Innovation consortium and check it against the call's rules.",
        epilog=f"commands:\n{commands}\n\n'planner COMMAND --help' tells more. Without a command, "
        "the planner opens PLAN (created on first save if it does not exist), the plans of a folder "
        "(planner DIR), or a new plan.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("plan", metavar="PLAN", nargs="?", help="the plan file to open in the planner")
    p.add_argument("--sample", metavar="NAME", help=f"open a bundled sample read-only ({', '.join(sample_names())})")
    add_rules_options(p)
    p.add_argument("--version", action="version", version=f"planner {__version__}")
    return p


def _beside(path: str | os.PathLike[str]) -> Path:
    """The folder of a plan, where a `calls/` folder of the team's own rule sets may be."""
    return Path(path).parent


def _told(rules: CallRules) -> CallRules:
    """The rules, after a notice on stderr when they are the user's own set replacing a built-in one."""
    notice = replaced_notice(rules)
    if notice:
        err(f"planner: note: {notice}")
    return rules


def _load(args: argparse.Namespace) -> tuple[Plan, CallRules]:
    rules = explicit_rules(args, _beside(args.plan))
    plan = load_plan(args.plan, rules)
    return plan, _told(rules or load_call_for(plan, args.plan))


def _load_for_check(args: argparse.Namespace) -> tuple[Plan, CallRules]:
    """The plan and the rules to judge it by. With --call (or --rules) and --lot, the plan's own lot need not
    exist in that call: a 2026 Lot 3 plan may be asked "and as Lot 1 of 2025?"."""
    rules = explicit_rules(args, _beside(args.plan))
    if rules is not None and args.lot is not None:
        if not rules.has_lot(args.lot):
            raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}; "
                            f"allowed: {', '.join(str(lot.number) for lot in rules.lots)}")
        plan = load_plan(args.plan)  # checked against its own call first
        if not rules.has_lot(plan.lot):
            plan = editing.set_lot(plan.model_copy(update={"duration_months": None}), rules, args.lot)
        return check_against_rules(plan, rules, args.plan), _told(rules)
    try:
        plan, rules = _load(args)
    except PlanError as exc:
        if rules is not None and exc.message.startswith("lot: "):
            raise PlanError(exc.origin, exc.message + "; add --lot N to judge the plan as one of them",
                            exc.problems) from None
        raise
    if args.lot is not None and not rules.has_lot(args.lot):
        raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}; "
                        f"allowed: {', '.join(str(lot.number) for lot in rules.lots)}")
    return plan, rules


def _check(args: argparse.Namespace) -> int:
    from planner import report

    plan, rules = _load_for_check(args)
    if args.duration is not None and args.duration <= 0:
        raise PlanError("--duration", f"{args.duration} is not a number of months")
    board = evaluate(plan, rules, lot=args.lot, duration=args.duration)
    if args.format == "json":
        out = report.check_json(board, shown_path(args.plan))
    elif args.format == "markdown":
        out = report.check_markdown(board, plan, rules, shown_path(args.plan))
    else:
        out = report.check_text(board, plan, rules, shown_path(args.plan),
                                shutil.get_terminal_size((100, 24)).columns)
    _emit(out, args.format == "json")
    return EXIT_ELIGIBLE if board.eligible else EXIT_NOT_ELIGIBLE


def _compare(args: argparse.Namespace) -> int:
    from planner import report

    plan, rules = _load(args)
    boards = compare(plan, rules)
    shown = shown_path(args.plan)
    render = {"json": lambda: report.compare_json(boards, shown),
              "markdown": lambda: report.compare_markdown(boards, plan, shown, rules),
              # the terminal's width, as check's; 80 columns when standard output is no terminal
              "text": lambda: report.compare_text(boards, plan, shown, rules,
                                                  shutil.get_terminal_size((80, 24)).columns)}[args.format]
    _emit(render(), args.format == "json")
    return 0


def _budget(args: argparse.Namespace) -> int:
    from planner import budget_report, export

    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        raise PlanError("--format xlsx", "a workbook is not text: give -o FILE.xlsx (or redirect the output)")
    if args.output:
        _check_output(Path(args.plan), Path(args.output), args.force)
    plan, rules = _load_for_check(args)
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
        text = json_safe(budget_report.budget_json(board, plan, rules, shown))
    elif args.format == "markdown":
        text = budget_report.budget_markdown(board, plan, rules, shown)
    else:
        text = budget_report.budget_text(board, plan, rules, shown)
    if args.output:
        write_bytes_atomically(Path(args.output), text.encode("utf-8"), into_special=True)
        out(f"wrote {shown_path(args.output)}\n")
    else:
        _emit(text, args.format == "json")
    return EXIT_ELIGIBLE if board.eligible else EXIT_NOT_ELIGIBLE


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
        # the call being written now (open or expected, scoring.now() the clock), written in the file: a
        # plan says which call it is for; a `calls/` folder beside it may hold the team's own rule sets
        plan = new_plan(args.call or latest_call(now(), _beside(path)))
        _told(load_call_for(plan, "--call", _beside(path)))  # an unknown call is refused before anything is written
    update: dict[str, object] = {}
    if args.title:
        update["title"] = args.title
    if args.lot is not None:
        rules = load_call_for(plan, str(path), _beside(path))
        if not rules.has_lot(args.lot):
            raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}")
        update["lot"] = args.lot
        if plan.duration_months is not None and rules.lot(args.lot).duration(plan.duration_months) is None:
            update["duration_months"] = None
    if update:
        plan = plan.model_copy(update=update)
    save_plan(plan, path)
    call = plan.call or DEFAULT_CALL
    try:
        rules = load_call_for(plan, str(path), _beside(path))
        status = {"expected": f", expected {rules.expected or ''}".rstrip() + ", not yet published",
                  "closed": ", closed"}.get(rules.status_at(now()), "")
    except PlanError:
        status = ""
    out(f"created {shown_path(path)} (call {call}{status}, Lot {plan.lot})\n")
    return 0


def _fmt(args: argparse.Namespace) -> int:
    changed = unreadable = 0
    for name in args.plans:
        try:
            current = read_user_file(name)  # read once: what is judged is what is compared
            plan = parse_plan(decode_plan_bytes(name, current), name)
        except PlanError as exc:
            err(f"planner: {exc}")
            unreadable += 1
            continue
        if dump_plan(plan).encode("utf-8") == current:
            continue
        changed += 1
        if args.check:
            out(f"would reformat {shown_path(name)}\n")
        else:
            save_plan(plan, name)
            out(f"reformatted {shown_path(name)}\n")
    if unreadable:
        return EXIT_UNREADABLE
    return 1 if (args.check and changed) else 0


def _pairs(option: str, given: list[str], origin: str) -> list[tuple[str, str]]:
    pairs = []
    for item in given:
        left, equals, right = item.rpartition("=")
        if not equals or not left.strip():
            shape = "HEADER=KEY" if option == "--map" else "KEY=WORD"
            raise PlanError(origin, f"{option} {item!r}: write it as {shape}")
        pairs.append((left.strip(), right.strip()))
    return pairs


def _import_partners(args: argparse.Namespace) -> int:
    from planner.importing import MissingColumns, preview_import

    plan, _fingerprint, original = read_plan_file(args.plan)
    rules = load_call_for(plan, args.plan)
    mapping = dict(_pairs("--map", args.mapping, args.csv))
    fill: dict[str, str] = {}
    fill_rows: dict[int, dict[str, str]] = {}
    for key, word in _pairs("--fill", args.fill, args.csv):
        line, colon, key = key.rpartition(":")
        if colon and not line.strip().isdigit():
            raise PlanError(args.csv, f"--fill {line}{colon}{key}={word!r}: a row is its line number, "
                            "e.g. '7:kind=WORD'")
        if colon:
            fill_rows.setdefault(int(line), {})[key.strip()] = word
        else:
            fill[key.strip()] = word
    try:
        preview = preview_import(args.csv, plan, rules, mapping=mapping, sheet=args.sheet, fill=fill,
                                 fill_rows=fill_rows)
    except MissingColumns as exc:
        key = exc.missing[-1]
        hint = f"name the column with --map 'HEADER={key}'"
        if key in ("kind", "country"):
            hint += f", or give every row one with --fill {key}=WORD"
        raise PlanError(exc.origin, f"{exc.message}; {hint}") from None
    out(preview.summary(rules) + "\n")
    if args.dry_run:
        return 0 if not preview.rejected and not preview.unsure else 1
    if preview.unsure:  # asked, never guessed
        err("nothing written: say what the columns marked ASK hold, with --map 'HEADER=KEY' (or =ignore)")
        return 1
    if preview.rejected and not preview.accepted:
        err("nothing written: no row can be added")
        return 1
    if preview.rejected and not args.skip_rejected:
        err(f"nothing written: fix the rejected rows, or add --skip-rejected to add the other "
            f"{len(preview.accepted)}")
        return 1
    if not preview.accepted:
        out("nothing to add\n")
        return 0
    added = preview.apply(plan)
    if problem := size_problem(added):
        err(f"nothing written: {problem}")
        return EXIT_UNREADABLE
    save_plan(added, args.plan, original)  # the file's own form kept: comments, order, [tool.*]
    out(f"added {len(preview.accepted)} partner(s) to {shown_path(args.plan)}\n")
    return 0


def _export(args: argparse.Namespace) -> int:
    from planner import export

    if args.delimiter is not None and args.format != "csv":
        err(f"planner export: --delimiter is for --format csv, not {args.format}")
        return EXIT_UNREADABLE
    if args.output:
        _check_output(Path(args.plan), Path(args.output), args.force)
    plan, rules = _load(args)
    text = export.render(args.format, plan, rules, shown_path(args.plan), for_partners=args.for_partners,
                         bom=not args.no_bom, delimiter=args.delimiter or ",")
    if isinstance(text, bytes):  # not one of export's choices: the budget's workbook is `planner budget`'s
        raise PlanError("--format", f"{args.format}: use planner budget")
    if args.output:
        if args.format in ("markdown", "text"):  # as on the terminal: no control, bidi or invisible character raw
            text = visible(text, keep_newlines=True)
        # a FIFO or device named by -o is written into (as the shell's > would), never replaced
        write_bytes_atomically(Path(args.output), text.encode("utf-8"), into_special=True)
        out(f"wrote {shown_path(args.output)}\n")
    else:
        _emit(text, args.format == "json")
    return 0


def _check_output(plan: Path, output: Path, force: bool) -> None:
    """`export -o` never replaces the plan it reads (also through a link), nor another file without --force."""
    if output.is_dir():
        raise PlanError(str(output), "is a folder; give the name of the file to write")
    if not (output.exists() or output.is_symlink()):
        return
    kind = special_kind(output)
    if kind is not None:  # written into, never replaced: no --force needed, and --force does not replace it
        if not (output.is_fifo() or output.is_char_device()):
            raise PlanError(str(output), f"is {kind}; the planner writes only into a regular file, "
                            "a pipe (FIFO) or a character device such as /dev/null")
        return
    try:
        same = output.exists() and plan.exists() and os.path.samefile(plan, output)
    except OSError:
        same = False
    if same or os.path.realpath(plan) == os.path.realpath(output):
        raise PlanError(str(output), f"is the plan being exported ({plan}); choose another file to write")
    if not force:
        raise PlanError(str(output), "already exists; add --force to replace it, or choose another file")


def _ls(args: argparse.Namespace) -> int:
    import json

    from planner import folder

    try:
        entries = folder.list_folder(args.folder, recursive=args.recursive)
    except folder.FolderError as exc:
        err(f"planner: {exc}")
        return EXIT_UNREADABLE
    if args.format == "json":
        text = json.dumps(folder.listing_json(args.folder, entries), ensure_ascii=False, indent=2) + "\n"
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8 (its bytes kept as surrogates): \u escapes
            text = json.dumps(folder.listing_json(args.folder, entries), indent=2) + "\n"
        _emit(text, True)
    else:
        out(folder.listing_text(entries))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from planner import plandiff

    if args.textconv:
        if len(args.plans) != 1:
            raise PlanError("--textconv", f"takes one plan, not {len(args.plans)}")
        path = args.plans[0]
        try:
            plan = load_plan(path)
            board = evaluate(plan, load_call_for(plan, path))
        except PlanError as exc:
            # git shows a file it cannot convert as nothing: show why and the text as it is
            data = read_user_file(path)
            out(f"(not a plan the planner can read: {exc.message})\n" + data.decode("utf-8", "replace"))
            return 0
        out(plandiff.textconv(plan, board))
        return 0
    if len(args.plans) != 2:
        raise PlanError("diff", f"takes two plans (A B), not {len(args.plans)}")
    a, b = args.plans
    plans = [load_plan(a), load_plan(b)]
    boards = tuple(evaluate(plan, load_call_for(plan, path)) for plan, path in zip(plans, args.plans))
    changes = plandiff.describe(plans[0], plans[1], boards)  # type: ignore[arg-type]
    _emit(plandiff.as_json(changes, a, b) if args.format == "json" else plandiff.as_text(changes, a, b),
          args.format == "json")
    return 1 if changes else 0


def _merge(args: argparse.Namespace) -> int:
    from planner import merge

    merged = merge.merge_files(args.base, args.ours, args.theirs)
    write_bytes_atomically(Path(args.ours), merged.text)
    if not merged.conflicts:
        return 0
    out(f"{shown_path(args.ours)}: {len(merged.conflicts)} conflict(s), marked in the file:\n")
    for conflict in merged.conflicts:
        out(f"  {conflict.words}\n")
    return 1


def _git_setup(args: argparse.Namespace) -> int:
    from planner import gitsetup

    return gitsetup.command(args.folder, args.yes, out, err)


def _schema(_args: argparse.Namespace) -> int:
    import json

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
        out(f"{name:<20} Lot {plan.lot}  {plan.title}\n")
    return 0


def _tui(args: argparse.Namespace) -> int:
    path = args.plan
    read_only = False
    if args.sample:
        found = sample_path(args.sample)
        if found is None:
            raise PlanError(args.sample, f"no such sample; samples: {', '.join(sample_names())}")
        path, read_only = str(found), True
    rules = explicit_rules(args)
    folder = None
    if path is not None and not read_only and Path(path).is_dir():
        folder, path = path, None  # planner DIR: the folder view
    if not _has_terminal():
        if folder is not None:
            raise NoTerminal(folder, folder=True)
        if path is not None and (Path(path).exists() or Path(path).is_symlink()):
            load_plan(path, rules)  # a file the TUI could not open says why first, as it would with a terminal
        raise NoTerminal(args.plan)
    from planner.tui.app import run  # Textual is loaded only here

    return run(path, rules=rules, read_only=read_only, folder=folder)


def _has_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


class NoTerminal(Exception):
    """The TUI was asked for where there is no terminal (a script, cron, a pipe)."""

    def __init__(self, plan: str | None, folder: bool = False) -> None:
        self.plan = plan
        self.folder = folder
        super().__init__(plan)

    def message(self) -> str:
        if self.folder:
            return ("planner: the planner's screen needs a terminal, and standard input or output is not one; "
                    f"from a script, 'planner ls {self.plan}' lists the plans of a folder")
        text = ("planner: the planner's screen needs a terminal, and standard input or output is not one; "
                "from a script, use 'planner check PLAN' (or 'planner --help' for every command)")
        name = self.plan or ""
        if name and not Path(name).exists() and "." not in Path(name).name and "/" not in name:
            commands = ", ".join(COMMANDS)
            text += f"; {name!r} is not a command (commands: {commands})"
        return text


def _emit(text: str, is_json: bool) -> None:
    """A command's output: JSON as it is (it escapes control characters itself), text through `out`."""
    if is_json:
        sys.stdout.write(json_safe(text))
    else:
        if text.startswith(BOM):  # a CSV's byte order mark is meant (Excel reads UTF-8 by it), not shown
            sys.stdout.write(BOM)
            text = text[1:]
        out(text)


def _safe_streams() -> None:
    """Print whatever the locale: a stream that cannot encode a character shows it as an escape
    (the glyphs and accents of a plan under LANG=C on an old Python, or a Latin-1 terminal)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


HANDLERS = {"rules": rulescli.command, "check": _check, "compare": _compare, "budget": _budget, "new": _new,
            "fmt": _fmt, "import-partners": _import_partners, "export": _export, "ls": _ls, "diff": _diff,
            "merge": _merge, "git-setup": _git_setup, "schema": _schema, "samples": _samples}


def error_text(exc: PlanError) -> str:
    """'planner: FILE: message' (and its problems), the file name on one line like every shown path."""
    head = f"planner: {shown_path(exc.origin)}: {visible(exc.message, keep_newlines=True)}"
    return "\n".join([head, *(f"  - {visible(p)}" for p in exc.problems)])


def main(argv: Sequence[str] | None = None) -> int:
    """The command line. Exit 0 eligible (or done), 1 not eligible (or rows rejected, files to
    reformat), 2 for anything else: unreadable input, output that cannot be written, a bad rules
    file, an internal error; always with one line on standard error, never a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _safe_streams()
    try:
        if sys.stdout is None or sys.stderr is None:
            raise OutputClosed()
        if argv and argv[0] in HANDLERS:
            args = _build_parsers()[argv[0]].parse_args(argv[1:])
            resume_collector()  # loaded (see heap.pause_collector); the work may make garbage in cycles
            code = HANDLERS[argv[0]](args)
        else:
            code = _tui(_top_parser().parse_args(argv))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, while it can still change the exit code
        return code
    except PlanError as exc:
        return _fail(error_text(exc))
    except NoTerminal as exc:
        return _fail(exc.message())
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return _fail("planner: the output could not be written: the program reading it closed the pipe")
    except OutputClosed:
        return _fail("planner: standard output is closed; nothing could be written")
    except OSError as exc:
        if _is_output_error(exc):
            _quiet_stdout()
            return _fail(f"planner: the output could not be written: {exc.strerror or exc}")
        return _fail(f"planner: {visible(str(exc))}")
    except SystemExit:
        raise
    except RecursionError:
        return _fail("planner: internal error: nested too deep (a rules file that extends itself hundreds "
                     "of times?)")
    except BaseException as exc:  # noqa: BLE001 - the last resort: one line and exit 2, never a traceback
        return _fail(f"planner: internal error: {type(exc).__name__}: {visible(str(exc))[:500]}; "
                     "please report it")


class OutputClosed(Exception):
    """Standard output or error is closed (a script ran the planner with >&-)."""


def _is_output_error(exc: OSError) -> bool:
    return exc.filename is None and exc.errno in (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EDQUOT,
                                                   errno.EFBIG)


def _quiet_stdout() -> None:
    """After a failed write to standard output, point it at /dev/null: what is still in its buffer
    would otherwise fail again at exit, with Python's own message and exit code 120."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def _fail(message: str) -> int:
    try:
        err(message)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # no standard error either: the exit code says it alone
    return EXIT_UNREADABLE
