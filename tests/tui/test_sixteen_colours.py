"""The planner in a terminal of 16 colours (TERM=xterm over a basic SSH client, TEXTUAL_COLOR_SYSTEM=standard):
what the terminal gets, cell by cell (terminal_colours.py), read as a dark terminal in the VGA palette shows
it. Every frame, every cursor and every word is in a colour apart from the background under it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.widgets.partners import PartnersTable
from planner.tui.widgets.scoreboard import RulesTable

from .helpers import make_app, ready, type_text, wait_screen
from .terminal_colours import VISIBLE, screen_cells, sixteen_colours, text_cell


@pytest.fixture
def ansi16(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal of 16 colours, and the ansi-16 theme chosen in config.toml."""
    sixteen_colours(monkeypatch)
    (xdg / "planner").mkdir(parents=True, exist_ok=True)
    (xdg / "planner" / "config.toml").write_text('theme = "ansi-16"\n', encoding="utf-8")


async def test_the_frames_of_the_panes_without_the_focus_show(draft, ansi16):
    """At 160x48 the lot pane and the scoreboard, without the focus, keep a frame (round, in the theme's
    border-blurred): it was ansi_black, on a dark terminal's black the panes had no frame at all."""
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert app.theme == "ansi-16"
        cells = screen_cells(app)
        for pane in ("#lot-pane", "#scoreboard"):
            region = app.query_one(pane).region
            corner = cells[region.y][region.x]
            assert corner.text == "╭", (pane, corner)
            assert corner.contrast >= VISIBLE, (pane, corner)


async def test_the_folder_views_line_over_the_plan_in_full_shows(draft, ansi16, size):
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        screen = await wait_screen(pilot, FolderScreen)
        detail = screen.query_one("#folder-detail").region
        await pilot.pause()
        cells = screen_cells(app)
        line = cells[detail.y][detail.x]
        assert line.text == "─", line
        assert line.contrast >= VISIBLE, line
        assert text_cell(cells, "draft").contrast >= VISIBLE


def assert_marked(cells, marked: str, other: str, **where: int) -> None:
    """`marked` (under a cursor) stands out from `other` (the row or option under it), and reads."""
    cursor, plain = text_cell(cells, marked, **where), text_cell(cells, other, **where)
    assert cursor.bg != plain.bg, (cursor, plain)
    assert cursor.contrast >= VISIBLE, cursor


async def test_the_cursor_of_a_table_without_the_focus_shows(draft, ansi16):
    """The partners' cursor while the scoreboard has the focus (at 160x48 both are in view): the blurred
    cursor was the terminal's default background, the row under it like any other."""
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        assert isinstance(app.focused, RulesTable)
        assert app.query_one(PartnersTable).cursor_row == 0
        assert_marked(screen_cells(app), "UNIBP", "ESAVL")


async def test_a_pickers_highlighted_match_shows(draft, ansi16, size):
    """The country the field takes on enter, while the focus stays in the field: the list's highlight is
    the blurred cursor's."""
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await pilot.press("tab", "tab", "tab")
        matches = form.query_one("#country-list", OptionList)
        await type_text(pilot, "ger", done=lambda: matches.option_count >= 2 and matches.highlighted == 0)
        await pilot.pause()
        assert "Germany" in str(matches.get_option_at_index(0).prompt)
        assert "Niger" in str(matches.get_option_at_index(1).prompt)
        assert_marked(screen_cells(app), "Germany", "Niger")
