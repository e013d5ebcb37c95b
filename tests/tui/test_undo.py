"""Undo and redo in the TUI: each says what it changed, a hundred of them in a row, inside a screen too."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.storage import load_plan
from planner.tui.screens.budget import BudgetScreen
from planner.tui.widgets.budget_grid import BudgetGrid

from .helpers import (
    make_app,
    open_share_form,
    post_keys,
    ready,
    replace_text,
    saved_with_ctrl_s,
    wait_for,
    wait_main,
    wait_screen,
)


@pytest.mark.long
async def test_undo_and_redo_a_hundred_edits_then_save(draft: Path) -> None:
    """A hundred lot switches and a hundred undos typed in bursts (as fast as keys can come): each undo is
    handled in order and says which step it undid, down to the plan as it was saved."""
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        original = app.document.plan
        lots = [original.lot]
        for _ in range(100):
            lots.append(1 if lots[-1] == 2 else 2)
        post_keys(app, ["l"] * 100)
        await wait_for(pilot, lambda: len(app.document.undo_stack) == 100, "a hundred lot switches")
        assert app.document.plan.lot == lots[-1]
        assert [plan.lot for plan in app.document.undo_stack] == lots[:-1]
        post_keys(app, ["ctrl+z"] * 100)
        await wait_for(pilot, lambda: not app.document.undo_stack, "a hundred undos")
        undone = [n.message for n in notes if n.message.startswith("Undone: ")]
        assert len(undone) == 100
        for step, message in enumerate(undone):
            assert message.startswith(f"Undone: Lot {lots[-2 - step]} → Lot {lots[-1 - step]}"), message  # the edit
            assert message.endswith(f"({99 - step} more to undo)"), message
        assert app.document.plan == original and not app.document.dirty
        for _ in range(3):
            await pilot.press("ctrl+y")
        assert app.document.plan.lot == lots[3]
        await saved_with_ctrl_s(pilot)
        assert load_plan(draft).lot == lots[3]


async def test_undo_inside_a_screen_redraws_it(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen, _ = await open_share_form(pilot)
        await replace_text(pilot, "1")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        grid = screen.query_one("#budget-grid", BudgetGrid)
        assert grid.get_cell("p0", "share").plain.strip() == "1"
        await pilot.press("ctrl+z")  # bound on the screen: a modal screen hides the app's keys
        await wait_for(pilot, lambda: app.document.plan.partners[0].grant_eur != 1, "the undo")
        shown = grid.get_cell("p0", "share").plain.strip()
        assert shown == f"{app.document.plan.partners[0].grant_eur:,}"
        await saved_with_ctrl_s(pilot)


async def test_edits_undo_and_redo_say_what_changed(draft):
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        last = app.document.plan.partners[0].label
        await pilot.press("d")
        await wait_for(pilot, lambda: len(app.screen_stack) == 2, "the question")
        await pilot.click("#choice-remove")
        await wait_main(pilot)
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 10, "the removal")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: any(n.message.startswith("Undone:") for n in notes), "the undo toast")
        assert any(n.message.startswith(f"Undone: removed {last}") for n in notes), [n.message for n in notes]
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: any(n.message.startswith(f"Redone: removed {last}") for n in notes), "redo")
        await pilot.press("l")
        await wait_for(pilot, lambda: any(n.message.startswith("Lot 2 → Lot 1") for n in notes), "the lot toast")

        # an edit through the form names the partner
        await pilot.press("home", "enter")
        await wait_for(pilot, lambda: len(app.screen_stack) == 2, "the form")
        label = app.document.plan.partners[0].label
        await replace_text(pilot, "Renamed Institute")
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: any(n.message == f"Edited {label}" for n in notes), "the edit toast")
