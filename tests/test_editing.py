"""Edits (planner/editing.py): each returns a new plan (the basis of undo), and describe_change says in words what
an edit did, for the TUI's notes after an edit, undo or redo."""

from __future__ import annotations

from planner import editing
from planner.model import Profile
from planner.rules import load_call
from planner.scoring import evaluate
from planner.storage import load_plan
from support import SAMPLES, make_plan, partner, passing_plan


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


# --- edits (the basis of undo) -------------------------------------------------------------


def test_edits_return_new_plans_and_leave_the_old_one_alone(rules):
    plan = passing_plan(rules, 2)
    before = plan.model_dump()
    changed = editing.set_share(plan, 0, 1)
    changed = editing.toggle_activity(changed, "skills_strategy")
    changed = editing.set_profiles(changed, (Profile(title="X", eqf=4),))
    changed = editing.set_score(changed, "impact", 3)
    assert plan.model_dump() == before
    assert changed.partners[0].grant_eur == 1
    assert changed.activities.skills_strategy is not plan.activities.skills_strategy
    assert changed.assessment.impact == 3


def test_clearing_every_score_removes_the_assessment(rules):
    plan = make_plan([], assessment=None)
    scored = editing.set_score(plan, "design", 20)
    assert scored.assessment is not None
    assert editing.set_score(scored, "design", None).assessment is None


def test_renaming_a_beneficiary_follows_its_affiliated_entities(rules):
    plan = make_plan([partner("Uni", short_name="UNI", role="beneficiary"),
                      partner("Uni Foundation", short_name="UF", role="affiliated-entity", affiliated_to="UNI")])
    renamed = editing.replace_partner(plan, 0, plan.partners[0].model_copy(update={"short_name": "UNIV"}))
    assert renamed.partners[1].affiliated_to == "UNIV"
    # named as the rules match it (the composed form, spaces around): it follows too, as the checks find it
    plan = make_plan([partner("École", short_name="ÉCOLE", role="beneficiary"),
                      partner("École Fondation", short_name="EF", role="affiliated-entity",
                              affiliated_to="E\u0301cole ")])
    renamed = editing.replace_partner(plan, 0, plan.partners[0].model_copy(update={"short_name": "ECL"}))
    assert renamed.partners[1].affiliated_to == "ECL"


def test_renaming_a_partner_follows_the_work_packages_it_leads(rules):
    """A lead names its partner by short name or name, in any case: renamed, the lead follows (it was
    left on the old short name, and the budget failed: 'UTC' is no partner of the plan)."""
    plan = load_plan(SAMPLES / "lot2-example.toml")
    index = next(i for i, p in enumerate(plan.partners) if p.short_name == "UTC")
    led = [wp.id for wp in plan.work_packages if wp.lead == "UTC"]
    assert led, "the sample has a work package led by UTC"
    plan = plan.model_copy(update={"work_packages": tuple(
        wp.model_copy(update={"lead": "utc"}) if wp.id == led[0] else wp for wp in plan.work_packages)})
    renamed = editing.replace_partner(plan, index, plan.partners[index].model_copy(update={"short_name": "UTEC"}))
    assert [wp.id for wp in renamed.work_packages if wp.lead == "UTEC"] == led
    rules_2024 = load_call("2024")
    assert evaluate(renamed, rules_2024).get("budget").status == evaluate(plan, rules_2024).get("budget").status
    # another field edited, the short name kept: the work packages are the very same
    kept = editing.replace_partner(plan, index, plan.partners[index].model_copy(update={"name": "Other"}))
    assert kept.work_packages is plan.work_packages or kept.work_packages == plan.work_packages


def test_switching_lot_keeps_an_allowed_duration_and_replaces_another(rules):
    lot1_36 = make_plan([], lot=1, duration_months=36)
    assert editing.set_lot(lot1_36, rules, 2).duration_months == rules.lot(2).shortest_duration
    lot2 = editing.set_lot(lot1_36, rules, 2)
    assert editing.set_lot(lot2, rules, 1).duration_months == rules.lot(1).shortest_duration
    assert editing.set_lot(lot1_36, rules, 1, 24).duration_months == 24


def test_the_content_and_the_self_assessment_say_what_changed_not_only_where():
    """Their notices said 'Self-assessment', 'Activities', 'Occupational profiles' and nothing more."""
    from planner.model import Activities

    plan = load_plan(SAMPLES / "lot2-draft.toml")
    scored = editing.set_score(plan, "relevance", 20)
    assert editing.describe_change(plan, scored) == "self-assessment: relevance none → 20"
    assert editing.describe_change(scored, editing.set_score(scored, "relevance", 22)) == \
        "self-assessment: relevance 20 → 22"
    profile = Profile(title="Agri-drone operator", eqf=5)
    added = plan.model_copy(update={"profiles": (*plan.profiles, profile)})
    assert editing.describe_change(plan, added) == "occupational profile added: Agri-drone operator (EQF 5)"
    assert editing.describe_change(added, plan) == "occupational profile removed: Agri-drone operator"
    assert plan.activities is not None and plan.activities.core_curricula and not plan.activities.cvet_programmes
    changed = plan.model_copy(update={"activities": Activities(skills_strategy=True, cvet_programmes=True)})
    assert editing.describe_change(plan, changed) == \
        "activities planned: CVET programmes; no longer planned: core curricula"
