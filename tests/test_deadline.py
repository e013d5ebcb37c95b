"""The call's deadline in the verdict: a countdown, then "closed", in the user's time zone."""

from __future__ import annotations

from datetime import datetime, timezone

from planner.scoring import evaluate
from support import passing_plan, with_shares

# --- deadline ------------------------------------------------------------------------------


def test_deadline_counts_down_and_then_says_closed(rules):
    plan = with_shares(passing_plan(rules, 1))
    before = evaluate(plan, rules, now=datetime(2024, 3, 5, 15, 0, tzinfo=timezone.utc)).get("deadline")
    assert before.message == "2 days left (7 Mar 2024, 17:00 Brussels, 16:00 here)"
    assert before.days_left == 2 and before.as_dict()["days_left"] == 2
    after = evaluate(plan, rules, now=datetime(2024, 3, 10, tzinfo=timezone.utc)).get("deadline")
    assert "the call closed 2 days ago" in after.message


def test_deadline_in_the_users_time_zone(rules):
    from zoneinfo import ZoneInfo

    plan = passing_plan(rules, 1)
    lisbon = evaluate(plan, rules, now=datetime(2024, 3, 7, 9, 0, tzinfo=ZoneInfo("Europe/Lisbon"))).get("deadline")
    assert lisbon.message == "closes today at 17:00 Brussels (16:00 here)" and lisbon.days_left == 0
    brussels = evaluate(plan, rules, now=datetime(2024, 3, 7, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))).get("deadline")
    assert brussels.message == "closes today at 17:00 Brussels"  # the same as Brussels: said once
