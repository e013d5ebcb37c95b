"""Snapshots of the main screen, the comparison, the partner form and the plan details at 80x24 and 160x48.

Update with `--snapshot-update` after checking the change in the report (snapshot_report.html).
Stable by construction: a fixed file name (the header shows it), TZ=UTC (the lot pane shows the deadline
in local time), no blinking cursor, a fixed clock, and nothing on screen that depends on today's date
(checked below). The one count of days on screen, the scoreboard's "the call closed N days ago", comes
from the fixed clock (checked below too).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from textual.widgets import Input

from planner.tui.screens.compare import CompareScreen
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.screens.plan_details import PlanDetails

from .helpers import SIZES, freeze_clock, make_app, ready, screen_text, static_text, wait_screen

SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]
NOW = datetime(2025, 1, 15, 12, 0, tzinfo=timezone.utc)  # after the 2024 deadline: "the call has closed"


async def _main(pilot) -> None:
    await ready(pilot)


async def _compare(pilot) -> None:
    await ready(pilot)
    await pilot.press("c")
    await wait_screen(pilot, CompareScreen)


async def _form(pilot) -> None:
    await ready(pilot)
    await pilot.press("a")
    form = await wait_screen(pilot, PartnerForm)
    for field in form.query(Input):
        field.cursor_blink = False  # the cursor stays drawn: the same picture at any moment
    await pilot.pause()


async def _details(pilot) -> None:
    from textual.widgets import TextArea

    await ready(pilot)
    await pilot.press("t")
    details = await wait_screen(pilot, PlanDetails)
    for field in details.query(Input):
        field.cursor_blink = False
    for area in details.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


VIEWS = {"main": _main, "compare": _compare, "form": _form, "details": _details}

# what would change from one day to the next: a count of days, "today", "ago", hours left
RELATIVE = re.compile(r"\b\d+\s+days?\b|\btoday\b|\bago\b|\d+\s+h\s+left\b", re.IGNORECASE)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(snap_compare, draft, view, size, monkeypatch):
    freeze_clock(monkeypatch, NOW)
    app, _ = make_app(draft)
    shown: dict[str, str] = {}

    async def run_before(pilot) -> None:
        await VIEWS[view](pilot)
        await pilot.pause()  # the first frame is laid out
        shown["text"] = screen_text(app)
        shown["deadline"] = str(app.query_one("#deadline").render())
        shown["deadline_rule"] = app.board.get("deadline").message

    matches = snap_compare(app, terminal_size=size, run_before=run_before)
    # nothing on screen depends on the date (today's or the frozen one) or the machine's time zone
    today = date.today()
    text = shown["text"]
    # the one relative thing: the scoreboard's deadline rule counts the days, from the frozen clock
    days = (NOW - app.document.rules.deadline_aware()).days
    counted = f"the call closed {days} days ago"
    assert shown["deadline_rule"].endswith(counted)
    if app.size.width >= 120 and view == "main":
        assert counted in text  # on screen: the scoreboard shows every rule at 160x48
    words = counted.split()
    for k in range(len(words)):  # whole, or its end where a dialog covers the rest
        text = text.replace(" ".join(words[k:]), "")
    assert not RELATIVE.search(text), RELATIVE.search(text)
    for day in (today, NOW.date()):
        for shown_as in (day.isoformat(), f"{day.day} {day:%B %Y}", f"{day:%d %b}"):
            assert shown_as not in text
    assert "17:00 Brussels, 16:00 here" in shown["deadline"]  # TZ=UTC from the fixtures
    assert "draft.toml" in text  # the fixed name in the header
    assert matches


# --- the folder view ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_folder_view(snap_compare, tmp_path, size, monkeypatch):
    """`planner proposals`: eight plans (three unreadable, one open on another host), fixed names and
    times, the folder named relatively (the header shows it), the clock frozen."""
    import os
    import sys
    from pathlib import Path

    from planner import recovery
    from planner.tui.app import PlannerApp, open_document
    from planner.tui.screens.folder import FolderScreen

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from folder_plans import write_plans

    freeze_clock(monkeypatch, NOW)
    monkeypatch.setattr("planner.tui.screens.folder.datetime", _frozen_datetime())
    monkeypatch.chdir(tmp_path)
    folder = Path("proposals")
    folder.mkdir()
    saved = datetime(2025, 1, 10, 9, 30, tzinfo=timezone.utc).timestamp()
    for i, path in enumerate(write_plans(folder, 8)):
        os.utime(path, (saved + 600 * i, saved + 600 * i))
    now = datetime.now(timezone.utc)  # a holder on another host is alive if it gave a sign within a day
    recovery.beside(folder / "plan-005.toml").write_text(
        f'format = 1\nfile = "{(folder / "plan-005.toml").resolve()}"\nuser = "coord"\nhost = "srv1"\npid = 4242\n'
        f"since = 2025-01-15T08:10:00Z\nupdated = {now:%Y-%m-%dT%H:%M:%SZ}\n", encoding="utf-8")
    app = PlannerApp(open_document(None), folder=folder)

    async def run_before(pilot) -> None:
        await wait_screen(pilot, FolderScreen)
        view = app.screen
        for field in view.query(Input):
            field.cursor_blink = False
        await pilot.press("down", "down", "down", "down", "down")  # the cursor on the plan held elsewhere
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def _frozen_datetime():
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return NOW.astimezone(tz) if tz is not None else NOW.astimezone().replace(tzinfo=None)

    return Frozen


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_comparison_of_a_2026_plan_with_a_grant(snap_compare, tmp_path, size, monkeypatch):
    """The comparison of call 2026 (four columns: Lot 1 for 24 and 36 months, Lot 2, Lot 3) for a plan
    that asks for more than its partners' shares: over the cap in some columns, shares that do not
    add up in another. All four columns in view at both sizes, what each takes, the cell under the
    cursor in full under the table; then → twice, so that the picture is also the one after a move."""
    from .helpers import SAMPLES, without_budget

    freeze_clock(monkeypatch, NOW)
    path = tmp_path / "plan2026.toml"
    text = (SAMPLES / "lot3-example.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^lot = \d+$", "lot = 1", text)
    path.write_text(re.sub(r"(?m)^requested_grant_eur = \d+$", "requested_grant_eur = 1700000", text),
                    encoding="utf-8")
    without_budget(path)  # the typed grant and shares judged, as before the samples had budgets
    app, _ = make_app(path)
    shown: dict[str, str] = {}

    async def run_before(pilot) -> None:
        await _compare(pilot)
        await pilot.press("right", "right")  # Lot 2: what it takes to get there
        screen = app.screen
        await pilot.pause()
        shown["text"] = screen_text(app)
        shown["detail"] = static_text(screen, "#compare-detail")

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert all(title in shown["text"] for title in ("▸ Lot 1 24m", "Lot 1 36m", "Lot 2 48m", "Lot 3 24m"))
    assert shown["detail"].startswith("Lot 2 48m · What it takes: ")
    # the one count of days, behind the dialog: the scoreboard's time to the deadline, from the frozen clock
    days = (app.document.rules.deadline_aware() - NOW).days
    assert not RELATIVE.search(shown["text"].replace(f"{days} days", "")), RELATIVE.search(shown["text"])
    assert "plan2026.toml" in shown["text"]  # the header stays in view above the comparison


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_budget_grid(snap_compare, tmp_path, size, monkeypatch):
    """The budget screen (`b`) on the Lot 1 sample with a budget: partners by work packages, the bar
    against the cap, the three marks (a partner without lines, a work package without costs, one past
    the 24 months) in the grid; at 160x48 the timeline under it. The cursor moved, so that the line
    under the grid is the one of a cell chosen by a key."""
    from planner.tui.screens.budget import BudgetScreen

    from .budget_plans import write_budget_plan

    freeze_clock(monkeypatch, NOW)
    app, _ = make_app(write_budget_plan(tmp_path / "budget.toml"))
    shown: dict[str, str] = {}

    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.press("b")
        await wait_screen(pilot, BudgetScreen)
        await pilot.press("down", "right")
        await pilot.pause()
        shown["text"] = screen_text(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    for mark in ("! no lines", "! no costs", "✗ 6-30 past 24", "% of EUR 1,000,000 cap"):
        assert mark in shown["text"], mark
    assert ("WP3 JSAO" in shown["text"]) == (size[1] >= 40)  # the timeline where there is room
