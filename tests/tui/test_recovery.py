"""Recovery files in the TUI: kept while a plan is open, offered back after a kill, and who else has the plan.

The kill is real: the planner runs in a pseudo-terminal, gets SIGHUP (the SSH link dropped) or SIGTERM
after an edit, and a new planner (in Pilot) is asked to open the same plan.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from planner import recovery
from planner.files import this_host
from planner.model import new_plan
from planner.rules import latest_call
from planner.storage import load_plan
from planner.tui.screens.dialogs import Choice, PathPrompt
from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.partner_form import PartnerForm

from .helpers import lot_switched, make_app, post_keys, ready, saved_with_ctrl_s, wait_for, wait_main, wait_screen

ROOT = Path(__file__).resolve().parents[2]
SINCE = datetime(2020, 11, 27, 14, 2, tzinfo=timezone.utc)  # long ago, whatever today is


def question(screen: Choice) -> str:
    return str(screen.query_one(".question", Static).render())


async def first_question(pilot) -> Choice:
    """The question the planner asks as it starts (a plan left open, unsaved changes to recover)."""
    await ready(pilot)
    return await wait_screen(pilot, Choice)


async def answer(pilot, choice_id: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, Choice)
    # on top is not composed yet: under load its buttons came a frame after its question
    await wait_for(pilot, lambda: screen.query(f"#choice-{choice_id}"), f"the {choice_id} button")
    screen.query_one(f"#choice-{choice_id}").press()
    await wait_for(pilot, lambda: pilot.app.screen is not screen, "the dialog to close")


def rec(plan: Path, slot: int = 0) -> Path:
    return recovery.beside(plan, slot)


# --- our own file: from opening to quitting -------------------------------------------------------


async def test_recovery_file_from_open_to_edit_to_save_to_quit(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, rec(draft).exists, "the lock to be written on opening")
        held = recovery.read_holder(rec(draft))
        assert (held.pid, held.host, held.unsaved) == (os.getpid(), this_host(), None)
        lot = app.document.plan.lot
        await pilot.press("l")
        await wait_for(pilot, lambda: recovery.read_holder(rec(draft)).unsaved is not None,
                       "the unsaved plan in the recovery file")
        assert recovery.recovered_plan(recovery.read_holder(rec(draft))).lot != lot
        await saved_with_ctrl_s(pilot)
        await wait_for(pilot, lambda: recovery.read_holder(rec(draft)).unsaved is None, "the unsaved copy dropped")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "the planner to quit")
    assert not rec(draft).exists()
    assert sorted(p.name for p in draft.parent.iterdir()) == ["draft.toml"]


async def test_any_exit_without_unsaved_changes_leaves_no_recovery_file(draft: Path) -> None:
    """Not only ctrl+q: a planner closed by a script (App.exit, as benchmarks/startup.py does) or by
    Textual itself leaves nothing beside a plan it did not change; with unsaved changes it keeps them."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, rec(draft).exists, "the lock to be written on opening")
        app.exit()
    assert not rec(draft).exists()
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        app.exit()
    assert recovery.read_holder(rec(draft)).unsaved is not None  # kept, to be offered back


async def test_a_new_plan_keeps_its_changes_in_the_state_folder(tmp_path: Path) -> None:
    state = Path(os.environ["XDG_STATE_HOME"]) / "planner"
    app, _ = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        mine = state / f"new-{this_host()}-{os.getpid()}.planner"
        assert not mine.exists()  # nothing to keep yet, and no one to tell
        await pilot.press("l")
        await wait_for(pilot, mine.exists, "the recovery file of the new plan")
        assert recovery.recovered_plan(recovery.read_holder(mine)) == app.document.plan


# --- someone else has it open ---------------------------------------------------------------------


