"""A plan file with git's merge conflicts, opened in the TUI: each conflict with both versions, one side
taken per conflict, then the plan open as an unsaved edit of the file; nothing written until ctrl+s."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.conflicts import MergeConflict
from planner.storage import load_plan
from planner.tui.app import PlannerApp
from planner.tui.filing import open_document
from planner.tui.screens.conflicts import ConflictScreen
from planner.tui.screens.folder import FolderScreen

from .helpers import SAMPLES, ready, saved_with_ctrl_s, screen_text, static_text, wait_for, wait_main, wait_screen

SAMPLE = (SAMPLES / "lot1-example.toml").read_text(encoding="utf-8")


def conflicted(path: Path) -> Path:
    """The sample with two conflicts, as `git merge` leaves them: the acronym, and a partner's country."""
    text = SAMPLE.replace('acronym = "CIRCLE-SME"\n',
                          '<<<<<<< HEAD\nacronym = "CIRCLE-OURS"\n=======\nacronym = "CIRCLE-THEIRS"\n'
                          '>>>>>>> colleague\n')
    first = text.index('country = "PT"\n')
    text = (text[:first] + '<<<<<<< HEAD\ncountry = "PT"\n||||||| base\ncountry = "PT"\n=======\ncountry = "ES"\n'
            '>>>>>>> colleague\n' + text[first + len('country = "PT"\n'):])
    path.write_text(text, encoding="utf-8")
    return path


def second_span(path: Path) -> str:
    """The lines of the file's second conflict ('38-44'), from its markers: the sample's length may change."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line.startswith("<<<<<<<")]
    ends = [i + 1 for i, line in enumerate(lines) if line.startswith(">>>>>>>")]
    return f"{starts[1]}-{ends[1]}"


def start(path: Path) -> PlannerApp:
    """The app as `planner PATH` starts it on a conflicted file (tui.app.run)."""
    with pytest.raises(MergeConflict) as caught:
        open_document(path)
    return PlannerApp(open_document(None), conflict=(path, caught.value))


async def test_take_one_side_per_conflict_then_save(tmp_path):
    path = conflicted(tmp_path / "plan.toml")
    before = path.read_bytes()
    app = start(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, ConflictScreen)
        await wait_for(pilot, lambda: "CIRCLE-THEIRS" in screen_text(app), "the conflict on screen")
        text = screen_text(app)
        assert f"2 merge conflicts (lines 4-8, {second_span(path)})" in text
        assert 'acronym = "CIRCLE-OURS"' in text and 'acronym = "CIRCLE-THEIRS"' in text
        assert "Conflict 1 of 2" in static_text(screen, "#conflict-head")
        await pilot.press("enter")  # not decided yet: says so, opens nothing
        await wait_for(pilot, lambda: "not decided yet" in static_text(screen, "#conflict-status"), "the refusal")
        await pilot.press("t")  # theirs for the acronym; on to the second conflict
        await wait_for(pilot, lambda: "Conflict 2 of 2" in static_text(screen, "#conflict-head"), "conflict 2")
        assert 'country = "ES"' in static_text(screen, "#conflict-theirs")
        await pilot.press("o")
        await wait_for(pilot, lambda: "enter opens the plan" in static_text(screen, "#conflict-status"), "all decided")
        await pilot.press("p")  # back to the first: its choice is marked
        await wait_for(pilot, lambda: "(•) t:" in static_text(screen, "#conflict-theirs"), "the mark")
        assert path.read_bytes() == before
        await pilot.press("enter")
        await wait_main(pilot)
        await ready(pilot)
        assert app.document.path == path and app.document.dirty
        assert app.document.plan.acronym == "CIRCLE-THEIRS"
        assert [p.country for p in app.document.plan.partners if p.short_name == "IPV"] == ["PT"]
        assert path.read_bytes() == before  # nothing written yet
        await saved_with_ctrl_s(pilot)
    saved = path.read_text(encoding="utf-8")
    assert "<<<<<<<" not in saved and "=======" not in saved
    assert load_plan(path).acronym == "CIRCLE-THEIRS"
    assert saved == SAMPLE.replace("CIRCLE-SME", "CIRCLE-THEIRS")


async def test_a_conflicted_file_with_a_byte_order_mark_and_crlf_keeps_both_once_resolved(tmp_path):
    """The file's text reached the conflict screen without its BOM (read as text), and the save after the
    sides were taken wrote the file without it: the spec keeps a file's byte-order mark and line endings."""
    path = conflicted(tmp_path / "plan.toml")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    app = start(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, ConflictScreen)
        await pilot.press("t", "o", "enter")
        await wait_main(pilot)
        await ready(pilot)
        await saved_with_ctrl_s(pilot)
    saved = path.read_bytes()
    expected = SAMPLE.replace("CIRCLE-SME", "CIRCLE-THEIRS").replace("\n", "\r\n").encode("utf-8")
    assert saved == b"\xef\xbb\xbf" + expected, saved[:40]

