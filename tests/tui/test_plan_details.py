"""The plan details dialog (title, call, lot, duration...), by key and by the palette; a new plan asks its title."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from planner.storage import load_plan
from planner.tui.screens.dialogs import Choice, PathPrompt
from planner.tui.screens.plan_details import PlanDetails
from planner.tui.widgets.picker import Picker

from .helpers import (
    make_app,
    ready,
    replace_text,
    static_text,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
)


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


async def test_escape_after_a_change_asks_before_the_details_are_dropped(draft):
    app, _ = make_app(draft)
    before = app.document.plan
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        await pilot.press("escape")  # nothing changed: it closes at once
        await wait_main(pilot)

        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        for _ in range(4):
            await pilot.press("tab")  # to the notes
        # until all of it is in: under load the last letters were still on their way when it was looked at
        await type_text(pilot, "A paragraph of notes", done=lambda: "A paragraph of notes" in app.focused.text)
        notes = details.query_one("#notes", TextArea)
        assert notes.content_region.height >= 3  # lines of it in view at 80x24 (once none: TextArea's 1fr)
        await wait_for(pilot, lambda: "A paragraph of notes" in notes.render_line(0).text, "the notes drawn")
        await pilot.press("escape")
        choice = await wait_screen(pilot, Choice)
        assert "Discard the changes to the plan details?" in static_text(choice, ".question")
        await pilot.press("enter")  # the safe answer: back to the details, the notes still there
        await wait_for(pilot, lambda: app.screen is details, "the details again")
        assert "A paragraph of notes" in details.query_one("#notes", TextArea).text
        await pilot.press("escape")
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")  # Discard
        await wait_main(pilot)
        assert app.document.plan == before and not app.document.dirty

        await pilot.press("t")  # the same from the Cancel button (the answer reaches the dialog's own handler)
        details = await wait_screen(pilot, PlanDetails)
        await type_text(pilot, "x")
        details.query_one("#cancel").focus()
        await pilot.press("enter")
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")
        await wait_main(pilot)
        assert app.is_running and app.document.plan == before


async def test_a_duration_typed_and_not_picked_is_not_saved_as_not_set(lot1):
    """'3x' in the duration matches nothing: enter saved the plan with no duration (the lot's shortest, a
    lower cap) and said 'duration 36 → not set months'. It now stays, says what to choose, keeps 36."""
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        await pilot.press("tab", "tab", "tab")
        duration = details.query_one("#duration", Picker)
        assert app.focused is duration.input
        await type_text(pilot, "36", done=lambda: duration.value == "36")
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.duration_months == 36, "36 months")
        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        await pilot.press("tab", "tab", "tab")
        duration = details.query_one("#duration", Picker)
        await replace_text(pilot, "3x")
        await wait_for(pilot, lambda: duration.typed == "3x", "the typed text")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not saved: '3x' is no duration of this lot; choose one: 24 months, 36 months"
                       in static_text(details, "#error-duration"), "the error under the duration")
        assert app.screen is details and app.document.plan.duration_months == 36


async def test_a_call_that_does_not_fit_the_plan_keeps_the_dialog_and_what_was_typed(tmp_path):
    """Lot 3 exists from call 2026: choosing call 2024 closed the dialog, said 'Call not changed' and
    dropped the acronym typed with it. The dialog now stays, with the reason under the call."""
    import shutil

    from .helpers import SAMPLES

    path = shutil.copyfile(SAMPLES / "lot3-example.toml", tmp_path / "lot3.toml")
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        plan = app.document.plan
        assert plan.lot == 3
        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        await pilot.press("tab")
        await replace_text(pilot, "VOLT-NEW")
        await pilot.press("tab")
        call = details.query_one("#call", Picker)
        await replace_text(pilot, "2024")
        await wait_for(pilot, lambda: call.value == "2024", "call 2024 picked")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "not saved: lot: call 2024 has no lot 3; allowed: 1, 2: change the lot first "
                       "(l), or choose another call" in static_text(details, "#error-call").replace("\n", " "),
                       "the reason under the call")
        assert app.screen is details and details.query_one("#acronym", Input).value == "VOLT-NEW"
        assert app.document.plan == plan
