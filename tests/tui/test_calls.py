"""The call in the TUI: a new plan is for the newest call, `y` switches the call, `l` and `c` cover its lots."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from planner.tui.screens.compare import CompareScreen
from planner.tui.screens.dialogs import Choice
from planner.tui.screens.help import HelpScreen
from planner.tui.widgets.scoreboard import RulesTable

from .helpers import (
    SAMPLES,
    freeze_clock,
    help_text,
    make_app,
    post_keys,
    ready,
    static_text,
    verdict,
    wait_for,
    wait_main,
    wait_screen,
)

LATE_2026 = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def call_line(app) -> str:
    """The call as the lot pane shows it, in its bottom border."""
    from planner.tui.widgets.lot_pane import LotPane

    return str(app.query_one(LotPane).border_subtitle or "")


def _lot3(tmp_path: Path) -> Path:
    return Path(shutil.copyfile(SAMPLES / "lot3-example.toml", tmp_path / "lot3.toml"))



async def next_call_question(pilot):
    """`y` once the planner is ready: (the question, its words)."""
    await ready(pilot)
    await pilot.press("y")
    question = await wait_screen(pilot, Choice)
    return question, str(question.query_one(".question", Static).render())

@pytest.mark.one_size
async def test_a_new_plan_is_for_the_newest_call_and_says_so(monkeypatch, size) -> None:
    freeze_clock(monkeypatch, LATE_2026)  # 2026 closed: a new plan is for the expected 2027
    app, _ = make_app(None)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.document.plan.call == "2027" and app.document.rules.id == "2027"
        assert call_line(app) == "Call 2027 expected: 3 lots, all provisional"
        assert static_text(app, "#deadline") == "Deadline: not yet published (expected early 2027)."
        assert "expected (provisional)" in verdict(app)
        assert all(c.provisional for c in app.board.criteria)


async def test_l_cycles_through_the_three_lots_of_2026(tmp_path: Path, monkeypatch) -> None:
    import planner.tui.actions as tui_actions
    monkeypatch.setattr(tui_actions, "available_calls", lambda: ["2024", "2025", "2026", "2027"])  # a call file added
    app, _ = make_app(_lot3(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        seen = [app.document.plan.lot]
        for _ in range(3):
            before = app.document.plan.lot
            await pilot.press("l")
            await wait_for(pilot, lambda: app.document.plan.lot != before, "the next lot")
            seen.append(app.document.plan.lot)
        assert seen == [3, 1, 2, 3]
        assert static_text(app, "#lot-name").startswith("Lot 3: Alliances for STEM Skills Foundries")
        assert verdict(app).startswith("✓ ELIGIBLE") and ": Lot 3, 24 months" in verdict(app)
        rules = app.query_one(RulesTable)
        row = rules.ids.index("full-partners")
        cells = [str(getattr(c, "plain", c)) for c in rules.get_row_at(row)]
        assert "Full partners *" in cells and "8/8" in cells
        await pilot.press("3")
        rules.move_cursor(row=row)
        await wait_for(pilot, lambda: "Full partners" in static_text(app, "#rule-detail"), "the rule's detail")
        assert "provisional figure: check the call document" in static_text(app, "#rule-detail")
        await pilot.press("f1")
        screen = await wait_screen(pilot, HelpScreen)
        shown = help_text(screen)
        assert ("Lot 3 (STEM): 4 countries, 8 full partners, 3 labour-market actors, 3 providers "
                "(provisional: check the call document, secondary sources only)") in shown
        assert not re.search(r"\b\d+ / \d+ / \d+ / \d+\b", shown)  # bare figures read both ways
        assert "No source for this call says whether only one proposal per ecosystem can be funded" in shown
        assert "Third countries: a full partner from a third country not associated" in shown
        # the keys' help names this call's lots and every call the planner has, from the rules
        assert "the next lot of the call (1, 2, 3 in call 2026)" in shown
        assert ("on the newest call, the one before it; else the next call (2024, 2025, 2026, 2027); asks first "
                "when that one has closed: its rules apply") in shown
        assert "p Lot 2 content: occupational profiles" in shown  # Lot 3 has no content rules (2026.toml)


async def test_y_switches_the_call_and_undo_brings_it_back(tmp_path: Path, monkeypatch) -> None:
    freeze_clock(monkeypatch, LATE_2026)
    app, notes = make_app(_lot3(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # 2026 has closed: y offers 2027, saying what would change, and moves only on enter
        assert static_text(app, "#deadline").endswith("; next call: 2027, expected (y).")
        await pilot.press("y")
        question = await wait_screen(pilot, Choice)
        asked = str(question.query_one(".question", Static).render())
        assert "Call 2026 closed on 10 Mar 2026. Move this plan to call 2027" in asked
        assert "countries, associated countries: + CH" in asked
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan.call == "2026"
        await pilot.press("y")
        await wait_screen(pilot, Choice)
        await pilot.press("enter")
        await wait_for(pilot, lambda: call_line(app).startswith("Call 2027"), "the 2027 call shown")
        assert (app.document.plan.call, app.document.plan.lot) == ("2027", 3)
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: call_line(app).startswith("Call 2026"), "2026 back after one undo")
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: call_line(app).startswith("Call 2027"), "2027 again after redo")
        # 2027 is the newest call: y says so and offers the one before it, 2026, which has closed: asked first,
        # "keep" in focus (a plan there can no longer be submitted); never round to 2024
        await pilot.press("y")
        question = await wait_screen(pilot, Choice)
        asked = str(question.query_one(".question", Static).render())
        assert asked.startswith("Call 2027 is the newest call the planner knows (expected). The one before it, "
                                "call 2026, closed on 10 Mar 2026: a plan on it can no longer be submitted.")
        assert "2024" not in asked and "Lot 3 →" not in asked  # 2026 has a Lot 3
        assert app.focused.id == "choice-keep"
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.document.plan.call == "2027"
        told = len(notes)
        await pilot.press("y")
        await wait_screen(pilot, Choice)
        await pilot.press("left", "enter")
        await wait_for(pilot, lambda: call_line(app).startswith("Call 2026"), "the 2026 call shown")
        await pilot.pause()
        assert [n.message.split(" (")[0] for n in notes[told:]] == ["Call 2026"]  # one toast says it
        plan = app.document.plan
        assert (plan.call, plan.lot, app.document.rules.id, app.board.call) == ("2026", 3, "2026", "2026")
        assert static_text(app, "#deadline").endswith("; next call: 2027, expected (y).")
        await pilot.press("ctrl+z", "ctrl+z")
        await wait_for(pilot, lambda: call_line(app).startswith("Call 2026"), "2026 back after undo")
        assert (app.document.plan.call, app.document.plan.lot, app.board.lot) == ("2026", 3, 3)
        assert not app.document.dirty


async def test_y_on_a_closed_2024_plan_offers_the_call_being_written(tmp_path: Path, monkeypatch) -> None:
    """2024 has closed and has no Lot 3; y offers 2027 (the call being written), not 2025."""
    freeze_clock(monkeypatch, LATE_2026)
    plan = Path(shutil.copyfile(SAMPLES / "lot1-example.toml", tmp_path / "lot1.toml"))
    app, _ = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        question, asked = await next_call_question(pilot)
        assert asked.startswith("Call 2024 closed on 7 Mar 2024. Move this plan to call 2027")
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan.call == "2024"


async def test_compare_covers_every_lot_and_duration_of_2026(tmp_path: Path) -> None:
    app, _ = make_app(_lot3(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "Lot 1")
        await pilot.press("c")
        screen = await wait_screen(pilot, CompareScreen)
        table = screen.query_one(DataTable)
        titles = [str(column.label) for column in table.columns.values()]
        assert titles == ["Criterion", "▸ Lot 1 24m", "Lot 1 36m", "Lot 2 48m", "Lot 3 24m"]  # ▸ the plan now
        assert "call 2026" in str(screen.query_one(".dialog").border_title)
        await pilot.press("4")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.lot == 3, "Lot 3 applied")
        assert app.document.plan.duration_months == 24


@pytest.mark.one_size
async def test_a_redraw_while_the_lot_pane_is_rebuilt_for_another_call_waits_for_the_rebuild(
        tmp_path: Path, monkeypatch, size) -> None:
    """`y` rebuilds the lot pane's lists (its children removed, then composed for the new call): a redraw
    that comes meanwhile (the folder view's re-read, a reload, the recovery check) must not look for
    the lists that are not there yet ("No nodes match '#scenario'"), and the pane ends drawn for the new call."""
    import asyncio

    from planner.rules import load_call
    from planner.tui.widgets.choice_list import ChoiceList
    from planner.tui.widgets.lot_pane import LotPane

    freeze_clock(monkeypatch, LATE_2026)  # 2024 has closed: y offers 2027, "move" in focus
    app, _ = make_app(Path(shutil.copyfile(SAMPLES / "lot1-example.toml", tmp_path / "lot1.toml")))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        pane = app.query_one(LotPane)

        def scenarios() -> list[str] | None:  # the lot pane's list of lots and durations, if it is there
            found = pane.query("#scenario")
            return [cid for cid, _ in found.first(ChoiceList).choices] if found else None

        assert not any(cid.startswith("lot3-") for cid in scenarios() or ())  # 2027 has a Lot 3, 2024 not
        # not pilot.press, which waits until the app is idle: the rebuild would be over. y asks first
        # (Move in focus), enter moves the plan to 2027
        post_keys(app, ["y", "enter"])
        wanted = [f"lot{lot.number}-{d.months}" for lot in load_call("2027").lots for d in lot.durations]
        redrawn_between = 0
        deadline = asyncio.get_running_loop().time() + 30
        # turn by turn (each turn lets the rebuild go one step further), redraw whenever the lists are gone
        while scenarios() != wanted:
            assert asyncio.get_running_loop().time() < deadline, "timed out waiting for the 2027 lots listed"
            if pane.is_mounted and scenarios() is None:
                app.redraw()
                redrawn_between += 1
            await asyncio.sleep(0)
        assert redrawn_between, "the rebuild left no turn without the lists: nothing was provoked"
        await wait_for(pilot, lambda: app.main.complete, "the rebuild done")
        await pilot.pause()
        scenario = pane.query_one("#scenario", ChoiceList)
        assert scenario.chosen == {f"lot{app.document.plan.lot}-{app.board.duration_months}"}
        assert call_line(app).startswith("Call 2027") and "expected early 2027" in static_text(app, "#deadline")


async def test_the_planner_ends_cleanly_when_it_is_told_to_while_the_lot_pane_is_rebuilt(monkeypatch) -> None:
    """Ending (ctrl+q, a signal) while `y` rebuilds the lot pane: the rebuild must not draw a pane whose
    new lists were never mounted."""
    import asyncio

    from planner.tui.widgets.lot_pane import LotPane

    freeze_clock(monkeypatch, LATE_2026)
    app, _ = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        pane = app.query_one(LotPane)
        post_keys(app, ["y", "left", "enter"])  # 2027 is the newest: 2026 (closed) asked first, then moved there
        deadline = asyncio.get_running_loop().time() + 30
        while pane.query("#scenario"):  # until the rebuild has removed the old lists
            assert asyncio.get_running_loop().time() < deadline, "timed out waiting for the rebuild to start"
            await asyncio.sleep(0)
    assert app.return_code in (None, 0)  # leaving run_test ended the app there; a crash raises out of it


async def test_the_question_to_move_to_the_next_call_lists_the_new_rules_first(draft, monkeypatch) -> None:
    """From 2024 to 2027, ten lines of 'how sure (grade): official → secondary' came first and the new
    third-countries and ECHE rules were among '... 18 more'."""
    freeze_clock(monkeypatch, LATE_2026)
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        question, asked = await next_call_question(pilot)
        assert "Move this plan to call 2027 (expected early 2027, deadline not yet published)?" in asked
        shown = asked.split("What changes", 1)[1].split("\n- …", 1)[0]
        assert "- third-countries: new rule" in shown and "- eche: new rule" in shown
        assert "how sure (grade)" not in shown  # how sure each source is: after the rules, not shown here


async def test_the_priority_legend_shows_only_where_an_ecosystem_shown_is_a_priority(tmp_path: Path) -> None:
    """'* priority' stood under 2026 and 2027's ecosystems, where no source names a priority (no star)."""
    app, _ = make_app(_lot3(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        hint = static_text(app, "#ecosystem-hint")
        assert hint.startswith("Ecosystems · Lot 3: no ecosystem rule") and "priority" not in hint
    older = Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "lot2.toml"))  # 2024: 1-8 have priority
    app, _ = make_app(older)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert static_text(app, "#ecosystem-hint").endswith("· * priority")


def swiss_led(tmp_path: Path, monkeypatch) -> Path:
    """A 2027 plan that passes Lot 1 only if Switzerland is associated (its coordinator is Swiss), in late 2026."""
    from planner.rules import load_call
    from planner.storage import dump_plan
    from support import passing_plan

    freeze_clock(monkeypatch, LATE_2026)
    plan = passing_plan(load_call("2027"), 1)
    partners = tuple(p.model_copy(update={"country": "CH"}) if p.role == "coordinator" else p for p in plan.partners)
    path = tmp_path / "swiss.toml"
    path.write_text(dump_plan(plan.model_copy(update={"partners": partners, "call": "2027"})), encoding="utf-8")
    return path


async def test_the_verdict_bar_says_when_the_verdict_needs_switzerland_at_80x24(tmp_path: Path, monkeypatch) -> None:
    """'ETHD (CH) coordinates; Switze…' cut at 80 columns was the only word of the condition."""
    app, _ = make_app(swiss_led(tmp_path, monkeypatch))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        shown = " ".join(verdict(app).split())
        assert shown.startswith("✓ ELIGIBLE under call 2027, expected (provisional), if Switzerland is associated:")


async def test_the_comparison_and_the_partner_form_say_the_condition_on_switzerland(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    """The verdict bar said 'if Switzerland is associated'; the comparison said 'ELIGIBLE' and 'What it takes:
    nothing, the plan is eligible as it is', and the partner form's line 'plan ELIGIBLE'."""
    from planner.tui.screens.partner_form import PartnerForm

    app, _ = make_app(swiss_led(tmp_path, monkeypatch))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = await wait_screen(pilot, CompareScreen)
        table = screen.query_one(DataTable)
        own = table.get_row_at(0)[1:] + table.get_row_at(1)[1:]  # the verdicts, what it takes
        assert any("✓ ELIGIBLE if CH" in str(cell) for cell in own), own
        assert any("nothing" in str(cell) and "if CH" in str(cell) for cell in own), own
        # the cursor starts on the row of what it takes
        await wait_for(pilot, lambda: "What it takes:" in static_text(screen, "#compare-detail"), "its detail")
        detail = " ".join(static_text(screen, "#compare-detail").split())
        assert "eligible as it is (only if Switzerland is associated)" in detail, detail
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("1", "enter")
        form = await wait_screen(pilot, PartnerForm)
        await wait_for(pilot, lambda: "plan ELIGIBLE" in static_text(form, "#impact"), "the form's line")
        assert "plan ELIGIBLE if Switzerland is associated" in static_text(form, "#impact")

