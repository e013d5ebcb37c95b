"""The canonical form (spec, "Rules for the writer": "numbers and strings the same way every time ...
`planner fmt` writes any plan that way"): two files that hold one plan become the same bytes under
`planner fmt`, whatever way they wrote a number or ordered their tables. `planner fmt` in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.model import BudgetLine, Lines
from planner.storage import dump_plan, parse_plan, render_plan
from support import ORG_A_PLAN, run_planner

HEAD = ORG_A_PLAN
WORK_PACKAGES = "".join(f"""
[[work_packages]]
id = "{wp}"
title = "M"
lead = "A"
start_month = 1
end_month = 24
""" for wp in ("WP1", "WP2", "WP3"))


def plan_text(person_months: str) -> str:
    return HEAD + f"\n[partners.budget.WP1]\nperson_months = {person_months}\ntravel_eur = 100\n" + WORK_PACKAGES


def formatted(tmp_path: Path, name: str, text: str) -> bytes:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_planner("fmt", path)
    assert result.returncode == 0, result.stderr
    return path.read_bytes()


@pytest.mark.parametrize(("written", "canonical"), [
    ("1", "1"), ("1.0", "1"), ("1.00", "1"), ("1e0", "1"), ("2.5e1", "25"), ("25.0", "25"), ("-0.0", "0"),
    ("0", "0"), ("6.5", "6.5"), ("6.50", "6.5"), ("0.25", "0.25"), ("2.5e-1", "0.25"), ("12_000", "12000"),
])
def test_one_person_months_value_is_written_one_way(tmp_path: Path, written: str, canonical: str) -> None:
    """A whole number of person-months is an integer (`12`, as in the spec's own "6.5, 12"), any other
    value the shortest decimal that reads back as it: `1.0`, `1` and `1e0` are one value, one text."""
    text = formatted(tmp_path, "plan.toml", plan_text(written)).decode("utf-8")
    assert f"\nperson_months = {canonical}\n" in text, text
    assert text.encode("utf-8") == formatted(tmp_path, "other.toml", plan_text(canonical))
    check = run_planner("fmt", "--check", tmp_path / "plan.toml")
    assert check.returncode == 0, check.stdout  # what fmt wrote is what fmt writes


def test_two_files_of_one_plan_that_diff_calls_equal_get_the_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(plan_text("1"), encoding="utf-8")
    b.write_text(plan_text("1.0"), encoding="utf-8")
    same = run_planner("diff", a, b)
    assert same.returncode == 0 and "no difference" in same.stdout, same.stdout
    assert run_planner("fmt", a, b).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def budget_tables(order: tuple[str, ...], amounts: dict[str, int]) -> str:
    return "".join(f"\n[partners.budget.{wp}]\ntravel_eur = {amounts[wp]}\n" for wp in order)


def test_budget_tables_are_written_in_the_work_packages_order_then_the_others(tmp_path: Path) -> None:
    """Two files of one plan whose budget tables come in different orders: one canonical file, the
    tables in the order of `[[work_packages]]`; lines for work packages the plan does not have (the
    `budget` criterion fails them) after those, by id."""
    amounts = {"WP1": 1, "WP2": 2, "WP3": 3, "X9": 9, "WP0": 7}
    first = formatted(tmp_path, "a.toml", HEAD + budget_tables(("WP3", "X9", "WP1", "WP0", "WP2"), amounts)
                      + WORK_PACKAGES)
    second = formatted(tmp_path, "b.toml", HEAD + budget_tables(("WP0", "WP2", "WP1", "X9", "WP3"), amounts)
                       + WORK_PACKAGES)
    assert first == second
    text = first.decode("utf-8")
    tables = [line for line in text.splitlines() if line.startswith("[partners.budget.")]
    assert tables == ["[partners.budget.WP1]", "[partners.budget.WP2]", "[partners.budget.WP3]",
                      "[partners.budget.WP0]", "[partners.budget.X9]"], tables


def test_the_reviewers_plan_in_two_orders_is_one_file(tmp_path: Path) -> None:
    """The two partners' tables in their file's order (WP3, WP1, WP2; WP2, WP1) come out in the
    work packages' order; [tool.*] tables stay as they were read."""
    text = HEAD + budget_tables(("WP3", "WP1", "WP2"), {"WP1": 1, "WP2": 2, "WP3": 3}) + """
[[partners]]
name = "Org B"
country = "DE"
kind = "enterprise"
role = "beneficiary"
""" + budget_tables(("WP2", "WP1"), {"WP1": 10, "WP2": 20}) + WORK_PACKAGES + "\n[tool.crm]\nproposal_id = 4711\n"
    out = formatted(tmp_path, "plan.toml", text).decode("utf-8")
    tables = [line for line in out.splitlines() if line.startswith("[partners.budget.")]
    assert tables == ["[partners.budget.WP1]", "[partners.budget.WP2]", "[partners.budget.WP3]",
                      "[partners.budget.WP1]", "[partners.budget.WP2]"], tables
    assert out.endswith("[tool.crm]\nproposal_id = 4711\n")
    assert parse_plan(out) == parse_plan(text)


def test_equal_partners_in_two_plans_are_each_written_canonically() -> None:
    """Partners equal to each other (1 == 1.0, lines in either order) share the writer's cache: each plan
    still gets the canonical text, whichever was written first."""
    one = parse_plan(plan_text("1"))
    other = parse_plan(plan_text("1.0"))
    assert one == other
    assert dump_plan(other) == dump_plan(one) and "person_months = 1\n" in dump_plan(one)
    wp_order = one.model_copy(update={"work_packages": tuple(reversed(one.work_packages))})
    partner = one.partners[0].model_copy(update={"budget": Lines({
        "WP2": BudgetLine(travel_eur=2), "WP1": BudgetLine(travel_eur=1)})})
    plans = [one.model_copy(update={"partners": (partner,)}), wp_order.model_copy(update={"partners": (partner,)})]
    firsts = [dump_plan(p).split("[partners.budget.")[1][:3] for p in plans]
    assert firsts == ["WP1", "WP2"]  # each in its own plan's order of work packages


def test_a_save_keeps_the_files_own_way_with_a_number(tmp_path: Path) -> None:
    """Only the canonical rendering (fmt, a new file) writes one form; a save of a person's file keeps
    `1.0` and `2.5e1` where the value did not change (spec: a save keeps the file's own form)."""
    text = plan_text("2.5e1").replace("lot = 1\n", "lot = 1\n# a comment\n")
    plan = parse_plan(text)
    saved = render_plan(plan.model_copy(update={"acronym": "ACR"}), text.encode("utf-8")).decode("utf-8")
    assert "person_months = 2.5e1\n" in saved and "# a comment" in saved and 'acronym = "ACR"' in saved
