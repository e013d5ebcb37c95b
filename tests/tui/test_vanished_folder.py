"""The plan's folder deleted while it is open: the edits are kept in the state folder, the user is told
where, and ctrl+s asks where to save it instead."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input

from planner import recovery
from planner.storage import load_plan
from planner.tui.screens.dialogs import PathPrompt

from .helpers import make_app, ready, replace_text, wait_for, wait_screen


async def test_edits_survive_a_deleted_folder_and_save_elsewhere(tmp_path: Path) -> None:
    folder, other = tmp_path / "work", tmp_path / "other"
    folder.mkdir()
    other.mkdir()
    shutil.copyfile(Path(__file__).resolve().parents[2] / "samples" / "lot1-example.toml", folder / "plan.toml")
    app, notes = make_app(folder / "plan.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        lot = app.document.plan.lot
        shutil.rmtree(folder)
        await pilot.press("l")  # an edit, with nowhere beside the plan to keep it
        await wait_for(pilot, lambda: any("folder is gone" in n.message for n in notes), "the folder's note")
        said = next(n.message for n in notes if "folder is gone" in n.message)
        kept = recovery.in_state_dir(folder / "plan.toml")
        assert str(kept) in said and "save as" in said
        assert recovery.recovered_plan(recovery.read_holder(kept)).lot != lot
        await pilot.press("ctrl+s")
        prompt = await wait_screen(pilot, PathPrompt)
        await replace_text(pilot, str(other / "plan.toml"))
        await wait_for(pilot, lambda: prompt.query_one("#path", Input).value == str(other / "plan.toml"), "typed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.document.dirty, "the save")
        assert app.document.path == other / "plan.toml" and load_plan(other / "plan.toml").lot != lot
        await wait_for(pilot, lambda: not kept.exists(), "the state folder's copy dropped once saved")
