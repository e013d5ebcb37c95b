"""The planner in a terminal of 16 colours (TERM=xterm over a basic SSH client, TEXTUAL_COLOR_SYSTEM=standard):
what the terminal gets, cell by cell (terminal_colours.py), read as a dark terminal in the VGA palette shows
it. Every frame, every cursor and every word is in a colour apart from the background under it."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual.constants
from textual.command import CommandPalette
from textual.widgets import Button, Input

from planner.tui.screens.budget_forms import LineForm
from planner.tui.screens.compare import CompareScreen
from planner.tui.screens.dialogs import Choice
from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.help import HelpScreen
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.themes import DEFAULT_THEME
from planner.tui.widgets.partners import PartnersTable
from planner.tui.widgets.scoreboard import RulesTable

from .helpers import (
    country_matches,
    make_app,
    open_budget,
    ready,
    screen_text,
    through_path_prompt,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
)
from .terminal_colours import (
    VISIBLE,
    contrast,
    find,
    on_a_terminal,
    row_text,
    screen_cells,
    sixteen_colours,
    text_cell,
)


async def assert_reads_on(pilot, key: str, kind, text: str) -> None:
    """`key` opens a `kind` screen, where `text` reads on its background; escape goes back to the main screen."""
    await pilot.press(key)
    await wait_screen(pilot, kind)
    await pilot.pause()
    cell = text_cell(screen_cells(pilot.app), text)
    assert cell.contrast >= VISIBLE, cell
    await pilot.press("escape")
    await wait_main(pilot)


@pytest.fixture(params=["dark", "light"])
def ansi16(xdg: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """A terminal of 16 colours, dark or light (the theme draws on the terminal's own background, which
    may be either: every mark must read on both), and the ansi-16 theme chosen in config.toml."""
    sixteen_colours(monkeypatch)
    on_a_terminal(monkeypatch, request.param)
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


@pytest.mark.one_size
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


@pytest.mark.one_size
async def test_a_pickers_highlighted_match_shows(draft, ansi16, size):
    """The country the field takes on enter, while the focus stays in the field: the list's highlight is
    the blurred cursor's."""
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        _, matches = await country_matches(pilot)
        await pilot.pause()
        assert "Germany" in str(matches.get_option_at_index(0).prompt)
        assert "Niger" in str(matches.get_option_at_index(1).prompt)
        assert_marked(screen_cells(app), "Germany", "Niger")


@pytest.mark.one_size
async def test_a_dialogs_frame_title_default_button_and_scrollbar_show(draft, ansi16, size):
    """What was dark blue (the theme's primary, ansi_blue, and Textual's ANSI scrollbar) on a dark
    terminal's black, 1.6:1 in the VGA palette: a dialog's frame and title, its default button, the thumb
    of a scrollbar on its black track."""
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        help_ = await wait_screen(pilot, HelpScreen)
        await pilot.pause()
        box = help_.query_one(".dialog")
        scrollbar = box.vertical_scrollbar.region
        cells = screen_cells(app)
        frame = cells[box.region.y][box.region.x]
        assert frame.text == "█" and frame.contrast >= VISIBLE, frame
        thumb_and_track = {cells[y][scrollbar.x].bg for y in range(scrollbar.y, scrollbar.bottom)}
        assert len(thumb_and_track) == 2, thumb_and_track
        assert contrast(*thumb_and_track) >= VISIBLE, thumb_and_track
        await pilot.press("escape")
        await wait_main(pilot)

        await assert_reads_on(pilot, "c", CompareScreen, "What if")
        await assert_reads_on(pilot, "a", PartnerForm, "Save (enter)")


@pytest.mark.one_size
async def test_a_questions_focused_answer_reads(draft, ansi16, size):
    """The safe answer of a question has the focus and is the primary button, drawn in reverse video: its
    label in the terminal's black on the primary colour, 1.6:1 on ansi_blue."""
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("l")  # an unsaved change
        await wait_for(pilot, lambda: app.document.dirty, "the change")
        await pilot.press("ctrl+q")
        question = await wait_screen(pilot, Choice)
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Button) and str(focused.label) == "Cancel"
        label = text_cell(screen_cells(app), "Cancel", y=focused.region.y)
        assert label.contrast >= VISIBLE, label
        assert question.is_attached


@pytest.mark.one_size
async def test_what_is_typed_into_a_dialogs_field_and_its_selection_show(draft, ansi16, size):
    """A focused field of a dialog was filled with the primary colour (dialogs.tcss): light grey on bright
    blue is 2.2:1, and the selection a field opens with is bright blue too, told from the rest only by its
    black letters. With an ANSI theme the field keeps the terminal's background."""
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await open_budget(pilot)
        await pilot.press("enter")  # the line of the partner and work package under the cursor
        form = await wait_screen(pilot, LineForm)
        await pilot.pause()
        field = app.focused
        assert isinstance(field, Input) and field.value == "34" and field.selected_text == "34"
        cells = screen_cells(app)
        selected = text_cell(cells, "34", y=field.region.y)
        after = cells[field.region.y][find(cells, "34", y=field.region.y)[0] + 3]
        assert selected.contrast >= VISIBLE and selected.bg != after.bg, (selected, after)
        await pilot.press("end", "backspace", "5")
        typed = text_cell(screen_cells(app), "35", y=field.region.y)
        assert typed.contrast >= VISIBLE, typed
        assert form.is_attached


