"""The verdict bar: the overall verdict in words, visible at every size."""

from __future__ import annotations

from planner.scoring import Scoreboard
from planner.tui.text import literal
from planner.tui.widgets.quiet import Line

# a grant warns only about the partner shares (over the cap fails): say so
WARNING_NAMES = {"grant": "grant shares"}


class VerdictBar(Line):
    def show(self, board: Scoreboard) -> None:
        text = ("✓ " if board.eligible else "✗ ") + board.headline
        if board.failures:
            text += ": " + ", ".join(f"{c.label.lower()} {c.count}".rstrip() for c in board.failures)
        if board.warnings:
            n = len(board.warnings)
            names = ", ".join(WARNING_NAMES.get(c.id, c.label.lower()) for c in board.warnings)
            text += f"  · {n} warning{'s' if n != 1 else ''}: {names}"
        if not board.eligible and (n := board.to_qualify.new_full_partners):
            text += f" · {n} new partner{'s' if n != 1 else ''} to go"  # the total, last: what it takes
        if text != getattr(self, "_text", None):  # unchanged: not laid out and drawn again
            self._text = text
            self.update(literal(text))
        if self.has_class("-eligible") != board.eligible or not self.classes & {"-eligible", "-not-eligible"}:
            # only on a change: setting a class restyles the bar even when it already had it
            self.set_class(board.eligible, "-eligible")
            self.set_class(not board.eligible, "-not-eligible")
