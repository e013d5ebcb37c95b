"""Type-ahead: a whole key sequence posted at once (as a laggy SSH link delivers it) lands where the user meant.

Pilot's `press` waits for the app after every key, which hides the problem; these tests queue every
key event in one go (`post_keys`, no await in between) and only then look at the fields.
"""

from __future__ import annotations

from pathlib import Path

from textual._xterm_parser import XTermParser
from textual.widgets import Input

from planner.tui.screens.assessment import AssessmentScreen
from planner.tui.screens.content import ContentScreen, ProfileForm
from planner.tui.screens.dialogs import Choice, PathPrompt
from planner.tui.screens.partner_form import PartnerForm

from .helpers import make_app, post_keys, ready, wait_for, wait_main, wait_screen


def feed_terminal(app, data: str) -> None:
    """What a terminal sends, in one read: through Textual's own input parser and the driver, all at once."""
    for event in XTermParser().feed(data):
        app._driver.process_message(event)


def field(screen, selector: str) -> str:
    return screen.query_one(selector, Input).value


async def test_burst_into_the_partner_form_fills_each_field(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # `a` opens the form: the keys right after it must not be lost while it mounts
        post_keys(app, ["a", *"Some Name", "tab", *"ABC"])
        form = await wait_screen(pilot, PartnerForm)
        await wait_for(pilot, lambda: field(form, "#short_name") == "ABC", "ABC in the short name")
        assert field(form, "#name") == "Some Name"
        assert app.focused is form.query_one("#short_name")


async def test_burst_through_the_partner_form_and_back_saves_the_partner(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        count = len(app.document.plan.partners)
        # the whole form in one burst: name, short name, PIC, country, kind, then enter saves
        post_keys(app, ["a", *"Typed Fast GmbH", "tab", *"TFG", "tab", *"123456789", "tab", *"fin", "tab",
                        *"cham", "enter"])
        await wait_for(pilot, lambda: len(app.document.plan.partners) == count + 1, "the partner saved")
        await wait_main(pilot)
        added = app.document.plan.partners[-1]
        assert (added.name, added.short_name, added.pic, added.country, added.kind) == (
            "Typed Fast GmbH", "TFG", "123456789", "FI", "chamber")


async def test_burst_into_the_profile_form(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = len(app.document.plan.profiles)
        post_keys(app, ["p", "a", *"Welder", "tab", "3", "enter"])
        await wait_for(pilot, lambda: len(app.document.plan.profiles) == before + 1, "the profile to be added")
        assert isinstance(app.screen, ContentScreen)
        added = app.document.plan.profiles[-1]
        assert (added.title, added.eqf) == ("Welder", 3)


async def test_burst_into_the_profile_form_fields(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["p", "a", *"Welder", "tab", "3"])
        form = await wait_screen(pilot, ProfileForm)
        await wait_for(pilot, lambda: field(form, "#eqf") == "3", "3 in the EQF field")
        assert field(form, "#title") == "Welder"


async def test_burst_into_the_self_assessment(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["s", "2", "tab", "9"])
        screen = await wait_screen(pilot, AssessmentScreen)
        await wait_for(pilot, lambda: field(screen, "#score-design") == "9", "9 in design")
        assert field(screen, "#score-relevance") == "2"
        assert app.document.plan.assessment.relevance == 2  # tab applied it; design waits for enter or tab
        assert app.document.plan.assessment.design != 9
        post_keys(app, ["enter"])
        await wait_for(pilot, lambda: app.document.plan.assessment.design == 9, "design 9 in the plan")
        assert app.document.plan.assessment.relevance == 2


async def test_burst_after_ctrl_o_opens_the_typed_path(draft: Path, lot1: Path) -> None:
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # the prompt starts with the plan's folder, selected: typed text replaces it, as when typed slowly
        post_keys(app, ["ctrl+o", "ctrl+l", *str(lot1), "enter"])
        await wait_for(pilot, lambda: app.document.path == lot1, "the typed plan to be opened")
        assert not isinstance(app.screen, PathPrompt)
        assert app.document.plan.lot == 1


async def test_bytes_from_a_terminal_in_one_read_land_in_each_field(draft: Path, lot1: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        feed_terminal(app, "aSome Name\tABC")  # tab is \t on the wire
        form = await wait_screen(pilot, PartnerForm)
        await wait_for(pilot, lambda: field(form, "#short_name") == "ABC", "ABC in the short name")
        assert field(form, "#name") == "Some Name"
        await pilot.press("escape")  # the form was changed: it asks first
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")  # Discard
        await wait_main(pilot)
        feed_terminal(app, f"\x0f\x0c{lot1}\r")  # ctrl+o (the folder view), ctrl+l (its path field), the path, enter
        await wait_for(pilot, lambda: app.document.path == lot1, "the typed plan to be opened")


async def test_keys_typed_as_the_planner_starts_wait_for_the_panes_mounted_after_the_first_frame(draft: Path) -> None:
    """Below 120 columns the lot pane and the scoreboard are mounted just after the first frame; a
    coordinator who types `2`, `g` and a grant before then finds both in the lot pane."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        feed_terminal(app, "2")  # as soon as the app runs, before the lower panes are there
        assert not app.main.complete  # the case this test is about
        feed_terminal(app, "g1.5M\r")  # into the grant field, an amount, enter
        await ready(pilot)
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == 1_500_000, "the grant typed")
        assert app.main.pane == 1
        # taken: back to the lot list (the focus moves a turn after the grant is applied: wait, under load)
        await wait_for(pilot, lambda: app.focused is app.main.lot_pane.query_one("#scenario"), "the lot list")


async def test_a_key_that_comes_while_a_held_one_is_let_through_waits_behind_it(lot1: Path) -> None:
    """The gate lets a held key through by posting it to the app again, at the back of its queue: a key
    that reached the queue just before was taken first (the planner once applied `1`, `tab` as `tab`, `1`)."""
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["3"])
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "rules", "the rules list")
        gate = app._key_gate
        busy = [True]
        settled = gate.settled
        gate.settled = lambda: not busy[0] and settled()  # the app still busy with an earlier key
        post = app.post_message

        def tab_first(message) -> bool:  # the tab comes from the terminal as the held 1 is let through
            if message in gate.released:
                post_keys(app, ["tab"])
                app.post_message = post  # once
            return post(message)

        app.post_message = tab_first
        post_keys(app, ["1"])
        await wait_for(pilot, lambda: list(gate.held), "1 held back")
        busy[0] = False
        await wait_for(pilot, lambda: not gate.held and gate.task is None and not gate.released, "both keys taken")
        await pilot.pause()
        assert app.post_message == post  # the tab came as the 1 was let through
        assert app.focused.id == "scenario"  # 1 (the partners), then tab (the next stop); not tab, then 1
