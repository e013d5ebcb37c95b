"""Feedback that names things, and the plan details dialog, driven with keys as a user would."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from planner.storage import load_plan
from planner.tui.screens.compare import CompareScreen
from planner.tui.screens.dialogs import PathPrompt
from planner.tui.screens.plan_details import PlanDetails
from planner.tui.widgets.picker import Picker

from .helpers import (
    ask_to_import,
    make_app, ready, replace_text, screen_text, static_text, type_text, verdict, wait_for, wait_main, wait_screen,
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
        hint = app.query_one("#partners-empty")
        assert hint.display and "a" in static_text(app, "#partners-empty")
        assert "press a to add" in static_text(app, "#partners-empty")
    text = lot1.read_text(encoding="utf-8").replace("grant_eur = 186000", "grant_eur = 100000")
    lot1.write_text(text, encoding="utf-8")
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert not app.query_one("#partners-empty").display
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
        assert "FAIL EUR 3.95M > 1.5M cap" in grant
        assert "FAIL EUR 3.95M > 1M cap" in grant
        verdicts = [str(table.get_cell("verdict", str(i))) for i in range(len(screen.boards))]
        lot1_36 = next(i for i, b in enumerate(screen.boards) if (b.lot, b.duration_months) == (1, 36))
        assert verdicts[lot1_36].startswith("✗ NOT ELIGIBLE (")
        # the failing rules are named in the line under the table, for the verdict selected
        table.move_cursor(row=0, column=lot1_36 + 1)
        await wait_for(pilot, lambda: static_text(screen, "#compare-detail").startswith("Lot 1 36m · NOT ELIGIBLE"),
                       "the Lot 1 36m verdict in full")
        assert "grant" in static_text(screen, "#compare-detail")


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
        assert any(n.message.startswith("Call 2024 → 2025; plan details (title, acronym, notes)") for n in notes)
        # undo goes back to the old call and its rules
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.rules.id == "2024", "the old call's rules")

        # the palette finds it as "Plan details", and when one searches for "title"
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "the palette")
        def found() -> list[str]:
            return [str(o.prompt) for o in app.screen.query_one("CommandList").options]

        await type_text(pilot, "title", done=lambda: any("Plan details" in p for p in found())
                        and not any("Compare lots" in p for p in found()))  # filtered by "title"
        await pilot.press("escape")
        await wait_main(pilot)
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
        await wait_screen(pilot, PathPrompt)
        await replace_text(pilot, str(target))
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, target.exists, "the file")
    assert load_plan(target).title == "Green Skills Alliance"
    assert "Untitled" not in target.read_text(encoding="utf-8")


async def test_budget_shows_every_amount_whole(lot1):
    from planner.tui.screens.budget import BudgetScreen, ShareForm

    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("b")
        screen = await wait_screen(pilot, BudgetScreen)
        await pilot.press("enter")  # the first partner's share
        await wait_screen(pilot, ShareForm)
        await replace_text(pilot, "1020000")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "back in the budget")
        await wait_for(pilot, lambda: app.document.plan.partners[0].grant_eur == 1_020_000, "the share")
        await pilot.pause()
        assert "EUR 1,020,000" in screen_text(app)  # not cut to EUR 1,020,0


async def test_grant_field_drops_a_cleared_error_and_offers_no_typed_keys(tmp_path):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        def footer_keys() -> set[str]:  # what the footer shows
            return {key.key_display for key in app.screen.query("FooterKey")}

        await wait_for(pilot, lambda: {"?", "a"} <= footer_keys(), "? and a in the footer on the table")
        grant = app.query_one("#grant", Input)
        grant.focus()
        await wait_for(pilot, lambda: app.focused is grant, "the grant field")
        # ? and the letters type into the field: the footer does not offer them there
        await wait_for(pilot, lambda: not {"?", "a"} & footer_keys(), "? and a gone from the footer")
        assert "^s" in footer_keys()
        assert "f1" in footer_keys()  # help stays reachable from a field, by the key that does not type
        await type_text(pilot, "abc")
        await wait_for(pilot, lambda: "not an amount" in static_text(app, "#grant-hint"), "the error")
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: "not an amount" not in static_text(app, "#grant-hint"), "the error gone")
        assert app.document.plan.requested_grant_eur is None


async def test_import_preview_enter_adds(draft, tmp_path):
    from planner.tui.screens.importing import ImportScreen

    source = tmp_path / "partners.csv"
    source.write_text("Organisation;Acronym;Country;Type of organisation\nAgro VET Lyon;AVL;France;vet school\n",
                      encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        assert "enter" in screen.active_bindings and screen.active_bindings["enter"].binding.show
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.document.plan.partners[-1].short_name == "AVL"
        assert app.document.plan.partners[-1].kind == "vet-provider"  # "Type of organisation" is the kind


async def test_path_prompt_completes_names_with_tab(tmp_path, draft):
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("partners-2025.csv", "partners-2026.csv", "budget.csv"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "archive").mkdir()
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("i")
        prompt = await wait_screen(pilot, PathPrompt)
        field = prompt.query_one("#path", Input)
        await replace_text(pilot, f"{folder}/b")
        await pilot.press("tab")  # one match: filled in
        assert field.value == f"{folder}/budget.csv"
        assert app.focused is field
        await replace_text(pilot, f"{folder}/ar")
        await pilot.press("tab")  # a folder: with its /
        assert field.value == f"{folder}/archive/"
        await replace_text(pilot, f"{folder}/p")
        await pilot.press("tab")  # the common start
        assert field.value == f"{folder}/partners-202"
        await pilot.press("tab")  # no more in common: listed
        assert "partners-2025.csv" in static_text(prompt, "#matches")
        assert "partners-2026.csv" in static_text(prompt, "#matches")
        await pilot.press("tab")
        assert field.value == f"{folder}/partners-2025.csv"
        await pilot.press("tab")
        assert field.value == f"{folder}/partners-2026.csv"
        await replace_text(pilot, f"{folder}/zz")
        await pilot.press("tab")
        assert "no file or folder starts with 'zz'" in static_text(prompt, "#matches")
        assert app.focused is field


async def test_help_names_the_flemish_call_page_plainly(draft):
    from planner.tui.screens.help import HelpScreen

    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        screen = await wait_screen(pilot, HelpScreen)
        text = " ".join(str(w.render()) for w in screen.query("Static"))
        assert "the Flemish call page" in text and "(seed)" not in text
