"""Plans with a budget for the budget screen's tests (and for trying it by hand): the Lot 1 sample
(24 months, nine full partners and an associated one) with four work packages and each partner's costs.

With `problems` (the default) the three things the grid must mark are in it: KTS has no budget line,
WP4 has no costs and WP3 runs to month 30, past the project's 24 months."""

from __future__ import annotations

from pathlib import Path

from planner.model import BudgetLine, Lines, WorkPackage
from planner.storage import dump_plan, load_plan

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "lot1-example.toml"
RATES = {"DE": 5200, "PT": 3100, "NL": 5600, "PL": 2600, "FI": 4900}  # a person-month, by country


def budget_plan_text(problems: bool = True, more: int = 0) -> str:
    """`more` work packages after the four, each costed by every partner with lines (a grid wider than
    80 columns)."""
    plan = load_plan(SAMPLE)
    wps = (WorkPackage(id="WP1", title="Management and quality", lead="HSNH", start_month=1, end_month=24),
           WorkPackage(id="WP2", title="Circular design curricula", lead="IPV", start_month=1, end_month=18),
           WorkPackage(id="WP3", title="Learning labs", lead="JSAO", start_month=6,
                       end_month=30 if problems else 24),
           WorkPackage(id="WP4", title="Dissemination", lead="BBZW", start_month=12, end_month=24),
           *(WorkPackage(id=f"WP{5 + k}", title=f"Pilot {k + 1}", lead="HSNH", start_month=1, end_month=24)
             for k in range(more)))
    partners = []
    for p in plan.partners:
        # the sample's own budget is replaced by this one
        update: dict[str, object] = {"grant_eur": None, "budget": None, "staff_cost_eur": None}
        if p.role != "associated-partner" and not (problems and p.short_name == "KTS"):
            lines = {"WP1": BudgetLine(person_months=6 if p.role == "coordinator" else 2, travel_eur=4000),
                     "WP2": BudgetLine(person_months=10.5, travel_eur=3000, other_eur=1500),
                     "WP3": BudgetLine(person_months=8, equipment_eur=2000)}
            if not problems:
                lines["WP4"] = BudgetLine(person_months=1.5, travel_eur=1200)
            lines.update({f"WP{5 + k}": BudgetLine(person_months=3, travel_eur=1000 * (k + 1)) for k in range(more)})
            update |= {"staff_cost_eur": RATES[p.country], "budget": Lines(lines)}
        partners.append(p.model_copy(update=update))
    plan = plan.model_copy(update={"work_packages": wps, "partners": tuple(partners), "requested_grant_eur": None})
    return dump_plan(plan)


def write_budget_plan(path: Path, problems: bool = True, more: int = 0) -> Path:
    path.write_text(budget_plan_text(problems, more), encoding="utf-8")
    return path


if __name__ == "__main__":  # python tests/tui/budget_plans.py OUT.toml [--clean]
    import sys

    write_budget_plan(Path(sys.argv[1]), problems="--clean" not in sys.argv)
