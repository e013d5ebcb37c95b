"""SIGHUP and SIGTERM end the planner, whatever it is doing, within a second or two.

The handlers are plain `signal.signal` ones, installed before the app starts: Python runs them in the
main thread even while it waits on a lock or a full queue, where handlers given to the event loop
(`loop.add_signal_handler`) would wait for a loop that no longer turns. That is what happened when the
terminal closed while the first screen was being written: Textual's writer thread died on the closed
terminal, the main thread blocked for good putting the next write in its full queue, and neither the
hang-up nor a later SIGTERM was ever handled.

On a signal the unsaved changes are kept for recovery first, then the app is asked to exit the usual
way (the terminal given back), and a watchdog thread, which needs no event loop, ends the process
after GRACE seconds if that exit has not finished. A second signal ends it at once, once the unsaved
changes are written.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from typing import Any

GRACE = 1.5  # seconds for the graceful exit before the watchdog ends the process
SIGNALS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name))
# what Textual's driver sets on the terminal, undone as it would undo it (kitty keys, mouse, paste,
# focus events, the alternate screen, the hidden cursor)
TERMINAL_BACK = ("\x1b[<u\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?1004l"
                 "\x1b[?1049l\x1b[?25h").encode()


class Ending:
    """The planner's SIGHUP/SIGTERM handling for one run of the app."""

    def __init__(self, grace: float = GRACE) -> None:
        self.grace = grace
        self.app: Any = None  # the PlannerApp, once there is one
        self.loop: asyncio.AbstractEventLoop | None = None  # its event loop, once it runs
        self.code: int | None = None  # set on the first signal
        # the first signal's handler is writing the recovery file: a second signal (bash sends a closing
        # terminal's job a second SIGHUP) waits for it, where it ended the process in the middle of the
        # write (the partner form typed lost, a temporary file left)
        self.keeping = False
        self.again = False

    def install(self) -> None:
        for sig in SIGNALS:
            try:
                signal.signal(sig, self._on_signal)
            except (ValueError, OSError):  # not the main thread
                pass

    def watch_terminal(self, fd: int) -> None:
        """End as on a hang-up when the terminal goes without one (a process without a controlling terminal,
        whose terminal closes: Textual's input thread then reads nothing, at full speed, for good)."""
        import select

        if not hasattr(select, "poll"):
            return

        def watch() -> None:
            poller = select.poll()
            poller.register(fd, 0)  # only hang-ups and errors, which poll always reports
            while self.code is None:
                try:
                    events = poller.poll(1000)
                except (OSError, ValueError):
                    return
                if any(mask & (select.POLLHUP | select.POLLNVAL | select.POLLERR) for _, mask in events):
                    if self.code is None:
                        os.kill(os.getpid(), signal.SIGHUP)  # handled in the main thread, like the real one
                    return

        threading.Thread(target=watch, name="planner-terminal-watch", daemon=True).start()

    def _on_signal(self, signum: int, frame: object) -> None:
        code = 128 + signum
        if self.code is not None:
            if self.keeping:  # handled inside the first one's write: that one ends the process once written
                self.again = True
                return
            os._exit(self.code)  # asked again: no more waiting
        self.code = code
        threading.Thread(target=self._watchdog, name="planner-ending", daemon=True).start()
        app, loop = self.app, self.loop
        if app is not None:
            self.keeping = True
            try:
                app.keep_for_recovery()
            except Exception:  # never let a failed write keep the process alive
                pass
            finally:
                self.keeping = False
            if self.again:  # asked again while writing: no more waiting now that it is written
                os._exit(code)
        if app is None or loop is None or loop.is_closed() or not loop.is_running():
            os._exit(code)  # no app running: nothing to give back but the process
        try:
            loop.call_soon_threadsafe(app.end_on_signal, code)
        except RuntimeError:  # the loop closed meanwhile
            os._exit(code)

    def _watchdog(self) -> None:
        time.sleep(self.grace)
        # the graceful exit has not finished (a dead terminal, a blocked loop): give the terminal back if it
        # is still there, without waiting on it for long, then end the process
        back = threading.Thread(target=self._terminal_back, name="planner-terminal-back", daemon=True)
        back.start()
        back.join(0.3)
        try:  # a lock taken since the signal (the start was under way) goes, unsaved changes stay
            self.app.keep_for_recovery()
        except Exception:
            pass
        os._exit(self.code or 1)

    def _terminal_back(self) -> None:
        driver = getattr(self.app, "_driver", None)
        fileno = getattr(driver, "fileno", None)
        attrs = getattr(driver, "attrs_before", None)
        if not isinstance(fileno, int):
            return
        try:
            import termios

            if attrs is not None:
                termios.tcsetattr(fileno, termios.TCSANOW, attrs)
            os.write(fileno, TERMINAL_BACK)
        except Exception:
            pass
