"""Issue 4 in the TUI: Lot 2 content, budget shares, self-assessment, CSV import preview, undo and redo."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from planner.storage import load_plan
from planner.tui.screens.assessment import AssessmentScreen
from planner.tui.screens.budget import BudgetScreen, ShareForm
from planner.tui.screens.content import ContentScreen, ProfileForm
from planner.tui.screens.importing import ImportScreen

from .helpers import (
    ask_to_import,
    import_rows,
    focus,
    make_app,
    ready,
    replace_text,
    screen_text,
    static_text,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
)


async def test_profiles_and_activities_clear_the_lot2_warnings(draft: Path, size) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.board.get("occupational-profiles").status == "warn"
        await pilot.press("p")
        screen = await wait_screen(pilot, ContentScreen)
        assert "✗ EQF 3-5" in static_text(screen, "#coverage")
        await pilot.press("a")
        await wait_screen(pilot, ProfileForm)
        await type_text(pilot, "Dairy robot technician")
        await pilot.press("tab", "4", "enter")
        await wait_screen(pilot, ContentScreen)
        assert "✓ EQF 3-5" in static_text(screen, "#coverage")
        assert app.board.get("occupational-profiles").status == "pass"
        assert app.document.plan.profiles[-1].title == "Dairy robot technician"

        activities = screen.query_one("#activities")
        activities.focus()
        await wait_for(pilot, lambda: app.focused is activities, "the activities list to have the focus")
        missing = [a for a in app.document.rules.activities if not getattr(app.document.plan.activities, a.id)]
        for activity in missing:
            activities.highlighted = [cid for cid, _ in activities.choices].index(activity.id)
            await pilot.press("space")
            await wait_for(pilot, lambda: getattr(app.document.plan.activities, activity.id), activity.id)
        assert app.board.get("activities").status == "pass"
        # every activity ticked as the list shows it (the screen text would include the main screen's
        # ecosystem list, which stays visible beside the dialog at 160x48)
        prompts = [str(activities.get_option_at_index(i).prompt) for i in range(activities.option_count)]
        assert prompts and all(prompt.startswith("[x]") for prompt in prompts)
        await pilot.press("escape")
        await wait_main(pilot)


async def test_profile_form_refuses_an_empty_title(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan.profiles
        await pilot.press("p")
        await wait_screen(pilot, ContentScreen)
        await pilot.press("a")
        form = await wait_screen(pilot, ProfileForm)
        await pilot.press("enter")
        await pilot.pause()
        assert "a title is required" in static_text(form, "#error-title")
        assert "a title is required" in screen_text(app)  # shown, not only set
        await pilot.press("escape")
        await wait_screen(pilot, ContentScreen)
        assert app.document.plan.profiles == before


async def test_content_screen_says_lot2_content_is_not_required_for_lot1(lot1: Path) -> None:
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("p")
        screen = await wait_screen(pilot, ContentScreen)
        assert "Not required for Lot 1" in static_text(screen, "#content-lot")
        assert app.board.get("occupational-profiles") is None


async def test_budget_share_edit_makes_the_shares_add_up(draft: Path, size) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        grant = app.board.get("grant")
        assert grant.status == "warn" and "EUR 400,000 unassigned" in grant.message
        await pilot.press("b")
        screen = await wait_screen(pilot, BudgetScreen)
        assert "EUR 400,000 unassigned" in static_text(screen, "#budget-summary")
        assert "4,875,000" in static_text(screen, "#budget-summary")  # the implied budget at 80%
        table = screen.query_one("#shares", DataTable)
        first = app.document.plan.partners[0]
        await pilot.press("enter")
        await wait_screen(pilot, ShareForm)
        await replace_text(pilot, str(first.grant_eur + 400_000))
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert app.document.plan.partners[0].grant_eur == first.grant_eur + 400_000
        assert app.board.get("grant").status == "pass"
        assert "unassigned" not in static_text(screen, "#budget-summary")
        assert f"EUR {first.grant_eur + 400_000:,}" in str(table.get_row_at(0)[2])
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.board.get("grant").status == "warn", "undo to bring the warning back")


async def test_self_assessment_chart_and_award_criterion(draft: Path, size) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.board.get("award").status == "info"
        await pilot.press("s")
        screen = await wait_screen(pilot, AssessmentScreen)
        for i, score in enumerate(("20", "12", "20", "16")):
            await type_text(pilot, score, done=lambda s=score, i=i: screen.query(Input)[i].value == s)
            await pilot.press("tab")
        award = app.board.get("award")
        assert award.status == "warn" and "total 68 is under 70" in award.message
        chart = static_text(screen, "#chart")
        assert "✗ 12/30: under 15" in chart and "✓ 20/25 (needs 13)" in chart and "✗ 68/100: under 70" in chart
        await focus(pilot, screen.query_one("#score-design", Input))
        await replace_text(pilot, "99")
        assert "a score from 0 to 30" in static_text(screen, "#score-error")
        error = screen.query_one("#score-error")
        assert error.display and error.region.height >= 1  # on screen, whatever the wrap
        # "99" is refused: the plan keeps its score (not the "9" typed on the way) and says so
        assert app.document.plan.assessment.design == 12
        assert "'99' is not a score" in static_text(screen, "#score-error")
        assert "the plan keeps 12" in static_text(screen, "#score-error")
        assert "✗ 12/30: under 15" in static_text(screen, "#chart")
        await pilot.press("tab")  # left as it is: the field keeps what was typed, the plan its score
        assert screen.query_one("#score-design", Input).value == "99"
        assert app.document.plan.assessment.design == 12
        await focus(pilot, screen.query_one("#score-design", Input))
        await replace_text(pilot, "22")
        assert "✓ 22/30" in static_text(screen, "#chart") and app.board.get("award").status == "warn"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.board.get("award").status == "pass", "the award rule to pass")
        assert "✓ 78/100" in static_text(screen, "#chart")


CSV = "Organisation;Acronym;Country;Type;Role\nAgro VET Lyon;AVL;France;vet school;partner\nGhost;GH;Atlantis;sme;\n"


async def test_import_preview_shows_rejections_before_anything_changes(draft: Path, tmp_path: Path, size) -> None:
    source = tmp_path / "partners.csv"
    source.write_text(CSV, encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        before = app.document.plan
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        # the widgets' content, not the wrapped screen: the wrap moves with the temporary folder's path
        assert "1 to add, 1 rejected" in str(screen.query_one("#import-summary").render())
        rows = import_rows(screen)
        assert rows[1]["result"] == "✗ REJECT" and rows[1]["country"] == "? Atlantis"  # the cell not understood, marked
        assert rows[1]["note"].startswith("unknown country 'Atlantis'")
        # in words: the country's name and the kind's label, not their ids
        assert (rows[0]["result"], rows[0]["short"], rows[0]["country"], rows[0]["kind"], rows[0]["role"]) == \
            ("✓ add", "AVL", "France", "VET provider", "Beneficiary")
        assert app.document.plan == before  # nothing yet
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan == before

        await ask_to_import(pilot, source)
        await wait_screen(pilot, ImportScreen)
        await pilot.click("#add")
        await wait_main(pilot)
        assert [p.short_name for p in app.document.plan.partners] == [p.short_name for p in before.partners] + ["AVL"]
        assert "vet-provider" not in {c.id for c in app.board.failures}
        assert any("Added 1 partner(s)" in n.message for n in notes)


async def test_import_of_a_csv_without_the_needed_columns_asks_for_them_and_keeps_the_plan(draft: Path,
                                                                                          tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("who,where\nX,Y\n", encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        # the column mapping step: what is missing, what was looked for, how to give it
        columns = static_text(screen, "#import-columns")
        assert "✗ No column for name (looked for 'name'" in columns and "m reads a column as name" in columns
        assert "✗ No column for kind" in columns and "k gives every row one" in columns
        assert "nothing to add until every row has a name and a country and a kind" in \
            static_text(screen, "#import-summary")
        assert import_rows(screen)[0]["result"] == "· waiting"
        assert "enter" not in screen.active_bindings or not screen.check_action("add", ())
        await pilot.press("enter")  # nothing to add: enter does nothing
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan == before and not any(n.severity == "error" for n in notes)


async def test_undo_and_redo_a_hundred_edits_then_save(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        original = app.document.plan
        for _ in range(100):
            await pilot.press("l")
        lots = [original.lot]
        for _ in range(100):
            lots.append(1 if lots[-1] == 2 else 2)
        assert app.document.plan.lot == lots[-1]
        for step in range(100):
            await pilot.press("ctrl+z")
            assert app.document.plan.lot == lots[-2 - step]
        assert app.document.plan == original and not app.document.dirty
        for _ in range(3):
            await pilot.press("ctrl+y")
        assert app.document.plan.lot == lots[3]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not app.document.dirty, "the save")
        assert load_plan(draft).lot == lots[3]


async def test_undo_inside_a_screen_redraws_it(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("b")
        screen = await wait_screen(pilot, BudgetScreen)
        await pilot.press("enter")
        await wait_screen(pilot, ShareForm)
        await replace_text(pilot, "1")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert "EUR 1 " in str(screen.query_one("#shares", DataTable).get_row_at(0)[2]) + " "
        await pilot.press("ctrl+z")  # bound on the screen: a modal screen hides the app's keys
        await wait_for(pilot, lambda: app.document.plan.partners[0].grant_eur != 1, "the undo")
        shown = str(screen.query_one("#shares", DataTable).get_row_at(0)[2])
        assert shown.startswith(f"EUR {app.document.plan.partners[0].grant_eur:,}")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not app.document.dirty, "the save from inside the screen")


async def test_removing_a_beneficiary_warns_about_its_affiliated_entity_and_defaults_to_cancel(tmp_path) -> None:
    from planner.tui.screens.dialogs import Choice

    plan = tmp_path / "example.toml"
    plan.write_bytes((Path(__file__).parents[2] / "samples" / "lot2-example.toml").read_bytes())
    app, _ = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        partners = app.document.plan.partners
        index = next(i for i, p in enumerate(partners) if any(o.affiliated_to == p.label for o in partners))
        child = next(o.label for o in partners if o.affiliated_to == partners[index].label)
        app.query_one("#partners", DataTable).move_cursor(row=index)
        await pilot.press("d")
        dialog = await wait_screen(pilot, Choice)
        assert f"{child} is affiliated to it and will point to no partner" in screen_text(app)
        await pilot.press("enter")  # the safe choice has the focus
        await wait_main(pilot)
        assert app.document.plan.partners == partners
        assert dialog.default == "cancel"


async def test_help_shows_remapped_keys_and_unknown_ids_are_reported(draft: Path, xdg: Path) -> None:
    from planner.tui.screens.help import HelpScreen

    (xdg / "planner").mkdir(parents=True, exist_ok=True)
    (xdg / "planner" / "config.toml").write_text(
        '[keys]\n"planner.add_partner" = "n"\n"planner.bogus" = "x"\n', encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any("planner.bogus" in n.message for n in notes), "the unknown-id warning")
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)
        text = screen_text(app)
        assert "n               add a partner" in text
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PartnerForm", "n to open the partner form")
