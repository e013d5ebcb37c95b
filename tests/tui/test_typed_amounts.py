"""Typed numbers are applied when the field is confirmed or left: the live check while typing, one undo step."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from planner.storage import load_plan
from planner.tui.screens.assessment import AssessmentScreen

from .helpers import focus, make_app, open_share_form, post_keys, ready, static_text, wait_for, wait_screen


def hint(app) -> str:
    return static_text(app, "#grant-hint")


@pytest.mark.parametrize("burst", [False, True], ids=["press", "burst"])
@pytest.mark.one_size
async def test_1_45m_then_enter_sets_the_grant_in_one_undo_step(lot1, size, burst):
    app, _ = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        before, steps = app.document.plan.requested_grant_eur, len(app.document.undo_stack)
        grant = app.query_one("#grant", Input)
        await focus(pilot, grant)
        keys = ["end", "ctrl+u", *"1.45M"]
        if burst:
            post_keys(app, keys)
        else:
            await pilot.press(*keys)
        await wait_for(pilot, lambda: grant.value == "1.45M", "1.45M in the field")
        # checked while typing, not taken: the plan, the scoreboard and the undo stack are as they were
        # against the cap of Lot 1, 24 months (EUR 1,000,000)
        assert hint(app) == \
            f"→ EUR 1,450,000 on enter (now EUR {before:,}): EUR 450,000 OVER the cap of EUR 1,000,000."
        assert app.document.plan.requested_grant_eur == before
        assert f"EUR {before:,}" in app.board.get("grant").message
        assert len(app.document.undo_stack) == steps and not app.document.dirty
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == 1_450_000, "the grant applied")
        assert len(app.document.undo_stack) == steps + 1  # one step for all the typing
        assert grant.value == "1,450,000" and "→" not in hint(app)
        assert "EUR 1,450,000" in app.board.get("grant").message
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == before, "one undo back")
        assert grant.value == f"{before:,}" and len(app.document.undo_stack) == steps


@pytest.mark.one_size
async def test_a_grant_over_the_models_limit_is_refused_while_typed_not_only_on_enter(lot1, size):
    """'2 Mrd' read as EUR 2,000,000,000: the line said what it would be 'on enter', and enter then refused
    it (no grant above EUR 1,000,000,000), in the words of the file's key path."""
    app, _ = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        before = app.document.plan.requested_grant_eur
        grant = app.query_one("#grant", Input)
        await focus(pilot, grant)
        await pilot.press("end", "ctrl+u", *"2 Mrd")
        await wait_for(pilot, lambda: grant.value == "2 Mrd", "2 Mrd in the field")
        refused = (f"✗ Grant: more than EUR 1,000,000,000; found 2000000000: the plan keeps EUR {before:,}.")
        await wait_for(pilot, lambda: hint(app) == refused, "the refusal while typing")
        await pilot.press("enter")
        await wait_for(pilot, lambda: hint(app) == refused, "the same refusal on enter")
        assert app.document.plan.requested_grant_eur == before and not app.document.dirty

async def test_tab_applies_ctrl_z_takes_the_typing_back_and_ctrl_s_saves_what_was_typed(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan.requested_grant_eur
        grant = app.query_one("#grant", Input)
        await focus(pilot, grant)
        # ctrl+z while typing: the field goes back to the plan's value, the plan's history is untouched
        post_keys(app, ["end", "ctrl+u", *"12", "ctrl+z"])
        await wait_for(pilot, lambda: grant.value == f"{before:,}", "the typing taken back")
        assert app.document.plan.requested_grant_eur == before and not app.document.undo_stack
        # tab applies, as leaving the field does
        post_keys(app, ["end", "ctrl+u", *"900000", "tab"])
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == 900_000, "tab applied it")
        assert app.focused is not grant and grant.value == "900,000"
        # ctrl+s in the field saves the amount typed, not the one before it
        await focus(pilot, grant)
        post_keys(app, ["end", "ctrl+u", *"910000", "ctrl+s"])
        await wait_for(pilot, lambda: not app.document.dirty and app.document.plan.requested_grant_eur == 910_000,
                       "the typed amount saved")
        assert load_plan(lot1).requested_grant_eur == 910_000
        # not an amount, left: the field keeps the text, marked; the plan keeps its grant
        post_keys(app, ["end", "ctrl+u", *"9x", "tab"])
        await wait_for(pilot, lambda: app.focused is not grant, "the field left")
        assert grant.value == "9x" and app.document.plan.requested_grant_eur == 910_000
        assert hint(app) == "✗ '9x' is not an amount in whole euros: the plan keeps EUR 910,000."


