"""Without colour (NO_COLOR set): every cursor, in the tables and in the lists, is drawn in reverse video,
the one mark of the highlighted row that a monochrome terminal shows (planner.tcss, `App:nocolor`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.filter import NoColor
from textual.widgets import DataTable, OptionList

from planner.tui.screens.content import ContentScreen
from planner.tui.screens.importing import ImportScreen
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.screens.pick import PickDialog
from planner.tui.widgets.choice_list import ChoiceList
from planner.tui.widgets.partners import PartnersTable
from planner.tui.widgets.scoreboard import RulesTable

from .helpers import (
    SAMPLES,
    ask_to_import,
    country_matches,
    make_app,
    open_screen,
    ready,
    type_text,
    wait_for,
    wait_screen,
)


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the Lot 2 sample, opened without colour (Textual reads NO_COLOR as the app starts)."""
    monkeypatch.setenv("NO_COLOR", "1")
    return Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "plan.toml"))


def in_reverse(app, widget) -> list[str]:
    """The lines of the screen where `widget` is, as drawn, keeping only what is in reverse video there
    (the rest as spaces)."""
    lines = []
    region = widget.region
    for strip in app.screen._compositor.render_strips()[region.y:region.bottom]:
        line = "".join(s.text if s.style is not None and s.style.reverse else " " * cell_len(s.text)
                       for s in strip if not s.control)
        lines.append(line[region.x:region.right])
    return lines


def shown_in_reverse(app, widget, text: str) -> bool:
    return any(text in line for line in in_reverse(app, widget))


def option_text(options: OptionList, index: int) -> str:
    return str(options.get_option_at_index(index).prompt)


async def assert_list_cursor(pilot, options: OptionList, index: int) -> None:
    """The option at `index` is the highlighted one, in reverse video; no other option of the list is.
    (The list drawn first: on a loaded machine it was read once a frame before its options were.)"""
    app = pilot.app
    assert options.highlighted == index, (options.id, options.highlighted)
    text = option_text(options, index)
    await wait_for(pilot, lambda: shown_in_reverse(app, options, text), f"{text!r} in reverse")
    others = [option_text(options, i) for i in range(options.option_count) if i != index]
    assert not [o for o in others if shown_in_reverse(app, options, o)]


def assert_table_cursor(app, table: DataTable, column: int) -> None:
    """The row under the table's cursor is in reverse video (its cell `column`); no other row is."""
    cells = [str(table.get_row_at(r)[column]).strip() for r in range(table.row_count)]
    assert shown_in_reverse(app, table, cells[table.cursor_row]), in_reverse(app, table)
    assert not [c for r, c in enumerate(cells) if r != table.cursor_row and c and shown_in_reverse(app, table, c)]


@pytest.mark.one_size
async def test_the_lot_panes_lists_show_their_cursor_in_reverse_as_the_tables_do(plan, size):
    app, _ = make_app(plan)
    assert app.no_color
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        table = app.query_one(PartnersTable)
        await pilot.press("1", "down")
        assert table.cursor_row == 1
        assert_table_cursor(app, table, 0)  # the short name

        await pilot.press("2")
        scenario = app.query_one("#scenario", ChoiceList)
        assert app.focused is scenario
        start = scenario.highlighted or 0
        await pilot.press("down")
        await assert_list_cursor(pilot, scenario, start + 1)

        await pilot.press("tab")
        ecosystems = app.query_one("#ecosystems", ChoiceList)
        assert app.focused is ecosystems
        start = ecosystems.highlighted or 0
        await pilot.press("down", "down")
        await assert_list_cursor(pilot, ecosystems, start + 2)

        await pilot.press("3", "down")
        rules = app.query_one(RulesTable)
        assert app.focused is rules and rules.cursor_row == 1
        assert_table_cursor(app, rules, 1)  # the rule's name


@pytest.mark.one_size
async def test_the_content_screens_table_and_list_show_their_cursor_in_reverse(plan, size):
    app, _ = make_app(plan)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "p", ContentScreen)
        profiles = screen.query_one("#profiles", DataTable)
        await pilot.press("down")
        assert app.focused is profiles and profiles.cursor_row == 1
        assert_table_cursor(app, profiles, 0)

        await pilot.press("tab", "down")
        activities = screen.query_one("#activities", ChoiceList)
        assert app.focused is activities
        await assert_list_cursor(pilot, activities, 1)


