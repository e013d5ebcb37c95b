"""The content screen (profiles and activities, what Lot 2 asks for), driven with keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.tui.screens.content import ContentScreen, ProfileForm

from .helpers import (
    make_app,
    open_screen,
    ready,
    screen_text,
    static_text,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
)


async def open_profile_form(pilot) -> tuple[ContentScreen, ProfileForm]:
    """From the main screen: p (the content screen), then a (the empty profile form)."""
    await pilot.press("p")
    screen = await wait_screen(pilot, ContentScreen)
    await pilot.press("a")
    return screen, await wait_screen(pilot, ProfileForm)


@pytest.mark.one_size
async def test_profiles_and_activities_clear_the_lot2_warnings(draft: Path, size) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.board.get("occupational-profiles").status == "warn"
        await pilot.press("p")
        screen = await wait_screen(pilot, ContentScreen)
        assert "✗ EQF 3-5" in static_text(screen, "#coverage")
        await pilot.press("a")
        await wait_screen(pilot, ProfileForm)
        await type_text(pilot, "Dairy robot technician")
        await pilot.press("tab", "4", "enter")
        await wait_screen(pilot, ContentScreen)
        assert "✓ EQF 3-5" in static_text(screen, "#coverage")
        assert app.board.get("occupational-profiles").status == "pass"
        assert app.document.plan.profiles[-1].title == "Dairy robot technician"

        activities = screen.query_one("#activities")
        activities.focus()
        await wait_for(pilot, lambda: app.focused is activities, "the activities list to have the focus")
        missing = [a for a in app.document.rules.activities if not getattr(app.document.plan.activities, a.id)]
        for activity in missing:
            activities.highlighted = [cid for cid, _ in activities.choices].index(activity.id)
            await pilot.press("space")
            await wait_for(pilot, lambda: getattr(app.document.plan.activities, activity.id), activity.id)
        assert app.board.get("activities").status == "pass"
        # every activity ticked as the list shows it (the screen text would include the main screen's
        # ecosystem list, which stays visible beside the dialog at 160x48)
        prompts = [str(activities.get_option_at_index(i).prompt) for i in range(activities.option_count)]
        assert prompts and all(prompt.startswith("[x]") for prompt in prompts)
        await pilot.press("escape")
        await wait_main(pilot)


async def test_profile_form_refuses_an_empty_title(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan.profiles
        _, form = await open_profile_form(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "a title is required" in static_text(form, "#error-title")
        assert "a title is required" in screen_text(app)  # shown, not only set
        await pilot.press("escape")
        await wait_screen(pilot, ContentScreen)
        assert app.document.plan.profiles == before


async def test_content_screen_says_lot2_content_is_not_required_for_lot1(lot1: Path) -> None:
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("p")
        screen = await wait_screen(pilot, ContentScreen)
        assert "Not required for Lot 1" in static_text(screen, "#content-lot")
        assert app.board.get("occupational-profiles") is None


async def test_escape_in_the_profile_form_asks_before_dropping_a_typed_title(draft: Path) -> None:
    """escape dropped a typed profile without a word, where the partner and plan-details forms ask."""
    from planner.tui.screens.dialogs import Choice

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan.profiles
        await open_profile_form(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await wait_screen(pilot, ContentScreen)
        await pilot.press("a")
        form = await wait_screen(pilot, ProfileForm)
        await type_text(pilot, "Agri-drone operator")
        await pilot.press("escape")
        question = await wait_screen(pilot, Choice)
        assert "Discard the occupational profile typed?" in question.question
        await pilot.press("enter")  # Keep editing, in focus
        await wait_for(pilot, lambda: app.screen is form, "back in the form")
        assert form.query_one("#title").value == "Agri-drone operator"
        await pilot.press("escape")
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")  # Discard
        await wait_screen(pilot, ContentScreen)
        assert app.document.plan.profiles == before


async def test_a_profile_added_is_in_view_and_d_is_offered_only_on_the_profiles(draft: Path) -> None:
    """At 80x24 the table shows four profiles: the fifth, just added, stayed out of sight below them;
    and the footer offered 'd Remove profile' on the activities, where d does nothing."""
    from planner.tui.widgets.choice_list import ChoiceList

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "p", ContentScreen)
        table = screen.query_one("#profiles")
        for i in (1, 2, 3):
            await pilot.press("a")
            await wait_screen(pilot, ProfileForm)
            await type_text(pilot, f"Agri-drone operator {i}")
            await pilot.press("tab", "5", "enter")
            await wait_for(pilot, lambda i=i: app.screen is screen and len(app.document.plan.profiles) == 3 + i,
                           f"profile {i} added")
        await wait_for(pilot, lambda: "Agri-drone operator 3" in screen_text(app), "the last profile in view")
        assert table.cursor_row == len(app.document.plan.profiles) - 1
        assert "Remove profile" in screen_text(app).splitlines()[-1]
        await pilot.press("tab")
        await wait_for(pilot, lambda: isinstance(app.focused, ChoiceList), "the activities")
        await wait_for(pilot, lambda: "Remove profile" not in screen_text(app).splitlines()[-1], "the footer")
        await pilot.press("d")  # does nothing here, and is not offered
        await pilot.pause()
        assert len(app.document.plan.profiles) == 6 and app.screen is screen


@pytest.mark.parametrize("size", [(60, 18), (40, 12)], ids=["60x18", "40x12"])
async def test_in_a_short_terminal_the_activity_in_hand_and_close_come_into_view(tmp_path: Path, size) -> None:
    """At 60x18 the fourth activity and Close stood below the dialog's edge: down moved the cursor there
    unseen, and space un-ticked an activity nobody could see. The dialog scrolls to what has the focus."""
    from textual.geometry import Region
    from textual.widgets import Button

    from planner.tui.widgets.choice_list import ChoiceList

    from .helpers import SAMPLES, focus

    path = tmp_path / "plan.toml"
    path.write_bytes((SAMPLES / "lot2-example.toml").read_bytes())
    app, _ = make_app(path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("p")
        screen = await wait_screen(pilot, ContentScreen)
        dialog = screen.query_one(".dialog.content")
        activities = screen.query_one("#activities", ChoiceList)
        await focus(pilot, activities)
        await pilot.press("end")
        last = activities.option_count - 1
        await wait_for(pilot, lambda: activities.highlighted == last, "the last activity")

        def last_row() -> Region:  # the highlighted option's line on the screen
            line = activities._index_to_line[last] - int(activities.scroll_offset.y)
            return Region(activities.region.x, activities.region.y + line, activities.region.width, 1)

        await wait_for(pilot, lambda: dialog.region.contains_region(last_row()), "its row in view")
        close = screen.query_one("#close", Button)
        await focus(pilot, close)
        await wait_for(pilot, lambda: close.region.height and dialog.region.contains_region(close.region),
                       "Close in view")
