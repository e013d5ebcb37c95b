"""The hostile corpus (tests/hostile_corpus.py) through the TUI, as a user meets it: ctrl+o on each plan,
`i` on each CSV, and each plan opened at start. Every file gives a notification or opens; the app keeps
running, nothing is overwritten, no control character reaches the screen, within a few seconds each."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from hostile_corpus import ENTRIES, write_corpus
from planner.errors import PlanError
from planner.tui.app import open_document
from planner.tui.screens.dialogs import PathPrompt
from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.importing import ImportScreen

from .helpers import make_app, post_keys, ready, wait_for, wait_main, wait_screen

TYPABLE = {name for name, entry in ENTRIES.items() if "\x1b" not in entry.file and "\x07" not in entry.file}


def _no_control_drawn(app) -> None:
    """What the screen draws (as the snapshot tests see it) holds no ESC and no BEL."""
    drawn = app.export_screenshot()
    assert "\x1b" not in drawn and "\x07" not in drawn


@pytest.fixture
def corpus(tmp_path: Path) -> dict[str, Path]:
    return write_corpus(tmp_path / "corpus")


PLANS = [name for name, entry in ENTRIES.items() if entry.kind == "plan" and name in TYPABLE]
CSVS = [name for name, entry in ENTRIES.items() if entry.kind == "csv" and name in TYPABLE]
PARTS = 3  # each test opens every third file of its kind in one session: three the workers can share


def test_each_part_holds_files_that_open_and_files_that_are_refused() -> None:
    for names in (PLANS, CSVS):
        for part in range(PARTS):
            some = names[part::PARTS]
            assert any(ENTRIES[n].valid for n in some) and not all(ENTRIES[n].valid for n in some), some


@pytest.mark.parametrize("part", range(PARTS))
async def test_ctrl_o_on_every_hostile_plan_opens_it_or_says_why(draft: Path, corpus: dict[str, Path],
                                                                  part: int) -> None:
    plans = PLANS[part::PARTS]
    before = {name: corpus[name].read_bytes() for name in plans}
    app, notes = make_app(draft)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        for name in plans:
            entry, path = ENTRIES[name], corpus[name]
            current, seen = app.document, len(notes)
            post_keys(app, ["ctrl+o", "ctrl+l"])
            view = await wait_screen(pilot, FolderScreen)
            field = view.query_one("#folder-path", Input)
            await wait_for(pilot, lambda: view.focused is field, "the folder field")
            field.value = str(path)  # typed or pasted: the path as the user has it
            post_keys(app, ["enter"])
            if entry.valid:
                await wait_for(pilot, lambda: app.document is not current, f"{name} to open")
                await wait_main(pilot)
                assert app.document.path == path
            else:
                await wait_for(pilot, lambda: len(notes) > seen, f"a message for {name}")
                assert app.screen is view  # refused: the folder view stays, to choose another
                post_keys(app, ["escape"])
                await wait_main(pilot)
                assert app.document is current, name  # the plan the user had stays
                message = notes[-1].message
                assert notes[-1].severity == "error" and path.name in message, (name, message)
                assert entry.place in message, (name, entry.place, message)
                assert "Traceback" not in message
            assert app.is_running
            _no_control_drawn(app)
    assert {name: corpus[name].read_bytes() for name in plans} == before  # nothing overwritten


@pytest.mark.parametrize("name", sorted(n for n, e in ENTRIES.items() if e.kind == "plan"))
def test_every_hostile_plan_at_start_opens_or_is_refused_with_the_place(corpus: dict[str, Path], name: str) -> None:
    """`planner PLAN` opens the document with open_document before the screen starts (cli.run)."""
    entry, path = ENTRIES[name], corpus[name]
    if entry.valid:
        assert open_document(path).plan is not None
    else:
        with pytest.raises(PlanError) as info:
            open_document(path)
        assert entry.place in str(info.value)


@pytest.mark.parametrize("part", range(PARTS))
async def test_import_every_hostile_csv_previews_or_says_why(draft: Path, corpus: dict[str, Path], part: int) -> None:
    csvs = CSVS[part::PARTS]
    plan_bytes = draft.read_bytes()
    app, notes = make_app(draft)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        original = app.document.plan
        for name in csvs:
            entry, path = ENTRIES[name], corpus[name]
            seen = len(notes)
            post_keys(app, ["i"])
            prompt = await wait_screen(pilot, PathPrompt)
            prompt.query_one("Input").value = str(path)
            post_keys(app, ["enter"])
            if entry.valid:
                screen = await wait_screen(pilot, ImportScreen)
                _no_control_drawn(app)
                post_keys(app, ["escape"])  # the preview changes nothing until the user adds
                await wait_main(pilot)
                assert screen is not app.screen
            else:
                await wait_for(pilot, lambda: len(notes) > seen, f"a message for {name}")
                await wait_main(pilot)
                assert path.name in notes[-1].message and entry.place in notes[-1].message, notes[-1].message
            assert app.is_running and app.document.plan == original
    assert draft.read_bytes() == plan_bytes


async def test_the_folder_view_of_the_corpus_lists_every_plan_and_draws_no_control(corpus: dict[str, Path]) -> None:
    from planner.tui.app import PlannerApp
    from planner.tui.screens.folder import PlansTable

    folder = next(iter(corpus.values())).parent
    app = PlannerApp(open_document(None), folder=folder)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: view.entries, "the corpus listed")
        listed = {e.name for e in view.entries}
        assert listed == {p.name for p in folder.iterdir() if p.name.endswith(".toml") and not p.name.startswith(".")}
        valid = {p.name for n, p in corpus.items() if ENTRIES[n].kind == "plan" and ENTRIES[n].valid}
        assert {e.name for e in view.entries if e.error is None} == valid & listed
        for row in range(view.query_one(PlansTable).row_count):  # each plan's line under the table too
            view.query_one(PlansTable).move_cursor(row=row)
            await pilot.pause()
            _no_control_drawn(app)
