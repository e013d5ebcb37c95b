"""The plan a command's arguments name, and the rules to judge it by (--call, --rules, --lot)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from planner import editing
from planner.cli.output import err
from planner.errors import PlanError
from planner.model import Plan
from planner.rules import CallRules, replaced_notice
from planner.rules.cli import explicit_rules
from planner.storage import check_against_rules, load_call_for, load_plan


def beside(path: str | os.PathLike[str]) -> Path:
    """The folder of a plan, where a `calls/` folder of the team's own rule sets may be."""
    return Path(path).parent


def told(rules: CallRules) -> CallRules:
    """The rules, after a notice on stderr when they are the user's own set replacing a built-in one."""
    notice = replaced_notice(rules)
    if notice:
        err(f"planner: note: {notice}")
    return rules


def load(args: argparse.Namespace) -> tuple[Plan, CallRules]:
    rules = explicit_rules(args, beside(args.plan))
    plan = load_plan(args.plan, rules)
    return plan, told(rules or load_call_for(plan, args.plan))


def load_for_check(args: argparse.Namespace) -> tuple[Plan, CallRules]:
    """The plan and the rules to judge it by. With --call (or --rules) and --lot, the plan's own lot need not
    exist in that call: a 2026 Lot 3 plan may be asked "and as Lot 1 of 2025?"."""
    rules = explicit_rules(args, beside(args.plan))
    if rules is not None and args.lot is not None:
        if not rules.has_lot(args.lot):
            raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}; "
                            f"allowed: {', '.join(str(lot.number) for lot in rules.lots)}")
        plan = load_plan(args.plan)  # checked against its own call first
        if not rules.has_lot(plan.lot):
            plan = editing.set_lot(plan.model_copy(update={"duration_months": None}), rules, args.lot)
        return check_against_rules(plan, rules, args.plan), told(rules)
    try:
        plan, rules = load(args)
    except PlanError as exc:
        if rules is not None and exc.message.startswith("lot: "):
            raise PlanError(exc.origin, exc.message + "; add --lot N to judge the plan as one of them",
                            exc.problems) from None
        raise
    if args.lot is not None and not rules.has_lot(args.lot):
        raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}; "
                        f"allowed: {', '.join(str(lot.number) for lot in rules.lots)}")
    return plan, rules
