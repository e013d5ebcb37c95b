"""Where the planner's own files go: the home and state folders (`NO_HOME` when there is none), this
host and whether a process on it is alive. Part of `planner.files`."""

from __future__ import annotations

import os
import socket
from pathlib import Path

# where the planner's own folders are when the user has no home directory (HOME unset, no passwd entry)
# and no XDG variable says otherwise: a folder that cannot exist, so nothing is read there and every
# write fails with its reason (the TUI says it once, and runs on defaults)
NO_HOME = Path(os.devnull) / "planner"


def home_dir() -> Path | None:
    """The user's home directory, or None when there is none to find."""
    try:
        return Path.home()
    except (RuntimeError, KeyError, OSError):
        return None


def state_dir() -> Path:
    """$XDG_STATE_HOME/planner (default ~/.local/state/planner): recovery of new plans, backup copies."""
    base = os.environ.get("XDG_STATE_HOME")
    if not base:
        home = home_dir()
        if home is None:
            return NO_HOME
        base = str(home / ".local" / "state")
    return Path(base) / "planner"


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Is process `pid` running on this host (whoever owns it)?"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is someone else's
    except OSError:
        return False
    return True
