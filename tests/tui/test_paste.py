"""Pasting into the planner's one-line fields (widgets/live.py, TextField): text copied from a document or a
spreadsheet often holds tabs and line breaks. Textual's Input kept only the first line and wrote a tab as the
four characters \\x09; the planner's fields take the whole paste as one line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from textual import events
from textual.widgets import Input

from planner.tui.screens.budget import BudgetScreen
from planner.tui.screens.budget_forms import WorkPackageForm
from planner.tui.screens.partner_form import PartnerForm

from .helpers import SAMPLES, choose, make_app, open_screen, ready, static_text, type_text, wait_for, wait_screen

PASTED = "Dissemination\tand exploitation\r\nof results\n"


async def test_a_pasted_title_with_a_tab_and_a_line_break_is_one_line_and_whole(tmp_path: Path) -> None:
    path = Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "plan.toml"))
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await open_screen(pilot, "b", BudgetScreen)
        form = await open_screen(pilot, "a", WorkPackageForm)
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


def under(form, field: str) -> str:
    """The line under a field of the form as shown (wrapped lines joined), "" while it is hidden."""
    line = form.query_one(f"#error-{field}")
    return re.sub(r"\s+", " ", static_text(form, f"#error-{field}")) if line.region.height else ""


async def test_a_name_and_a_pic_pasted_from_a_document_are_read_as_the_plan_writes_them(tmp_path: Path) -> None:
    """A name copied from a web page often carries a bidi control or a zero-width space unseen, which the
    plan refuses in names; a PIC is written '999 500 004' in documents, which the digits-only field
    dropped whole with a bell. Both are taken in the plan's form, and the form says what it did."""
    path = Path(shutil.copyfile(SAMPLES / "lot1-example.toml", tmp_path / "plan.toml"))
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = len(app.document.plan.partners)
        form = await open_screen(pilot, "a", PartnerForm)
        name = form.query_one("#name", Input)
        assert app.focused is name
        name.post_message(events.Paste("Hochschule\u202e Nordhafen\u200b"))
        await wait_for(pilot, lambda: name.value == "Hochschule Nordhafen", "the name without its invisible characters")
        await wait_for(pilot, lambda: "· left out of the paste: bidirectional control U+202E, invisible character "
                       "U+200B (not allowed in names)" in under(form, "name"), "the note under the name")
        await pilot.press("tab", "tab")
        pic = form.query_one("#pic", Input)
        assert app.focused is pic
        await type_text(pilot, "123", done=lambda: pic.value == "123")
        pic.post_message(events.Paste("PIC: 999 500 004\n"))  # the whole PIC, in place of the digits typed
        await wait_for(pilot, lambda: pic.value == "999500004", "the PIC's digits")
        await wait_for(pilot, lambda: "· read as PIC 999500004" in under(form, "pic"), "the note under the PIC")
        pic.post_message(events.Paste("tel. +49 30 1234"))  # no PIC in it: refused, said
        await wait_for(pilot, lambda: "· not pasted: 'tel. +49 30 1234' is not a PIC (9 digits)" in under(form, "pic"),
                       "the refusal")
        assert pic.value == "999500004"
        await pilot.press("tab")
        await choose(pilot, "germ")
        await pilot.press("tab")
        await choose(pilot, "univ")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.document.plan.partners) == before + 1, "the partner saved")
        added = app.document.plan.partners[-1]
        assert (added.name, added.pic) == ("Hochschule Nordhafen", "999500004")


async def test_a_title_copied_from_a_coloured_terminal_is_pasted_without_its_colour_codes(tmp_path: Path) -> None:
    """Textual's Input wrote ESC as the four characters \\x1b: 'Hello \\x1b[31mred' for 'Hello red'."""
    from planner.tui.screens.plan_details import PlanDetails

    path = Path(shutil.copyfile(SAMPLES / "lot1-example.toml", tmp_path / "plan.toml"))
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        details = await open_screen(pilot, "t", PlanDetails)
        title = details.query_one("#title", Input)
        title.select_all()
        title.post_message(events.Paste("Circular \x1b[1;31mSkills\x1b[0m for\x07 SMEs\x1b]0;x\x07"))
        await wait_for(pilot, lambda: title.value == "Circular Skills for SMEs", "the paste without its codes")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.document.plan.title == "Circular Skills for SMEs", "the title saved")
