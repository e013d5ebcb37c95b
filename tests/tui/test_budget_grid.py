"""The budget screen (`b`) on a plan with a budget, as a coordinator uses it at 80x24 and 160x48: the grid
and its marks, a line edited by typing `12k`, work packages added and removed, the timeline, the page
keys, every edit one undo step and the scoreboard following; and the comparison's budget row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input

from planner.budget import estimate
from planner.model import WorkPackage
from planner.report import money
from planner.rules import load_call
from planner.storage import load_plan
from planner.tui.screens.budget import BudgetScreen, ShareForm
from planner.tui.screens.budget_forms import LineForm, WorkPackageForm
from planner.tui.screens.compare import MONEY, CompareScreen, CompareTable
from planner.tui.screens.dialogs import Choice
from planner.tui.widgets.budget_grid import COST, MONTHS_ROW, PARTNER, TOTAL_ROW, Timeline, cap_bar

from .budget_plans import write_budget_plan
from .helpers import (
    SAMPLES,
    cell,
    choose,
    focus,
    help_text,
    make_app,
    open_budget,
    ready,
    replace_text,
    screen_text,
    static_text,
    type_text,
    wait_for,
    wait_screen,
)


async def test_a_line_edited_with_12k_moves_the_totals_and_the_scoreboard(tmp_path: Path, size) -> None:
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        screen, grid = await open_budget(pilot)
        assert grid.at_cursor() == ("p0", "wp:WP1")  # the coordinator in the first work package
        await pilot.press("down")
        assert grid.at_cursor() == ("p1", "wp:WP1")
        plan = app.document.plan
        before = estimate(plan, app.document.rules)
        grant_before = app.board.get("grant").message
        assert f"EUR {before.contribution_eur:,}" in grant_before
        assert f"Costs EUR {before.cost_eur:,}" in static_text(screen, "#budget-summary")
        old_cell, old_total = cell(grid, "p1", "wp:WP1"), cell(grid, TOTAL_ROW, COST)

        await pilot.press("enter")
        form = await wait_screen(pilot, LineForm)
        await pilot.press("tab", "tab")  # person-months, the line's rate, travel
        assert app.focused.id == "travel_eur"
        await replace_text(pilot, "12k")
        await wait_for(pilot, lambda: "cost EUR" in static_text(form, "#line-preview"), "the line's preview")
        # every category with costs is named, and the figures add up to the cost (travel was left out)
        preview = re.sub(r"\s+", " ", static_text(form, "#line-preview"))
        assert "+ EUR 12,000 travel" in preview
        figures = preview.split("EU contribution")[0]
        parts = [int(x.replace(",", "")) for x in re.findall(r"(?:=|\+) EUR ([\d,]+)", figures)]
        indirect = int(re.search(r"indirect EUR ([\d,]+)", preview).group(1).replace(",", ""))
        cost = int(re.search(r"cost EUR ([\d,]+)", preview).group(1).replace(",", ""))
        assert sum(parts) + indirect == cost, preview
        repainted: list[str] = []  # light on the wire: the edit repaints its partner's row and the totals
        original_update, original_rebuild = grid.update_row, grid._rebuild
        grid.update_row = lambda key, cells: (repainted.append(key), original_update(key, cells))[1]
        grid._rebuild = lambda g: (repainted.append("everything"), original_rebuild(g))[1]
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)

        line = app.document.plan.partners[1].budget["WP1"]
        assert line.travel_eur == 12_000 and line.person_months == 2  # the rest of the line kept
        after = estimate(app.document.plan, app.document.rules)
        new_line = next(x for x in after.lines if x.partner_index == 1 and x.work_package == "WP1")
        await wait_for(pilot, lambda: cell(grid, "p1", "wp:WP1") == f"{new_line.cost_eur:,}", "the new cell")
        assert cell(grid, TOTAL_ROW, COST) == f"{after.cost_eur:,}" != old_total
        assert old_cell != cell(grid, "p1", "wp:WP1")
        assert sorted(repainted) == ["p1", TOTAL_ROW]
        # the panes under the dialog repaint their regions, not the whole screen (MainScreen._compositor_refresh)
        assert not app.screen_stack[0]._repaint_required
        assert f"Costs EUR {after.cost_eur:,}" in static_text(screen, "#budget-summary")
        assert f"EUR {after.contribution_eur:,}" in app.board.get("grant").message  # the scoreboard follows
        assert "travel" in app.document.last_change and "12,000" in app.document.last_change
        hint = static_text(screen, "#budget-hint")  # said on the screen's own line, not in a notice
        assert "✓" in hint and "travel" in hint

        await pilot.press("ctrl+z")  # one undo step, on the budget screen itself
        await wait_for(pilot, lambda: cell(grid, "p1", "wp:WP1") == old_cell, "the cell back")
        assert app.document.plan.partners[1].budget["WP1"].travel_eur == 4000
        assert cell(grid, TOTAL_ROW, COST) == old_total
        assert app.board.get("grant").message == grant_before
        assert "travel" not in static_text(screen, "#budget-hint")  # undone: the keys again


async def test_the_grid_marks_the_three_problems_in_words(tmp_path: Path, size) -> None:
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        screen, grid = await open_budget(pilot)
        kts = next(i for i, p in enumerate(app.document.plan.partners) if p.short_name == "KTS")
        assert cell(grid, f"p{kts}", COST) == "! no lines"
        assert cell(grid, f"p{kts}", PARTNER).startswith("! KTS")
        assert cell(grid, TOTAL_ROW, "wp:WP4") == "! no costs"
        assert cell(grid, MONTHS_ROW, "wp:WP3") == "✗ 6-30 past 24"
        shown = screen_text(app)
        for mark in ("! no lines", "! no costs", "✗ 6-30 past 24"):
            assert mark in shown, mark
        assert "FAIL Budget" in static_text(screen, "#budget-problems")
        # the associated partner holds no budget: no row
        assert all(p.role != "associated-partner" for p in
                   (app.document.plan.partners[i] for i in grid.grid.rows_of.values()))


async def test_a_clean_budget_has_no_marks(tmp_path: Path) -> None:
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml", problems=False))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, grid = await open_budget(pilot)
        shown = screen_text(app)
        for mark in ("no lines", "no costs", "past 24", "FAIL"):
            assert mark not in shown, mark
        assert "✓ EUR" in static_text(screen, "#budget-summary") and "% of EUR 1,000,000 cap" in shown


async def test_work_packages_added_edited_and_removed(tmp_path: Path, size) -> None:
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        screen, grid = await open_budget(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, WorkPackageForm)
        assert app.focused.value == "WP5"  # the next id offered
        await replace_text(pilot, "WP 5!")  # refused with the loader's words, the form stays
        await pilot.press("enter")
        await wait_for(pilot, lambda: "letters, digits" in static_text(form, "#wp-error"), "the id refused")
        # in the form's words: the key path in the file (work_packages[4].id) is nowhere on this screen
        assert static_text(form, "#wp-error").startswith("✗ not taken, Id: ")
        assert "work_packages[" not in static_text(form, "#wp-error")
        await replace_text(pilot, "wp1")  # taken: the one that has it is named by its id, not by its place
        await pilot.press("enter")
        await wait_for(pilot, lambda: "already the id" in static_text(form, "#wp-error"), "the id taken")
        assert "Id: 'wp1' is already the id of work package WP1;" in static_text(form, "#wp-error")
        assert app.screen is form and len(app.document.plan.work_packages) == 4
        await replace_text(pilot, "WP5")
        await pilot.press("tab")
        await type_text(pilot, "Evaluation")
        await pilot.press("tab")
        await choose(pilot, "IPV")
        await pilot.press("tab")
        await replace_text(pilot, "3")
        await pilot.press("tab")
        await replace_text(pilot, "20")
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        assert app.document.plan.work_packages[-1] == WorkPackage(id="WP5", title="Evaluation", lead="IPV",
                                                                  start_month=3, end_month=20)
        await wait_for(pilot, lambda: "wp:WP5" in [c.key for c in grid.COLUMNS], "the new column")
        assert cell(grid, TOTAL_ROW, "wp:WP5") == "! no costs"
        assert cell(grid, MONTHS_ROW, "wp:WP5") == "3-20"

        # end: the last column (person-months), then left to the new work package, and remove it
        await pilot.press("end", "left", "left")
        assert grid.at_cursor()[1] == "wp:WP5"
        await pilot.press("e")  # edited: a lead that is no full partner is offered nothing
        form = await wait_screen(pilot, WorkPackageForm)
        await pilot.press("tab")
        await type_text(pilot, "RVNH")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "full partner" in static_text(form, "#wp-error"), "the lead refused")
        assert form.query_one("#wp-lead-input") is app.focused  # the cursor in the field at fault
        await pilot.press("escape")  # what was typed: asked first
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")  # Discard
        await wait_screen(pilot, BudgetScreen)
        await pilot.press("d")  # asks first, as for a partner
        await wait_screen(pilot, Choice)
        assert "Remove work package WP5 (Evaluation)?" in screen_text(app)
        assert "No partner has a line in it." in screen_text(app)
        await pilot.press("left", "enter")  # Remove (Cancel has the focus)
        await wait_screen(pilot, BudgetScreen)
        await wait_for(pilot, lambda: "wp:WP5" not in [c.key for c in grid.COLUMNS], "the column gone")
        assert [wp.id for wp in app.document.plan.work_packages] == ["WP1", "WP2", "WP3", "WP4"]
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "wp:WP5" in [c.key for c in grid.COLUMNS], "the column back")

        # WP1 removed with every partner's line in it: the totals and the scoreboard follow
        cost_before = app.document.plan.partners[0].budget["WP1"]
        await pilot.press("home", "right")
        assert grid.at_cursor()[1] == "wp:WP1"
        holders = sum(1 for p in app.document.plan.partners if p.budget and "WP1" in p.budget)
        wp1_cost = next(s.cost_eur for s in estimate(app.document.plan, app.document.rules).by_work_package
                        if s.key == "WP1")
        await pilot.press("d")
        question = await wait_screen(pilot, Choice)
        said = static_text(question, ".question")  # as shown, before the dialog's width wraps it
        assert "Remove work package WP1 (Management and quality)?" in said
        assert f"Its {holders} partners' lines go with it: EUR {wp1_cost:,} of costs" in said
        assert "Remove work package WP1" in screen_text(app)
        await pilot.press("enter")  # enter: Cancel, the safe answer; nothing removed
        await wait_screen(pilot, BudgetScreen)
        assert "wp:WP1" in [c.key for c in grid.COLUMNS] and app.document.plan.partners[0].budget["WP1"] == cost_before
        await pilot.press("d")
        await wait_screen(pilot, Choice)
        await pilot.press("left", "enter")
        await wait_screen(pilot, BudgetScreen)
        await wait_for(pilot, lambda: "wp:WP1" not in [c.key for c in grid.COLUMNS], "WP1 gone")
        assert all("WP1" not in (p.budget or {}) for p in app.document.plan.partners)
        est = estimate(app.document.plan, app.document.rules)
        assert cell(grid, TOTAL_ROW, COST) == f"{est.cost_eur:,}"
        assert f"EUR {est.contribution_eur:,}" in app.board.get("grant").message
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.plan.partners[0].budget.get("WP1") == cost_before, "WP1 back")


async def test_the_line_form_refuses_what_the_loader_refuses(tmp_path: Path) -> None:
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_budget(pilot)
        plan = app.document.plan
        await pilot.press("enter")
        form = await wait_screen(pilot, LineForm)
        await replace_text(pilot, "6.125")  # person-months: the model allows 2 decimals
        # said while typing, as enter says it: the preview showed 6.12 PM and its cost, then enter refused
        await wait_for(pilot, lambda: "2 decimals" in static_text(form, "#line-preview"), "the preview's refusal")
        assert static_text(form, "#line-preview").startswith("✗ not taken as it is: ")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "2 decimals" in static_text(form, "#line-error"), "the months refused")
        # in the form's words, not the key path in the file (partners[0].budget.WP1.person_months)
        assert static_text(form, "#line-error").startswith(
            "✗ not taken, Person-months: '6.125' has 3 decimals: person-months take at most 2 decimals")
        assert "partners[" not in static_text(form, "#line-error") + static_text(form, "#line-preview")
        for typed, why in (("3 4", "is not a number of person-months"), ("-3", "is negative")):
            await replace_text(pilot, typed)  # '3 4' was read as 34 PM
            await wait_for(pilot, lambda: why in static_text(form, "#line-preview"), f"{typed!r} refused")
        await replace_text(pilot, "6,5")  # the decimal comma
        await pilot.press("tab", "tab")
        await replace_text(pilot, "8000 1500")  # two cells pasted into one field: was EUR 80,001,500
        await wait_for(pilot, lambda: "no thousands separator" in static_text(form, "#line-preview"), "two amounts")
        await replace_text(pilot, "12x")
        await wait_for(pilot, lambda: "not an amount" in static_text(form, "#line-preview"), "said while typing")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not an amount" in static_text(form, "#line-error"), "the travel refused")
        assert app.screen is form and app.document.plan is plan  # nothing taken, nothing typed lost
        assert app.focused.value == "12x"
        await replace_text(pilot, "8.000")
        await wait_for(pilot, lambda: "cost EUR" in static_text(form, "#line-preview"), "the figures again")
        # the partner's staff cost, at the end of the form, is the partner's: said to reach its other lines
        rate = form.query_one("#partner_staff_cost_eur", Input)
        await focus(pilot, rate)
        await replace_text(pilot, "")
        n = len(plan.partners[0].budget or {})
        await wait_for(pilot, lambda: f"staff cost cleared: it applies to all {n} of its lines" in
                       static_text(form, "#line-preview"), "the rate's reach")
        await replace_text(pilot, str(plan.partners[0].staff_cost_eur))
        await pilot.press("enter")
        await wait_screen(pilot, BudgetScreen)
        line = app.document.plan.partners[0].budget["WP1"]
        assert (line.person_months, line.travel_eur) == (6.5, 8000)


async def test_page_keys_jump_and_the_timeline(tmp_path: Path, size) -> None:
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        screen, grid = await open_budget(pilot)
        await pilot.press("end")
        assert grid.cursor_column == len(grid.COLUMNS) - 1
        await pilot.press("home")
        assert grid.cursor_column == 0
        await pilot.press("pagedown")
        assert grid.cursor_row == grid.row_count - 1  # every partner fits one page: the last
        await pilot.press("pageup")
        assert grid.cursor_row == 0
        timeline = screen.query_one("#timeline", Timeline)
        if size[1] >= 40:  # under the grid
            assert timeline.display and grid.display
        else:
            assert not timeline.display
            await pilot.press("t")
            await wait_for(pilot, lambda: timeline.display and not grid.display, "the timeline in the grid's place")
        await pilot.pause()
        shown = screen_text(app)
        assert "WP3 JSAO" in shown and "6-30 ✗ past 24" in shown and "▒" in shown
        await pilot.press("t")
        await wait_for(pilot, lambda: grid.display, "the grid")


@pytest.mark.one_size
async def test_the_timeline_in_the_grids_place_says_so_and_escape_goes_back_to_the_grid(tmp_path: Path, size):
    """At 80x24 `t` puts the timeline in the grid's place: the line under it still said 'enter edits a
    line', where enter did nothing, and escape closed the whole budget instead of going back."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=size) as pilot:
        screen, grid = await open_budget(pilot)
        timeline = screen.query_one("#timeline", Timeline)
        await pilot.press("t")
        await wait_for(pilot, lambda: timeline.display and not grid.display, "the timeline in the grid's place")
        await wait_for(pilot, lambda: "back to the grid" in static_text(screen, "#budget-detail"), "its words")
        assert "enter adds" not in static_text(screen, "#budget-detail")
        await pilot.press("escape")
        await wait_for(pilot, lambda: grid.display and not timeline.display, "the grid again")
        assert app.screen is screen and grid.has_focus
        assert "back to the grid" not in static_text(screen, "#budget-detail")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, type(screen)), "the budget closed")

