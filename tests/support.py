"""Helpers for the tests: the 2024 rules, partners and plans built from what the rules say (never from literals),
and the real command line. Fixtures live in conftest.py."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from forked import run_command
from planner.model import FORMAT, Activities, Assessment, BudgetLine, Lines, Partner, Plan, Profile, WorkPackage
from planner.rules import CallRules, load_call

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

# the rules as a module constant too, for parametrize lists collected before fixtures exist
RULES_2024: CallRules = load_call("2024")

# a moment before the 2024 deadline: keeps "deadline" an info line and the output reproducible
BEFORE_DEADLINE = datetime(2024, 1, 15, 12, 0, tzinfo=timezone.utc)

# the one coordinator of the hand-written test plans, as a plan file writes it; ORG_A_PLAN: a plan of call
# 2024, Lot 1 with it and its staff cost (a budget's lines follow it)
ORG_A = """[[partners]]
name = "Org A"
short_name = "A"
country = "DE"
kind = "higher-education"
role = "coordinator"
"""
ORG_A_PLAN = 'format = 1\ncall = "2024"\ntitle = "T"\nlot = 1\n\n' + ORG_A + "staff_cost_eur = 5000\n"


# --- building partners and plans ------------------------------------------------------------


def partner(name: str = "Partner", country: str = "DE", kind: str = "enterprise",
            role: str = "beneficiary", **extra: Any) -> Partner:
    return Partner(name=name, country=country, kind=kind, role=role, **extra)


def make_plan(partners: list[Partner] | tuple[Partner, ...] = (), lot: int = 1, **extra: Any) -> Plan:
    fields: dict[str, Any] = {"format": FORMAT, "title": "Test plan", "lot": lot, "partners": tuple(partners)}
    fields.update(extra)
    return Plan(**fields)


def kinds_where(rules: CallRules, **flags: bool) -> list[str]:
    """Kind ids whose flags match, e.g. kinds_where(rules, labour_market_actor=True)."""
    return [k.id for k in rules.kinds if all(getattr(k, f) == v for f, v in flags.items())]


def threshold_counts(rules: CallRules, lot_number: int) -> dict[str, int]:
    """A consortium exactly at every minimum of the lot (read from the rules)."""
    lot = rules.lot(lot_number)
    he = 1 if lot.requires_higher_education else 0
    vet = max(lot.min_education_providers - he, 1 if lot.requires_vet_provider else 0)
    return {
        "full": lot.min_full_partners,
        "countries": lot.min_countries,
        "lma": lot.min_labour_market_actors,
        "he": he,
        "vet": vet,
    }


def consortium(rules: CallRules, *, full: int, countries: int, lma: int, he: int, vet: int) -> list[Partner]:
    """`full` full partners (the first one coordinates) covering `countries` EU Member States, with `lma`
    labour-market actors, `he` higher education institutions, `vet` VET providers, the rest neither."""
    if lma + he + vet > full:
        raise ValueError(f"{lma} + {he} + {vet} typed partners do not fit in {full} full partners")
    if not 1 <= countries <= full:
        raise ValueError(f"{countries} countries cannot be covered by {full} full partners")
    eu = list(rules.countries.eu)
    if countries > len(eu):
        raise ValueError("not enough EU Member States in the rules")
    (he_kind,) = kinds_where(rules, higher_education=True, labour_market_actor=False)
    (vet_kind,) = kinds_where(rules, vet_provider=True, labour_market_actor=False)
    lma_kinds = kinds_where(rules, labour_market_actor=True, education_provider=False)
    neutral_kinds = kinds_where(rules, labour_market_actor=False, education_provider=False)
    kinds = [he_kind] * he + [vet_kind] * vet + [lma_kinds[i % len(lma_kinds)] for i in range(lma)]
    kinds += [neutral_kinds[i % len(neutral_kinds)] for i in range(full - len(kinds))]
    return [
        Partner(
            name=f"Organisation {i + 1}",
            short_name=f"ORG{i + 1}",
            country=eu[i] if i < countries else eu[0],
            kind=kind,
            role="coordinator" if i == 0 else "beneficiary",
        )
        for i, kind in enumerate(kinds)
    ]


def passing_assessment(rules: CallRules) -> Assessment:
    return Assessment(**{c.id: c.maximum for c in rules.award})


def with_shares(plan: Plan, total: int | None = None, rules: CallRules | None = None) -> Plan:
    """The plan with `total` (default: the requested grant) split over its full partners, adding up exactly."""
    total = plan.requested_grant_eur if total is None else total
    rules = rules or load_call("2024")
    full = [i for i, p in enumerate(plan.partners) if rules.role(p.role).full_partner]
    shares = {i: total // len(full) for i in full}
    shares[full[0]] += total - sum(shares.values())
    return plan.model_copy(update={"requested_grant_eur": total, "partners": tuple(
        p.model_copy(update={"grant_eur": shares.get(i)}) for i, p in enumerate(plan.partners))})


def passing_plan(rules: CallRules, lot_number: int, extra_partners: list[Partner] | tuple[Partner, ...] = (),
                 **counts: int) -> Plan:
    """A plan of `lot_number` that meets every rule and expectation at exactly the lot's minimums;
    `counts` (full, countries, lma, he, vet) moves one of them."""
    lot = rules.lot(lot_number)
    wanted = threshold_counts(rules, lot_number)
    wanted.update(counts)
    months = lot.shortest_duration
    plan = make_plan(
        [*consortium(rules, **wanted), *extra_partners],
        lot=lot_number,
        duration_months=months,
        ecosystems=(rules.ecosystems[0].id,),
        requested_grant_eur=rules.max_grant(lot_number, months),
        profiles=tuple(Profile(title=f"Profile {b.id}", eqf=b.min) for b in rules.eqf_bands),
        activities=Activities(**{a.id: True for a in rules.activities}),
        assessment=passing_assessment(rules),
    )
    return with_shares(plan, rules=rules)


def with_budget(plan: Plan, rules: CallRules, work_packages: int = 2, staff_cost: int = 5000,
                line: BudgetLine | None = None) -> Plan:
    """The plan with `work_packages` work packages over its whole duration, led by its first full partner,
    and `line` (default: 2 person-months and EUR 1,000 of travel) for each full partner in each of them;
    no hand-set grant or shares (the budget gives them)."""
    months = plan.duration_months or rules.lot(plan.lot).shortest_duration
    full = [p for p in plan.partners if rules.role(p.role).full_partner]
    wps = tuple(WorkPackage(id=f"WP{i + 1}", title=f"Work package {i + 1}", lead=full[0].label, start_month=1,
                            end_month=months) for i in range(work_packages))
    line = line or BudgetLine(person_months=2, travel_eur=1000)
    partners = tuple(p.model_copy(update={"staff_cost_eur": staff_cost, "grant_eur": None,
                                          "budget": Lines({wp.id: line for wp in wps})})
                     if rules.role(p.role).full_partner else p.model_copy(update={"grant_eur": None})
                     for p in plan.partners)
    return plan.model_copy(update={"work_packages": wps, "partners": partners, "requested_grant_eur": None})


# --- the real command line -------------------------------------------------------------------


def run_planner(*args: str | os.PathLike[str], cwd: str | os.PathLike[str] | None = None,
                timeout: float = 60, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m planner ARGS` in a process of its own, as a user would run it (see forked.py)."""
    env = {**os.environ, **(env or {})}
    env["COLUMNS"] = "250"  # no wrapping, so a message is one line of the text output
    return run_command(args, cwd=cwd, env=env, timeout=timeout)


# the modules that read the clock: scoring.now() (new plans, the verdicts), the rules (latest_call),
# `planner rules` and the CLI's exports
CLOCK_MODULES = ("planner.scoring", "planner.rules.loading", "planner.rules.cli", "planner.cli")


def run_planner_at(now: datetime, *args: str | os.PathLike[str], cwd: str | os.PathLike[str] | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, as `run_planner`, with its clock frozen at the aware moment `now` (a test must
    not depend on today's date): the modules that read the clock get a datetime whose now() is `now`."""
    full = {**os.environ, **(env or {}), "COLUMNS": "250"}
    return run_command(args, cwd=cwd, env=full, now=now, clock_modules=CLOCK_MODULES)
