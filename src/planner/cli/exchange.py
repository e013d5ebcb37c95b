"""The commands that exchange with the world outside the plan: import-partners, export and git-setup."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.loading import load
from planner.cli.output import EXIT_UNREADABLE, check_output, emit, err, out
from planner.errors import PlanError
from planner.files import write_bytes_atomically
from planner.rules.cli import add_rules_options
from planner.safetext import json_path, shown_path, visible
from planner.storage import load_call_for, read_plan_file, save_plan, size_problem


def import_partners_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = (
        "Columns are found by header name as people write them (any case, English and the programme "
        "countries' languages: 'Organisation name', 'Acronym', 'Country', 'Organisation type', 'PIC'...), whole or "
        "by their words ('Full name of the organisation', \"Pays d'établissement\"; a header whose words could be "
        "two columns is asked: --map says which): name, "
        "short name, country, kind, role, PIC, grant, affiliated to, ECHE (yes/no/true/false/1/0, blank: not "
        "known), notes. A PIC not known yet ('tbc', 'pending', 'n/a') is left out, with a warning. Countries, "
        "kinds and roles may be written in partners' own words (Deutschland, Czech Republic, Hochschule, UAS, "
        "employers' organisation, lead partner). CSV (comma, semicolon or tab "
        "separated), .xlsx, .xls or .ods. Nothing is written when a row is rejected, unless --skip-rejected. "
        "Exit 0 added, 1 rows rejected (nothing written), 2 unreadable.")
    p.add_argument("plan", metavar="PLAN", help="the plan file to add the partners to")
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


def _pairs(option: str, given: list[str], origin: str) -> list[tuple[str, str]]:
    pairs = []
    for item in given:
        left, equals, right = item.rpartition("=")
        if not equals or not left.strip():
            shape = "HEADER=KEY" if option == "--map" else "KEY=WORD"
            raise PlanError(origin, f"{option} {item!r}: write it as {shape}")
        pairs.append((left.strip(), right.strip()))
    return pairs


def import_partners(args: argparse.Namespace) -> int:
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


def export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("plan", metavar="PLAN", help="the plan file to export")
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
    p.add_argument("--delimiter", choices=(",", ";"), metavar="SEP",
                   help="CSV: the separator, ',' (the default) or ';', which Excel expects in Dutch, German, "
                   "French or Spanish settings (the comma is their decimal mark)")
    add_rules_options(p)


def export_plan(args: argparse.Namespace) -> int:
    from planner import export

    if args.delimiter is not None and args.format != "csv":
        err(f"planner export: --delimiter is for --format csv, not {args.format}")
        return EXIT_UNREADABLE
    if args.output:
        check_output(Path(args.plan), Path(args.output), args.force)
    plan, rules = load(args)
    named = json_path(args.plan) if args.format == "json" else shown_path(args.plan)
    text = export.render(args.format, plan, rules, named, for_partners=args.for_partners,
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
        emit(text, args.format == "json")
    return 0


def git_setup_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = (
        "Shows what it would write first: the .gitattributes line, the git config of the diff and merge "
        "drivers, and the .gitignore line for the planner's recovery files; writes them after you confirm (or "
        "with --yes). Running it again changes nothing. Exit 0 set up (or nothing written), 2 not a git "
        "repository.")
    p.add_argument("folder", metavar="DIR", nargs="?", default=".", help="a folder of the repository (default: "
                   "the current one)")
    p.add_argument("--yes", "-y", action="store_true", help="write without asking")


def git_setup(args: argparse.Namespace) -> int:
    from planner import gitsetup

    return gitsetup.command(args.folder, args.yes, out, err)
