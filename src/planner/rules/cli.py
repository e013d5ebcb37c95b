"""`planner rules`: list the rule sets, show one resolved as TOML, or say what differs between two.

Also the `--call ID` / `--rules FILE` options that the other commands take to choose their rules."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from planner.errors import PlanError
from planner.rules import own
from planner.rules.extends import builtin_data
from planner.rules.loading import (
    available_calls,
    load_call,
    load_rules_file,
    not_published,
    read_rules_file,
    replaced_notice,
)
from planner.rules.schema import CallRules
from planner.safetext import json_safe, shown_path, visible

USAGE = "use: planner rules | planner rules show ID | planner rules diff A B"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `planner rules` (the parser is the CLI's: it escapes what it repeats)."""
    parser.usage = "planner rules\n       planner rules show ID\n       planner rules diff A B"
    parser.epilog = ("ID is a built-in call id (" + ", ".join(available_calls()) + ") or a rules file (.toml). "
                     "A rule set may extend another (extends = \"2025\") and hold only what differs: "
                     "see docs/formats.md, 'Rule sets that build on each other'.")
    parser.add_argument("action", nargs="?", choices=("list", "show", "diff"), default="list")
    parser.add_argument("ids", nargs="*", metavar="ID")


def add_rules_options(parser: argparse.ArgumentParser) -> None:
    """--call ID and --rules FILE, for a command that judges a plan."""
    calls = ", ".join(available_calls())
    parser.add_argument("--call", metavar="ID", help=f"judge against this call's rules ({calls})")
    parser.add_argument("--rules", metavar="FILE", help="judge against your own rules file instead")


def explicit_rules(args: argparse.Namespace, beside: Path | None = None) -> CallRules | None:
    """The rules that --rules or --call chose, or None (the plan's own call decides). `--call ID` finds
    the coordinator's own rule sets too (a `calls/` folder in `beside`, the config folder)."""
    if getattr(args, "rules", None):
        return load_rules_file(args.rules)
    if getattr(args, "call", None):
        return load_call(args.call, beside)
    return None


def _is_file(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref


def _data(ref: str, beside: Path | None = None) -> dict[str, Any]:
    beside = beside or Path.cwd()
    mine = None if _is_file(ref) else own.find(ref, beside)
    if mine is not None:
        data = read_rules_file(mine.path)
    else:
        data = read_rules_file(ref) if _is_file(ref) else builtin_data(ref)
    _rules(ref, beside)  # refuse a set that resolves but is not valid, with the rules loader's message
    return data


def _rules(ref: str, beside: Path | None = None) -> CallRules:
    return load_rules_file(ref) if _is_file(ref) else load_call(ref, beside or Path.cwd())


def rule_changes(a: str, b: str, beside: Path | None = None) -> list[str]:
    """What differs between calls `a` and `b` (ids), as `planner rules diff` says it, without the lines
    every new year has (its id, names, and the sources' wording): what would change for a plan."""
    from planner.rules.diff import diff  # here: the TUI loads this module at start, the diff only for this dialog

    skip = ("id:", "name:", "title:")
    changes = [line for line in diff(_data(a, beside), _data(b, beside))
               if not line.startswith(skip) and "source" not in line.split(":", 1)[0]]
    # what changes most for a plan first: rules new or gone, then the lots, countries and the rest, then
    # each ecosystem's details, how sure each source is last. In the diff's order, ten lines of 'how sure
    # (grade): official → secondary' and eight of ecosystems hid the new third-countries and ECHE rules
    # behind '... 18 more'
    def rank(line: str) -> int:
        field, _, said = line.partition(":")
        if "grade" in field:
            return 3
        if said.strip().startswith(("new rule", "rule removed")) or "no longer" in said:
            return 0
        return 2 if field.startswith("ecosystem") else 1

    return sorted(changes, key=rank)


def _deadline(rules: CallRules, now: datetime) -> str:
    d = rules.deadline
    if d is None:
        return not_published(rules)
    return f"{d.day} {d:%B %Y, %H:%M} {rules.zone_city}"


def list_text(beside: Path | None = None, now: datetime | None = None) -> tuple[str, list[str]]:
    """The table of the calls known by id, and the notices for stderr (a replaced built-in set, a broken
    one of the user's own: named, and the others still listed)."""
    now = now or datetime.now(timezone.utc)
    lines = [f"{'ID':<6} {'CALL':<30} {'STATUS':<9} {'DEADLINE':<40} LOTS"]
    notices: list[str] = []
    where = {f.call_id: f for f in own.listed(beside)}
    for call_id in available_calls(beside):
        try:
            rules = load_call(call_id, beside)
        except PlanError as exc:
            notices.append(f"planner: rule set {call_id} refused: {exc}")
            continue
        notice = replaced_notice(rules)
        if notice:
            notices.append(f"planner: note: {notice}")
        lots = ", ".join(f"{lot.number} {lot.name}{' (provisional)' if rules.provisional(lot.grade) else ''}"
                         for lot in rules.lots)
        source = "" if call_id not in where else f"  [{shown_path(str(where[call_id].path))}, {where[call_id].where}]"
        lines.append(f"{rules.id:<6} {rules.name:<30} {rules.status_at(now):<9} {_deadline(rules, now):<40} "
                     f"{lots}{source}")
    return "\n".join(lines) + "\n", notices


def show_text(ref: str) -> str:
    data = _data(ref)
    head = f"# rule set {shown_path(ref)}, resolved: everything it extends merged in\n"
    import tomli_w  # here: only `planner rules` writes TOML

    return head + tomli_w.dumps(data)


def diff_text(a: str, b: str) -> str:
    from planner.rules.diff import diff  # here: only `planner rules diff`, not the TUI's start nor other commands

    changes = diff(_data(a), _data(b))
    if not changes:
        return f"{shown_path(a)} and {shown_path(b)} give the same rules\n"
    lines = [f"From {shown_path(a)} to {shown_path(b)}: {len(changes)} change{'s' if len(changes) != 1 else ''}"]
    lines += [f"- {change}" for change in changes]
    return "\n".join(lines) + "\n"


def command(args: argparse.Namespace) -> int:
    """`planner rules ...`, with the arguments of add_arguments."""
    return run(args.action, args.ids)


def run(action: str, ids: list[str]) -> int:
    wanted = {"list": 0, "show": 1, "diff": 2}[action]
    if len(ids) != wanted:
        raise PlanError(f"planner rules {action}", f"takes {wanted} id{'s' if wanted != 1 else ''}, "
                        f"not {len(ids)}; {USAGE}")
    for ref in ids:
        if _is_file(ref) and not Path(ref).is_file():
            raise PlanError(ref, "rules file not found")
    if action == "list":
        out, notices = list_text(Path.cwd())
        for notice in notices:
            sys.stderr.write(visible(notice) + "\n")
    elif action == "show":
        out = show_text(ids[0])
    else:
        out = diff_text(*ids)
    # show: TOML from tomli_w, whose basic strings take \uXXXX escapes as JSON's do (json_safe)
    sys.stdout.write(visible(out, keep_newlines=True) if action != "show" else json_safe(out))
    return 0