async def test_comparison_shows_the_budget_against_each_cap(tmp_path: Path, size) -> None:
    path = write_budget_plan(tmp_path / "budget.toml")
    path.write_text(path.read_text(encoding="utf-8").replace("duration_months = 24", "duration_months = 36"),
                    encoding="utf-8")
    app, notes = make_app(path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = await wait_screen(pilot, CompareScreen)
        table = screen.query_one(CompareTable)
        est = estimate(app.document.plan, app.document.rules)
        titles = [b.duration_months for b in screen.boards]
        short = titles.index(24)
        cells = table.cells[MONEY]
        assert cells[str(short)].long.plain == f"✓ {money(est.contribution_eur)} ≤ 1M cap · ✗ WP3 past 24"
        assert cells[str(titles.index(36))].long.plain == f"✓ {money(est.contribution_eur)} ≤ 1.5M cap"
        assert cells[str(short)].short.plain.endswith("✗ 1 late")
        shown = screen_text(app)
        assert "Budget vs cap" in shown and ("WP3 past 24" in shown or "1 late" in shown)
        await pilot.press("down")  # from what it takes to the budget
        await wait_for(pilot, lambda: "Budget vs cap:" in static_text(screen, "#compare-detail"), "the detail")
        await pilot.press(str(short + 1))  # apply Lot 1, 24 months
        await wait_for(pilot, lambda: app.document.plan.duration_months == 24, "the shorter duration")
        await wait_for(pilot, lambda: any("no longer fits" in n.message for n in notes), "the notice")
        notice = next(n.message for n in notes if "no longer fits" in n.message)
        assert "WP3 (to month 30) ends after month 24" in notice


async def test_a_wide_grid_scrolls_with_the_names_in_view_and_no_amount_cut_on_the_left(tmp_path: Path) -> None:
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml", more=8))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, grid = await open_budget(pilot)
        await pilot.press(*["right"] * 9)
        assert grid.at_cursor()[1] == "wp:WP10"
        await pilot.pause()
        assert grid.scroll_x > 0  # twelve work packages do not fit 80 columns
        shown = screen_text(app)
        assert "HSNH" in shown  # the names stay (a fixed column)
        left = grid._get_fixed_offset().left
        starts = [grid._get_column_region(j).x - left for j in range(1, len(grid.columns))]
        assert int(grid.scroll_x) in starts  # the first column after the names starts whole
        await pilot.press("end")
        await pilot.pause()
        assert int(grid.scroll_x) in starts and "PM" in screen_text(app)


def just_under_the_cap(path: Path) -> Path:
    """The budget plan (Lot 1, 24 months, cap EUR 1,000,000) with subcontracting added to one line until
    the contribution is between 99.5% and 100% of the cap: rounded to the nearest it read 100%."""
    write_budget_plan(path, problems=False)
    plan = load_plan(path)
    low = estimate(plan, load_call("2024")).contribution_eur
    extra = (997_000 - low) * 5 // 4  # subcontracting carries no indirect costs: 80% of it is contributed
    text = path.read_text(encoding="utf-8")
    first = text.index("[partners.budget.WP1]")
    line = f"travel_eur = 4000\nsubcontracting_eur = {extra}"
    text = text[:first] + text[first:].replace("travel_eur = 4000", line, 1)
    path.write_text(text, encoding="utf-8")
    got = estimate(load_plan(path), load_call("2024")).contribution_eur
    assert 995_000 < got < 1_000_000, got
    return path


async def test_just_under_the_cap_reads_99_percent_not_100(tmp_path: Path) -> None:
    app, _ = make_app(just_under_the_cap(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _grid = await open_budget(pilot)
        summary = static_text(screen, "#budget-summary")
        assert "99% of EUR 1,000,000 cap · ✓ EUR" in summary and "100%" not in summary
        await pilot.press("escape")
        await ready(pilot)
        await pilot.press("c")
        compare = await wait_screen(pilot, CompareScreen)
        table = compare.query_one(CompareTable)
        column = str([b.duration_months for b in compare.boards].index(24))
        assert table.cells[MONEY][column].short.plain == "✓ 99%"


def test_the_cap_bar_never_rounds_onto_the_cap():
    """Just under and just over the cap read differently: 99.77% said "100% ... left" and 100.1% "100% ... OVER"."""
    assert cap_bar(3_990_677, 4_000_000).split(" ", 2)[1] == "99%"
    assert "✓ EUR 9,323 left" in cap_bar(3_990_677, 4_000_000)
    assert cap_bar(4_003_945, 4_000_000).split(" ", 2)[1] == "101%"
    assert "✗ OVER by EUR 3,945" in cap_bar(4_003_945, 4_000_000)
    assert cap_bar(4_000_000, 4_000_000).split(" ", 2)[1] == "100%"
    assert cap_bar(2_000_000, 4_000_000).split(" ", 2)[1] == "50%"
    assert cap_bar(3_919_215, 4_000_000).split(" ", 2)[1] == "98%"  # elsewhere, to the nearest (97.98%)
    assert cap_bar(6_017_000, 4_000_000).split(" ", 2)[1] == "150%"


async def test_a_failure_comes_before_a_warning_in_the_two_lines_of_problems(tmp_path: Path) -> None:
    """A grant that differs from the budget (a warning) and a work package ending before it starts (a
    failure): at 80x24 the two lines held the warning's long text only, and the failure was not seen."""
    path = write_budget_plan(tmp_path / "budget.toml", problems=False)
    text = path.read_text(encoding="utf-8").replace("start_month = 12\nend_month = 24",
                                                    "start_month = 20\nend_month = 10")
    text = text.replace('acronym = "CIRCLE-SME"', 'acronym = "CIRCLE-SME"\nrequested_grant_eur = 500000')
    path.write_text(text, encoding="utf-8")
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.board
        assert board is not None and board.get("grant").status == "warn" and board.get("budget").status == "fail"
        _screen, grid = await open_budget(pilot)
        # 20-10 is within the project's 24 months: what is wrong is the order, as the rule says
        assert cell(grid, MONTHS_ROW, "wp:WP4") == "✗ 20-10 ends first"
        shown = screen_text(app)
        assert "✗ FAIL Budget: " in shown
        assert "! WARN Grant" not in shown or shown.index("✗ FAIL Budget") < shown.index("! WARN Grant")


async def test_no_amount_is_shown_cut_at_the_edge_of_the_grid(tmp_path: Path) -> None:
    """At 80x24 the grid scrolls sideways, and the column at its right edge showed the start of its
    amounts: 4,899 for 4,899,025, 711 for 711,664, 1-4 for months 1-48, with nothing to say they were cut.
    A column that is not whole in view is left blank: every number the grid draws is a whole cell's."""
    path = tmp_path / "plan.toml"
    path.write_bytes((SAMPLES / "lot2-example.toml").read_bytes())
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        _screen, grid = await open_budget(pilot)
        cells = {grid.get_cell(row, c.key).plain.strip() for row in grid.shown for c in grid.COLUMNS}
        for keys in ([], ["end"], ["home", "right", "right", "right"], ["right", "right"], ["left"] * 4):
            await pilot.press(*keys)
            await pilot.pause()
            drawn = [grid.render_line(y).text for y in range(1, grid.size.height)]  # below the header
            assert any(re.search(r"\d{3},\d{3}", line) for line in drawn)  # amounts are drawn
            for line in drawn:
                for number in re.findall(r"\d[\d,.\-]*\d|\d", line):
                    assert number in cells, (keys, number, line)


async def test_lines_the_plan_cannot_place_get_a_row_or_a_column_and_say_why(tmp_path: Path) -> None:
    """Lines for a work package the plan does not have (HSNH's WP2 renamed WP9 by hand, BBZW's 'wp3'),
    count in the totals, and an associated partner's lines (RVNH) count in none: the grid showed neither,
    so its rows and columns did not add up to the totals, and nothing in the screen led to them."""
    path = write_budget_plan(tmp_path / "budget.toml", problems=False)
    text = path.read_text(encoding="utf-8").replace("[partners.budget.WP2]", "[partners.budget.WP9]", 1)
    second = text.index("[partners.budget.WP3]") + 1
    text = text[:second] + text[second:].replace("[partners.budget.WP3]", "[partners.budget.wp3]", 1)
    notes = next(line for line in text.splitlines() if line.startswith('notes = "Regional authority;'))
    text = text.replace(notes, notes + "\n\n[partners.budget.WP1]\nperson_months = 1\nstaff_cost_eur = 5000", 1)
    path.write_text(text, encoding="utf-8")
    app, _ = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, grid = await open_budget(pilot)
        est = estimate(app.document.plan, app.document.rules)
        keys = [c.key for c in grid.COLUMNS]
        assert "wp:WP9" in keys and "wp:wp3" in keys
        assert cell(grid, MONTHS_ROW, "wp:WP9") == "✗ no such WP"
        wp_keys = [k for k in keys if k.startswith("wp:")]
        # every cost is in a column now: the work packages' totals add up to the total
        assert sum(int(cell(grid, TOTAL_ROW, k).replace(",", "")) for k in wp_keys) == est.cost_eur
        rvnh = next(i for i, p in enumerate(app.document.plan.partners) if p.short_name == "RVNH")
        assert cell(grid, f"p{rvnh}", PARTNER).startswith("✗ RVNH")
        # its lines count in no total: the row says so where its cost would be, and the others add up
        assert cell(grid, f"p{rvnh}", COST) == "✗ not counted"
        rows = [r for r in grid.shown if r.startswith("p") and r != f"p{rvnh}"]
        assert sum(int(cell(grid, r, COST).replace(",", "")) for r in rows) == est.cost_eur
        grid.go_to(MONTHS_ROW, "wp:wp3")
        await wait_for(pilot, lambda: "✗ wp3 is no work package of the plan" in static_text(screen, "#budget-detail"),
                       "the column's words")
        assert "WP3 differs only in case" in static_text(screen, "#budget-detail")
        grid.go_to(f"p{rvnh}", PARTNER)
        words = "is an associated partner, which has no budget: its lines count in no total"
        await wait_for(pilot, lambda: words in static_text(screen, "#budget-detail"), "the row's words")


async def test_question_mark_in_the_budget_lists_its_keys_redo_among_them(tmp_path: Path) -> None:
    """? did nothing in the budget dialog, and ctrl+y (redo) was shown nowhere there."""
    from planner.tui.screens.help import HelpScreen

    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _grid = await open_budget(pilot)
        await pilot.press("question_mark")
        help_screen = await wait_screen(pilot, HelpScreen)
        await pilot.pause()
        assert "Keys here" in screen_text(app)  # on top; the main screen's keys further down
        shown = help_text(help_screen)
        assert "On the main screen" in shown
        for key, what in (("^y", "redo"), ("d", "remove WP"), ("t", "timeline"), ("^z", "undo")):
            assert f"{key}" in shown and what in shown, (key, what)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back in the budget")


async def test_at_40x12_the_grid_keeps_a_partner_s_row_in_view(tmp_path: Path) -> None:
    """At 40x12 the summary's six lines, two empty lines of problems and the detail's two left the grid its
    header alone: the lines around it now take one or two lines each, none when empty."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(40, 12)) as pilot:
        screen, grid = await open_budget(pilot)
        def row_shown(label: str) -> bool:
            return any(line.strip(" █").startswith(label) for line in screen_text(app).splitlines())

        first = app.document.plan.partners[0].label
        await wait_for(pilot, lambda: row_shown(first), "the first partner's row on the screen")
        text = screen_text(app)
        assert "Contribution" in text and "% of" in text  # the summary's first words
        await pilot.press("down")
        second = app.document.plan.partners[1].label
        await wait_for(pilot, lambda: row_shown(second), "the next row in view")
        await pilot.resize_terminal(80, 24)  # taller: every line back as it was
        await wait_for(pilot, lambda: "consortium covers" in screen_text(app), "the summary in full")


async def test_escape_in_the_budget_forms_asks_before_it_drops_what_was_typed(tmp_path: Path) -> None:
    """The line, work-package and share forms closed on escape and dropped what was typed, where the
    partner form asks first."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, grid = await open_budget(pilot)
        plan = app.document.plan
        for key, form_type, question in (("enter", LineForm, "Discard the changes to this line?"),
                                         ("a", WorkPackageForm, "Discard this work package?"),
                                         ("s", ShareForm, "Discard the share typed?")):
            await pilot.press(key)
            form = await wait_screen(pilot, form_type)
            await pilot.press("escape")  # nothing typed: closes at once
            await wait_screen(pilot, BudgetScreen)
            await pilot.press(key)
            form = await wait_screen(pilot, form_type)
            await type_text(pilot, "7")
            await pilot.press("escape")
            await wait_screen(pilot, Choice)
            assert question in screen_text(app)
            await pilot.press("enter")  # Keep editing, the safe answer
            assert await wait_screen(pilot, form_type) is form and app.focused.value.endswith("7")
            await pilot.press("escape")
            await wait_screen(pilot, Choice)
            await pilot.press("right", "enter")  # Discard
            await wait_screen(pilot, BudgetScreen)
            assert app.document.plan is plan  # nothing taken: a discarded share is not a cleared one


async def test_shift_tab_from_the_first_field_of_the_line_form_goes_to_the_last(tmp_path: Path) -> None:
    """shift+tab went to a stop of its own (the fields' scrolling box), where what was typed went nowhere."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_budget(pilot)
        await pilot.press("enter")
        form = await wait_screen(pilot, LineForm)
        assert app.focused is form.query_one("#person_months", Input)
        await pilot.press("shift+tab")
        assert app.focused is form.query_one("#partner_staff_cost_eur", Input)


async def test_at_40x12_the_line_form_shows_the_field_being_typed_in(tmp_path: Path) -> None:
    """Below 60 columns the labels' 34 cells left the fields no width: the label now stands over its field,
    and the field with the cursor is in view."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(40, 12)) as pilot:
        await open_budget(pilot)
        await pilot.press("enter")
        form = await wait_screen(pilot, LineForm)
        months = form.query_one("#person_months", Input)
        await wait_for(pilot, lambda: months.size.width >= 10 and months.value in screen_text(app), "the field shown")
        await pilot.press("tab", "tab")  # travel
        travel = form.query_one("#travel_eur", Input)
        await wait_for(pilot, lambda: app.focused is travel, "travel")
        await type_text(pilot, "9")
        await wait_for(pilot, lambda: travel.value in screen_text(app) and "Travel and subsistence" in screen_text(app),
                       "the travel field in view")
