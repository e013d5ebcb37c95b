"""`m`: the notices said so far, whole and newest first. A notice on the header is cut to two lines
(and says where to read it all) and goes after a few seconds; what it said stays readable."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input

from planner.tui.screens.dialogs import Choice
from planner.tui.screens.help import HelpScreen

from .helpers import (
    SAMPLES,
    help_text,
    make_app,
    ready,
    saved_with_ctrl_s,
    screen_text,
    through_path_prompt,
    wait_for,
    wait_main,
)

MISSING = "/nonexistent/deep/folder/that/does/not/exist/plan-copy.toml"


def sample(tmp_path: Path) -> Path:
    return Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "plan.toml"))


def question(dialog: Choice) -> str:
    """The dialog's text, on one line (drawn literally: Choice shows its question as it is given)."""
    return " ".join(dialog.question.split())


async def test_a_cut_notice_says_m_and_m_shows_it_whole(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await through_path_prompt(pilot, "w", MISSING)  # save as, into a folder that is not there
        await wait_for(pilot, lambda: "Not saved" in screen_text(app), "the save's error")
        top = screen_text(app).splitlines()[:2]
        assert top[1].rstrip(" ┓").endswith("… (m: in full)"), top  # cut on the pane's border
        assert "does not exist" not in " ".join(top)  # the reason is past the cut
        await pilot.press("m")
        dialog = await wait_for_choice(pilot)
        shown = question(dialog)
        assert "✗ Not saved:" in shown and "does not exist" in shown
        assert MISSING in shown  # the path whole
        assert "does not exist" in screen_text(app)  # on screen: the dialog has the room at 80x24
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.path == tmp_path / "plan.toml"  # nothing else happened


async def test_m_lists_what_was_said_newest_first_and_says_when_nothing_was(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("m")
        dialog = await wait_for_choice(pilot)
        assert "No notices yet." in question(dialog)
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("l")  # the next lot: a notice says what changed
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "lot 1")
        await saved_with_ctrl_s(pilot)
        await pilot.press("m")
        shown = question(await wait_for_choice(pilot))
        saved, lot = shown.find("Saved"), shown.find("Lot 1")
        assert 0 <= saved < lot, shown  # the save first: the newest


async def wait_for_choice(pilot) -> Choice:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, Choice), "the notices' dialog")
    return pilot.app.screen


async def test_in_a_field_the_cut_notice_names_f2_which_shows_it_whole(tmp_path):
    """`m` types into a field (the requested grant: 1.5m is an amount), so while one has the focus a cut
    notice names f2, which shows the notices there as m does elsewhere; the footer's help likewise
    says f1, and the help lists both keys."""
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await through_path_prompt(pilot, "w", MISSING)
        await wait_for(pilot, lambda: "Not saved" in screen_text(app), "the save's error")
        assert screen_text(app).splitlines()[1].rstrip(" ┓").endswith("… (m: in full)")
        grant = app.query_one("#grant", Input)
        before = grant.value
        await pilot.press("g")  # the grant's field: every letter types there
        await wait_for(pilot, lambda: app.focused is grant, "the grant field")
        await wait_for(pilot, lambda: screen_text(app).splitlines()[1].rstrip(" ┓").endswith("… (f2: in full)"),
                       "the notice naming f2")
        await pilot.press("f2")
        dialog = await wait_for_choice(pilot)
        assert "does not exist" in question(dialog) and MISSING in question(dialog)
        assert grant.value == before  # nothing typed
        await pilot.press("escape")
        await wait_main(pilot)


async def test_the_help_lists_m_and_f2(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        assert "m / f2 the notices said so far" in help_text(app.screen)


async def test_a_notice_of_another_day_says_its_day(tmp_path, monkeypatch):
    """A planner left open over night (in tmux on the server) lists yesterday's notices under today's: a
    time alone read as today's, earlier than the newer ones yet listed under them. Today's keep the time
    alone; another day's say the day."""
    from datetime import datetime, timezone

    clock = {"now": datetime(2026, 12, 7, 23, 59, 30, tzinfo=timezone.utc)}

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return clock["now"].astimezone(tz) if tz is not None else clock["now"].replace(tzinfo=None)

    monkeypatch.setattr("planner.tui.app.datetime", Clock)
    monkeypatch.setattr("planner.tui.screens.main.datetime", Clock)
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("l")  # said at 23:59:30
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "lot 1")
        clock["now"] = datetime(2026, 12, 8, 0, 0, 10, tzinfo=timezone.utc)
        await pilot.press("ctrl+s")  # said at 00:00:10, the next day
        await wait_for(pilot, lambda: not app.document.dirty, "saved")
        await pilot.press("m")
        shown = question(await wait_for_choice(pilot))
        assert "00:00:10 Saved" in shown and "7 Dec 23:59:30 Lot 2 → Lot 1" in shown, shown


async def test_when_the_oldest_notices_are_dropped_the_list_says_so(tmp_path):
    """m keeps the last MAX_SAID notices: past them the oldest went from the list without a word, under a
    heading that promised 'the notices of this session'. It says how many it shows of how many now."""
    from planner.tui.app import MAX_SAID

    from .helpers import keys_handled, post_keys

    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        post_keys(app, ["l"] * (MAX_SAID + 5))  # each lot switch says what it changed
        await keys_handled(pilot)
        await pilot.press("m")
        shown = question(await wait_for_choice(pilot))
        assert f"the last {MAX_SAID} of {MAX_SAID + 5}" in shown, shown[:200]
        assert shown.count("→ Lot") == MAX_SAID
