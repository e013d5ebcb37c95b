"""The budget screen's forms as a coordinator types into them: a work package's months, a partner's share,
a line emptied; each refuses in the field's words what enter would refuse, and says what an edit did."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.tui.screens.budget import BudgetScreen, ShareForm
from planner.tui.screens.budget_forms import LINE_FIELDS, LineForm, WorkPackageForm

from .budget_plans import write_budget_plan
from .helpers import focus, make_app, open_budget_form, replace_text, static_text, wait_for, wait_screen
from .helpers import open_budget as open_grid


async def open_budget(pilot) -> BudgetScreen:
    return (await open_grid(pilot))[0]


@pytest.mark.one_size
async def test_the_work_package_form_refuses_months_outside_the_project_or_backwards(tmp_path: Path, size) -> None:
    """Start 50 and end 10 were added ('✓ added work package WP5', then the header read '✗ 50-10 ends
    first'), end 0 was taken, and the error said 'a whole number from 0 to 120' of a 24-month project."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        plan = app.document.plan
        form = await open_budget_form(pilot, "a", WorkPackageForm)
        start, end = form.query_one("#wp-start"), form.query_one("#wp-end")
        for first, last, words in (
                ("50", "10", "Start month: 50 is after the project's last month, 24 (months 1 to 24)"),
                ("5", "0", "End month: 0 is not a month of the project (months 1 to 24)"),
                ("0", "10", "Start month: 0 is not a month of the project (months 1 to 24)"),
                ("5", "30", "End month: 30 is after the project's last month, 24 (months 1 to 24)"),
                ("20", "10", "End month: 10 is before the start, month 20")):
            await focus(pilot, start)
            await replace_text(pilot, first)
            await focus(pilot, end)
            await replace_text(pilot, last)
            await pilot.press("enter")
            await wait_for(pilot, lambda: static_text(form, "#wp-error").startswith(f"✗ not taken, {words}"),
                           f"{first}-{last} refused")
            assert "0 to 120" not in static_text(form, "#wp-error")
            assert app.screen is form and app.document.plan is plan
        await replace_text(pilot, "24")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        added = app.document.plan.work_packages[-1]
        assert (added.start_month, added.end_month) == (20, 24)


async def test_editing_a_work_package_past_a_shorter_duration_keeps_its_months(tmp_path: Path) -> None:
    """A work package that already runs past the project (WP3, 6-30 of 24 months) opens with its months:
    an edit of its title alone is not refused for them (the budget rule marks them), a change of them is."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_budget(pilot)
        screen.grid.go_to("months", "wp:WP3")
        await pilot.press("e")
        await wait_screen(pilot, WorkPackageForm)
        await replace_text(pilot, "Learning labs in companies")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        wp = app.document.plan.work_packages[2]
        assert (wp.title, wp.start_month, wp.end_month) == ("Learning labs in companies", 6, 30)


async def test_the_share_preview_runs_the_check_enter_runs(tmp_path: Path) -> None:
    """2000000000 previewed '→ EUR 2,000,000,000', then enter said 'partners[0].grant_eur: more than EUR
    1,000,000,000': the preview says what enter will, in words (no key path)."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_budget_form(pilot, "s", ShareForm)
        await replace_text(pilot, "2000000000")
        await wait_for(pilot, lambda: static_text(form, "#share-reading").startswith("✗ not taken as it is: "),
                       "the preview's refusal")
        reading = static_text(form, "#share-reading")
        assert "→ EUR 2,000,000,000" not in reading and "more than EUR 1,000,000,000" in reading
        assert "partners[" not in reading and "grant_eur" not in reading
        await pilot.press("enter")
        await wait_for(pilot, lambda: "more than EUR 1,000,000,000" in static_text(form, "#share-error"), "refused")
        assert "partners[" not in static_text(form, "#share-error")
        assert static_text(form, "#share-error").startswith("✗ not taken, Share: more than EUR 1,000,000,000")
        await replace_text(pilot, "240k")
        await wait_for(pilot, lambda: static_text(form, "#share-reading") == "→ EUR 240,000", "a share taken")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert app.document.plan.partners[0].grant_eur == 240_000


async def test_a_line_emptied_is_said_to_be_the_line_not_the_work_package(tmp_path: Path) -> None:
    """'✓ HSNH's budget: removed WP1' read as if the work package had gone."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_budget(pilot)
        label = app.document.plan.partners[0].label
        await pilot.press("enter")  # the coordinator's line in WP1
        form = await wait_screen(pilot, LineForm)
        for key, _words in LINE_FIELDS:  # the line's fields; the partner's staff cost stays
            await focus(pilot, form.query_one(f"#{key}"))
            await replace_text(pilot, "")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert "WP1" not in (app.document.plan.partners[0].budget or {})
        assert [wp.id for wp in app.document.plan.work_packages][0] == "WP1"
        await wait_for(pilot, lambda: f"✓ {label}'s budget: removed its line in WP1" in static_text(
            screen, "#budget-hint"), "the edit in words")


@pytest.mark.one_size
async def test_person_months_with_three_decimals_are_refused_not_read_as_one(tmp_path: Path, size) -> None:
    """'1.000' in an amount is EUR 1,000; in Person-months it was 1 PM ('1 PM x EUR 6,900'), and '1,250' 1.25:
    the same text, two amounts, in one form. Three decimals or more are now refused as typed."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        plan = app.document.plan
        form = await open_budget_form(pilot, "enter", LineForm)
        months = form.query_one("#person_months")
        for typed, why in (("1.000", "has 3 decimals"), ("1,250", "has 3 decimals"),
                           ("6.1250", "has more than 3 decimals")):
            await focus(pilot, months)
            await replace_text(pilot, typed)
            await wait_for(pilot, lambda typed=typed, why=why: static_text(form, "#line-preview").startswith(
                f"✗ not taken as it is: Person-months: {typed!r} {why}"), f"{typed} refused as typed")
        await replace_text(pilot, "1.25")
        await wait_for(pilot, lambda: "1.25 PM" in static_text(form, "#line-preview"), "1.25 taken")
        await replace_text(pilot, "1.000")
        await pilot.press("enter")
        await wait_for(pilot, lambda: static_text(form, "#line-error").startswith(
            "✗ not taken, Person-months: '1.000' has 3 decimals"), "enter refuses it")
        assert app.document.plan == plan


async def test_a_refused_line_says_why_in_view_at_60x18_and_only_once(tmp_path: Path) -> None:
    """At 60x18 enter on '12x' seemed to do nothing: the error was under the fields, out of the dialog's
    view. Back at 80x24 it showed twice, the preview's '✗ not taken as it is' under enter's '✗ not taken'."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(60, 18)) as pilot:
        form = await open_budget_form(pilot, "enter", LineForm)
        travel = form.query_one("#travel_eur")
        await focus(pilot, travel)
        await replace_text(pilot, "12x")
        await pilot.press("enter")
        error = form.query_one("#line-error")
        await wait_for(pilot, lambda: static_text(form, "#line-error").startswith("✗ not taken, Travel"), "the error")
        view = error.parent.region  # the fields' scrolling part of the dialog

        def in_view(widget) -> bool:
            return widget.region.height > 0 and view.contains_region(widget.region)

        await wait_for(pilot, lambda: in_view(error) and in_view(travel), "the error and its field in view")
        assert travel.has_focus and not form.query_one("#line-preview").display
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: app.size == (80, 24), "80x24")
        assert "not taken as it is" not in static_text(form, "#line-preview") or \
            not form.query_one("#line-preview").display
        await pilot.press("backspace")  # typing again: the preview says what the line comes to
        await wait_for(pilot, lambda: form.query_one("#line-preview").display and "EUR 12 travel"
                       in static_text(form, "#line-preview"), "the preview again")
        assert not error.display


@pytest.mark.one_size
async def test_a_long_title_shows_its_start_once_the_cursor_leaves_it(tmp_path: Path, size) -> None:
    """'Project management and quality' showed as 't management and quality' in the work package form: an
    Input keeps its view at the cursor, at the end. A field not in use shows its start; the terminal's
    focus going to another window and back leaves the cursor where it was."""
    from textual import events

    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        form = await open_budget_form(pilot, "e", WorkPackageForm)
        title = form.query_one("#wp-title")
        await focus(pilot, title)
        await replace_text(pilot, "Project management and quality of the whole alliance")
        assert title.scroll_offset.x > 0  # in use: the end, where the cursor is
        await pilot.press("tab")
        await wait_for(pilot, lambda: not title.has_focus and title.scroll_offset.x == 0, "its start in view")
        await focus(pilot, title)
        await pilot.press("home", "right", "right", "right")
        app.post_message(events.AppBlur())
        await wait_for(pilot, lambda: not app.app_focus, "the terminal left")
        app.post_message(events.AppFocus())
        await wait_for(pilot, lambda: app.app_focus and title.has_focus, "back")
        assert title.cursor_position == 3