def write_other(plan: Path, pid: int, unsaved=None, host: str | None = None, slot: int = 0) -> Path:
    path = rec(plan, slot)
    text = (f'format = 1\nfile = "{plan}"\nuser = "alice"\nhost = "{host or this_host()}"\npid = {pid}\n'
            f"since = {SINCE.isoformat()}\nupdated = {SINCE.isoformat()}\n")
    if unsaved is not None:
        import tomli_w

        from planner.storage import dump_plan
        text += tomli_w.dumps({"unsaved": dump_plan(unsaved)}, multiline_strings=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def other_process():
    """A live process that is not us: the 'other planner'."""
    sleeper = subprocess.Popen(["sleep", "120"])
    yield sleeper.pid
    sleeper.kill()
    sleeper.wait()


async def test_a_plan_open_elsewhere_says_who_and_opens_read_only(draft: Path, other_process: int) -> None:
    theirs = write_other(draft, other_process)
    before = theirs.read_bytes()
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await first_question(pilot)
        assert question(dialog).startswith(
            f"ATTENTION: draft.toml is open in planner by alice on {this_host()}, process {other_process}, since ")
        await answer(pilot, "read-only")
        await wait_main(pilot)
        assert app.document.read_only and "[read-only]" in app.title
        # saving asks for another file, naming this plan (it said 'the sample stays as it is')
        await pilot.press("l", "ctrl+s")
        prompt = await wait_screen(pilot, PathPrompt)
        assert str(prompt.query_one(".question", Static).render()) == "Save as (a new file; draft.toml stays as it is):"
        await pilot.press("escape")
        await wait_main(pilot)
    assert theirs.read_bytes() == before  # theirs is left alone
    assert sorted(p.name for p in draft.parent.iterdir()) == [".draft.toml.planner", "draft.toml"]


async def test_edit_anyway_keeps_a_file_of_its_own(draft: Path, other_process: int) -> None:
    theirs = write_other(draft, other_process, unsaved=new_plan(latest_call(), title="Alice's edits"))
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await first_question(pilot)
        assert "(with unsaved changes)" in question(dialog)
        await answer(pilot, "edit")
        await wait_main(pilot)
        assert not app.document.read_only
        await wait_for(pilot, rec(draft, 1).exists, "our own recovery file, beside theirs")
        assert recovery.read_holder(rec(draft, 1)).pid == os.getpid()
        assert recovery.read_holder(theirs).pid == other_process


async def test_ctrl_o_on_a_plan_open_elsewhere_can_be_cancelled(draft: Path, lot1: Path, other_process: int) -> None:
    write_other(lot1, other_process)
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["ctrl+o", "ctrl+l", *str(lot1), "enter"])
        dialog = await wait_screen(pilot, Choice)
        assert "ATTENTION: lot1.toml is open in planner by alice" in question(dialog)
        await pilot.press("escape")  # as the footer says: Cancel (it opened the plan read-only)
        await wait_screen(pilot, FolderScreen)  # back in the folder view, to choose another
        assert app.document.path == draft
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.path == draft
        assert rec(draft).exists() and not rec(lot1, 1).exists()


# --- a planner that died ----------------------------------------------------------------------------


def dead_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


async def test_stale_changes_are_offered_with_what_differs_and_recovered(draft: Path) -> None:
    saved = load_plan(draft)
    edited = saved.model_copy(update={"title": "Edited before the link dropped", "partners": saved.partners[:-1]})
    theirs = write_other(draft, dead_pid(), unsaved=edited)
    app, notes = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await first_question(pilot)
        text = question(dialog)
        assert "has changes that were never saved" in text and "which is no longer running" in text
        assert f"title “{saved.title}” → “Edited before the link dropped”" in text
        assert f"{saved.partners[-1].label} removed" in text
        await answer(pilot, "recover")
        await wait_main(pilot)
        assert app.document.plan == edited and app.document.dirty
        assert "●" in app.title
        await pilot.press("ctrl+z")  # one step back to the saved file
        await wait_for(pilot, lambda: app.document.plan == saved, "undo to the saved plan")
    assert not theirs.exists() or recovery.read_holder(theirs).pid == os.getpid()


@pytest.mark.parametrize("choice", ["open", "delete"])
async def test_stale_changes_can_be_kept_for_later_or_deleted(draft: Path, choice: str) -> None:
    saved = load_plan(draft)
    theirs = write_other(draft, dead_pid(), unsaved=saved.model_copy(update={"title": "Lost?"}))
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_screen(pilot, Choice)
        await answer(pilot, choice)
        await wait_main(pilot)
        assert app.document.plan == saved and not app.document.dirty
        if choice == "open":
            assert recovery.read_holder(theirs).unsaved is not None  # kept, offered again next time
            await wait_for(pilot, rec(draft, 1).exists, "our own file in the next slot")
        else:
            await wait_for(pilot, lambda: recovery.read_holder(rec(draft)) is not None
                           and recovery.read_holder(rec(draft)).pid == os.getpid(), "our lock in its place")