@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_at_the_start_the_conflicts_stand_alone_until_the_plan_is_open(tmp_path, size):
    """Until a side of each conflict is taken there is no plan: the screen shows the conflicts and
    nothing of the empty stand-in under them (it read "Untitled plan", "0 participants" and a verdict
    of NOT ELIGIBLE under another call, for a file with a dozen partners)."""
    path = conflicted(tmp_path / "plan.toml")
    app = start(path)
    async with app.run_test(size=size) as pilot:
        screen = await wait_screen(pilot, ConflictScreen)
        # the sides' text first (cheap), then the whole screen once: a screenshot in every turn of the wait
        # made this test take seconds
        await wait_for(pilot, lambda: "CIRCLE-THEIRS" in static_text(screen, "#conflict-theirs"), "the conflict")
        await pilot.pause()
        text = screen_text(app)
        assert "CIRCLE-THEIRS" in text and "plan.toml has 2 merge conflicts" in text
        for stand_in in ("Untitled plan", "0 participants", "ELIGIBLE", "Partners", "No partners yet"):
            assert stand_in not in text, stand_in
        await pilot.press("o", "o", "enter")
        await wait_main(pilot)
        await ready(pilot)
        await wait_for(pilot, lambda: app.document.plan.acronym == "CIRCLE-OURS" and app.sub_title == "CIRCLE-OURS",
                       "the plan opened")
        await pilot.pause()
        text = screen_text(app)
        # the header's line holds the notice for 3 s (its acronym after): the plan's partners say it is open
        assert "plan.toml: every conflict decided" in text and app.document.plan.partners[0].label in text
        assert "plan.toml" in text and "ELIGIBLE" in text and "Untitled plan" not in text


async def test_in_a_small_terminal_the_conflict_in_hand_scrolls_into_view(tmp_path):
    """At 40x12 the dialog cannot hold the explanation and both sides: it scrolls, and each move
    brings the conflict in hand, with both its versions, into view (the sides were cut off)."""
    path = conflicted(tmp_path / "plan.toml")
    app = start(path)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_screen(pilot, ConflictScreen)
        await wait_for(pilot, lambda: "CIRCLE-THEIRS" in screen_text(app), "the first conflict's sides")
        text = screen_text(app)
        assert "Conflict 1 of 2" in text and "CIRCLE-OURS" in text
        await pilot.press("n")
        await wait_for(pilot, lambda: 'country = "ES"' in screen_text(app), "the second conflict's sides")
        assert "Conflict 2 of 2" in screen_text(app)
        await pilot.press("o", "enter")  # the first is not decided: the refusal is in view
        await wait_for(pilot, lambda: "Conflict 1 is not decided yet" in screen_text(app), "the refusal")


async def test_leaving_the_conflicts_ends_with_status_2_and_writes_nothing(tmp_path):
    path = conflicted(tmp_path / "plan.toml")
    before = path.read_bytes()
    app = start(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, ConflictScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.return_code is not None, "the exit")
    assert app.return_code == 2 and app.conflict_left
    assert path.read_bytes() == before


async def test_a_result_that_is_no_plan_is_not_opened(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(SAMPLE.replace("lot = 1\n", "<<<<<<< HEAD\nlot = 1\n=======\nlot = 'one'\n>>>>>>> x\n"),
                    encoding="utf-8")
    app = start(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, ConflictScreen)
        await pilot.press("t", "enter")
        await wait_for(pilot, lambda: "not a valid plan" in static_text(screen, "#conflict-status"), "the refusal")
        assert "lot:" in static_text(screen, "#conflict-status")
        await pilot.press("o", "enter")
        await wait_main(pilot)
        assert app.document.plan.lot == 1 and app.document.dirty


async def test_the_folder_view_names_the_conflict_and_offers_the_sides(tmp_path):
    path = conflicted(tmp_path / "plan.toml")
    other = tmp_path / "other.toml"
    other.write_text(SAMPLE, encoding="utf-8")
    app = PlannerApp(open_document(other))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: "UNREADABLE" in screen_text(app), "the listing")
        await pilot.press("down")  # other.toml, then plan.toml: its line under the table says why
        said = f"merge conflicts at lines 4-8 and {second_span(path)}"
        await wait_for(pilot, lambda: said in screen_text(app), "the error")
        await pilot.press("enter")
        await wait_screen(pilot, ConflictScreen)
        await pilot.press("o", "o", "enter")
        await wait_for(pilot, lambda: app.document.path == path, "the plan open")
        assert app.document.plan.acronym == "CIRCLE-OURS" and app.document.dirty
