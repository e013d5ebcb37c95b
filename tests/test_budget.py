"""The budget (planner/budget.py): the shares' totals, percentages, the cap and the full partners without a share;
the estimated budget of the spec (work packages, lines, the arithmetic, the `budget` criterion, the file)."""

from __future__ import annotations

import json

import pytest

from planner import editing, plandiff
from planner.budget import budget, budget_problems, estimate, line_cost
from planner.errors import PlanError
from planner.model import BudgetLine, Lines, WorkPackage
from planner.scoring import evaluate
from planner.storage import dump_plan, parse_plan
from support import BEFORE_DEADLINE, make_plan, partner, passing_plan, run_planner, with_budget

# --- budget ------------------------------------------------------------------------------------


def test_budget_totals_percentages_cap_and_implied_budget(rules):
    plan = make_plan([
        partner("Coordinator", short_name="CO", role="coordinator", grant_eur=600_000),
        partner("Beneficiary", short_name="BE", grant_eur=200_000),
        partner("Associated", short_name="AS", role="associated-partner"),
    ], lot=1, duration_months=24, requested_grant_eur=900_000)
    b = budget(plan, rules, 1, 24)
    assert b.cap == rules.max_grant(1, 24)
    assert b.shares_total == 800_000
    assert b.unassigned == 100_000
    assert b.under_cap == rules.max_grant(1, 24) - 900_000
    assert b.implied_total_budget == 900_000 * 100 // rules.funding_rate_percent
    assert [round(s.percent, 1) for s in b.shares if s.percent is not None] == [66.7, 22.2]
    assert b.without_share == ()  # the associated partner gets no share, and needs none


def test_budget_names_full_partners_without_a_share(rules):
    plan = make_plan([partner("Coordinator", short_name="CO", role="coordinator"),
                      partner("Beneficiary", short_name="BE", grant_eur=1)], requested_grant_eur=1)
    assert [s.label for s in budget(plan, rules, 1, 24).without_share] == ["CO"]


# --- the estimated budget (spec, "The budget") --------------------------------------------------

SPEC_PLAN = """format = 1
call = "2024"
title = "Budget"
lot = 1
duration_months = 24

[[partners]]
name = "Hochschule Nordhafen"
short_name = "HSNH"
country = "DE"
kind = "higher-education"
role = "coordinator"
staff_cost_eur = 5200

[partners.budget.WP1]
person_months = 6.5
travel_eur = 8000
equipment_eur = 0
other_eur = 2000
subcontracting_eur = 0

[partners.budget."T2.1"]
person_months = 0.25
staff_cost_eur = 5600

[[partners]]
name = "Rivers Associated"
short_name = "RVNH"
country = "DE"
kind = "enterprise"
role = "associated-partner"

[[work_packages]]
id = "WP1"
title = "Management and quality assurance"
lead = "HSNH"
start_month = 1
end_month = 24

[[work_packages]]
id = "T2.1"
title = "Training"
lead = "hsnh"
start_month = 3
end_month = 18
"""


def test_a_line_is_counted_as_the_spec_says_to_the_euro(rules):
    # the spec's own example: 6.5 x 5,200 = 33,800; 7% of 43,800 = 3,066; 46,866; 80% = 37,493 (37,492.8)
    plan = parse_plan(SPEC_PLAN)
    est = estimate(plan, rules)
    first = est.lines[0]
    assert (first.personnel_eur, first.indirect_eur, first.cost_eur, first.contribution_eur) == (33800, 3066, 46866,
                                                                                                 37493)
    # the line's own rate: 0.25 x 5,600 = 1,400; 7% = 98; 1,498; 80% = 1,198.4 -> 1,198
    assert (est.lines[1].personnel_eur, est.lines[1].cost_eur, est.lines[1].contribution_eur) == (1400, 1498, 1198)
    assert (est.cost_eur, est.contribution_eur) == (46866 + 1498, 37493 + 1198)
    assert [s.key for s in est.by_partner] == ["HSNH"]  # the associated partner is not listed
    assert [(s.key, s.cost_eur) for s in est.by_work_package] == [("WP1", 46866), ("T2.1", 1498)]
    assert est.by_category["indirect_eur"] == 3066 + 98
    assert str(est.person_months) == "6.75"