async def test_a_stale_lock_without_changes_is_said_and_taken_over(draft: Path) -> None:
    write_other(draft, dead_pid())
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any("no longer running" in n.message for n in notes), "the note")
        assert len(app.screen_stack) == 1
        await wait_for(pilot, lambda: recovery.read_holder(rec(draft)).pid == os.getpid(), "our lock")


async def test_a_lock_on_another_host_older_than_a_day_is_stale(draft: Path) -> None:
    write_other(draft, 1, unsaved=load_plan(draft).model_copy(update={"title": "From the other server"}),
                host="another-server.example")  # SINCE is long ago
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await first_question(pilot)
        assert "on another host, no sign for a day" in question(dialog)
        await answer(pilot, "recover")
        await wait_main(pilot)
        assert app.document.plan.title == "From the other server"


def killed_new_plan():
    """A new plan never saved, left in the state folder by a planner that was killed: (its file, the plan)."""
    state = Path(os.environ["XDG_STATE_HOME"]) / "planner"
    state.mkdir(parents=True)
    lost = new_plan(latest_call(), title="Never saved anywhere")
    path = state / f"new-{this_host()}-{dead_pid()}.planner"
    recovery.write_holder(path, None, SINCE, lost)
    text = path.read_text(encoding="utf-8").replace(f"pid = {os.getpid()}", f"pid = {path.stem.rsplit('-', 1)[1]}")
    path.write_text(text, encoding="utf-8")
    return path, lost


async def test_a_new_plan_of_a_killed_planner_is_offered_back(tmp_path: Path) -> None:
    path, lost = killed_new_plan()
    app, _ = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await first_question(pilot)
        assert "a new plan: Never saved anywhere" in question(dialog)
        await answer(pilot, "recover")
        await wait_main(pilot)
        assert app.document.plan.title == "Never saved anywhere" and app.document.path is None


# --- killed for real: SIGHUP / SIGTERM in a pseudo-terminal ---------------------------------------------


def run_in_pty(plan: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "planner", str(plan)], stdin=slave, stdout=slave, stderr=slave,
                             env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    return child, master


@contextmanager
def planner_in_pty(plan: Path, env: dict[str, str]):
    """(the planner's process, the terminal's master end) for `plan`; the process ended and the terminal
    closed when the block is left, whatever happened in it."""
    child, master = run_in_pty(plan, env)
    try:
        yield child, master
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)


def killed(child: subprocess.Popen, master: int, sig: int) -> bytes:
    """`sig` sent to the planner: what it wrote until it ended, which it did with status 128 + sig."""
    os.kill(child.pid, sig)
    out = read_until(master, lambda out: child.poll() is not None, timeout=60)
    assert child.wait(timeout=60) == 128 + sig
    return out


def read_until(master: int, done, timeout: float = 30.0) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while not done(out):
        assert time.monotonic() < deadline, f"timed out; the terminal showed: {out[-2000:]!r}"
        ready_fds, _, _ = select.select([master], [], [], 0.05)
        if ready_fds:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
    return out


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
async def test_killed_after_an_edit_the_edit_is_offered_back(draft: Path, sig: int) -> None:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    with planner_in_pty(draft, env) as (child, master):
        read_until(master, lambda out: rec(draft).exists() and b"Partners" in out)  # the main screen is drawn
        lot = load_plan(draft).lot
        os.write(master, b"l")  # switch lot: one unsaved edit
        deadline = time.monotonic() + 60  # a hang, not slowness: a loaded machine can take seconds
        while recovery.read_holder(rec(draft)).unsaved is None:  # written within a second of the edit
            assert time.monotonic() < deadline, "the edit never reached the recovery file"
            read_until(master, lambda out: True)
            time.sleep(0.05)
        out = killed(child, master, sig)
        assert b"\x1b[?1049l" in out  # the terminal was given back (alternate screen left)
    kept = recovery.read_holder(rec(draft))
    assert kept is not None and kept.pid == child.pid
    assert load_plan(draft).lot == lot  # the saved file is untouched

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await first_question(pilot)
        asked = question(dialog)
        assert f"process {child.pid}" in asked
        await answer(pilot, "recover")
        await wait_main(pilot)
        assert app.document.plan.lot != lot and app.document.dirty
        assert f"lot {lot} → {app.document.plan.lot}" in asked  # each change with its old and new value


