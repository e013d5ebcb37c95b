"""Saves and merges that keep the form of a plan written with dotted keys (`budget.WP1.travel_eur = 100`
inside a partner's table): a value changed, a key added or removed changes only its own line, and a new
key is written dotted beside its siblings (spec, "Rules for the writer": one edit, a one-hunk diff).

A key added to a budget line written so used to rewrite the whole file canonically: comments gone,
`[tool.x]` moved to the end, `'''raw'''` notes requoted, `[activities]` filled with `false` keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.editing import set_budget_line
from planner.model import Activities, BudgetLine
from planner.storage import _toml_value, dump_plan, parse_plan, render_plan
from planner.tomledit import edit_text
from support import ORG_A, run_planner

PARTNER_A = ORG_A + "staff_cost_eur = 5000\n"
WORK_PACKAGES = """
[[work_packages]]
id = "WP1"
title = "Management"
lead = "A"
start_month = 1
end_month = 24

[[work_packages]]
id = "WP2"
title = "Curricula"
lead = "A"
start_month = 1
end_month = 24
"""
# the partners one after the other: edited piece by piece (tomledit.Cut)
SMALL = ('format = 1\ntitle = "M"  # keep\nlot = 1\n\n' + PARTNER_A
         + "budget.WP1.travel_eur = 100\nbudget.WP1.person_months = 1.0\n" + WORK_PACKAGES)
# another tool's table on top, notes in a literal string, the budget's lines before them, and a second
# partner after [activities]: every form the canonical writer would change
MIXED = ('format = 1\ntitle = "Dotted"\nlot = 1  # keep this comment\n\n[tool.x]\na = 1\n\n' + PARTNER_A
         + "budget.WP1.travel_eur = 100\nbudget.WP1.person_months = 1.0\nnotes = '''\nraw \\n notes'''\n"
         + WORK_PACKAGES + "\n[activities]\ncore_curricula = false\n\n[[partners]]\nname = \"Org Z\"\n"
         'short_name = "Z"\ncountry = "AT"\nkind = "enterprise"\nrole = "beneficiary"\n')
# dotted keys under the partner's [partners.budget] table
UNDER_HEADER = ('format = 1\ntitle = "M"  # keep\nlot = 1\n\n' + PARTNER_A
                + "\n[partners.budget]\nWP1.travel_eur = 100  # flights\nWP1.person_months = 1.0\n" + WORK_PACKAGES)
FORMS = {"small": SMALL, "mixed": MIXED, "under-header": UNDER_HEADER}


def saved(plan, original: str) -> str:
    out = render_plan(plan, original.encode("utf-8")).decode("utf-8")
    assert parse_plan(out) == plan
    assert out != dump_plan(plan)  # not the canonical fallback
    return out


def with_line(text: str, after: str, *new: str, before: bool = False) -> str:
    """`text` with the lines `new` after (or `before`) the line that starts with `after`, there once."""
    lines = text.splitlines(keepends=True)
    at = [n for n, line in enumerate(lines) if line.startswith(after)]
    assert len(at) == 1, (after, at)
    cut = at[0] if before else at[0] + 1
    return "".join(lines[:cut] + [line + "\n" for line in new] + lines[cut:])


def prefix(form: str) -> str:
    return "" if form == "under-header" else "budget."


@pytest.mark.parametrize("form", FORMS)
def test_a_key_added_to_a_dotted_budget_line_is_one_dotted_line_after_its_siblings(form: str) -> None:
    text = FORMS[form]
    plan = parse_plan(text)
    line = plan.partners[0].budget["WP1"]
    edited = set_budget_line(plan, 0, "WP1", line.model_copy(update={"other_eur": 7}))
    out = saved(edited, text)
    p = prefix(form)
    assert out == with_line(text, f"{p}WP1.person_months", f"{p}WP1.other_eur = 7")
    # the first key in the line's order goes before the others
    lacking = text.replace(f"{p}WP1.person_months = 1.0\n", "")
    first = set_budget_line(parse_plan(lacking), 0, "WP1", BudgetLine(person_months=1.5, travel_eur=100))
    assert saved(first, lacking) == with_line(lacking, f"{p}WP1.travel_eur", f"{p}WP1.person_months = 1.5",
                                              before=True)


@pytest.mark.parametrize("form", FORMS)
def test_a_dotted_value_changed_or_removed_changes_only_its_own_line(form: str) -> None:
    text = FORMS[form]
    plan = parse_plan(text)
    line = plan.partners[0].budget["WP1"]
    p = prefix(form)
    changed = saved(set_budget_line(plan, 0, "WP1", line.model_copy(update={"travel_eur": 250})), text)
    assert changed == text.replace(f"{p}WP1.travel_eur = 100", f"{p}WP1.travel_eur = 250")
    removed = saved(set_budget_line(plan, 0, "WP1", line.model_copy(update={"person_months": None})), text)
    assert removed == text.replace(f"{p}WP1.person_months = 1.0\n", "")


@pytest.mark.parametrize("form", FORMS)
def test_a_new_work_packages_line_in_a_dotted_budget_is_written_dotted_after_the_others(form: str) -> None:
    text = FORMS[form]
    plan = parse_plan(text)
    edited = set_budget_line(plan, 0, "WP2", BudgetLine(travel_eur=5, other_eur=6))
    p = prefix(form)
    assert saved(edited, text) == with_line(text, f"{p}WP1.person_months", f"{p}WP2.travel_eur = 5",
                                            f"{p}WP2.other_eur = 6")


@pytest.mark.parametrize("whole", [False, True])
@pytest.mark.parametrize("form", ["small", "under-header"])
def test_the_whole_text_path_adds_a_dotted_key_in_the_same_form(form: str, whole: bool) -> None:
    """tomledit's two ways (the partners cut out of the text, or the whole text through tomlkit) agree."""
    text = FORMS[form]
    plan = parse_plan(text)
    edited = set_budget_line(plan, 0, "WP1", plan.partners[0].budget["WP1"].model_copy(update={"other_eur": 7}))
    out = edit_text(text, plan.to_document(), edited.to_document(), _toml_value, whole=whole)
    p = prefix(form)
    assert out == with_line(text, f"{p}WP1.person_months", f"{p}WP1.other_eur = 7")