def test_rounding_is_to_the_euro_halves_up_never_in_floats(rules):
    partner_ = partner("P", staff_cost_eur=4001)
    # 0.5 x 4,001 = 2,000.5 -> 2,001 (a float's round() would give 2,000: banker's rounding)
    line = line_cost(0, partner_, "WP1", BudgetLine(person_months=0.5), 7, 80)
    assert line.personnel_eur == 2001
    # 7% of 50 = 3.5 -> 4; cost 54; 80% = 43.2 -> 43
    line = line_cost(0, partner_, "WP1", BudgetLine(other_eur=50), 7, 80)
    assert (line.indirect_eur, line.cost_eur, line.contribution_eur) == (4, 54, 43)
    # 0.29 x 100 is 28.999999999999996 in floats: exactly 29 here
    line = line_cost(0, partner("P", staff_cost_eur=100), "WP1", BudgetLine(person_months=0.29), 7, 80)
    assert line.personnel_eur == 29
    # subcontracting is direct but bears no indirect costs
    line = line_cost(0, partner_, "WP1", BudgetLine(subcontracting_eur=1000), 7, 80)
    assert (line.indirect_eur, line.cost_eur, line.contribution_eur) == (0, 1000, 800)


def test_the_json_budget_object_has_the_specs_shape(rules):
    board = evaluate(parse_plan(SPEC_PLAN), rules, now=BEFORE_DEADLINE)
    out = board.as_dict()["budget"]
    assert list(out) == ["funding_rate_percent", "indirect_rate_percent", "cap_eur", "cost_eur", "contribution_eur",
                         "over_cap_eur", "person_months", "by_category", "by_partner", "by_work_package", "lines"]
    assert (out["funding_rate_percent"], out["indirect_rate_percent"]) == (rules.funding_rate_percent,
                                                                           rules.indirect_rate_percent)
    assert out["cap_eur"] == rules.max_grant(1, 24) and out["over_cap_eur"] == 0
    assert out["person_months"] == 6.75
    assert out["lines"][0] == {"partner": "HSNH", "work_package": "WP1", "person_months": 6.5, "personnel_eur": 33800,
                               "subcontracting_eur": 0, "travel_eur": 8000, "equipment_eur": 0, "other_eur": 2000,
                               "indirect_eur": 3066, "cost_eur": 46866, "contribution_eur": 37493}
    assert out["by_partner"] == [{"partner": "HSNH", "cost_eur": 48364, "contribution_eur": 38691,
                                  "person_months": 6.75}]
    json.dumps(out)  # plain JSON: no Decimal left


def test_a_plan_without_a_budget_has_no_budget_object_and_an_info(rules):
    board = evaluate(passing_plan(rules, 1), rules, now=BEFORE_DEADLINE)
    assert "budget" not in board.as_dict()
    assert board.get("budget").status == "info"
    assert board.get("grant").status == "pass"


def test_a_whole_budget_passes_and_gives_the_grant(rules):
    plan = with_budget(passing_plan(rules, 1), rules)
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    assert board.eligible, board.failures
    assert board.get("budget").status == "pass"
    grant = board.get("grant")
    assert grant.status == "pass" and f"EUR {estimate(plan, rules).contribution_eur:,}" in grant.message
    assert grant.provisional  # it rests on the 7% indirect rate, graded secondary
    assert any("indirect cost rate" in note for note in board.provisional_notes)


def test_grant_fails_over_the_cap_and_the_step_cuts_exactly_enough(rules):
    plan = with_budget(passing_plan(rules, 1), rules, line=BudgetLine(person_months=40, travel_eur=5000))
    cap = rules.max_grant(1, 24)
    est = estimate(plan, rules)
    assert est.contribution_eur > cap
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    assert board.get("grant").status == "fail" and not board.eligible
    cut = est.cut_to_cap(cap)
    assert any(step.startswith(f"cut EUR {cut:,} of estimated costs") for step in board.to_qualify.steps)
    assert board.as_dict()["budget"]["over_cap_eur"] == est.contribution_eur - cap
    assert cut == (est.contribution_eur - cap) * 100 // rules.funding_rate_percent + 1


