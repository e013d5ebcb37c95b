"""What the commands write: text through the escaping filter, JSON as it is, the exit codes, the files -o names."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from planner.errors import PlanError
from planner.files import special_kind
from planner.safetext import json_safe, visible

EXIT_ELIGIBLE, EXIT_NOT_ELIGIBLE, EXIT_UNREADABLE = 0, 1, 2
BOM = "\ufeff"


def out(text: str) -> None:
    """Text for people on standard output: whatever a file held, no control character reaches the terminal."""
    sys.stdout.write(visible(text, keep_newlines=True))


def err(text: str) -> None:
    """A message on standard error, escaped like `out`, ending in a newline."""
    sys.stderr.write(visible(text, keep_newlines=True) + "\n")


def emit(text: str, is_json: bool) -> None:
    """A command's output: JSON as it is (it escapes control characters itself), text through `out`."""
    if is_json:
        sys.stdout.write(json_safe(text))
    else:
        if text.startswith(BOM):  # a CSV's byte order mark is meant (Excel reads UTF-8 by it), not shown
            sys.stdout.write(BOM)
            text = text[1:]
        out(text)


def check_output(plan: Path, output: Path, force: bool) -> None:
    """`export -o` never replaces the plan it reads (also through a link), nor another file without --force."""
    if output.is_dir():
        raise PlanError(str(output), "is a folder; give the name of the file to write")
    if not (output.exists() or output.is_symlink()):
        return
    kind = special_kind(output)
    if kind is not None:  # written into, never replaced: no --force needed, and --force does not replace it
        if not (output.is_fifo() or output.is_char_device()):
            raise PlanError(str(output), f"is {kind}; the planner writes only into a regular file, "
                            "a pipe (FIFO) or a character device such as /dev/null")
        return
    try:
        same = output.exists() and plan.exists() and os.path.samefile(plan, output)
    except OSError:
        same = False
    if same or os.path.realpath(plan) == os.path.realpath(output):
        raise PlanError(str(output), f"is the plan being exported ({plan}); choose another file to write")
    if not force:
        raise PlanError(str(output), "already exists; add --force to replace it, or choose another file")