@pytest.mark.one_size
async def test_a_pickers_highlighted_match_shows_in_reverse(plan, size):
    app, _ = make_app(plan)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        _, matches = await country_matches(pilot)
        await assert_list_cursor(pilot, matches, 0)
        await pilot.press("down")
        await wait_for(pilot, lambda: matches.highlighted == 1, "the next match highlighted")
        await assert_list_cursor(pilot, matches, 1)


@pytest.mark.one_size
async def test_the_partner_forms_known_organisations_show_their_cursor_in_reverse(plan, size):
    app, _ = make_app(plan.with_name("new.toml"))  # beside the sample: its partners are offered
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        known = form.query_one("#known", OptionList)
        await type_text(pilot, "vest", done=lambda: known.display and known.option_count >= 2)
        await wait_for(pilot, lambda: known.highlighted is not None, "an organisation highlighted")
        start = known.highlighted or 0
        await assert_list_cursor(pilot, known, start)
        await pilot.press("down")  # in the legal name: the next organisation of the list
        await wait_for(pilot, lambda: known.highlighted == start + 1, "the next organisation highlighted")
        await assert_list_cursor(pilot, known, start + 1)


@pytest.mark.one_size
async def test_the_pick_dialogs_rows_to_fill_show_their_cursor_in_reverse(plan, tmp_path, size):
    source = tmp_path / "partners.csv"
    source.write_text("Organisation;Acronym;Country;Type\nCollege One;C1;Ireland;college\n"
                      "College Two;C2;Malta;College\n", encoding="utf-8")
    app, _ = make_app(plan)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        await pilot.press("k")  # a kind for the row: 'college' may mean two kinds
        dialog = await wait_screen(pilot, PickDialog)
        scopes = dialog.query_one("#scope", OptionList)
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is scopes, "the rows to fill focused")
        await assert_list_cursor(pilot, scopes, 0)
        await pilot.press("down")
        await wait_for(pilot, lambda: scopes.highlighted == 1, "every row that says it highlighted")
        await assert_list_cursor(pilot, scopes, 1)
        assert screen.is_attached


def same_colour_words(app) -> list[str]:
    """The words drawn in the same colour as their background (the terminal's default colours apart)."""
    found = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            if segment.text.strip() and style is not None and style.color is not None \
                    and not style.color.is_default and style.color == style.bgcolor and not style.reverse:
                found.append(segment.text.strip())
    return found


@pytest.mark.one_size
async def test_the_ansi_16_theme_keeps_the_terminals_own_colours(plan, xdg, size):
    """Textual chooses what NO_COLOR does when the app is made, before the planner sets its theme: for a
    theme of 24-bit colours Monochrome, which turns the terminal's default colour black. With ansi-16 (in
    config.toml or from the palette) every word was black on black. An ANSI theme takes Textual's NoColor:
    the terminal's own colours, as when Textual starts in one; the others keep Monochrome."""
    (xdg / "planner").mkdir(parents=True)
    (xdg / "planner" / "config.toml").write_text('theme = "ansi-16"\n', encoding="utf-8")
    app, _ = make_app(plan)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.theme == "ansi-16"
        assert same_colour_words(app) == []
        await pilot.press("3", "down")
        assert_table_cursor(app, app.query_one(RulesTable), 1)
        app.theme = "planner-dark"
        await pilot.pause()
        assert not [f for f in app._filters if isinstance(f, NoColor)]
        app.theme = "ansi-16"
        await pilot.pause()
        assert same_colour_words(app) == []
        assert_table_cursor(app, app.query_one(RulesTable), 1)


async def test_the_focused_field_of_a_form_is_marked_without_colour(plan: Path) -> None:
    """Without colour the focused field's ▊ and the others' were alike: only the blinking text cursor told
    them apart. The focused one now begins with a full block, and the others keep their ▊."""
    from textual.widgets import Input

    app, _ = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "enter", PartnerForm)
        name, short = form.query_one("#name", Input), form.query_one("#short_name", Input)
        await wait_for(pilot, lambda: name.has_focus, "the name in focus")

        def first_cell(widget) -> str:
            strip = app.screen._compositor.render_strips()[widget.region.y]
            return "".join(s.text for s in strip if not s.control)[widget.region.x]

        await wait_for(pilot, lambda: first_cell(name) == "█", "a full block beside the field in focus")
        assert first_cell(short) == "▊"
        await pilot.press("tab")
        await wait_for(pilot, lambda: first_cell(short) == "█" and first_cell(name) == "▊", "the mark moves")
