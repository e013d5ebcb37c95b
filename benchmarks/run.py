#!/usr/bin/env python3
"""Benchmarks of the domain core: scoring, and plan files on disk, for growing consortia.

    .venv/bin/python benchmarks/run.py            10, 100, 1,000 and 10,000 partners
    .venv/bin/python benchmarks/run.py --quick    10, 100 and 1,000 partners only

For each size a synthetic Lot 2 plan is built with planner.model (kinds, roles and countries drawn
from the 2024 call's rules, fixed seed) and timed with time.perf_counter:

    evaluate  planner.scoring.evaluate(plan, rules)
    compare   planner.scoring.compare(plan, rules)
    dump      planner.storage.dump_plan(plan)
    save      planner.storage.save_plan(plan, path)      (atomic write with fsync, to a temp folder)
    load      planner.storage.load_plan(path)
    qualify   planner.qualify.to_qualify for every lot and duration of the call (the boards of
              compare made beforehand; its pass over the partners and the solver's memo made
              afresh on every run)

and, after the table, the budget of 50 partners by 12 work packages (planner.budget.count_budget, the
arithmetic afresh, target 5 ms; evaluate of that plan, the budget judged; its .xlsx workbook written, target
1 s), and what it takes for a
1,000-partner plan of the latest call (four lots and durations in 2026), typical and the worst case
for the search for cheaper ways (three full partners and 997 associated partners and affiliated
entities from every EU/associated country).

Each cell is "median (best)" in ms over N runs after one warm-up run, N chosen so that a cell
takes about --budget seconds (0.5 by default) at most; a run longer than half the budget is timed
once. The last line compares evaluate's cost per partner at 10,000 and 1,000 partners (1,000 and
100 with --quick). This is a measuring script, not a test: it checks nothing and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pydantic

from planner.budget import count_budget
from planner.model import FORMAT, Activities, Assessment, BudgetLine, Lines, Partner, Plan, Profile, WorkPackage
from planner.qualify import clear_caches, to_qualify
from planner.rules import CallRules, available_calls, load_call
from planner.scoring import compare, evaluate
from planner.storage import dump_plan, load_plan, save_plan

CALL = "2024"
SIZES = (10, 100, 1_000, 10_000)
QUICK_SIZES = (10, 100, 1_000)
SEED = 2024
MAX_RUNS = 1_000
FRAME_MS = 16.0  # one frame at 60 Hz: scoring runs on every keystroke
QUALIFY_TARGET_MS = 10.0  # what it takes, for every lot of a 1,000-partner plan
BUDGET_TARGET_MS = 5.0  # the budget of 50 partners by 12 work packages, counted afresh
WORKBOOK_TARGET_MS = 1000.0  # that budget written as an .xlsx workbook

# a consortium's usual make-up, as relative weights
KIND_WEIGHTS = {
    "enterprise": 24, "vet-provider": 18, "higher-education": 14, "chamber": 7, "trade-association": 7,
    "trade-union": 4, "research": 9, "public-body": 8, "ngo": 6, "other": 3,
}
ROLE_WEIGHTS = {"beneficiary": 70, "affiliated-entity": 12, "associated-partner": 18}
CATEGORY_WEIGHTS = {"eu": 86, "associated": 9, "third": 5}
THIRD_COUNTRIES = ("CH", "GB", "UA", "US", "AL", "BA", "GE", "MA", "MD", "ME")

# the first partners, so that even a small plan has the shape of a real Lot 2 consortium
CORE = (
    ("higher-education", "DE"), ("vet-provider", "FR"), ("enterprise", "ES"), ("chamber", "IT"),
    ("vet-provider", "PL"), ("enterprise", "NL"), ("higher-education", "PT"), ("trade-association", "FI"),
    ("vet-provider", "GR"), ("enterprise", "NO"), ("trade-union", "AT"), ("vet-provider", "CZ"),
)

WORDS = (
    "Nordic", "Baltic", "Alpine", "Danube", "Atlantic", "Central", "Green", "Digital", "Technical",
    "Regional", "Applied", "Wind", "Solar", "Grid", "Energy", "Skills", "Industrial", "Maritime",
    "Zielona", "Énergie", "Técnica", "Südliche", "Økologisk", "Ελληνική",
)
KIND_NOUNS = {
    "higher-education": "University", "vet-provider": "Vocational College", "enterprise": "Systems Ltd",
    "chamber": "Chamber of Commerce", "trade-association": "Industry Association", "trade-union": "Workers' Union",
    "research": "Research Institute", "public-body": "Regional Agency", "ngo": "Foundation", "other": "Network",
}


# --- synthetic plans -------------------------------------------------------------------------------


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _country_pools(rules: CallRules) -> dict[str, list[str]]:
    third = [c for c in THIRD_COUNTRIES if rules.is_known_country(c) and rules.country_category(c) == "third"]
    return {"eu": list(rules.countries.eu), "associated": list(rules.countries.associated), "third": third}


def build_plan(n: int, rules: CallRules, seed: int = SEED) -> Plan:
    """A Lot 2 plan of n partners: one coordinator, beneficiaries, affiliated entities and associated partners."""
    rng = random.Random(seed + n)
    pools = _country_pools(rules)
    kinds = [k for k in KIND_WEIGHTS if rules.kind(k) is not None]
    lot = rules.lot(2)
    months = lot.shortest_duration
    cap = rules.max_grant(2, months) or 4_000_000

    specs: list[tuple[str, str, str]] = []  # kind, country, role
    for i in range(n):
        if i < len(CORE):
            kind, country = CORE[i]
            role = "coordinator" if i == 0 else "beneficiary"
        else:
            kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
            category = _pick(rng, CATEGORY_WEIGHTS)
            country = rng.choice(pools[category] or pools["eu"])
            role = _pick(rng, ROLE_WEIGHTS)
        specs.append((kind, country, role))

    funded = [i for i, (_, _, role) in enumerate(specs) if role != "associated-partner"]
    share, remainder = divmod(cap - 40_000, len(funded)) if funded else (0, 0)
    requested = share * len(funded) + remainder

    partners: list[Partner] = []
    beneficiaries: list[str] = []
    for i, (kind, country, role) in enumerate(specs):
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {KIND_NOUNS[kind]} {i + 1}"
        grant = None
        if role != "associated-partner":
            grant = share + (remainder if i == 0 else 0)
        affiliated_to = rng.choice(beneficiaries) if role == "affiliated-entity" and beneficiaries else None
        if role == "affiliated-entity" and affiliated_to is None:
            role = "beneficiary"
        partners.append(Partner(
            name=name,
            short_name=f"P{i + 1:05d}" if rng.random() < 0.8 else None,
            country=country,
            kind=kind,
            role=role,
            pic=f"{999_000_000 + i:09d}" if rng.random() < 0.9 else None,
            grant_eur=grant,
            affiliated_to=affiliated_to,
            notes=f"Leads work package {i % 7 + 1}; \"quoted\" remark.\nSecond line." if rng.random() < 0.2 else None,
        ))
        if role in ("coordinator", "beneficiary"):
            beneficiaries.append(name)

    return Plan(
        format=FORMAT,
        call=rules.id,
        title=f"Synthetic Blueprint Alliance with {n} partners",
        acronym="BENCH",
        lot=2,
        duration_months=months,
        ecosystems=(rules.ecosystems[0].id,),
        requested_grant_eur=requested,
        notes="Generated by benchmarks/run.py.",
        partners=tuple(partners),
        profiles=(Profile(title="Wind turbine technician", eqf=4), Profile(title="Grid integration engineer", eqf=7)),
        activities=Activities(skills_strategy=True, cvet_programmes=True, core_curricula=True,
                              long_term_action_plan=True),
        assessment=Assessment(relevance=21, design=24, partnership=20, impact=16),
    )


def promotable_plan(n: int, rules: CallRules, seed: int = SEED) -> Plan:
    """What it takes at its slowest: three full partners, all the others associated partners and
    affiliated entities of every kind from every EU/associated country (each one a cheaper way to try)."""
    rng = random.Random(seed)
    countries = list(rules.countries.eu) + list(rules.countries.associated)
    kinds = [k.id for k in rules.kinds]
    first = rules.countries.eu[0]
    partners = [Partner(name=f"Full {i}", country=first, kind=kinds[i % len(kinds)],
                        role="coordinator" if i == 0 else "beneficiary") for i in range(3)]
    partners += [Partner(name=f"Other {i}", country=rng.choice(countries), kind=rng.choice(kinds),
                         role=rng.choice(("associated-partner", "affiliated-entity")), affiliated_to="Full 1")
                 for i in range(n - 3)]
    return Plan(format=FORMAT, call=rules.id, title="What it takes at its slowest", lot=rules.lots[-1].number,
                partners=tuple(partners))


# --- timing ----------------------------------------------------------------------------------------


def budget_plan(partners: int, work_packages: int, rules: CallRules, seed: int = SEED) -> Plan:
    """A plan of `partners` partners with a line in each of `work_packages` work packages (person-months
    with decimals, travel, equipment, other, a few subcontracts and the lines' own rates)."""
    rng = random.Random(seed)
    plan = build_plan(partners, rules, seed)
    months = plan.duration_months or rules.lot(plan.lot).shortest_duration
    lead = next(p.label for p in plan.partners if p.role == "coordinator")
    wps = tuple(WorkPackage(id=f"WP{i + 1}", title=f"Work package {i + 1}", lead=lead, start_month=1,
                            end_month=months) for i in range(work_packages))
    out = []
    for p in plan.partners:
        if p.role == "associated-partner":
            out.append(p)
            continue
        lines = Lines({wp.id: BudgetLine(person_months=rng.randrange(0, 4000) / 100, travel_eur=rng.randrange(20_000),
                                         equipment_eur=rng.randrange(5_000), other_eur=rng.randrange(10_000),
                                         subcontracting_eur=rng.choice((0, 0, 0, rng.randrange(30_000))),
                                         staff_cost_eur=rng.choice((None, None, rng.randrange(2_000, 9_000))))
                       for wp in wps})
        out.append(p.model_copy(update={"staff_cost_eur": rng.randrange(2_000, 9_000), "budget": lines}))
    return plan.model_copy(update={"partners": tuple(out), "work_packages": wps})


def measure(fn: Callable[[], object], budget: float) -> tuple[float, float, int]:
    """(median, best, runs) in seconds.

    One timed warm-up run, then timed runs until the next one would end past `budget` seconds from the
    start (at most MAX_RUNS). When the warm-up alone takes over half the budget, it is the only sample.
    """
    gc.collect()
    start = time.perf_counter()
    fn()
    warm = time.perf_counter() - start
    if warm * 2 > budget:
        return warm, warm, 1
    deadline = start + budget
    times: list[float] = []
    while len(times) < MAX_RUNS:
        begin = time.perf_counter()
        fn()
        end = time.perf_counter()
        times.append(end - begin)
        if end + times[-1] > deadline:
            break
    return statistics.median(times), min(times), len(times)


def sig3(value: float) -> str:
    """A number with 3 significant figures, never in exponent form: 0.0123, 1.23, 12.3, 123, 1230."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = 2 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    decimals = 2 - math.floor(math.log10(abs(rounded)))  # 9.996 rounds up to 10.0, one digit fewer
    return f"{rounded:.{max(decimals, 0)}f}" if decimals > 0 else f"{round(value, decimals):.0f}"


# --- main ------------------------------------------------------------------------------------------


OPS = ("evaluate", "compare", "qualify", "dump", "save", "load")


def qualify_all(plan: Plan, rules: CallRules) -> Callable[[], object]:
    """What it takes for every board of compare, its pass over the partners made afresh each run."""
    boards = compare(plan, rules)

    def run() -> object:
        clear_caches()
        return [to_qualify(plan, rules, board) for board in boards]
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 10, 100 and 1,000 partners")
    parser.add_argument("--budget", type=float, default=0.5, metavar="SECONDS",
                        help="about how long one cell may take (default 0.5)")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else SIZES

    rules = load_call(CALL)
    print(f"planner benchmarks: call {CALL}, Python {platform.python_version()} ({platform.machine()}), "
          f"pydantic {pydantic.VERSION}, {platform.system()}")
    print()

    results: dict[int, dict[str, tuple[float, float, int]]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as folder:
        for n in sizes:
            plan = build_plan(n, rules)
            path = Path(folder) / f"plan-{n}.toml"
            save_plan(plan, path)  # a file for load, and a check that the plan survives the round trip
            loaded = load_plan(path)
            if loaded != plan:
                notes.append(f"note: at {n:,} partners the plan read back differs from the one saved")
            board = evaluate(plan, rules)
            notes.append(f"{n:>6,} partners: {board.headline} ({path.stat().st_size:,} bytes on disk)")
            results[n] = {
                "evaluate": measure(lambda: evaluate(plan, rules), args.budget),
                "compare": measure(lambda: compare(plan, rules), args.budget),
                "qualify": measure(qualify_all(plan, rules), args.budget),
                "dump": measure(lambda: dump_plan(plan), args.budget),
                "save": measure(lambda: save_plan(plan, path), args.budget),
                "load": measure(lambda: load_plan(path), args.budget),
            }
            print(f"  measured {n:,} partners", file=sys.stderr, flush=True)

    print("Median (best) of N runs, in ms:")
    print()
    print("| partners | " + " | ".join(OPS) + " |")
    print("|---:|" + "---:|" * len(OPS))
    for n, row in results.items():
        cells = [f"{sig3(row[op][0] * 1e3)} ({sig3(row[op][1] * 1e3)})" for op in OPS]
        print(f"| {n:,} | " + " | ".join(cells) + " |")
    print()
    print("Runs per cell (N):")
    print()
    print("| partners | " + " | ".join(OPS) + " |")
    print("|---:|" + "---:|" * len(OPS))
    for n, row in results.items():
        print(f"| {n:,} | " + " | ".join(str(row[op][2]) for op in OPS) + " |")
    print()
    for line in notes:
        print(line)
    print()

    big, small = (10_000, 1_000) if 10_000 in results else (1_000, 100)
    median_ratio = (results[big]["evaluate"][0] / big) / (results[small]["evaluate"][0] / small)
    best_ratio = (results[big]["evaluate"][1] / big) / (results[small]["evaluate"][1] / small)
    verdict = ("about linear" if 0.67 <= median_ratio <= 1.5
               else "worse than linear" if median_ratio > 1.5 else "better than linear")
    print(f"Linearity: evaluate time per partner at {big:,} vs {small:,} partners = "
          f"{median_ratio:.2f}x on medians, {best_ratio:.2f}x on bests (1.00 is linear; {verdict})")
    at_1k = results.get(1_000, {}).get("evaluate")
    if at_1k:
        print(f"evaluate at 1,000 partners: {sig3(at_1k[0] * 1e3)} ms median, {sig3(at_1k[1] * 1e3)} ms best "
              f"({at_1k[0] * 1e3 / FRAME_MS:.0%} / {at_1k[1] * 1e3 / FRAME_MS:.0%} of a {FRAME_MS:g} ms frame)")
    priced = budget_plan(50, 12, rules)
    lines = sum(len(p.budget or {}) for p in priced.partners)
    median, best, _ = measure(lambda: count_budget(priced, rules), args.budget)
    print(f"budget of 50 partners by 12 work packages ({lines} lines), counted afresh: {sig3(median * 1e3)} ms "
          f"median, {sig3(best * 1e3)} ms best (target {BUDGET_TARGET_MS:g} ms)")
    median, best, _ = measure(lambda: evaluate(priced, rules), args.budget)
    print(f"evaluate of that plan (the budget cached, judged): {sig3(median * 1e3)} ms median, "
          f"{sig3(best * 1e3)} ms best")
    from planner.workbook import budget_workbook  # XlsxWriter loads here, as in `planner budget`
    months = priced.duration_months or rules.lot(priced.lot).shortest_duration
    median, best, _ = measure(lambda: budget_workbook(priced, rules, priced.lot, months), args.budget)
    print(f"its .xlsx workbook written: {sig3(median * 1e3)} ms median, {sig3(best * 1e3)} ms best "
          f"(target {WORKBOOK_TARGET_MS:g} ms)")
    latest = load_call(max(available_calls()))
    columns = sum(len(lot.durations) for lot in latest.lots)
    for what, plan in (("typical", build_plan(1_000, latest)), ("worst case", promotable_plan(1_000, latest))):
        median, best, _ = measure(qualify_all(plan, latest), args.budget)
        print(f"what it takes at 1,000 partners, call {latest.id} ({columns} lots and durations), {what}: "
              f"{sig3(median * 1e3)} ms median, {sig3(best * 1e3)} ms best (target {QUALIFY_TARGET_MS:g} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
