"""The spec's budget arithmetic ("The budget") read again, independently, with fractions.Fraction, and checked
against `planner check --format json`'s budget object on random plans; `grant` fails exactly when the
contribution is over the cap."""

from __future__ import annotations

import json
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model import FORMAT, BudgetLine, Partner, Plan, WorkPackage
from planner.report import check_json
from planner.rules import load_call
from planner.scoring import evaluate
from planner.storage import dump_plan, parse_plan
from support import BEFORE_DEADLINE

RULES = load_call("2024")
ROLES = ("coordinator", "beneficiary", "affiliated-entity", "associated-partner")


def half_up(value: Fraction) -> int:
    """To the nearest whole euro, halves up (every value here is 0 or more)."""
    return int((value + Fraction(1, 2)) // 1)


def spec_budget(plan: dict, funding: int, indirect: int, cap: int) -> dict:
    """The spec's budget object, computed from the plan's data alone (not from the planner's model)."""
    wp_ids = [wp["id"] for wp in plan.get("work_packages", [])]
    lines = []
    for p in plan["partners"]:
        label = p.get("short_name") or p["name"]
        if p["role"] == "associated-partner":
            continue  # an associated partner's lines count in no total (the budget rule fails them)
        for wp_id in wp_ids:  # the plan's order of work packages
            line = p.get("budget", {}).get(wp_id)
            if line is None:
                continue
            months = Fraction(str(line.get("person_months", 0)))
            rate = line.get("staff_cost_eur", p.get("staff_cost_eur"))
            personnel = half_up(months * rate) if rate is not None else 0
            sub = line.get("subcontracting_eur", 0)
            travel, equipment, other = (line.get(k, 0) for k in ("travel_eur", "equipment_eur", "other_eur"))
            direct = personnel + sub + travel + equipment + other
            ind = half_up(Fraction(indirect, 100) * (direct - sub))
            cost = direct + ind
            lines.append({"partner": label, "work_package": wp_id, "months": months, "personnel_eur": personnel,
                          "subcontracting_eur": sub, "travel_eur": travel, "equipment_eur": equipment,
                          "other_eur": other, "indirect_eur": ind, "cost_eur": cost,
                          "contribution_eur": half_up(Fraction(funding, 100) * cost)})

    def months(value: Fraction) -> float:
        return float(round(value, 2))

    def sums(chosen: list[dict]) -> tuple[int, int, float]:
        return (sum(x["cost_eur"] for x in chosen), sum(x["contribution_eur"] for x in chosen),
                months(sum((x["months"] for x in chosen), Fraction(0))))

    cost, contribution, pm = sums(lines)
    return {
        "funding_rate_percent": funding, "indirect_rate_percent": indirect, "cap_eur": cap,
        "cost_eur": cost, "contribution_eur": contribution, "over_cap_eur": max(0, contribution - cap),
        "person_months": pm,
        "by_category": {k: sum(x[k] for x in lines) for k in ("personnel_eur", "subcontracting_eur", "travel_eur",
                                                               "equipment_eur", "other_eur", "indirect_eur")},
        "by_partner": [dict(zip(("partner", "cost_eur", "contribution_eur", "person_months"),
                                ((p.get("short_name") or p["name"]),
                                 *sums([x for x in lines if x["partner"] == (p.get("short_name") or p["name"])]))))
                       for p in plan["partners"] if p["role"] != "associated-partner"],
        "by_work_package": [dict(zip(("id", "cost_eur", "contribution_eur", "person_months"),
                                     (w, *sums([x for x in lines if x["work_package"] == w])))) for w in wp_ids],
        "lines": [{"partner": x["partner"], "work_package": x["work_package"], "person_months": months(x["months"]),
                   **{k: x[k] for k in ("personnel_eur", "subcontracting_eur", "travel_eur", "equipment_eur",
                                        "other_eur", "indirect_eur", "cost_eur", "contribution_eur")}}
                  for x in lines],
    }


EUROS = st.one_of(st.none(), st.integers(0, 60_000), st.integers(0, 1_000_000_000))
LINE = st.builds(
    BudgetLine,
    person_months=st.one_of(st.none(), st.integers(0, 400), st.integers(0, 40_000).map(lambda h: h / 100)),
    travel_eur=EUROS, equipment_eur=EUROS, other_eur=EUROS, subcontracting_eur=EUROS,
    staff_cost_eur=st.one_of(st.none(), st.none(), st.integers(0, 15_000)))


@st.composite
def plans(draw) -> Plan:
    n_wps = draw(st.integers(0, 4))
    wp_ids = [f"WP{i + 1}" for i in range(n_wps)]
    partners = []
    for i in range(draw(st.integers(1, 6))):
        lines = draw(st.dictionaries(st.sampled_from(wp_ids), LINE, max_size=n_wps)) if wp_ids else {}
        partners.append(Partner(name=f"Partner {i}", short_name=f"P{i}", country="DE", kind="enterprise",
                                role=draw(st.sampled_from(ROLES)), budget=lines or None,
                                staff_cost_eur=draw(st.one_of(st.none(), st.integers(0, 15_000)))))
    wps = tuple(WorkPackage(id=w, title=f"Work package {w}", lead="P0", start_month=1, end_month=24) for w in wp_ids)
    duration = draw(st.sampled_from([24, 36]))
    return Plan(format=FORMAT, title="Random", lot=1, duration_months=duration, partners=tuple(partners),
                work_packages=wps)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_check_jsons_budget_object_is_the_specs_arithmetic_to_the_euro(plan):
    text = dump_plan(plan)
    loaded = parse_plan(text)  # through the file, as check reads it
    board = evaluate(loaded, RULES, now=BEFORE_DEADLINE)
    out = json.loads(check_json(board, "plan.toml"))
    if not loaded.has_budget:
        assert "budget" not in out
        return
    import tomllib

    data = tomllib.loads(text)
    cap = RULES.max_grant(1, loaded.duration_months)
    expected = spec_budget(data, RULES.funding_rate_percent, RULES.indirect_rate_percent, cap)
    assert out["budget"] == expected
    grant = next(c for c in out["criteria"] if c["id"] == "grant")
    assert (grant["status"] == "fail") == (expected["contribution_eur"] > cap)
    if grant["status"] == "fail":
        assert not out["eligible"]
        assert any(step.startswith("cut EUR ") for step in out["to_qualify"]["steps"])
