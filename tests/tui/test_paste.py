"""Pasting into the planner's one-line fields (widgets/live.py, TextField): text copied from a document or a
spreadsheet often holds tabs and line breaks. Textual's Input kept only the first line and wrote a tab as the
four characters \\x09; the planner's fields take the whole paste as one line."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual import events
from textual.widgets import Input

from planner.tui.screens.budget import BudgetScreen
from planner.tui.screens.budget_forms import WorkPackageForm
from planner.tui.screens.partner_form import PartnerForm

from .helpers import SAMPLES, make_app, ready, wait_for, wait_screen

PASTED = "Dissemination\tand exploitation\r\nof results\n"


async def test_a_pasted_title_with_a_tab_and_a_line_break_is_one_line_and_whole(tmp_path: Path) -> None:
    path = Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "plan.toml"))
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await wait_screen(pilot, BudgetScreen)
        await pilot.press("a")
        form = await wait_screen(pilot, WorkPackageForm)
        await pilot.press("tab")  # the id offered, then the title
        title = form.query_one("#wp-title", Input)
        assert app.focused is title
        title.post_message(events.Paste(PASTED))
        await wait_for(pilot, lambda: title.value, "the paste")
        assert title.value == "Dissemination and exploitation of results"
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert app.document.plan.work_packages[-1].title == "Dissemination and exploitation of results"


async def test_a_pasted_name_in_the_partner_form_replaces_the_selection_as_one_line(tmp_path: Path) -> None:
    path = Path(shutil.copyfile(SAMPLES / "lot1-example.toml", tmp_path / "plan.toml"))
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # the first partner: its legal name selected in full
        form = await wait_screen(pilot, PartnerForm)
        name = form.query_one("#name", Input)
        assert app.focused is name
        name.select_all()
        name.post_message(events.Paste("Hochschule\nNordhafen\tgGmbH"))
        await wait_for(pilot, lambda: name.value == "Hochschule Nordhafen gGmbH", "the paste")