def test_the_cut_to_the_cap_taken_from_one_line_brings_the_contribution_within_it(rules):
    """The step, followed to the letter: a plan within the cap, then one partner's line over it by its
    subcontracting (estimated costs with no indirect costs on them, so X of them is X). Cutting the
    step's X from that line brings the contribution (a sum of rounded lines) within the cap, whatever the
    roundings; the cut counted from the costs (cost - cap / rate) left some of these EUR 1-3 over."""
    # each line's contribution rounds up by 0.4 (0.8 x 11,772 = 9,417.6): the sum stands above 0.8 x costs
    plan = with_budget(passing_plan(rules, 1), rules, line=BudgetLine(person_months=2, travel_eur=1002))
    cap = rules.max_grant(1, 24)
    est = estimate(plan, rules)
    assert est.contribution_eur * 100 > est.cost_eur * rules.funding_rate_percent + 500
    room = cap - est.contribution_eur
    partner = plan.partners[3]
    wp, line = next(iter(partner.budget.items()))

    def subcontracting(amount: int):
        changed = partner.model_copy(update={"budget": {**partner.budget, wp: line.model_copy(
            update={"subcontracting_eur": amount})}})
        return estimate(plan.model_copy(update={"partners": (*plan.partners[:3], changed, *plan.partners[4:])}),
                        rules)

    for over in range(1, 40):
        before = subcontracting(room * 100 // rules.funding_rate_percent + over)
        if before.contribution_eur <= cap:
            continue
        cut = before.cut_to_cap(cap)
        assert before.cut_to_cap(cap) <= (before.contribution_eur - cap) * 100 // rules.funding_rate_percent + 1
        after = subcontracting(room * 100 // rules.funding_rate_percent + over - cut)
        assert after.cost_eur == before.cost_eur - cut
        assert after.contribution_eur <= cap, (over, cut, before.contribution_eur, after.contribution_eur)


def test_a_hand_set_grant_or_share_that_disagrees_warns_with_both_figures(rules):
    plan = with_budget(passing_plan(rules, 1), rules)
    est = estimate(plan, rules)
    plan = editing.set_requested_grant(plan, est.contribution_eur + 10)
    plan = editing.set_share(plan, 1, 123)
    grant = evaluate(plan, rules, now=BEFORE_DEADLINE).get("grant")
    assert grant.status == "warn"
    assert (f"the requested grant (requested_grant_eur) is EUR {est.contribution_eur + 10:,}, the budget gives "
            f"EUR {est.contribution_eur:,}") in grant.message
    assert (f"{plan.partners[1].label}'s share of the grant (partners[1].grant_eur) is EUR 123, its budget gives "
            f"EUR {est.partner_contribution(1):,}") in grant.message
    agreeing = editing.set_share(editing.set_requested_grant(plan, est.contribution_eur), 1,
                                 est.partner_contribution(1))
    assert evaluate(agreeing, rules, now=BEFORE_DEADLINE).get("grant").status == "pass"


def _broken(rules, change):
    plan = with_budget(passing_plan(rules, 1, extra_partners=[
        partner("Assoc", short_name="ASSOC", role="associated-partner")]), rules)
    return budget_problems(change(plan), rules, 24)


def _wp(plan, index, **update):
    wps = list(plan.work_packages)
    wps[index] = wps[index].model_copy(update=update)
    return plan.model_copy(update={"work_packages": tuple(wps)})


@pytest.mark.parametrize("change, expected", [
    (lambda p: _wp(p, 1, lead="ASSOC"), "work package WP2 (work_packages[1].lead): ASSOC is an associated partner"),
    (lambda p: _wp(p, 1, lead="Nobody"),
     "work package WP2 (work_packages[1].lead): 'Nobody' is no partner of the plan"),
    (lambda p: _wp(p, 0, lead=None), "work package WP1 (work_packages[0].lead) has no lead"),
    (lambda p: _wp(p, 0, end_month=30),
     "work package WP1 (work_packages[0].end_month) ends in month 30, outside 1 .. 24"),
    (lambda p: _wp(p, 0, start_month=0), "work package WP1 (work_packages[0].start_month) starts in month 0"),
    (lambda p: _wp(p, 0, start_month=10, end_month=5), "ends in month 5, before it starts (month 10)"),
    (lambda p: editing.set_budget_line(p, 0, "WP9", BudgetLine(travel_eur=1)),
     "has a budget line for work package WP9 (partners[0].budget.WP9), which the plan does not have"),
    (lambda p: editing.set_budget_line(p, len(p.partners) - 1, "WP1", BudgetLine(travel_eur=1)),
     "ASSOC (partners[8].budget) is an associated partner, which has no budget"),
    (lambda p: editing.set_staff_cost(p, 0, None), "(partners[0].budget.WP1.person_months): 2 person-months "
     "without a staff cost: set partners[0].staff_cost_eur"),
    # a rate of EUR 0 gave personnel of EUR 0 and passed: it is no staff cost either
    (lambda p: editing.set_staff_cost(p, 0, 0), "(partners[0].budget.WP1.person_months): 2 person-months at a "
     "staff cost of EUR 0: ORG1's staff cost (partners[0].staff_cost_eur) is 0"),
    (lambda p: editing.set_budget_line(p, 1, "WP2", BudgetLine(person_months=1, staff_cost_eur=0)),
     "(partners[1].budget.WP2.person_months): 1 person-months at a staff cost of EUR 0: the line's staff cost "
     "(partners[1].budget.WP2.staff_cost_eur) is 0"),
])
def test_each_broken_budget_fails_naming_partner_work_package_and_key_path(rules, change, expected):
    found = _broken(rules, change)
    assert any(expected in fail for fail in found.fails), found.fails


def test_a_full_partner_without_lines_and_a_work_package_without_costs_warn(rules):
    def change(plan):
        plan = editing.add_work_package(plan, WorkPackage(id="WP3", title="Empty", lead=plan.partners[0].label,
                                                          start_month=1, end_month=12))
        return editing.set_budget_line(editing.set_budget_line(plan, 2, "WP1", None), 2, "WP2", None)
    found = _broken(rules, change)
    assert found.fails == ()
    label = with_budget(passing_plan(rules, 1), rules).partners[2].label
    assert found.warnings == (f"no budget line for {label} (partners[2].budget)",
                              "work package WP3 (work_packages[2]) has no costs")
    plan = change(with_budget(passing_plan(rules, 1), rules))
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    assert board.get("budget").status == "warn" and board.eligible


def test_a_broken_budget_fails_the_verdict_and_the_comparison_judges_each_duration(rules):
    plan = with_budget(passing_plan(rules, 1), rules)
    plan = _wp(plan, 0, end_month=36)  # fits 36 months, not 24
    assert evaluate(plan, rules, now=BEFORE_DEADLINE).get("budget").status == "fail"
    assert evaluate(plan, rules, duration=36, now=BEFORE_DEADLINE).get("budget").status == "pass"


# --- the file: loading, refusing, writing --------------------------------------------------------


def test_load_then_save_is_byte_identical_with_work_packages_and_lines():
    plan = parse_plan(SPEC_PLAN)
    text = dump_plan(plan)
    assert dump_plan(parse_plan(text)) == text
    assert '[partners.budget."T2.1"]' in text and "[partners.budget.WP1]" in text
    # each partner's lines right after it, work packages after the partners
    assert text.index("[partners.budget.WP1]") < text.index('name = "Rivers Associated"') < text.index(
        "[[work_packages]]")


@pytest.mark.parametrize("old, new, expected", [
    ("travel_eur = 8000", "travel_eur = -1", "partners[0].budget.WP1.travel_eur"),
    ("travel_eur = 8000", "travel_eur = 80.5", "partners[0].budget.WP1.travel_eur: expected integer"),
    ("travel_eur = 8000", "travel_eur = 1000000001", "partners[0].budget.WP1.travel_eur: more than EUR 1,000,000,000"),
    ("person_months = 6.5", "person_months = 6.125", "partners[0].budget.WP1.person_months: at most 2 decimals"),
    ("person_months = 6.5", "person_months = -1", "partners[0].budget.WP1.person_months: person-months cannot be"),
    ("person_months = 6.5", 'person_months = "6,5"', "partners[0].budget.WP1.person_months: expected a number"),
    ("other_eur = 2000", "othr_eur = 2000", "partners[0].budget.WP1.othr_eur: unknown key 'othr_eur'; allowed keys "
     "here: person_months, travel_eur"),
    ("staff_cost_eur = 5200", "staff_cost_eur = 5200.5", "partners[0].staff_cost_eur: expected integer"),
    ('id = "T2.1"', 'id = "wp1"', "work_packages[1].id: 'wp1' is already the id of work_packages[0]"),
    ('id = "T2.1"', 'id = "WP 2"', "work_packages[1].id: a work package id is letters, digits"),
    ('id = "T2.1"', 'id = "WP-0123456789"', "work_packages[1].id: a work package id is"),
    ('[partners.budget."T2.1"]', '[partners.budget."T 2"]', "partners[0].budget.T 2: a work package id is"),
    ("start_month = 3", "start_month = -3", "work_packages[1].start_month"),
    ("end_month = 18", "end_month = 121", "work_packages[1].end_month: more than month 120"),
])
def test_the_loader_refuses_what_the_format_forbids_naming_the_key_path(old, new, expected):
    assert old in SPEC_PLAN
    with pytest.raises(PlanError) as caught:
        parse_plan(SPEC_PLAN.replace(old, new, 1))
    assert expected in str(caught.value)


def test_what_the_budget_criterion_judges_loads_so_the_user_can_fix_it():
    text = SPEC_PLAN.replace('lead = "hsnh"', 'lead = "RVNH"').replace("end_month = 18", "end_month = 99")
    text = text.replace("[partners.budget.WP1]", "[partners.budget.WP9]")
    plan = parse_plan(text)  # loads: the `budget` criterion fails it
    assert plan.work_packages[1].lead == "RVNH" and "WP9" in plan.partners[0].budget


def test_check_json_carries_the_budget_and_names_the_broken_line(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(SPEC_PLAN.replace("[partners.budget.WP1]", "[partners.budget.WP9]"), encoding="utf-8")
    result = run_planner("check", path, "--format", "json")
    assert result.returncode == 1, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["budget"]["lines"][0]["work_package"] == "T2.1"  # the plan's order: known ones first
    assert verdict["budget"]["lines"][1]["work_package"] == "WP9"
    budget_ = next(c for c in verdict["criteria"] if c["id"] == "budget")
    assert budget_["status"] == "fail" and "partners[0].budget.WP9" in budget_["message"]


# --- edits and their words ---------------------------------------------------------------------


def test_budget_edits_keep_the_work_packages_order_and_follow_a_rename(rules):
    plan = parse_plan(SPEC_PLAN)
    plan = editing.set_budget_line(plan, 0, "WP1", None)
    plan = editing.set_budget_line(plan, 0, "WP1", BudgetLine(travel_eur=10))
    assert list(plan.partners[0].budget) == ["WP1", "T2.1"]  # put back before T2.1, as the plan orders them
    renamed = editing.replace_work_package(plan, 0, plan.work_packages[0].model_copy(update={"id": "WP0"}))
    assert list(renamed.partners[0].budget) == ["WP0", "T2.1"]
    assert editing.describe_change(plan, renamed) == "work package WP1 → WP0"
    removed = editing.remove_work_package(plan, 1)
    assert list(removed.partners[0].budget) == ["WP1"]
    assert editing.describe_change(plan, removed) == "removed work package T2.1"
    emptied = editing.set_budget_line(editing.set_budget_line(plan, 0, "WP1", None), 0, "T2.1", None)
    assert emptied.partners[0].budget is None  # no empty table left in the file


def test_describe_change_and_the_diff_say_budget_changes_in_words(rules):
    plan = parse_plan(SPEC_PLAN)
    line = plan.partners[0].budget["WP1"]
    after = editing.set_budget_line(plan, 0, "WP1", line.model_copy(update={"travel_eur": 9000}))
    assert editing.describe_change(plan, after) == "HSNH's budget in WP1: travel EUR 8,000 → EUR 9,000"
    assert plandiff.words(plandiff.plan_changes(plan, after)) == ["HSNH in WP1: travel EUR 8,000 → 9,000"]
    after = editing.set_staff_cost(plan, 0, 5300)
    assert editing.describe_change(plan, after) == "HSNH's staff cost EUR 5,200 → EUR 5,300 a person-month"
    assert plandiff.words(plandiff.plan_changes(plan, after)) == ["HSNH: staff cost EUR 5,200 → 5,300"]
    after = _wp(plan, 1, end_month=20)
    assert editing.describe_change(plan, after) == "T2.1: months 3-18 → 3-20"
    assert plandiff.words(plandiff.plan_changes(plan, after)) == ["T2.1: end month 18 → 20"]
    after = editing.set_budget_line(plan, 0, "T2.1", None)
    # the line, not the work package: 'HSNH's budget: removed T2.1' read as if T2.1 had gone
    assert editing.describe_change(plan, after) == "HSNH's budget: removed its line in T2.1"
    assert plandiff.words(plandiff.plan_changes(plan, after)) == ["budget line of HSNH in T2.1 removed"]
    assert "budget HSNH in WP1: travel EUR 8,000" in plandiff.textconv(plan)


def test_a_partner_with_lines_stays_frozen_and_hashable():
    plan = parse_plan(SPEC_PLAN)
    assert isinstance(plan.partners[0].budget, Lines)
    hash(plan.partners[0])
    with pytest.raises(TypeError):
        plan.partners[0].budget["WP1"] = BudgetLine()


def test_a_rate_of_zero_without_person_months_is_no_problem(rules):
    plan = with_budget(passing_plan(rules, 1), rules, line=BudgetLine(person_months=0, travel_eur=1000))
    assert not budget_problems(editing.set_staff_cost(plan, 0, 0), rules, 24).fails
