"""editing.describe_change: what an edit did, in words, for the TUI's notes after an edit, undo or redo."""

from __future__ import annotations

from conftest import SAMPLES

from planner import editing
from planner.storage import load_plan


def test_describe_change_names_partners_lots_and_details(rules):
    plan = load_plan(SAMPLES / "lot2-example.toml")
    first = plan.partners[0]
    removed = editing.remove_partner(plan, 3)
    assert editing.describe_change(plan, removed) == f"removed {plan.partners[3].label}"
    assert editing.describe_change(removed, plan) == f"added {plan.partners[3].label}"
    renamed = editing.replace_partner(plan, 0, first.model_copy(update={"name": "Other name"}))
    assert editing.describe_change(plan, renamed) == f"edited {first.label}"
    share = editing.set_share(plan, 0, 123_000)
    assert editing.describe_change(plan, share) == f"{first.label}'s share EUR {first.grant_eur:,} → EUR 123,000"
    lot1 = editing.set_lot(plan, rules, 1)
    assert editing.describe_change(plan, lot1) == "Lot 2 → Lot 1, 24 months"
    titled = plan.model_copy(update={"title": "New", "acronym": "NEW"})
    assert editing.describe_change(plan, titled) == "plan details (title, acronym)"
    eco = editing.set_ecosystems(plan, ["digital"])
    assert editing.describe_change(plan, eco, rules) == "ecosystems: Digital"
    assert editing.describe_change(plan, plan) == "no change"
    # a call switch (y) names both calls first, then what it moved (undo says "Undone: call 2025 → 2024")
    from planner.rules import load_call
    other = editing.set_call(plan, load_call("2025"))
    assert editing.describe_change(plan, other).startswith(f"call {plan.call} → 2025")
    assert editing.describe_change(other, plan).startswith(f"call 2025 → {plan.call}")


def test_the_lots_with_content_rules_are_named_from_the_rules():
    from planner.report import content_lots
    from planner.rules import load_call

    rules = load_call("2026")
    assert content_lots(rules) == "Lot 2"
    both = rules.model_copy(update={"lots": tuple(lot.model_copy(update={"content_requirements": lot.number > 1})
                                                  for lot in rules.lots)})
    assert content_lots(both) == "Lots 2 and 3"
    none = rules.model_copy(update={"lots": tuple(lot.model_copy(update={"content_requirements": False})
                                                  for lot in rules.lots)})
    assert content_lots(none) == "No lot's"
