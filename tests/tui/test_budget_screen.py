"""The budget screen's words and sums: an associated partner's lines in no total, the contribution never
called '80%' of the costs, the amount to cut in view at 80x24 and a failure readable in full, and `?`
naming the grid's own keys."""

from __future__ import annotations

import re
from pathlib import Path

from planner.budget import estimate
from planner.rules import load_call
from planner.storage import load_plan
from planner.tui.screens.budget import BudgetScreen
from planner.tui.screens.budget_forms import LineForm
from planner.tui.screens.dialogs import Choice
from planner.tui.screens.help import HelpScreen
from planner.tui.widgets.budget_grid import COST, PARTNER, PM, TOTAL_ROW

from .budget_plans import write_budget_plan
from .helpers import (
    SAMPLES,
    cell,
    focus,
    help_text,
    make_app,
    open_budget,
    replace_text,
    saved_with_ctrl_s,
    screen_text,
    static_text,
    wait_for,
    wait_screen,
)


async def travel_typed(pilot, text: str) -> None:
    """enter on the grid's cell, `text` as the line's travel, enter: back on the budget screen."""
    await pilot.press("enter")
    form = await wait_screen(pilot, LineForm)
    await focus(pilot, form.query_one("#travel_eur"))
    await replace_text(pilot, text)
    await pilot.press("enter")
    await wait_screen(pilot, BudgetScreen)


def amount(text: str) -> int:
    return int(text.replace(",", ""))


async def test_an_associated_partner_s_lines_are_shown_not_counted_and_the_grid_adds_up(tmp_path: Path) -> None:
    """RVNH, an associated partner, with a line in WP1: the contribution counted it, `by_partner` did not.
    Its row stays (where the line is removed), marked not counted; the counted rows add up to the total."""
    path = write_budget_plan(tmp_path / "budget.toml", problems=False)
    text = path.read_text(encoding="utf-8")
    before = estimate(load_plan(path), load_call("2024"))
    notes = next(line for line in text.splitlines() if line.startswith('notes = "Regional authority;'))
    path.write_text(text.replace(notes, notes + "\n\n[partners.budget.WP1]\ntravel_eur = 5000", 1), encoding="utf-8")
    app, _ = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, grid = await open_budget(pilot)
        est = app.board.estimate
        assert (est.cost_eur, est.contribution_eur) == (before.cost_eur, before.contribution_eur)
        rvnh = next(i for i, p in enumerate(app.document.plan.partners) if p.short_name == "RVNH")
        assert cell(grid, f"p{rvnh}", PARTNER).startswith("✗ RVNH")
        assert cell(grid, f"p{rvnh}", COST) == "✗ not counted"
        assert cell(grid, f"p{rvnh}", "wp:WP1") == "5,350"  # the line itself, to be seen and emptied
        counted = [r for r in grid.shown if r.startswith("p") and r != f"p{rvnh}"]
        assert sum(amount(cell(grid, r, COST)) for r in counted) == amount(cell(grid, TOTAL_ROW, COST)) == est.cost_eur
        assert amount(cell(grid, TOTAL_ROW, "wp:WP1")) == sum(amount(cell(grid, r, "wp:WP1")) for r in counted)
        assert cell(grid, f"p{rvnh}", PM) == "-"
        assert app.board.get("budget").status == "fail" and "RVNH" in app.board.get("budget").message
        grid.go_to(f"p{rvnh}", "wp:WP1")
        await wait_for(pilot, lambda: "not counted" in static_text(screen, "#budget-detail"), "the cell's words")
        await travel_typed(pilot, "")  # emptied: the budget no longer fails, the totals do not move
        await wait_for(pilot, lambda: app.board.get("budget").status == "pass", "the budget passes")
        assert app.board.estimate.cost_eur == est.cost_eur


async def test_no_line_is_added_for_an_associated_partner_but_its_lines_can_be_emptied(tmp_path: Path) -> None:
    """RVNH, associated, with a line in WP1: its WP2 cell said 'RVNH has no line in WP2: enter adds one',
    and enter gave a form that added one, which made the budget fail. Now the cell says there is none to
    add and enter says so; the name still opens its one line (in WP1), to be emptied."""
    path = write_budget_plan(tmp_path / "budget.toml", problems=False)
    text = path.read_text(encoding="utf-8")
    notes_line = next(line for line in text.splitlines() if line.startswith('notes = "Regional authority;'))
    path.write_text(text.replace(notes_line, notes_line + "\n\n[partners.budget.WP1]\ntravel_eur = 5000", 1),
                    encoding="utf-8")
    app, notes = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, grid = await open_budget(pilot)
        rvnh = next(i for i, p in enumerate(app.document.plan.partners) if p.short_name == "RVNH")
        grid.go_to(f"p{rvnh}", "wp:WP2")
        await wait_for(pilot, lambda: "no line to add in WP2" in static_text(screen, "#budget-detail"),
                       "the cell's words")
        assert "enter adds one" not in static_text(screen, "#budget-detail")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("no line to add" in n.message for n in notes), "enter's answer")
        assert app.screen is screen and "WP2" not in (app.document.plan.partners[rvnh].budget or {})
        grid.go_to(f"p{rvnh}", PARTNER)
        await pilot.press("enter")
        form = await wait_screen(pilot, LineForm)
        assert form.wp_id == "WP1", form.wp_id

