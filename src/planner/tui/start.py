"""Before the screen: the terminal's own size over COLUMNS/LINES, a terminal that cannot show it, and bytes
from the terminal that are not UTF-8."""

from __future__ import annotations

import os
import sys

# COLUMNS/LINES taken only when the terminal does not say its size, and only within these bounds
MAX_COLUMNS, MAX_LINES = 1000, 500


def terminal_size_from_terminal() -> None:
    """The terminal's own size wins over COLUMNS and LINES left in the environment (Python's and Rich's
    size look-ups read them first: COLUMNS=20 made an 80x24 terminal "small" for good, COLUMNS=100000
    grew the screen to gigabytes). Without an answer from the terminal they are kept if sensible."""
    try:
        if sys.__stdout__ is None:  # Python started without one: no terminal to ask
            raise ValueError("no stdout")
        answer = os.get_terminal_size(sys.__stdout__.fileno())
        answered = answer.columns > 0 and answer.lines > 0
    except (AttributeError, ValueError, OSError):
        answered = False
    for name, limit in (("COLUMNS", MAX_COLUMNS), ("LINES", MAX_LINES)):
        value = os.environ.get(name)
        if value is None:
            continue
        try:
            sensible = 1 <= int(value) <= limit
        except ValueError:
            sensible = False
        if answered or not sensible:
            del os.environ[name]


def replace_bytes_not_utf8() -> None:
    """A byte from the terminal that is not UTF-8 (a terminal set to Latin-1 sends é as 0xE9, over SSH
    often; a paste of raw bytes) killed Textual's input thread: its driver decodes the keys with a
    strict decoder, UnicodeDecodeError ended the planner, and the question before losing unsaved
    changes was never asked (Textual issue 6456, open for the pinned 8.2.8). The driver makes that
    decoder with `codecs.getincrementaldecoder("utf-8")()`, a name of its module: here it gets one that
    replaces such a byte with U+FFFD, which a field shows. tests/test_environment.py types one into a
    real terminal, so a Textual that decodes otherwise is seen at its upgrade."""
    import codecs
    import functools

    from textual.drivers import linux_driver

    def replacing(encoding: str):  # what the driver calls: a decoder class, here with errors="replace"
        return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")

    linux_driver.getincrementaldecoder = replacing


DUMB_TERMINAL = ("planner: this terminal (TERM=dumb) cannot show the planner's screen; "
                 "use 'planner check PLAN' to judge a plan, or 'planner --help' for every command")
