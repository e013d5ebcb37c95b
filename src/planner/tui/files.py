"""What a path is before anything reads it: a FIFO, a device or /dev/stdin would block the event loop."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def not_a_regular_file(path: Path, what: str = "plan file") -> str | None:
    """Why `path` cannot be read as a file without risk of blocking ("is a folder", ...), or None.

    os.stat never blocks on a FIFO (open() does), and it follows symlinks such as /dev/stdin.
    A missing path gives None: the caller says "not found" in its own words.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    except ValueError:  # a NUL in the path
        return "cannot use it: the path holds a NUL character"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return f"is a folder, not a {what}"
    if stat.S_ISFIFO(mode):
        return f"is a pipe (FIFO), not a {what}; reading it could wait for ever"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return f"is a device, not a {what}"
    if stat.S_ISSOCK(mode):
        return f"is a socket, not a {what}"
    return f"is not a regular file, not a {what}"
