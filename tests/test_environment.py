"""The environment the planner starts in: COLUMNS/LINES left behind, no home directory, TERM=dumb.

Real processes in a pseudo-terminal of their own (tests/pty_terminal.py): what shows it is the screen a
terminal gets, the memory the process takes and its exit code.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from pty_terminal import ENDS_WITHIN, Terminal, planner_env
from support import SAMPLES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "lot1-example.toml"
COLOUR_24_BIT = re.compile(rb"\x1b\[[0-9;]*[34]8;2;")


def _text(shown: bytes) -> bytes:
    return re.sub(rb"\x1b\[[0-9;?<>$=]*[A-Za-z~]", b"", shown)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _ends_on_sigterm(terminal: Terminal) -> None:
    sent = time.monotonic()
    os.kill(terminal.child.pid, signal.SIGTERM)
    assert terminal.ended_within(sent) < ENDS_WITHIN


@pytest.mark.parametrize("columns, lines", [("20", "5"), ("100000", "100000"), ("-3", "abc")])
def test_the_terminal_size_wins_over_columns_and_lines(plan: Path, tmp_path: Path, terminals, columns: str,
                                                       lines: str) -> None:
    env = dict(planner_env(tmp_path), COLUMNS=columns, LINES=lines)
    terminal = Terminal(plan, env, size=(80, 24))
    terminals.append(terminal)
    deadline = time.monotonic() + 30
    while not (b"Panes" in _text(terminal.shown()) and b"participants" in terminal.shown()):
        assert terminal.child.poll() is None and time.monotonic() < deadline, terminal.shown()[-2000:]
        time.sleep(0.05)
    shown = terminal.shown()
    assert b"\x1b[24;1H" in shown  # drawn down to the terminal's 24th line
    assert b"CIRCLE-SME" in _text(shown)  # the title in the header
    if Path(f"/proc/{terminal.child.pid}/status").exists():
        assert _rss_mb(terminal.child.pid) < 400  # a 100000x100000 screen took 2.6 GB
    _ends_on_sigterm(terminal)


def test_term_dumb_gets_a_plain_message_and_exit_2(plan: Path, tmp_path: Path, terminals) -> None:
    env = dict(planner_env(tmp_path), TERM="dumb")
    terminal = Terminal(plan, env)
    terminals.append(terminal)
    assert terminal.child.wait(timeout=30) == 2
    time.sleep(0.1)
    shown = terminal.shown()
    assert b"planner check" in shown and b"TERM=dumb" in shown
    assert b"\x1b" not in shown and not COLOUR_24_BIT.search(shown)  # no escape codes at all
    assert b"Traceback" not in shown


def _no_home_preexec(uid: int):
    def preexec() -> None:
        import fcntl
        import termios

        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    return preexec


def _uid_without_passwd_entry() -> int:
    import pwd

    for uid in range(54321, 54421):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    pytest.skip("no free uid")


needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="only root can become a uid without a passwd entry")


def _homeless_env(tmp_path: Path) -> dict[str, str]:
    env = planner_env(tmp_path)
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "USER", "LOGNAME"):
        env.pop(name, None)
    return env


def _reachable_by_others(path: Path) -> bool:
    """Can any user reach `path` (every folder above it searchable by others)?"""
    path = path.resolve()
    return all(os.stat(folder).st_mode & stat.S_IXOTH for folder in [*reversed(path.parents), path]
               if folder.is_dir())


@pytest.fixture
def open_plan():
    """A plan in a folder of its own that another uid can reach (pytest's folders are private to root)."""
    if not (_reachable_by_others(Path(sys.executable).parent) and _reachable_by_others(ROOT)):
        pytest.skip("the planner itself is in a folder other users cannot reach (a mode-700 clone)")
    base = next((Path(d) for d in (tempfile.gettempdir(), "/tmp") if _reachable_by_others(Path(d))), None)
    if base is None:
        pytest.skip("no temporary folder other users can reach")
    folder = Path(tempfile.mkdtemp(dir=base))
    os.chmod(folder, 0o755)
    plan = folder / "plan.toml"
    shutil.copyfile(SAMPLE, plan)
    yield plan
    shutil.rmtree(folder, ignore_errors=True)


def _open_to(uid: int, *paths: Path) -> None:
    for path in paths:
        os.chown(path, uid, uid)


@needs_root
def test_no_home_directory_means_defaults_and_one_note(open_plan: Path, tmp_path: Path, terminals) -> None:
    plan = open_plan
    uid = _uid_without_passwd_entry()
    _open_to(uid, plan.parent, plan)
    terminal = Terminal(plan, _homeless_env(tmp_path), preexec=_no_home_preexec(uid))
    terminals.append(terminal)
    terminal.wait_shown(b"participants")
    terminal.wait_shown(b"No home directory")
    assert b"Traceback" not in terminal.shown()
    terminal.type(b"l")  # an edit: the plan's own recovery file, beside it, still works
    deadline = time.monotonic() + 10
    while not (plan.parent / ".plan.toml.planner").exists():
        assert time.monotonic() < deadline, "no recovery file beside the plan"
        time.sleep(0.05)
    _ends_on_sigterm(terminal)


@needs_root
def test_no_home_directory_check_still_judges(open_plan: Path, tmp_path: Path) -> None:
    plan = open_plan
    uid = _uid_without_passwd_entry()
    _open_to(uid, plan.parent, plan)

    def become() -> None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)

    result = subprocess.run([sys.executable, "-m", "planner", "check", str(plan)], capture_output=True, text=True,
                            env=_homeless_env(tmp_path), cwd=plan.parent, preexec_fn=become, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def _installed_plugin(site: Path) -> Path:
    """A package with a pydantic plugin, installed on `site` as pip would (an entry point in the
    "pydantic" group); the plugin writes a file when pydantic loads it."""
    marker = site / "plugin-loaded"
    (site / "spy_plugin.py").write_text(
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('loaded')\n"
        "class Spy:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = Spy()\n", encoding="utf-8")
    info = site / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n", encoding="utf-8")
    return marker


@pytest.mark.parametrize("command", [["check"], []], ids=["check", "the start without a terminal"])
def test_no_pydantic_plugin_sees_a_plan(tmp_path: Path, command: list[str]) -> None:
    """An installed pydantic plugin (logfire's records what is validated) is not loaded by the
    `planner` command, which validates partners' names and PICs; a program of its own that imports
    the planner's modules keeps pydantic's plugins (the same plugin is loaded there)."""
    site = tmp_path / "site"
    site.mkdir()
    marker = _installed_plugin(site)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]))
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    sample = str(SAMPLES / "lot2-example.toml")
    if command:
        args = [sys.executable, "-m", "planner", *command, sample]
    else:  # no terminal: the TUI's start loads the plan to say why it cannot go on, then exits 2
        args = [sys.executable, "-m", "planner", sample]
    done = subprocess.run(args, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr
    assert not marker.exists()
    # the same plugin, in a program that imports the planner itself: loaded (so the test can tell)
    code = f"from planner.storage import load_plan; load_plan({sample!r})"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
    assert marker.read_text() == "loaded"


def test_a_byte_that_is_not_utf8_from_the_terminal_is_a_replacement_character_not_the_end(
        plan: Path, tmp_path: Path, terminals) -> None:
    """A terminal set to Latin-1 (over SSH, say) sends é as the byte 0xE9. Textual's input thread decoded
    strictly and died on it (Textual issue 6456): the planner was gone, with no word about unsaved changes.
    The byte comes in as U+FFFD, shown in the field, and the planner goes on."""
    terminal = Terminal(plan, planner_env(tmp_path), size=(80, 24))
    terminals.append(terminal)
    terminal.wait_shown(b"participants")
    terminal.type(b"a")
    terminal.wait_shown(b"Add partner")
    terminal.type(b"Caf\xe9 Lisboa")
    terminal.wait_shown("Caf\ufffd Lisboa".encode("utf-8"))
    terminal.type(b"\x1b")  # escape: the form asks before dropping what was typed
    terminal.wait_shown(b"Discard")
    assert terminal.child.poll() is None
    assert b"UnicodeDecodeError" not in terminal.shown()
    _ends_on_sigterm(terminal)