async def test_the_contribution_is_never_called_80_percent_of_the_costs(tmp_path: Path) -> None:
    """'Costs EUR 4,899,025 · EU 80% EUR 3,919,215': 80% of 4,899,025 is 3,919,220. The contribution is
    each line's 80%, rounded, added up: the screen says so, in the rule's words too."""
    path = tmp_path / "plan.toml"
    path.write_bytes((SAMPLES / "lot2-example.toml").read_bytes())
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _grid = await open_budget(pilot)
        est = app.board.estimate
        assert est.contribution_eur * 100 != est.cost_eur * 80  # the case: a few euros apart
        summary = " ".join(static_text(screen, "#budget-summary").split())
        assert f"EU contribution EUR {est.contribution_eur:,} (80% of each line, rounded)" in summary
        assert "EU 80%" not in summary
        grant = app.board.get("grant").message
        assert f"EUR {est.contribution_eur:,} (80% of each line, rounded)" in grant
        assert f"80% of EUR {est.cost_eur:,}" not in grant


async def test_over_the_cap_the_amount_to_cut_is_in_view_at_80x24_and_the_failure_in_full(tmp_path: Path) -> None:
    """VTU's travel in WP1 at 150k: the line of problems ended '...for 48 months: cut EUR…' at 80x24, the bar
    said 'OVER by EUR 21,713' beside a step of 'cut EUR 27,142 of costs', and nothing showed the words whole."""
    path = tmp_path / "plan.toml"
    path.write_bytes((SAMPLES / "lot2-example.toml").read_bytes())
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, grid = await open_budget(pilot)
        vtu = next(i for i, p in enumerate(app.document.plan.partners) if p.short_name == "VTU")
        grid.go_to(f"p{vtu}", "wp:WP1")
        await travel_typed(pilot, "150k")
        await wait_for(pilot, lambda: app.board.get("grant").status == "fail", "over the cap")
        board = app.board
        over = board.estimate.contribution_eur - board.cap_eur
        summary = " ".join(static_text(screen, "#budget-summary").split())
        problems = " ".join(static_text(screen, "#budget-problems").split())
        assert f"OVER by EUR {over:,} · cut EUR {board.cut_to_cap:,} of costs" in summary
        assert problems.startswith(f"✗ FAIL Grant: cut EUR {board.cut_to_cap:,} of estimated costs")
        assert problems.endswith("… (p: in full)")
        shown = " ".join(screen_text(app).replace("█", " ").split())  # on the screen, not cut off
        assert f"cut EUR {board.cut_to_cap:,} of costs" in shown
        assert f"✗ FAIL Grant: cut EUR {board.cut_to_cap:,} of estimated costs" in shown
        await pilot.press("p")
        dialog = await wait_screen(pilot, Choice)
        assert dialog.question.startswith(f"✗ FAIL Grant: {board.get('grant').message}")
        assert "! WARN Budget" not in dialog.question or "✗ FAIL Grant" in dialog.question.split("\n")[0]
        assert "…" not in dialog.question  # a dialog whose text scrolls: ↑ ↓ pageup pagedown
        await pilot.press("escape")
        await wait_screen(pilot, BudgetScreen)


async def test_problems_in_full_name_every_share_that_disagrees_with_the_budget(tmp_path: Path) -> None:
    """'p' showed the grant's words as the scoreboard has them, five shares and then '; 11 more': in full,
    but not every partner. Seven shares typed by hand, each EUR 1,000 off its budget: all seven named."""
    text = (SAMPLES / "lot2-example.toml").read_text(encoding="utf-8")
    names = re.findall(r'^short_name = "(\w+)"$', text, flags=re.M)[:7]
    shares = re.findall(r"^grant_eur = (\d+)$", text, flags=re.M)[:7]
    assert len(shares) == 7
    for share in shares:  # the first seven partners' shares (each partner has one), EUR 1,000 more
        text = text.replace(f"grant_eur = {share}\n", f"grant_eur = {int(share) + 1000}\n", 1)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_budget(pilot)
        assert app.board.get("grant").message.endswith("; 2 more")  # the scoreboard's words stay short
        await pilot.press("p")
        dialog = await wait_screen(pilot, Choice)
        for name in names:
            assert f"{name}'s share of the grant (partners[" in dialog.question, name
        assert "more" not in dialog.question

async def test_the_budget_says_the_plan_is_unsaved_where_it_covers_the_header(tmp_path: Path) -> None:
    """At 80x24 the budget covers the whole screen, the header's ● with it: an edit left no sign that the
    file was not saved. Its title says so until ctrl+s."""
    path = tmp_path / "plan.toml"
    path.write_bytes((SAMPLES / "lot2-example.toml").read_bytes())
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, grid = await open_budget(pilot)
        dialog = screen.query_one(".dialog.budget")
        assert "unsaved" not in str(dialog.border_title)
        vtu = next(i for i, p in enumerate(app.document.plan.partners) if p.short_name == "VTU")
        grid.go_to(f"p{vtu}", "wp:WP1")
        await travel_typed(pilot, "15000")
        await wait_for(pilot, lambda: str(dialog.border_title).endswith("costs in EUR · ● unsaved"), "the mark")
        assert "● unsaved" in screen_text(app)
        await saved_with_ctrl_s(pilot)
        await wait_for(pilot, lambda: "unsaved" not in str(dialog.border_title), "the mark gone")

async def test_question_mark_lists_the_grid_s_own_keys(tmp_path: Path) -> None:
    """enter, the arrows, home and end and the page keys are the table's: ? listed none of them."""
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_budget(pilot)
        await pilot.press("question_mark")
        help_screen = await wait_screen(pilot, HelpScreen)
        await pilot.pause()
        shown = help_text(help_screen)
        keys_here = shown[:shown.index("On the main screen")]
        for key in ("enter", "↑ ↓ ← →", "home / end", "pageup / pagedown", "p", "problems in full"):
            assert key in keys_here, key