async def test_save_then_recover_from_the_folder_view_opens_the_plan_and_closes_the_view(
        draft: Path, lot1: Path) -> None:
    """The current plan with unsaved changes, another with a killed planner's changes: from the folder
    view, Save (the current one), then Recover (the other's changes). The view stayed up over the plan
    just opened, and enter on it again asked about that plan's own unsaved changes."""
    saved = load_plan(draft)
    edited = saved.model_copy(update={"title": "Edited before the link dropped"})
    write_other(draft, dead_pid(), unsaved=edited)
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        await pilot.press("ctrl+o")
        view = await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: any(e.name == draft.name for e in view.entries), "the listing")
        post_keys(app, ["/", *draft.stem, "enter", "enter"])
        dialog = await wait_screen(pilot, Choice)
        assert "unsaved changes" in question(dialog)
        await answer(pilot, "save")
        dialog = await wait_screen(pilot, Choice)
        assert "has changes that were never saved" in question(dialog)
        await answer(pilot, "recover")
        await wait_main(pilot)
        assert app.document.path == draft and app.document.plan == edited
        await pilot.pause()
        assert not any(isinstance(s, FolderScreen) for s in app.screen_stack)
    assert load_plan(lot1).lot == 2  # the first plan was saved, with its lot switched by l


async def test_a_new_plan_never_saved_under_its_name_is_offered_as_a_new_plan(draft: Path, tmp_path: Path) -> None:
    """`planner new.toml`, a partner added, the terminal killed before the first save: new.toml does not
    exist. The question offered to "open the saved file" and spoke of changes to it; there is none."""
    missing = tmp_path / "new.toml"
    partner = load_plan(draft).partners[0]
    unsaved = new_plan(latest_call()).model_copy(update={"partners": (partner,)})
    write_other(missing, dead_pid(), unsaved=unsaved)
    app, _ = make_app(missing)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await first_question(pilot)
        text = question(dialog)
        assert f"A new plan for new.toml was never saved, kept at {SINCE.astimezone():%Y-%m-%d %H:%M}" in text
        assert "saved file" not in text
        assert f"  - {partner.label} added" in text
        labels = [str(button.label) for button in dialog.query("Button")]
        assert labels == ["Recover", "Start empty (keep them)", "Delete them"]
        await answer(pilot, "recover")
        await wait_main(pilot)
        assert app.document.plan == unsaved and app.document.dirty and not missing.exists()


async def test_planner_dir_leaves_another_sessions_new_plan_alone_when_a_plan_is_opened(tmp_path: Path,
                                                                                         draft: Path) -> None:
    """`planner DIR` over a state folder holding a killed session's new plan: its recovery question stood
    under the folder view, came up once a plan was opened from it, and Recover put that new plan into
    the stand-in no longer shown and deleted the file: the plan was gone."""
    from planner.tui.screens.folder import FolderScreen

    path, lost = killed_new_plan()
    app, _ = make_app(None, folder=draft.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, FolderScreen)
        await pilot.pause()
        post_keys(app, ["ctrl+l", *str(draft), "enter"])  # the folder view's path field: open the plan
        await wait_for(pilot, lambda: app.document.path == draft, "the plan opened")
        await wait_main(pilot)
        for _ in range(3):
            await pilot.pause()
        assert not isinstance(app.screen, Choice)  # no question about another session's new plan
        kept = recovery.read_holder(path)
        assert path.exists() and kept is not None and recovery.recovered_plan(kept, app.document.rules) == lost


