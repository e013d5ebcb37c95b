"""The main screen's keys from every tab stop of every pane: after tab, `?`, `1`-`3` and `t` still work.

The grant field took them as typing when tab reached it (the lot pane's second stop): tab now passes it
by, `g` goes into it, and escape leaves it with the typing put back."""

from __future__ import annotations

import pytest

from planner.tui.screens.help import HelpScreen
from planner.tui.screens.plan_details import PlanDetails
from planner.tui.widgets.partners import PartnersTable

from .helpers import keys_handled, make_app, post_keys, ready, wait_for, wait_main, wait_screen

PANE_OF = {"partners": 0, "scenario": 1, "ecosystems": 1, "rules": 2}


async def _to_stop(pilot, app, tabs: int) -> str:
    """From the partners table, `tabs` presses of tab: the id of the widget with the focus."""
    post_keys(app, ["1"])
    await wait_for(pilot, lambda: isinstance(app.focused, PartnersTable), "the partners table")
    post_keys(app, ["tab"] * tabs)  # in a burst, as a user presses them: the key gate keeps their order
    await keys_handled(pilot)
    return app.focused.id


STOPS = ["partners", "scenario", "ecosystems", "rules"]  # the tab stops from the partners table, in order


# one test per stop (and size): the same keys from each, in tests the workers can share
@pytest.mark.parametrize("tabs", range(len(STOPS)), ids=STOPS)
async def test_every_tab_stop_keeps_help_panes_and_details(lot1, size, tabs):
    app, notes = make_app(lot1)
    stop = STOPS[tabs]
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert await _to_stop(pilot, app, tabs) == stop  # no text field among the stops
        if tabs == len(STOPS) - 1:
            await pilot.press("tab")
            assert app.focused.id == STOPS[0]  # and round again
        for key, dialog in (("question_mark", HelpScreen), ("t", PlanDetails)):
            assert await _to_stop(pilot, app, tabs) == stop
            post_keys(app, [key])
            await wait_screen(pilot, dialog)
            post_keys(app, ["escape"])
            await wait_main(pilot)
            assert app.focused.id == stop, f"{key} from {stop}"
        for key, pane in (("1", 0), ("2", 1), ("3", 2)):
            assert await _to_stop(pilot, app, tabs) == stop
            post_keys(app, [key])
            await wait_for(pilot, lambda: app.main.pane == pane and app.focused is not None
                           and PANE_OF.get(app.focused.id) == pane, f"{key} from {stop}")
        assert not [n for n in notes if n.severity == "error"]


async def test_g_types_the_grant_escape_puts_it_back_and_the_keys_work_again(lot1, size):
    app, _ = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        grant = app.main.lot_pane.query_one("#grant")
        before = app.document.plan.requested_grant_eur
        post_keys(app, ["g", *"2M?"])  # in a burst: into the field, whose text the typing replaces
        await wait_for(pilot, lambda: grant.value == "2M?", "the typing in the grant field")
        assert app.focused is grant and app.main.pane == 1
        assert isinstance(app.screen, type(app.main))  # ? was typed, not help: it is a text field
        post_keys(app, ["escape", "question_mark"])  # leaves the field, then the screen's key
        await wait_screen(pilot, HelpScreen)
        post_keys(app, ["escape"])
        await wait_main(pilot)
        assert app.focused is app.main.lot_pane.query_one("#scenario")
        assert grant.value == f"{before:,}" and app.document.plan.requested_grant_eur == before  # put back
        assert not app.document.undo_stack and not app.document.dirty  # no edit was made

        post_keys(app, ["g", *"950k", "enter", "t"])  # taken by enter: back to the list, where t works
        await wait_screen(pilot, PlanDetails)
        assert app.document.plan.requested_grant_eur == 950_000


async def test_a_call_switched_from_the_lot_pane_keeps_the_lot_pane_at_80x24(draft, monkeypatch):
    """At 80x24, 2 then y (and enter on the question): the lot pane's lists were rebuilt for the new
    call with the focus on them, Textual gave the focus to the partners' table, and the screen showed
    the partners pane in place of the lot pane the user was in."""
    from datetime import datetime, timezone

    from planner.tui.screens.dialogs import Choice

    from .helpers import freeze_clock, screen_text, wait_main, wait_screen

    freeze_clock(monkeypatch, datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc))
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        pane = app.query_one("#lot-pane")
        await wait_for(pilot, lambda: pane.region.height > 0 and pane in app.focused.ancestors, "the lot pane")
        await pilot.press("y")
        await wait_screen(pilot, Choice)
        await pilot.press("enter")  # move to the call being written
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.call == "2027", "call 2027")
        # rebuilt for 2027, which has a Lot 3
        await wait_for(pilot, lambda: any(node.id == "scenario" and "Lot 3" in str(node.render())
                                          for node in pane.query("*")) or "Lot 3" in screen_text(app),
                       "the lot pane for 2027")
        for _ in range(5):
            await pilot.pause()
        assert app.screen.pane == 1 and pane.region.height > 0
        assert app.focused is not None and pane in app.focused.ancestors
        assert app.query_one("#partners-pane").region.height == 0
