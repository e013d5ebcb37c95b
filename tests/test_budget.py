"""The budget (planner/budget.py): totals, percentages, the cap and the full partners without a share."""

from __future__ import annotations

from planner.budget import budget
from support import make_plan, partner

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