@pytest.mark.one_size
async def test_the_fixed_rows_and_columns_of_tables_read(draft, ansi16, size):
    """The budget grid's partners and its Months and Total rows, the comparison's verdicts: a table's fixed
    cells were on $secondary-muted, ansi_cyan: the default light grey on cyan is 1.2:1."""
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        _, grid = await open_budget(pilot)
        await pilot.pause()
        cells = screen_cells(app)
        for text in ("Total", "ESAVL", "1-48"):
            cell = text_cell(cells, text, y=grid.region.y)
            assert cell.contrast >= VISIBLE, (text, cell)
        await pilot.press("escape")
        await wait_main(pilot)

        await pilot.press("c")
        await wait_screen(pilot, CompareScreen)
        await pilot.pause()
        cells = screen_cells(app)
        _, verdicts = find(cells, "Verdict")
        for text in ("Verdict", "✗", "What it takes"):  # ✗ 3 failing, ✗ NOT ELIGIBLE (3) from 120 columns
            cell = text_cell(cells, text, y=verdicts)
            assert cell.contrast >= VISIBLE, (text, cell)


@pytest.mark.one_size
async def test_the_verdict_and_the_notices_read_on_their_colour(draft, lot1, ansi16, xdg, size):
    """The verdict bar and the notices are on the status colour itself with an ANSI theme (an ANSI colour
    cannot be mixed at 40% or 30% with the background): their text was the terminal's default colour, light
    grey, on green 1.3:1 and on yellow 2.3:1 (1.3:1 in xterm's palette). Black on green and on yellow,
    bright white on red."""
    (xdg / "planner" / "themes").mkdir()
    (xdg / "planner" / "themes" / "broken.toml").write_text("name = \n", encoding="utf-8")  # a warning at start
    app, _ = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "Some settings were not loaded" in screen_text(app), "the warning")
        cells = screen_cells(app)
        for text in ("✓ ELIGIBLE", "Some settings were not loaded"):
            cell = text_cell(cells, text)
            assert cell.bg is not None and cell.contrast >= VISIBLE, (text, cell)

    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await through_path_prompt(pilot, "w", draft.parent / "no-such-folder" / "plan.toml")
        await wait_for(pilot, lambda: "Not saved" in screen_text(app), "the error")
        cells = screen_cells(app)
        for text in ("✗ NOT ELIGIBLE", "Not saved"):
            cell = text_cell(cells, text)
            assert cell.bg is not None and cell.contrast >= VISIBLE, (text, cell)


# --- a terminal of 16 colours starts in ansi-16 ---------------------------------------------------


async def test_a_terminal_of_16_colours_starts_in_ansi_16(draft, monkeypatch):
    """planner-dark's colours rounded to the nearest of 16 (what Textual's console does): an orange WARN and
    a red FAIL both bright red, green PASS cyan, the frames of the panes without the focus black on black
    (their grey, 1.04:1 over the background even in 24-bit colour), the verdict bar grey."""
    sixteen_colours(monkeypatch)
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert app.theme == "ansi-16"
        await pilot.press("3")
        cells = screen_cells(app)
        scoreboard = app.query_one("#scoreboard").region
        warn, fail = (text_cell(cells, word, x=scoreboard.x, y=scoreboard.y + 3) for word in ("! WARN", "✗ FAIL"))
        assert warn.fg != fail.fg, (warn, fail)
        corner = cells[app.query_one("#lot-pane").region.y][app.query_one("#lot-pane").region.x]
        assert corner.contrast >= VISIBLE, corner
        verdict = text_cell(cells, "✗ NOT ELIGIBLE")
        assert verdict.bg in (1, 9), verdict  # red


@pytest.mark.parametrize("remembered", ["planner-light", "high-contrast"])
async def test_a_remembered_theme_of_24_bit_colours_is_drawn_as_ansi_16_and_kept(draft, xdg, monkeypatch, remembered):
    sixteen_colours(monkeypatch)
    config = xdg / "planner" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'theme = "{remembered}"\n', encoding="utf-8")
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == "ansi-16"
        app.theme = remembered  # the palette still offers every theme, for the session and the next one
        await wait_for(pilot, lambda: app.theme == remembered, "the theme")
    assert config.read_text(encoding="utf-8") == f'theme = "{remembered}"\n'


async def test_an_ansi_theme_of_the_users_own_is_kept(draft, xdg, monkeypatch):
    sixteen_colours(monkeypatch)
    (xdg / "planner" / "themes").mkdir(parents=True)
    (xdg / "planner" / "themes" / "mine.toml").write_text(
        'name = "mine"\nansi = true\nprimary = "ansi_magenta"\n', encoding="utf-8")
    (xdg / "planner" / "config.toml").write_text('theme = "mine"\n', encoding="utf-8")
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == "mine"


@pytest.mark.parametrize("system", ["256", "truecolor"])
async def test_a_terminal_of_more_colours_keeps_the_default_theme(draft, monkeypatch, system):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.console.color_system == system
        assert app.theme == DEFAULT_THEME


@pytest.mark.one_size
async def test_the_command_palettes_lines_show(draft, size, monkeypatch):
    """ctrl+p: Textual draws the palette's lines (above and under its field, under its list) in black,
    and with an ANSI theme nothing under it: on a dark terminal the palette ran into the screen under it."""
    sixteen_colours(monkeypatch)
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await type_text(pilot, "theme", done=lambda: "Change the current theme" in screen_text(app))
        cells = screen_cells(app)
        for line in ("▔", "▁"):
            cell = text_cell(cells, line * 3)
            assert cell.contrast >= VISIBLE, (line, cell)
        _, under = find(cells, "Change the current theme")
        assert row_text(cells, under + 1).strip(" ▁") == "", "a line under the list"
