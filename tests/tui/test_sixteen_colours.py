"""The planner in a terminal of 16 colours (TERM=xterm over a basic SSH client, TEXTUAL_COLOR_SYSTEM=standard):
what the terminal gets, cell by cell (terminal_colours.py), read as a dark terminal in the VGA palette shows
it. Every frame, every cursor and every word is in a colour apart from the background under it."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.tui.screens.folder import FolderScreen

from .helpers import make_app, ready, wait_screen
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
