"""Duplicates in the TUI: its edits go through the loader's model, and the partner form says a repeated
short name (in any case) in its field, the plan kept as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from hostile_corpus_own import cases, make
from planner import editing
from planner.document import Document, Refused
from planner.errors import PlanError
from planner.rules import load_call
from planner.storage import load_plan
from planner.tui.app import open_document
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.widgets.partners import PartnersTable

from .helpers import SIZES, focus, make_app, ready, replace_text, screen_text, static_text, wait_for, wait_screen


def _document(path: Path) -> Document:
    plan = load_plan(path)
    return Document(plan, load_call(plan.call), path, plan)


def test_an_edit_with_a_repeated_short_name_is_refused_and_the_plan_kept(lot1: Path) -> None:
    doc = _document(lot1)
    before = doc.plan
    clash = before.partners[0].short_name.swapcase()
    with pytest.raises(Refused) as caught:
        doc.edit(editing.replace_partner(before, 1, before.partners[1].model_copy(update={"short_name": clash})))
    assert "partners[1].short_name" in str(caught.value)
    assert doc.plan is before and not doc.dirty


def test_an_edit_with_a_repeated_ecosystem_is_refused(lot1: Path) -> None:
    doc = _document(lot1)
    first = doc.plan.ecosystems[0]
    with pytest.raises(Refused) as caught:
        doc.edit(doc.plan.model_copy(update={"ecosystems": (first, first)}))
    assert "ecosystems[1]" in str(caught.value) and "listed twice" in str(caught.value)


@pytest.mark.parametrize("size", SIZES)
async def test_the_partner_form_says_a_repeated_short_name_in_its_field(lot1: Path, size) -> None:
    app, _ = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        first, second = app.document.plan.partners[:2]
        table = app.main.query_one(PartnersTable)
        await focus(pilot, table)
        table.move_cursor(row=1)
        await pilot.press("enter")
        form = await wait_screen(pilot, PartnerForm)
        short = form.query_one("#short_name", Input)
        await focus(pilot, short)
        await replace_text(pilot, first.short_name.lower())
        await wait_for(pilot, lambda: short.value == first.short_name.lower(), "the short name typed")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: static_text(form, "#error-short_name"), "the short name's error")
        said = static_text(form, "#error-short_name")
        assert first.short_name.lower() in said and first.name in said
        assert app.screen is form and app.focused is short
        assert app.document.plan.partners[1] == second and not app.document.dirty


# --- the second hostile corpus's duplicates, opened in the TUI ---------------------------------------------


@pytest.mark.parametrize("case", [c for c in cases("duplicate") if not c.accepted], ids=lambda c: c.name)
def test_the_tui_refuses_to_open_a_corpus_duplicate_with_its_key_path(tmp_path: Path, case) -> None:
    path = make(case, tmp_path)
    with pytest.raises(PlanError) as caught:
        open_document(path)
    assert f"{case.says}: " in str(caught.value)


@pytest.mark.parametrize("case", [c for c in cases("duplicate") if c.accepted], ids=lambda c: c.name)
async def test_four_coordinators_show_as_four_on_the_scoreboard(tmp_path: Path, case) -> None:
    app, _ = make_app(make(case, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "NOT ELIGIBLE" in screen_text(app), "the verdict")
        shown = screen_text(app)
        row = next(line for line in shown.splitlines() if "Coordinator 4/1" in line)  # four where one is allowed
        assert "FAIL" in row and case.says in row, shown
        assert "coordinator 4/1" in shown and "excluded countries" in shown  # both rules fail, in the verdict
