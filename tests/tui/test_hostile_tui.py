"""Hostile text and files in the TUI: names are shown as text, never obeyed; no crash, no hang.

A partner may mail a plan whose names hold markup ([/], [link=...], [@click=app.quit]) or terminal
escape sequences (OSC 52 writes the clipboard, OSC 0 the window title). The TUI shows them as they are
written, and no key, click or dialog makes them do anything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from planner import editing
from planner.document import Document
from planner.model import Plan
from planner.storage import load_plan, save_plan
from planner.tui.app import PlannerApp, open_document
from planner.tui.screens.budget import BudgetScreen
from planner.tui.screens.dialogs import Choice, PathPrompt
from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.importing import ImportScreen
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.widgets.partners import PartnersTable

from .helpers import (
    SAMPLES,
    ask_to_import,
    focus,
    import_rows,
    lot_switched,
    make_app,
    open_share_form,
    ready,
    replace_text,
    saved_with_ctrl_s,
    screen_text,
    shown_toasts,
    static_text,
    through_path_prompt,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
)

NAME, SHORT = ([c.key for c in PartnersTable.COLUMNS].index(k) for k in ("name", "short"))
# (legal name, short name) given to the first partners of the Lot 1 sample
HOSTILE = [
    ("ACME [de] GmbH", "ACME"),
    ("Foo [/] Bar", "[@click=app.quit]Q[/]"),
    ("[link=https://example.com/x]Linked[/link] SA", "[b]LNK"),
]
OSC52 = "\x1b]52;c;SGVsbG8=\x07"  # "write Hello to the clipboard"
OSC0 = "\x1b]0;pwned\x07"  # "call the window pwned"


def hostile_plan(names: list[tuple[str, str]] = HOSTILE) -> Plan:
    plan = load_plan(SAMPLES / "lot1-example.toml")
    for i, (name, short) in enumerate(names):
        # replace_partner follows the rename in affiliated_to; model_copy: the names go in as they are
        plan = editing.replace_partner(plan, i, plan.partners[i].model_copy(update={"name": name, "short_name": short}))
    return plan


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    save_plan(hostile_plan(), path)
    return path


def cells(app, row: int) -> list[str]:
    return [str(cell) for cell in app.query_one(PartnersTable).get_row_at(row)]


def question(screen) -> str:
    return str(screen.query_one(".question", Static).render())


def toasts(app) -> list[str]:
    return [str(toast.render()) for toast in shown_toasts(app)]


async def test_markup_in_names_opens_and_shows_literally_in_the_table_and_the_remove_dialog(hostile, size):
    app, notes = make_app(hostile)
    async with app.run_test(size=size, notifications=True) as pilot:  # toasts drawn, as for a user
        await ready(pilot)  # "Foo [/] Bar" used to crash here (MarkupError)
        for row, (name, short) in enumerate(HOSTILE):
            assert cells(app, row)[NAME] == name  # "ACME [de] GmbH", not "ACME  GmbH"
            assert cells(app, row)[SHORT] == short
        plan = app.document.plan

        for row, (name, short) in enumerate(HOSTILE):
            app.query_one(PartnersTable).move_cursor(row=row)
            await pilot.press("d")  # the [link=...] name used to crash this dialog
            dialog = await wait_screen(pilot, Choice)
            assert f"Remove {short} ({name}) from the plan?" in question(dialog)
            await pilot.press("escape")
            await wait_main(pilot)
        assert app.document.plan == plan

        app.query_one(PartnersTable).move_cursor(row=0)
        await pilot.press("d")
        await wait_screen(pilot, Choice)
        await pilot.click("#choice-remove")
        await wait_main(pilot)
        assert [p.name for p in app.document.plan.partners][:2] == [HOSTILE[1][0], HOSTILE[2][0]]
        await wait_for(pilot, lambda: any("Removed ACME" in t for t in toasts(app)), "the toast")
        # the planner's own notification is literal: the name's brackets stay
        assert any("Removed ACME (ctrl+z undoes)" == n.message for n in notes)
        assert app.return_code is None


async def test_clicking_or_pressing_on_a_click_markup_name_does_nothing(hostile):
    app, _ = make_app(hostile)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        table = app.query_one(PartnersTable)
        # the cell is plain text: no style in it carries an action
        cell = table.get_row_at(1)[SHORT]
        assert not any(span.style and getattr(span.style, "meta", None) for span in cell.spans)
        assert await pilot.click(PartnersTable, offset=(2, 2))  # row 1 (under the header): the short name
        await wait_for(pilot, lambda: table.cursor_row == 1, "the click to move the cursor")
        await pilot.click(PartnersTable, offset=(2, 2))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert len(app.screen_stack) in (1, 2)  # at most the partner form, never an exit
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.is_running and app.return_code is None


async def test_escape_sequences_in_names_show_as_visible_escapes_and_never_reach_the_output(tmp_path):
    # built in memory: the loader refuses control characters; an escape can still come from a file name
    plan = hostile_plan([("Evil " + OSC52 + " Ltd", "E" + OSC0)])
    path = tmp_path / ("plan" + OSC0 + ".toml")
    document = Document(plan, load_plan_rules(), path, plan)
    app = PlannerApp(document)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert cells(app, 0)[NAME] == "Evil \\x1b]52;c;SGVsbG8=\\x07 Ltd"
        assert cells(app, 0)[SHORT] == "E\\x1b]0;pwned\\x07"
        assert "\x1b" not in app.title and "\\x1b]0;pwned\\x07" in app.title
        await pilot.press("d")
        dialog = await wait_screen(pilot, Choice)
        assert "E\\x1b]0;pwned\\x07 (Evil \\x1b]52;c;SGVsbG8=\\x07 Ltd)" in question(dialog)
        assert_no_control_characters_drawn(app)
        await pilot.press("escape")
        await wait_main(pilot)
        assert_no_control_characters_drawn(app)
        assert "E\\x1b]0;pwned\\x07" in screen_text(app)  # what a user reads, escape visible

        # the partner form: an Input draws its value as it is, so the escapes arrive there visible
        await pilot.press("enter")
        form = await wait_screen(pilot, PartnerForm)
        assert form.query_one("#short_name", Input).value == "E\\x1b]0;pwned\\x07"
        assert_no_control_characters_drawn(app)
        # and one pasted into a field becomes visible text at once
        name = form.query_one("#name", Input)
        name.value = "Pasted " + OSC0
        await wait_for(pilot, lambda: name.value == "Pasted \\x1b]0;pwned\\x07", "the paste made visible")
        assert_no_control_characters_drawn(app)
        await pilot.press("escape")  # the form was changed: it asks first
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")  # Discard
        await wait_main(pilot)
        assert app.document.plan == plan  # cancelled: nothing changed


def load_plan_rules():
    from planner.rules import load_call

    return load_call("2024")


def assert_no_control_characters_drawn(app) -> None:
    """Every character of every segment the screen is made of (what the driver would write, minus the
    app's own colour codes): no ESC, no BEL."""
    drawn = "".join(segment.text for strip in app.screen._compositor.render_strips() for segment in strip)
    assert "\x1b" not in drawn and "\x07" not in drawn


async def test_markup_typed_into_the_grant_field_is_refused_with_a_reason(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        grant = app.document.plan.requested_grant_eur
        field = app.query_one("#grant", Input)
        await focus(pilot, field)
        await pilot.press("end")
        await type_text(pilot, "x[/]")  # used to crash the app, and the unsaved work with it
        hint = app.query_one("#grant-hint", Static)
        await wait_for(pilot, lambda: "x[/]" in str(hint.render()), "the hint to quote what was typed")
        typed = f"{grant:,}x[/]"
        assert field.value == typed
        assert f"✗ '{typed}' is not an amount in whole euros: the plan keeps EUR {grant:,}." == str(hint.render())
        assert app.document.plan.requested_grant_eur == grant
        field.value += "9" * 5000  # pasted: more digits than Python turns into an int
        await wait_for(pilot, lambda: "too long" in str(hint.render()), "the hint")
        assert app.document.plan.requested_grant_eur == grant and app.return_code is None


async def test_budget_share_that_would_not_load_is_refused_in_the_form(lot1, tmp_path):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        share = app.document.plan.partners[0].grant_eur
        _, form = await open_share_form(pilot)
        error = form.query_one("#share-error", Static)
        for typed, why in (("-5000", "is negative"), ("-", "is not an amount")):
            await replace_text(pilot, typed)
            await pilot.press("enter")
            await wait_for(pilot, lambda: error.display, "the error under the field")
            assert f"'{typed}' {why}" in str(error.render())
            assert f"the plan keeps EUR {share:,}" in str(error.render())
            assert app.screen is form and app.document.plan.partners[0].grant_eur == share
        await replace_text(pilot, "5000")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert app.document.plan.partners[0].grant_eur == 5000
        await pilot.press("escape")
        await wait_main(pilot)
        await saved_with_ctrl_s(pilot)
        assert load_plan(lot1) == app.document.plan


# --- enter never destroys -------------------------------------------------------------------------


async def test_enter_in_the_remove_dialog_keeps_the_partner(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        plan = app.document.plan
        await pilot.press("d")
        await wait_screen(pilot, Choice)
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.document.plan == plan


async def test_enter_when_quitting_with_unsaved_changes_keeps_them(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        on_disk = lot1.read_bytes()
        await lot_switched(pilot)
        edited = app.document.plan
        await pilot.press("ctrl+q")
        dialog = await wait_screen(pilot, Choice)
        assert app.focused is dialog.query_one("#choice-cancel")
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.is_running and app.return_code is None
        assert app.document.plan == edited and app.document.dirty and lot1.read_bytes() == on_disk


async def test_enter_when_the_file_changed_on_disk_keeps_the_other_version(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        theirs = lot1.read_text(encoding="utf-8").replace("CIRCLE-SME", "THEIRS")
        lot1.write_text(theirs, encoding="utf-8")
        await lot_switched(pilot)
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, Choice)
        assert "was saved by someone else" in question(dialog) and "THEIRS" in question(dialog)
        await pilot.press("enter")
        await wait_main(pilot)
        assert lot1.read_text(encoding="utf-8") == theirs and app.document.dirty


async def test_enter_when_save_as_names_an_existing_file_keeps_it(lot1, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text("keep me\n", encoding="utf-8")
    app, _ = make_app(lot1, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await through_path_prompt(pilot, "ctrl+s", other)
        dialog = await wait_screen(pilot, Choice)
        assert "exists. Replace it?" in question(dialog)
        await pilot.press("enter")
        await wait_main(pilot)
        assert other.read_text(encoding="utf-8") == "keep me\n"


# --- files that are not files ---------------------------------------------------------------------


def not_files(tmp_path: Path) -> list[tuple[Path, str]]:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    found = [(fifo, "is a pipe (FIFO)"), (folder, "is a folder")]
    if Path("/dev/zero").exists():
        found.append((Path("/dev/zero"), "is a device"))
    return found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
async def test_ctrl_o_on_a_fifo_a_folder_or_a_device_keeps_the_plan_at_once(lot1, tmp_path):
    app, notes = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        plan = app.document.plan
        for path, why in not_files(tmp_path):
            await pilot.press("ctrl+o", "ctrl+l")
            view = await wait_screen(pilot, FolderScreen)
            await replace_text(pilot, str(path))
            await pilot.press("enter")
            if path.is_dir():  # the folder view lists a folder typed in its path field
                await wait_for(pilot, lambda: view.folder == path, f"the folder view of {path}")
                await pilot.press("escape")
                await wait_main(pilot)
                continue
            # a blocking read would freeze the event loop: this wait would never end
            await wait_for(pilot, lambda: any(str(path) in n.message for n in notes), f"the note on {path}")
            note = next(n for n in notes if str(path) in n.message)
            assert why in note.message and note.title.startswith("Not opened") and note.severity == "error"
            assert app.document.plan is plan and app.document.path == lot1
            await pilot.press("escape")
            await wait_main(pilot)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
async def test_importing_from_a_fifo_or_a_folder_keeps_the_plan_at_once(lot1, tmp_path):
    app, notes = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        plan = app.document.plan
        for path, why in not_files(tmp_path):
            await ask_to_import(pilot, path)  # said in the prompt at once, nothing read (a FIFO would block)
            prompt = await wait_screen(pilot, PathPrompt)
            matches = prompt.query_one("#matches", Static)
            await wait_for(pilot, lambda: why in str(matches.render()), f"the reason for {path}")
            assert str(matches.render()).startswith(f"✗ {Path(path).name}: ")
            assert app.document.plan is plan
            await pilot.press("escape")
            await wait_main(pilot)


# --- the import preview and notifications ---------------------------------------------------------


async def test_csv_cells_with_markup_show_literally_in_the_import_preview(lot1, tmp_path):
    source = tmp_path / "odd [b].csv"
    source.write_text("name,short_name,country,kind,role\nFoo [/] Bar,[@click=app.quit]F[/],FR,sme,beneficiary\n"
                      "Baz [red]x,BZ,Atlantis,sme,beneficiary\n", encoding="utf-8")
    app, _ = make_app(lot1)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)  # "Foo [/] Bar" used to crash it
        assert source.name in static_text(screen, "#import-summary")  # a CutLines: as cut at its width
        rows = import_rows(screen)
        assert (rows[0]["name"], rows[0]["short"], rows[0]["kind"]) == ("Foo [/] Bar", "[@click=app.quit]F[/]",
                                                                       "Enterprise")  # "sme" is an alias
        assert rows[1]["name"] == "Baz [red]x" and "Atlantis" in rows[1]["note"]
        assert "Foo [/] Bar" in screen_text(app)  # drawn as it is, not read as markup
        await pilot.press("escape")
        await wait_main(pilot)


async def test_textual_own_notifications_keep_their_markup(lot1):
    app = PlannerApp(open_document(lot1))  # not make_app: its recorder must not stand between Textual and the app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: any("to quit the app" in t for t in toasts(app)), "Textual's hint")
        shown = next(t for t in toasts(app) if "to quit the app" in t)
        assert "Press ctrl+q to quit the app" in shown and "[b]" not in shown


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_starting_on_a_fifo_a_folder_or_a_device_says_why_and_reads_nothing(tmp_path, capsys):
    from planner.tui.app import run

    for path, why in not_files(tmp_path):
        assert run(str(path)) == 2  # before the app starts: a read here would block for ever
        err = capsys.readouterr().err
        assert err.startswith(f"planner: {path}: {why}") and "Traceback" not in err


async def test_paths_the_system_refuses_give_a_message_not_a_crash(lot1):
    app, notes = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        plan = app.document.plan
        too_long = "/tmp/" + "x" * 5000 + ".toml"
        app.open_path(Path(too_long))
        await wait_for(pilot, lambda: any("File name too long" in n.message for n in notes), "the open message")
        app._save_as(Path(too_long), None)
        await wait_for(pilot, lambda: any(n.title == "Not saved" for n in notes), "the save message")
        assert app.document.plan is plan and app.return_code is None and len(app.screen_stack) == 1
