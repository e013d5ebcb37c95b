"""The help screen: the keys as the user remapped them, and the call's page named plainly."""

from __future__ import annotations

from pathlib import Path

from .helpers import (
    help_text,
    make_app,
    open_screen,
    ready,
    screen_text,
    wait_for,
    wait_main,
    wait_screen,
)


async def test_help_shows_remapped_keys_and_unknown_ids_are_reported(draft: Path, xdg: Path) -> None:
    from planner.tui.screens.help import HelpScreen

    (xdg / "planner").mkdir(parents=True, exist_ok=True)
    (xdg / "planner" / "config.toml").write_text(
        '[keys]\n"planner.add_partner" = "n"\n"planner.bogus" = "x"\n', encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any("planner.bogus" in n.message for n in notes), "the unknown-id warning")
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)
        text = screen_text(app)
        assert "n               add a partner" in text
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PartnerForm", "n to open the partner form")


async def test_help_names_the_flemish_call_page_plainly(draft):
    from planner.tui.screens.help import HelpScreen

    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        screen = await wait_screen(pilot, HelpScreen)
        text = help_text(screen)
        assert "the Flemish call page" in text and "(seed)" not in text


async def test_a_long_description_wraps_in_its_own_column_at_80x24(draft: Path) -> None:
    """At 80 columns a description longer than its line wrapped to the left edge, under the keys."""
    from textual.geometry import Region
    from textual.widgets import Static

    from planner.tui.screens.help import HelpScreen

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "question_mark", HelpScreen)
        static = screen.query_one(Static)
        rows = [strip.text for strip in static.render_lines(Region(0, 0, static.size.width, static.size.height))]
        at = next(i for i, row in enumerate(rows) if "type the requested grant" in row)
        column = rows[at].index("type the requested grant")
        assert len(rows[at]) <= static.size.width and not rows[at + 1][:column].strip(), rows[at:at + 2]
        assert rows[at + 1][column:].startswith("the field)"), rows[at:at + 2]  # under the description
