"""The call being written in the TUI: days to the deadline in the lot pane and the verdict bar, 2027 typed
as the plan's call, a new plan from the folder view on 2027, a team's own rule set beside the plans."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import Input

from planner.qualify_words import in_sentence
from planner.tui.app import PlannerApp, open_document
from planner.tui.screens.dialogs import PathPrompt
from planner.tui.screens.plan_details import PlanDetails
from planner.tui.widgets.picker import Picker

from .helpers import (
    SAMPLES,
    SIZES,
    freeze_clock,
    make_app,
    post_keys,
    ready,
    replace_text,
    static_text,
    verdict,
    wait_for,
    wait_main,
    wait_screen,
)

DECEMBER_2026 = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
# 40 days and 3 hours before 10 March 2026, 17:00 Brussels (16:00 UTC, the tests' TZ)
FORTY_DAYS_BEFORE_2026 = datetime(2026, 1, 29, 13, 0, tzinfo=timezone.utc)
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


def _lot3(folder: Path) -> Path:
    return Path(shutil.copyfile(SAMPLES / "lot3-example.toml", folder / "lot3.toml"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_days_left_in_the_lot_pane_and_the_verdict_bar(tmp_path: Path, monkeypatch, size) -> None:
    freeze_clock(monkeypatch, FORTY_DAYS_BEFORE_2026)
    app, _ = make_app(_lot3(tmp_path))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        words = "40 days left (10 Mar 2026, 17:00 Brussels, 16:00 here)"
        assert static_text(app, "#deadline") == f"Deadline: {words}."
        assert verdict(app) == f"✓ ELIGIBLE: Lot 3, 24 months · {words}"
        assert app.board.get("deadline").days_left == 40


async def test_the_verdict_bar_keeps_the_days_left_when_the_middle_gives_way(tmp_path: Path, monkeypatch) -> None:
    freeze_clock(monkeypatch, FORTY_DAYS_BEFORE_2026)
    app, _ = make_app(tmp_path / "new.toml")  # an empty plan on 2026: seven rules fail
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.document.plan.call == "2026"
        await wait_for(pilot, lambda: "40 days left" in verdict(app), "the days left in the verdict bar")
        assert all(in_sentence(f.label) in verdict(app) for f in app.board.failures)


async def test_closes_today_in_the_lot_pane(tmp_path: Path, monkeypatch) -> None:
    freeze_clock(monkeypatch, datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc))
    app, _ = make_app(_lot3(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert static_text(app, "#deadline") == "Deadline: closes today at 17:00 Brussels (16:00 here)."
        assert verdict(app).endswith(" · closes today at 17:00 Brussels (16:00 here)")


async def test_2027_typed_as_the_plans_call(tmp_path: Path, monkeypatch) -> None:
    freeze_clock(monkeypatch, DECEMBER_2026)
    app, notes = make_app(_lot3(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert verdict(app).startswith("✓ ELIGIBLE under call 2026, closed 10 Mar 2026")
        assert static_text(app, "#deadline").endswith("; next call: 2027, expected (y).")
        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        call = details.query_one("#call", Picker)
        await pilot.press("tab", "tab")  # title, acronym, call
        assert app.focused is call.input
        await replace_text(pilot, "2027")
        await wait_for(pilot, lambda: call.value == "2027", "2027 taken as the call")
        await pilot.press("ctrl+s")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.rules.id == "2027", "the 2027 rules")
        assert app.document.plan.call == "2027"
        await wait_for(pilot, lambda: "expected (provisional)" in verdict(app), "the verdict under 2027")
        assert not any("did you mean" in n.message for n in notes)


async def test_a_new_plan_from_the_folder_view_is_on_2027(tmp_path: Path, monkeypatch) -> None:
    freeze_clock(monkeypatch, DECEMBER_2026)
    folder = tmp_path / "plans"
    folder.mkdir()
    _lot3(folder)
    app = PlannerApp(open_document(None), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        from planner.tui.screens.folder import FolderScreen

        await wait_screen(pilot, FolderScreen)
        post_keys(app, ["n"])
        prompt = await wait_screen(pilot, PathPrompt)
        assert prompt.query_one(Input).placeholder == "new-plan.toml"  # a suggestion: enter takes it
        post_keys(app, ["enter"])
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.path == folder / "new-plan.toml", "the new plan")
        assert (app.document.plan.call, app.document.rules.id) == ("2027", "2027")


async def test_a_teams_rule_set_beside_the_plan_is_used_by_id(tmp_path: Path, monkeypatch) -> None:
    freeze_clock(monkeypatch, DECEMBER_2026)
    (tmp_path / "calls").mkdir()
    (tmp_path / "calls" / "2027.toml").write_text(
        'extends = "2027"\nid = "2027"\nstatus = "published"\ndeadline = 2027-01-15T17:00:00\n'
        'deadline_source = "the call text, as our team read it"\n', encoding="utf-8")
    plan = _lot3(tmp_path)
    plan.write_text(plan.read_text(encoding="utf-8").replace('call = "2026"', 'call = "2027"'), encoding="utf-8")
    app, notes = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.document.rules.status == "published"
        assert static_text(app, "#deadline") == "Deadline: 40 days left (15 Jan 2027, 17:00 Brussels, 16:00 here)."
        await wait_for(pilot, lambda: any("replaces the built-in one" in n.message for n in notes), "the notice")
