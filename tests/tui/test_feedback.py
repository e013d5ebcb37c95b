"""Feedback that names things, and the plan details dialog, driven with keys as a user would."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from planner.storage import load_plan
from planner.tui.screens.compare import CompareScreen
from planner.tui.screens.dialogs import PathPrompt
from planner.tui.screens.plan_details import PlanDetails
from planner.tui.widgets.picker import Picker

from .helpers import (
    make_app, ready, replace_text, static_text, type_text, verdict, wait_for, wait_main, wait_screen,
)


async def test_edits_undo_and_redo_say_what_changed(draft):
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        last = app.document.plan.partners[0].label
        await pilot.press("d")
        await wait_for(pilot, lambda: len(app.screen_stack) == 2, "the question")
        await pilot.click("#choice-remove")
        await wait_main(pilot)
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 10, "the removal")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: any(n.message.startswith("Undone:") for n in notes), "the undo toast")
        assert any(n.message.startswith(f"Undone: removed {last}") for n in notes), [n.message for n in notes]
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: any(n.message.startswith(f"Redone: removed {last}") for n in notes), "redo")
        await pilot.press("l")
        await wait_for(pilot, lambda: any(n.message.startswith("Lot 2 → Lot 1") for n in notes), "the lot toast")

        # an edit through the form names the partner
        await pilot.press("home", "enter")
        await wait_for(pilot, lambda: len(app.screen_stack) == 2, "the form")
        label = app.document.plan.partners[0].label
        await replace_text(pilot, "Renamed Institute")
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: any(n.message == f"Edited {label}" for n in notes), "the edit toast")


async def test_verdict_names_its_warnings_and_an_empty_plan_says_a_adds(tmp_path, lot1):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        hint = app.query_one("#empty-hint")
        assert hint.display and "a" in static_text(app, "#empty-hint")
        assert "press a to add a partner" in static_text(app, "#empty-hint")
    text = lot1.read_text(encoding="utf-8").replace("grant_eur = 186000", "grant_eur = 100000")
    lot1.write_text(text, encoding="utf-8")
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert not app.query_one("#empty-hint").display
        assert app.board.get("grant").status == "warn"
        assert "· 1 warning: grant shares" in verdict(app)


async def test_comparison_gives_the_reason_in_failing_cells(draft):
    text = draft.read_text(encoding="utf-8")
    import re
    draft.write_text(re.sub(r"requested_grant_eur = \d+", "requested_grant_eur = 3950000", text), encoding="utf-8")
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = await wait_screen(pilot, CompareScreen)
        table = screen.query_one("#comparison")
        grant = [str(table.get_cell("grant", str(i))) for i in range(len(screen.boards))]
        assert "FAIL EUR 3.9M > 1.5M cap" in grant
        assert "FAIL EUR 3.9M > 1M cap" in grant
        verdicts = [str(table.get_cell("verdict", str(i))) for i in range(len(screen.boards))]
        lot1_36 = next(i for i, b in enumerate(screen.boards) if (b.lot, b.duration_months) == (1, 36))
        assert "grant" in verdicts[lot1_36] and verdicts[lot1_36].startswith("✗ NOT ELIGIBLE: ")


async def test_plan_details_dialog_by_key_and_palette(draft):
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        assert details.query_one("#title", Input).value == app.document.plan.title
        await replace_text(pilot, "A Better Title")
        await pilot.press("tab")
        await replace_text(pilot, "BETTER")
        await pilot.press("tab")
        call = details.query_one("#call", Picker)
        assert app.focused is call.input
        assert {i.id for i in call.items} >= {"2024", "2025"}
        await type_text(pilot, "2025", done=lambda: call.value == "2025")
        await pilot.press("tab")
        duration = details.query_one("#duration", Picker)
        await type_text(pilot, "48", done=lambda: duration.value == "48")
        await pilot.press("tab")
        assert isinstance(app.focused, TextArea)
        await type_text(pilot, "Some notes", done=lambda: "Some notes" in app.focused.text)
        await pilot.press("ctrl+s")
        await wait_main(pilot)
        plan = app.document.plan
        assert (plan.title, plan.acronym, plan.call, plan.duration_months) == (
            "A Better Title", "BETTER", "2025", 48)
        assert "Some notes" in plan.notes
        assert app.document.rules.id == "2025"
        assert app.sub_title == "BETTER"
        assert any(n.message.startswith("Plan details (title, acronym, call, notes)") for n in notes)
        # undo goes back to the old call and its rules
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.rules.id == "2024", "the old call's rules")

        # the palette finds it as "Plan details"
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Plan details" in commands
        quit_help = next(c.help for c in app.get_system_commands(app.screen) if c.title == "Quit")
        assert "asks first" in quit_help and "as soon as possible" not in quit_help
        assert any(keys == "t" and "plan details" in what for keys, what in app.key_help())


async def test_a_new_plan_asks_its_title_on_the_first_save(tmp_path):
    target = tmp_path / "mine.toml"
    app, _ = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+s")
        details = await wait_screen(pilot, PlanDetails)
        assert details.query_one("#title", Input).value == ""  # not the placeholder
        await pilot.press("enter")  # no title: refused, stays open
        await wait_for(pilot, lambda: static_text(details, "#error-title"), "the title error")
        assert app.screen is details
        await type_text(pilot, "Green Skills Alliance")
        await pilot.press("enter")
        prompt = await wait_screen(pilot, PathPrompt)
        await replace_text(pilot, str(target))
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, target.exists, "the file")
    assert load_plan(target).title == "Green Skills Alliance"
    assert "Untitled" not in target.read_text(encoding="utf-8")