@pytest.mark.parametrize("burst", [False, True], ids=["press", "burst"])
async def test_a_score_is_applied_by_enter_or_tab_in_one_step(lot1, burst):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan.assessment.relevance
        await pilot.press("s")
        screen = await wait_screen(pilot, AssessmentScreen)
        field = screen.query_one("#score-relevance", Input)
        await wait_for(pilot, lambda: app.focused is field, "the first score focused")
        keys = ["end", "ctrl+u", *"24"]
        post_keys(app, keys) if burst else await pilot.press(*keys)
        await wait_for(pilot, lambda: field.value == "24", "24 typed")
        assert "24/25" in static_text(screen, "#chart")  # the chart follows the typing
        assert app.document.plan.assessment.relevance == before and not app.document.undo_stack
        post_keys(app, ["enter"]) if burst else await pilot.press("enter")
        await wait_for(pilot, lambda: app.document.plan.assessment.relevance == 24, "the score applied")
        assert len(app.document.undo_stack) == 1  # not "2" then "24"
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.plan.assessment.relevance == before, "one undo back")
        assert field.value == str(before)


async def test_quitting_with_a_typed_amount_asks_about_it(lot1):
    from planner.tui.screens.dialogs import Choice

    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        grant = app.query_one("#grant", Input)
        await focus(pilot, grant)
        post_keys(app, ["end", "ctrl+u", *"1.2 Mio", "ctrl+q"])
        # the typed amount is applied, so that it is unsaved work the quit asks about, not lost
        await wait_screen(pilot, Choice)
        assert app.document.plan.requested_grant_eur == 1_200_000 and app.document.dirty
        assert app.return_code is None


# --- a partner's share reads amounts as the grant field does -------------------------------------


@pytest.mark.parametrize("typed, expected", [("240k", 240_000), ("8.000", 8_000), ("1,45 Mio", 1_450_000),
                                             ("EUR 12 500", 12_500)])
async def test_a_share_reads_240k_as_the_grant_field_does(lot1, typed, expected):

    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen, form = await open_share_form(pilot)
        await pilot.press("end", "ctrl+u", *typed)
        field = form.query_one("#share", Input)
        await wait_for(pilot, lambda: field.value == typed, "every character typed, none filtered out")
        await wait_for(pilot, lambda: static_text(form, "#share-reading") == f"→ EUR {expected:,}", "the reading")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "back in the budget")
        await wait_for(pilot, lambda: app.document.plan.partners[0].grant_eur == expected, "the share taken")


@pytest.mark.parametrize("typed, why", [("12.5", "has cents; give whole euros"),
                                        ("5 apples", "is not an amount in whole euros"),
                                        ("-240k", "is negative")])
async def test_a_share_that_is_no_amount_is_refused_aloud_and_the_plan_keeps_the_old_one(lot1, typed, why):

    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan.partners[0].grant_eur
        _, form = await open_share_form(pilot)
        await pilot.press("end", "ctrl+u", *typed)
        # said while typing, as the line form says it (the line stayed blank until enter)
        await wait_for(pilot, lambda: f"✗ {typed!r} {why}" in static_text(form, "#share-reading"), "said as typed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: why in static_text(form, "#share-error"), "the reason under the field")
        assert app.screen is form and form.query_one("#share", Input).value == typed  # nothing typed is lost
        assert app.document.plan.partners[0].grant_eur == before
