"""The budget screen: share edits that make the shares add up, whole amounts, the grant field's errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input

from planner.tui.screens.budget import BudgetScreen, ShareForm
from planner.tui.widgets.budget_grid import BudgetGrid

from .helpers import (
    footer_keys,
    make_app,
    open_share_form,
    ready,
    replace_text,
    screen_text,
    static_text,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
    without_budget,
)


@pytest.mark.one_size
async def test_budget_share_edit_makes_the_shares_add_up(draft: Path, size) -> None:
    app, _ = make_app(without_budget(draft))  # typed shares, judged when the plan has no budget
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        grant = app.board.get("grant")
        assert grant.status == "warn" and "EUR 400,000 unassigned" in grant.message
        await pilot.press("b")
        screen = await wait_screen(pilot, BudgetScreen)
        assert "EUR 400,000 unassigned" in static_text(screen, "#budget-summary")
        assert "4,875,000" in static_text(screen, "#budget-summary")  # the implied budget at 80%
        assert "no lines" not in screen_text(app)  # no budget at all: shares only, nothing to mark
        grid = screen.query_one("#budget-grid", BudgetGrid)
        first = app.document.plan.partners[0]
        await pilot.press("s")  # the share of the partner under the cursor: the first one
        await wait_screen(pilot, ShareForm)
        await replace_text(pilot, str(first.grant_eur + 400_000))
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert app.document.plan.partners[0].grant_eur == first.grant_eur + 400_000
        assert app.board.get("grant").status == "pass"
        assert "unassigned" not in static_text(screen, "#budget-summary")
        assert f"{first.grant_eur + 400_000:,}" in grid.get_cell("p0", "share").plain
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.board.get("grant").status == "warn", "undo to bring the warning back")


async def test_budget_shows_every_amount_whole(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen, _ = await open_share_form(pilot)  # the first partner's share
        await replace_text(pilot, "1020000")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "back in the budget")
        await wait_for(pilot, lambda: app.document.plan.partners[0].grant_eur == 1_020_000, "the share")
        await pilot.pause()
        assert "1,020,000" in screen_text(app)  # not cut to 1,020,0


async def test_grant_field_drops_a_cleared_error_and_offers_no_typed_keys(tmp_path):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        def shown() -> set[str]:  # the keys the footer shows
            return set(footer_keys(app.screen))

        await wait_for(pilot, lambda: {"?", "a"} <= shown(), "? and a in the footer on the table")
        grant = app.query_one("#grant", Input)
        grant.focus()
        await wait_for(pilot, lambda: app.focused is grant, "the grant field")
        # ? and the letters type into the field: the footer does not offer them there
        await wait_for(pilot, lambda: not {"?", "a"} & shown(), "? and a gone from the footer")
        assert "^s" in shown()
        assert "f1" in shown()  # help stays reachable from a field, by the key that does not type
        await type_text(pilot, "abc")
        await wait_for(pilot, lambda: "not an amount" in static_text(app, "#grant-hint"), "the error")
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: "not an amount" not in static_text(app, "#grant-hint"), "the error gone")
        assert app.document.plan.requested_grant_eur is None


async def test_the_lot_pane_hint_judges_the_budget_when_the_plan_has_one(draft: Path, lot1: Path, size) -> None:
    """With a budget the verdict judges its contribution, not the typed grant: the hint under the grant
    field says so (the draft's typed grant is under the cap, its budget over it)."""
    typed_only = lot1.with_name("typed-grant-only.toml")
    shutil.copyfile(lot1, typed_only)
    for path, over in ((draft, True), (lot1, False), (without_budget(typed_only), None)):
        app, _ = make_app(path)
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await pilot.press("2")
            board, hint = app.board, lambda: static_text(app, "#grant-hint")
            if over is None:  # typed grant only: the cap against it, and the budget it implies
                assert board.estimate is None
                await wait_for(pilot, lambda: "Implied total budget at 80%" in hint(), "the typed grant's hint")
                continue
            est = board.estimate
            assert est is not None
            # the contribution is the sum of each line's rounded 80%: said so, not '80% of' the costs
            await wait_for(pilot, lambda: f"EU contribution EUR {est.contribution_eur:,} (80% of each line, rounded):"
                           in " ".join(hint().split()), f"the budget's hint for {path.name}")
            words = " ".join(hint().split())
            if over:
                assert board.get("grant").status == "fail"
                assert f"cut EUR {board.cut_to_cap:,} of costs (b) to fit." in words, words
                assert f"cut EUR {board.cut_to_cap:,} of estimated costs" in board.get("grant").message
            else:
                assert f"EUR {board.cap_eur - est.contribution_eur:,} under the cap" in words, words
            assert "Implied total budget" not in words  # the typed grant's figure, which the verdict ignores