async def test_killed_with_a_partner_half_typed_the_form_comes_back_with_it(draft: Path) -> None:
    """A dropped link (SIGHUP) while a partner was being typed: the recovery file kept the plan's edits but
    not the form, and the partner typed was lost although the guide says a dropped link loses nothing."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    typed = "Typed but not saved"
    with planner_in_pty(draft, env) as (child, master):
        read_until(master, lambda out: rec(draft).exists() and b"Partners" in out)
        os.write(master, b"a")  # the partner form: nothing in the plan changes while it is typed in
        read_until(master, lambda out: b"Add partner" in out)
        os.write(master, typed.encode() + b"\tTBNS")
        read_until(master, lambda out: b"TBNS" in out)
        killed(child, master, signal.SIGHUP)
    kept = recovery.read_holder(rec(draft))
    assert kept is not None and kept.unsaved is None and kept.draft is not None
    saved = load_plan(draft)

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await first_question(pilot)
        assert question(dialog).startswith(f"{draft.name} had a partner form open with text never saved")
        assert f"a partner being added in its form, not saved: '{typed}'" in question(dialog)
        await answer(pilot, "recover")
        form = await wait_screen(pilot, PartnerForm)  # the form again, with what was typed
        await wait_for(pilot, lambda: form.query_one("#name", Input).value == typed, "the name back")
        assert form.query_one("#short_name", Input).value == "TBNS"
        assert app.document.plan == saved  # nothing added until the form is saved
        await pilot.press("escape")  # typed work: asked before it goes
        await wait_screen(pilot, Choice)


async def test_changes_left_before_the_file_was_saved_again_are_offered_with_a_warning(draft: Path) -> None:
    """A planner killed with the lot changed; a colleague then removed a partner and saved. Recovering put
    the partner back without a word, undoing their save: the recovery file now holds the digest of the file
    it is an edit of, and where the file is another now the question says so and enter opens the file."""
    import hashlib

    # the file as the killed planner read it: its keeper writes the digest beside the unsaved plan
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        app.keeper.write()
        held = recovery.read_holder(rec(draft))
        assert held is not None and held.base == hashlib.sha256(draft.read_bytes()).hexdigest()
        left = held.unsaved
        app.keeper.release = lambda: None  # ends as if killed: the recovery file stays
    text = rec(draft).read_text(encoding="utf-8").replace(f"pid = {os.getpid()}", f"pid = {dead_pid()}")
    rec(draft).write_text(text, encoding="utf-8")
    saved = load_plan(draft)  # a colleague removes the last partner and saves
    from planner.storage import save_plan

    save_plan(saved.model_copy(update={"partners": saved.partners[:-1]}), draft)
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await first_question(pilot)
        text = question(dialog)
        assert text.startswith(f"WARNING: {draft.name} was saved after these changes were made"), text
        assert f"{saved.partners[-1].label} added" in text  # what recovering would put back
        await pilot.press("enter")  # the safe answer is the one in focus
        await wait_main(pilot)
        assert app.document.plan == load_plan(draft) and not app.document.dirty
    assert left and recovery.read_holder(rec(draft)) is not None  # kept for later


async def test_killed_with_a_budget_line_typed_and_not_entered_the_line_is_kept(draft: Path) -> None:
    """A dropped link while a budget line was typed, not yet entered: only a partner form was kept, and the
    line was lost. Where enter would take it, the plan is now kept with the line in it."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    saved = load_plan(draft)
    with planner_in_pty(draft, env) as (child, master):
        read_until(master, lambda out: rec(draft).exists() and b"Partners" in out)
        os.write(master, b"b")  # the budget, then enter on the first partner's line
        read_until(master, lambda out: b"work packages" in out)
        os.write(master, b"\r")
        read_until(master, lambda out: b"Travel and subsistence" in out)
        os.write(master, b"\t\t\x15" + b"12345")  # travel, cleared (ctrl+u) and typed; no enter
        read_until(master, lambda out: b"12345" in out)
        killed(child, master, signal.SIGHUP)
    kept = recovery.read_holder(rec(draft))
    assert kept is not None and kept.unsaved is not None
    plan = recovery.recovered_plan(kept)
    lines = [line for p in plan.partners for line in (p.budget or {}).values()]
    assert any(line.travel_eur == 12345 for line in lines)
    assert plan != saved
