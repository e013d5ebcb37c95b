"""A planner in a pseudo-terminal of its own, for the tests that need a real process and terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

ENDS_WITHIN = 3.5  # seconds from a signal to the process gone (the watchdog's grace is 1.5 s)


def planner_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, TERM="xterm-256color", TZ="UTC",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"))
    for name in ("COLUMNS", "LINES", "NO_COLOR", "TEXTUAL"):
        env.pop(name, None)
    return env


def _controlling_terminal() -> None:  # in the child, after setsid: stdin becomes its controlling terminal
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A pseudo-terminal with the planner in it; everything it writes is read and kept in `out`."""

    def __init__(self, plan: Path, env: dict[str, str], size: tuple[int, int] = (80, 24),
                 preexec=None, cwd: Path | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.child = subprocess.Popen([sys.executable, "-m", "planner", str(plan)], stdin=slave, stdout=slave,
                                      stderr=slave, env=env, cwd=cwd or plan.parent, start_new_session=True,
                                      preexec_fn=preexec or _controlling_terminal)
        os.close(slave)
        self.master: int | None = master
        self.out = b""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        # a read blocked on the master would keep it open after close(), and the planner would never get
        # its hang-up: wait for data with a timeout, and stop reading before the master is closed
        master = self.master
        while self.master is not None and master is not None:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.out += data

    def shown(self) -> bytes:
        with self._lock:
            return self.out

    def wait_shown(self, text: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.shown():
            assert self.child.poll() is None, f"the planner ended: {self.shown()[-2000:]!r}"
            assert time.monotonic() < deadline, f"{text!r} never shown: {self.shown()[-2000:]!r}"
            time.sleep(0.02)

    def type(self, keys: bytes) -> None:
        assert self.master is not None
        os.write(self.master, keys)

    def close(self) -> None:
        """The terminal goes away (a tab closed, the SSH link dropped): the kernel hangs up its session."""
        master, self.master = self.master, None
        if master is not None:
            self._reader.join(5)  # it stops within 0.05 s: then nothing holds the master but this fd
            os.close(master)

    def ended_within(self, since: float) -> float:
        """Seconds from `since` until the planner had ended (fails after ENDS_WITHIN and a margin)."""
        try:
            self.child.wait(timeout=ENDS_WITHIN + 5)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the planner was still running {ENDS_WITHIN + 5} s after the signal")
        return time.monotonic() - since

    def kill(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        self.close()