def test_indented_dotted_lines_at_the_end_of_a_file_without_a_last_newline_keep_both() -> None:
    text = 'format = 1\ntitle = "M"\nlot = 1\n' + WORK_PACKAGES + "\n" + PARTNER_A.replace("\n", "\n  ").rstrip(" ") + (
        "  budget.WP1.travel_eur = 100\n  budget.WP1.person_months = 1.0")
    plan = parse_plan(text)
    edited = set_budget_line(plan, 0, "WP1", plan.partners[0].budget["WP1"].model_copy(update={"other_eur": 7}))
    assert saved(edited, text) == text + "\n  budget.WP1.other_eur = 7"


def test_a_dotted_table_at_the_top_of_the_file_gets_its_new_key_dotted_too() -> None:
    text = SMALL.replace("lot = 1\n", "lot = 1\nactivities.skills_strategy = true\n"
                                       "activities.core_curricula = true  # done\n")
    plan = parse_plan(text)
    edited = plan.model_copy(update={"activities": Activities(skills_strategy=True, core_curricula=True,
                                                              long_term_action_plan=True)})
    assert saved(edited, text) == with_line(text, "activities.core_curricula",
                                            "activities.long_term_action_plan = true")


def test_a_new_array_of_tables_in_a_dotted_table_is_the_one_case_written_canonically() -> None:
    """[[tool.x.rows]] cannot stand among `tool.x.a = 1` lines, and an inline array of tables is not written:
    the file is written canonically, as before (its values all kept)."""
    text = SMALL.replace("lot = 1\n", "lot = 1\ntool.x.a = 1  # the tool's\n")
    plan = parse_plan(text)
    assert plan.tool == {"x": {"a": 1}}
    edited = plan.model_copy(update={"tool": {"x": {"a": 1, "rows": [{"n": 1}]}}})
    out = render_plan(edited, text.encode("utf-8")).decode("utf-8")
    assert out == dump_plan(edited) and parse_plan(out) == edited
    # a plain value beside it is a dotted line
    edited = plan.model_copy(update={"tool": {"x": {"a": 1, "b": "two"}}})
    assert saved(edited, text) == with_line(text, "tool.x.a", 'tool.x.b = "two"')


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("form", ["small", "mixed"])
def test_a_merge_taking_theirs_new_dotted_key_keeps_ours_form(tmp_path: Path, form: str) -> None:
    """Theirs adds `budget.WP1.other_eur = 7` after the line's other keys, ours changed a comment's line:
    the merge is ours' text with theirs' one line, nothing else rewritten."""
    text = FORMS[form]
    theirs_text = with_line(text, "budget.WP1.person_months", "budget.WP1.other_eur = 7")
    base = write(tmp_path / "base.toml", text)
    theirs = write(tmp_path / "theirs.toml", theirs_text)
    ours = write(tmp_path / "ours.toml", text)
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert ours.read_text(encoding="utf-8") == theirs_text
    ours_text = text.replace("lot = 1", "lot = 2", 1)
    write(ours, ours_text)
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert ours.read_text(encoding="utf-8") == with_line(ours_text, "budget.WP1.person_months",
                                                         "budget.WP1.other_eur = 7")
