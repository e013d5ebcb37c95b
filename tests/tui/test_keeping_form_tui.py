"""A plan written by hand, edited and saved in the TUI: its comments, quoting, line endings and other tools'
tables stay, and the line diff of the save holds only the values that changed."""

from __future__ import annotations

import difflib

import pytest
from textual.widgets import Input

from planner.storage import load_plan
from planner.tui.screens.budget import BudgetScreen
from planner.tui.screens.budget_forms import LineForm

from .helpers import (
    SAMPLES,
    focus,
    lot_switched,
    make_app,
    ready,
    replace_text,
    saved_with_ctrl_s,
    wait_for,
    wait_screen,
)

HAND = ("# ask Marta before changing the budget\n"
        + (SAMPLES / "lot1-example.toml").read_text(encoding="utf-8")
        .replace("lot = 1\n", "lot = 1   # Lot 2 next year?\n")
        .replace('acronym = "CIRCLE-SME"', "acronym = 'CIRCLE-SME'")
        .replace('[[partners]]\nname = "Berufsbildungszentrum Weserland"',
                 '# the VET school\n[[partners]]\nname = "Berufsbildungszentrum Weserland"  # legal name')
        + "\n[tool.crm]\nproposal_id = 4711  # the CRM's\n")


def line_changes(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.mark.parametrize("form", ["lf", "crlf-bom"])
@pytest.mark.one_size
async def test_a_lot_switch_saved_changes_only_its_lines(tmp_path, size, form):
    text = HAND if form == "lf" else "\ufeff" + HAND.replace("\n", "\r\n")
    path = tmp_path / "plan.toml"
    path.write_bytes(text.encode("utf-8"))
    app, _notes = make_app(path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        await saved_with_ctrl_s(pilot)
        lot, months = app.document.plan.lot, app.document.plan.duration_months
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (form != "lf")
    after = data.decode("utf-8").removeprefix("\ufeff")
    if form != "lf":
        assert after.count("\n") == after.count("\r\n")
    assert lot == 2 and load_plan(path).lot == 2
    assert line_changes(text.removeprefix("\ufeff"), after) == [
        "-lot = 1   # Lot 2 next year?", "-duration_months = 24",
        "+lot = 2   # Lot 2 next year?", f"+duration_months = {months}"]
    for kept in ("# ask Marta before changing the budget", "# the VET school", "# legal name",
                 "acronym = 'CIRCLE-SME'", "[tool.crm]", "proposal_id = 4711  # the CRM's"):
        assert kept in after


DOTTED = ('format = 1\ntitle = "M"  # keep\nlot = 1\n\n[tool.x]\na = 1\n\n[[partners]]\nname = "Org A"\n'
          'short_name = "A"\ncountry = "DE"\nkind = "higher-education"\nrole = "coordinator"\nstaff_cost_eur = 5000\n'
          "budget.WP1.travel_eur = 100\nbudget.WP1.person_months = 1.0\nnotes = '''\nraw \\n notes'''\n\n"
          '[[work_packages]]\nid = "WP1"\ntitle = "M"\nlead = "A"\nstart_month = 1\nend_month = 24\n')


async def test_a_budget_line_written_with_dotted_keys_saved_after_the_line_form_adds_one_line(tmp_path):
    """The line form adds other costs to a line the file writes as `budget.WP1.travel_eur = 100`: the save
    rewrote the whole file canonically (the comment, [tool.x]'s place and the notes' quoting lost)."""
    path = tmp_path / "plan.toml"
    path.write_text(DOTTED, encoding="utf-8")
    app, _notes = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await wait_screen(pilot, BudgetScreen)
        await pilot.press("enter")
        form = await wait_screen(pilot, LineForm)
        await focus(pilot, form.query_one("#other_eur", Input))
        await replace_text(pilot, "7")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        await wait_for(pilot, lambda: app.document.dirty, "the line's edit")
        assert app.document.plan.partners[0].budget["WP1"].other_eur == 7
        await saved_with_ctrl_s(pilot)
    after = path.read_text(encoding="utf-8")
    assert line_changes(DOTTED, after) == ["+budget.WP1.other_eur = 7"]
    assert after == DOTTED.replace("person_months = 1.0\n", "person_months = 1.0\nbudget.WP1.other_eur = 7\n")
