"""Before the screen: the terminal's own size over COLUMNS/LINES, and a terminal that cannot show it."""

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


DUMB_TERMINAL = ("planner: this terminal (TERM=dumb) cannot show the planner's screen; "
                 "use 'planner check PLAN' to judge a plan, or 'planner --help' for every command")
