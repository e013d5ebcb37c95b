"""A planner ends with its terminal: real signals to a real process, whatever it is doing.

The planner runs in a pseudo-terminal of its own (its controlling terminal, as under ssh or a terminal
tab) or in tmux on a socket of its own; it gets SIGHUP or SIGTERM at rest, with a dialog open, right
after it starts, and after its terminal is gone. Each time it is gone within a few seconds, and an
unsaved edit is in its recovery file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner import recovery
from planner.storage import load_plan
from pty_terminal import ENDS_WITHIN, Terminal, planner_env

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "lot1-example.toml"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")


def start(plan: Path, tmp_path: Path, terminals: list[Terminal]) -> Terminal:
    terminal = Terminal(plan, planner_env(tmp_path))
    terminals.append(terminal)
    return terminal


def unsaved_edit(terminal: Terminal, plan: Path) -> int:
    """Switch the lot (one unsaved edit) and wait until the recovery file holds it; the lot it was."""
    terminal.wait_shown(b"Partners")
    deadline = time.monotonic() + 20
    while not recovery.beside(plan, 0).exists():
        assert time.monotonic() < deadline, "no recovery file was written on opening"
        time.sleep(0.02)
    lot = load_plan(plan).lot
    terminal.type(b"l")
    while (recovery.read_holder(recovery.beside(plan, 0)) or recovery.Holder(plan)).unsaved is None:
        assert time.monotonic() < deadline, "the edit never reached the recovery file"
        time.sleep(0.05)
    return lot


def assert_edit_kept(plan: Path, lot: int, pid: int) -> None:
    kept = recovery.read_holder(recovery.beside(plan, 0))
    assert kept is not None and kept.pid == pid and kept.unsaved is not None
    assert recovery.recovered_plan(kept).lot != lot  # the unsaved edit is there
    assert load_plan(plan).lot == lot  # and the plan itself is untouched


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_at_rest_a_signal_ends_it_and_keeps_the_edit(plan: Path, tmp_path: Path, terminals, sig: int) -> None:
    terminal = start(plan, tmp_path, terminals)
    lot = unsaved_edit(terminal, plan)
    sent = time.monotonic()
    os.kill(terminal.child.pid, sig)
    assert terminal.ended_within(sent) < ENDS_WITHIN
    assert terminal.child.returncode == 128 + sig
    assert b"\x1b[?1049l" in terminal.shown()  # the terminal was given back (alternate screen left)
    assert_edit_kept(plan, lot, terminal.child.pid)


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_with_a_dialog_open_a_signal_ends_it_and_keeps_the_edit(plan: Path, tmp_path: Path, terminals,
                                                                 sig: int) -> None:
    terminal = start(plan, tmp_path, terminals)
    lot = unsaved_edit(terminal, plan)
    terminal.type(b"a")  # the partner form, a dialog over the main screen
    terminal.wait_shown(b"Add partner")
    sent = time.monotonic()
    os.kill(terminal.child.pid, sig)
    assert terminal.ended_within(sent) < ENDS_WITHIN
    assert terminal.child.returncode == 128 + sig
    assert_edit_kept(plan, lot, terminal.child.pid)


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.6, 0.9, 1.2])
def test_right_after_start_a_signal_ends_it(plan: Path, tmp_path: Path, terminals, delay: float) -> None:
    terminal = start(plan, tmp_path, terminals)
    time.sleep(delay)  # anywhere from the imports to the first screen being written
    sent = time.monotonic()
    os.kill(terminal.child.pid, signal.SIGTERM)
    took = terminal.ended_within(sent)
    time.sleep(0.1)  # the last bytes it wrote
    said = f"exit {terminal.child.returncode} after {took:.2f} s; the terminal showed {terminal.shown()[-3000:]!r}"
    assert took < ENDS_WITHIN, said
    assert b"Traceback" not in terminal.shown() and b"Error" not in terminal.shown(), said
    assert not recovery.beside(plan, 0).exists(), said  # nothing unsaved: nothing left behind


@pytest.mark.parametrize("shown", [b"", b"\x1b[?1049h", b"Partners"], ids=["starting", "first-frame", "drawn"])
def test_when_the_terminal_closes_it_ends(plan: Path, tmp_path: Path, terminals, shown: bytes) -> None:
    terminal = start(plan, tmp_path, terminals)
    terminal.wait_shown(shown)
    sent = time.monotonic()
    terminal.close()  # the kernel sends SIGHUP; the writes after it fail
    assert terminal.ended_within(sent) < ENDS_WITHIN


def test_when_a_terminal_that_is_not_its_controlling_one_closes_it_ends(plan: Path, tmp_path: Path,
                                                                     terminals) -> None:
    """No hang-up comes (the pseudo-terminal is not the process's controlling terminal): Textual's input
    thread read nothing at full speed for good; the planner sees the terminal gone and ends."""
    terminal = Terminal(plan, planner_env(tmp_path), preexec=lambda: None)
    terminals.append(terminal)
    lot = unsaved_edit(terminal, plan)
    sent = time.monotonic()
    terminal.close()
    assert terminal.ended_within(sent) < ENDS_WITHIN
    assert_edit_kept(plan, lot, terminal.child.pid)


def test_after_the_terminal_is_gone_an_edit_is_kept(plan: Path, tmp_path: Path, terminals) -> None:
    terminal = start(plan, tmp_path, terminals)
    lot = unsaved_edit(terminal, plan)
    sent = time.monotonic()
    terminal.close()
    assert terminal.ended_within(sent) < ENDS_WITHIN
    assert_edit_kept(plan, lot, terminal.child.pid)


# --- in tmux, as the report was made: the server killed as the first screen appears --------------------


def tmux_session(socket: str, plan: Path, env: dict[str, str]) -> int:
    command = f"exec {sys.executable} -m planner {plan}"
    subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "p", "-x", "80", "-y", "24",
                    command], env=env, check=True, cwd=plan.parent)
    deadline = time.monotonic() + 10
    while True:
        pane = subprocess.run(["tmux", "-L", socket, "list-panes", "-F", "#{pane_pid}"], env=env,
                              capture_output=True, text=True)
        if pane.stdout.strip():
            return int(pane.stdout.split()[0])
        assert time.monotonic() < deadline, f"no tmux pane: {pane.stderr}"
        time.sleep(0.02)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("delay", [0.5, 0.7, 0.9])
def test_tmux_killed_as_the_first_screen_appears(plan: Path, tmp_path: Path, delay: float) -> None:
    env = planner_env(tmp_path)
    env.pop("TMUX", None)
    socket = f"planner-test-{os.getpid()}-{int(delay * 10)}"
    pid = tmux_session(socket, plan, env)
    try:
        time.sleep(delay)
        sent = time.monotonic()
        subprocess.run(["tmux", "-L", socket, "kill-server"], env=env, capture_output=True)
        while _alive(pid):
            assert time.monotonic() - sent < ENDS_WITHIN, "the planner outlived its terminal"
            time.sleep(0.02)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], env=env, capture_output=True)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # not our child (tmux's): a zombie is gone too
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


# --- the plan's folder deleted under it ---------------------------------------------------------------


def test_a_vanished_folder_keeps_the_edit_in_the_state_folder(tmp_path: Path, terminals) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / "plan.toml")
    lot = load_plan(folder / "plan.toml").lot
    env = planner_env(tmp_path)
    state = Path(env["XDG_STATE_HOME"]) / "planner"
    terminal = Terminal(Path("plan.toml"), env, cwd=folder)  # opened by a relative path, from its folder
    terminals.append(terminal)
    terminal.wait_shown(b"participants")
    shutil.rmtree(folder)  # the folder, and the planner's working directory, gone
    terminal.type(b"l")  # an edit: it used to die on getcwd, and the edit with it
    terminal.wait_shown(b"folder is gone")
    assert b"Traceback" not in terminal.shown()
    sent = time.monotonic()
    terminal.close()  # and the terminal goes: it ends, rather than spin
    assert terminal.ended_within(sent) < ENDS_WITHIN
    kept = [recovery.read_holder(path) for path in state.glob("*.planner")]
    assert len(kept) == 1 and kept[0] is not None and kept[0].unsaved is not None
    assert recovery.recovered_plan(kept[0]).lot != lot  # the unsaved edit is in the state folder
    # and opening the plan again reaches it: 'folder ... does not exist' (exit 2) left it out of reach
    again = Terminal(folder / "plan.toml", env, cwd=tmp_path)
    terminals.append(again)
    again.wait_shown(b"no longer exists")
    again.type(b"\r")
    again.wait_shown(b"never saved")
    again.type(b"\r")  # recover
    again.wait_shown(b"Recovered")
    assert b"Traceback" not in again.shown()


def test_a_second_hang_up_during_the_recovery_write_waits_for_it(monkeypatch) -> None:
    """bash sends a closing terminal's job a second SIGHUP: handled inside the first one's write of the
    recovery file, it ended the process at once, the write cut short (the partner form typed was lost, a
    temporary file left). The second now ends the process once the write is done."""
    from planner.tui.ending import Ending

    ending = Ending(grace=3600)  # no watchdog ending the test's own process
    steps: list[str] = []
    exits: list[int] = []

    class App:
        def keep_for_recovery(self) -> None:
            steps.append("writing")
            ending._on_signal(signal.SIGHUP, None)  # the second hang-up, arriving in the middle of the write
            steps.append("written")

    def exit_(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(os, "_exit", exit_)
    ending.app = App()
    with pytest.raises(SystemExit):
        ending._on_signal(signal.SIGHUP, None)
    assert steps == ["writing", "written"] and exits == [128 + signal.SIGHUP]
